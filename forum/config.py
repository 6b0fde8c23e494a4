"""Configuration from environment variables with embedded defaults (DESIGN §10).

The embedded default needs nothing installed: SQLite in the instance folder, Celery tasks
run in-process, mail written to the log. Any setting can also be given as FORUM_<NAME>.
"""

import os
from typing import ClassVar


def database_url(instance_path: str) -> str:
    """DATABASE_URL when set (postgres:// spellings mapped to psycopg 3), else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "forum.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def celery_settings() -> dict:
    """Celery configuration: a Redis broker when CELERY_BROKER_URL is set, else run tasks in-process."""
    broker = os.environ.get("CELERY_BROKER_URL")
    settings = {
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "beat_schedule": {
            "sweep-outbox": {"task": "forum.tasks.sweep_outbox", "schedule": 60.0},
        },
    }
    if broker:
        settings.update(
            broker_url=broker,
            broker_connection_retry_on_startup=True,
            # A request must not hang when the broker is down: fail fast, the outbox keeps the work.
            broker_transport_options={"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0},
            broker_connection_timeout=2,
        )
    else:
        settings.update(task_always_eager=True, task_eager_propagates=False, broker_url="memory://")
    return settings


class Config:
    # "production" turns on secure cookies and refuses to start with the development secret key.
    ENVIRONMENT = os.environ.get("PEERCARE_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    # Number of trusted reverse proxies in front of the app (their X-Forwarded-* headers are believed).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Rate-limit counters: Redis when RATELIMIT_STORAGE_URI is set, else per-process memory.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_NEW_MEMBER_QUESTIONS = "1/5 minutes"
    RATELIMIT_API_TOKEN = "1000/hour"
    LOGIN_FAILURES_BEFORE_DELAY = 5
    REQUIRE_STAFF_2FA = ENVIRONMENT == "production"
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = 1024 * 1024
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    QUESTIONS_PER_PAGE = 20
    API_MAX_PER_PAGE = 100
    VIEW_COUNT_FLUSH_SECONDS = 30
    SITE_NAME = "PeerCare Community"
    CELERY: ClassVar[dict] = celery_settings()
    # Extra modules that register outbox handlers or event subscribers (plug-ins, test doubles).
    OUTBOX_HANDLER_MODULES: ClassVar[list[str]] = []
    # >0 makes a request wait until a real worker has attempted its outbox messages: only the
    # test suite uses it, so the same tests run eagerly and against a real broker and worker.
    OUTBOX_WAIT_SECONDS = 0


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    VIEW_COUNT_FLUSH_SECONDS = 0
    RATELIMIT_ENABLED = False
    OUTBOX_WAIT_SECONDS = 30
    OUTBOX_HANDLER_MODULES: ClassVar[list[str]] = ["tests.outbox_handlers"]
    # Fast hashing keeps the suite quick; production keeps werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
