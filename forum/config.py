"""Configuration from environment variables with embedded defaults (README, "Configuration" and "Command line").

The embedded default needs nothing installed: SQLite in the instance folder, Celery tasks
run in-process, mail written to the log. Any setting can also be given as FORUM_<NAME>.
"""

import os
from typing import ClassVar

from celery.schedules import crontab

from forum.sso.providers import from_environment as sso_providers_from_environment


def database_url(instance_path: str) -> str:
    """DATABASE_URL when set (postgres:// spellings mapped to psycopg 3), else SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "forum.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def trusted_hosts(environ) -> list[str] | None:
    """TRUSTED_HOSTS as Flask takes it: the comma-separated names, or None (any host) when unset."""
    return [name.strip() for name in environ.get("TRUSTED_HOSTS", "").split(",") if name.strip()] or None


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
            # Digests go out at 07:00 in each member's time zone: a run every 15 minutes finds the
            # zones where it is 07:xx (half-hour zones included); already-sent periods are skipped.
            "send-digests": {"task": "forum.tasks.send_digests", "schedule": crontab(minute="*/15")},
            # Automatic escalation and update-cadence reminders (forum/services/care/run.py).
            "care-run": {"task": "forum.tasks.care_run", "schedule": crontab(minute="*/5")},
            # The health console's daily rollups, just after the UTC day ends (forum/services/insight_facts.py).
            "rollup-insights": {"task": "forum.tasks.rollup_insights", "schedule": crontab(hour=0, minute=10)},
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
    # "production" turns on secure cookies and refuses to start without a strong SECRET_KEY; elsewhere
    # a missing key is generated once and kept in the instance folder (forum/security.py).
    ENVIRONMENT = os.environ.get("PEERCARE_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    # Number of trusted reverse proxies in front of the app (their X-Forwarded-* headers are believed).
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Rate-limit counters: Redis when RATELIMIT_STORAGE_URI is set, else per-process memory.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_NEW_MEMBER_QUESTIONS = "1/5 minutes"
    RATELIMIT_API_TOKEN = "1000/hour"
    # Wrong passwords before sign-in slows down: per account and source address, and per source.
    LOGIN_FAILURES_BEFORE_DELAY = 5
    LOGIN_SOURCE_FAILURES_BEFORE_DELAY = 20
    REQUIRE_STAFF_2FA = ENVIRONMENT == "production"
    # Members confirm their email (a signed link, valid EMAIL_CONFIRMATION_MAX_AGE seconds) before
    # they may ask, answer, comment or suggest edits; production only unless FORUM_REQUIRE_EMAIL_CONFIRMATION says.
    REQUIRE_EMAIL_CONFIRMATION = ENVIRONMENT == "production"
    EMAIL_CONFIRMATION_MAX_AGE = 48 * 3600
    PASSWORD_RESET_MAX_AGE = 3600
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
    # Read-side caches (bench/RESULTS.md). Counts on list pages (totals, questions per product) may
    # be this many seconds old. Whole pages for anonymous readers (no session user, no token, no
    # flash) are kept this long per process when > 0: a deployment opts in (make serve-prod does).
    COUNT_CACHE_SECONDS = 30
    ANONYMOUS_PAGE_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_PAGE_CACHE_SECONDS", "0"))
    ANONYMOUS_PAGE_CACHE_BYTES = 32 * 1024 * 1024
    # Logs (forum/logging.py): JSON lines (or "text"), the root level, one line per request.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_REQUESTS = True
    # Moderation (README, "Moderation"): spam/abuse flags that hide a post pending review (one moderator flag
    # always does), and what new members (reputation below new_member_reputation) may post per UTC
    # day. Admins override these at run time in the moderator console (/mod/settings).
    MODERATION_THRESHOLDS: ClassVar[dict[str, int]] = {
        "flags_to_hide": 3, "new_member_reputation": 10, "new_member_questions_per_day": 3,
        "new_member_answers_per_day": 10, "new_member_links_per_post": 2,
    }
    SITE_NAME = "PeerCare Community"
    # A `lang=en_001` cookie shows pages in the pseudo-locale (every catalog string in ⟦…⟧, built by
    # `make i18n-pseudo`) when this is on: the browser suite turns it on to find unmarked text.
    I18N_PSEUDO_LOCALE = False
    CELERY: ClassVar[dict] = celery_settings()
    # Extra modules whose init_app(app) registers more outbox handlers or event subscribers (plug-ins;
    # the test suite adds its test doubles here, in tests/conftest.py).
    OUTBOX_HANDLER_MODULES: ClassVar[list[str]] = []
    # >0 makes a request wait until a real worker has attempted its outbox messages: only the
    # test suite uses it, so the same tests run eagerly and against a real broker and worker.
    OUTBOX_WAIT_SECONDS = 0
    # Without a broker, a thread in the web process sweeps the outbox this often (Celery beat's job).
    OUTBOX_SWEEP_SECONDS = 30
    # Support cases: SLA targets per priority ("4h", "3d", "1bd" = business days) and webhook calls.
    CASE_SLA_TARGETS: ClassVar[dict[str, str]] = {"urgent": "4h", "high": "1bd", "normal": "3d", "low": "7d"}
    WEBHOOK_TIMEOUT_SECONDS = 5
    # At most this many automatic escalations per care run (the rest wait for the next run).
    CARE_RUN_LIMIT = 20_000
    # Full days the nightly insights rollup recomputes: a question's facts keep changing for about a
    # month (solved within 30 days, a late first answer), so older days are left as they were rolled.
    INSIGHTS_ROLLUP_DAYS = int(os.environ.get("INSIGHTS_ROLLUP_DAYS", "31"))
    # Search (README, "Search"): "auto" picks PostgreSQL full-text search on a PostgreSQL database and
    # the embedded Whoosh index otherwise; "whoosh" or "postgresql" forces one.
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "auto")
    # The Whoosh index folder; None means "search-index" in the instance folder.
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR") or None
    # How long an index update waits for another process's writer before it is retried later.
    SEARCH_WRITE_TIMEOUT = 5.0
    SEARCH_PER_PAGE = 20
    # Email (README, "Notifications, email digests and feeds"): SMTP through Flask-Mail when
    # MAIL_SERVER is set; without it every
    # message is written to MAIL_FOLDER (default: "mail" in the instance folder) and logged.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "PeerCare Community <community@localhost>")
    # Flask-Mail would silently drop mail whenever TESTING is on; we choose explicitly instead.
    MAIL_SUPPRESS_SEND = False
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER") or None
    # The site's public address: every absolute link (email, feeds, the API's `url` fields, the OpenAPI
    # `servers`) starts with it, never with the Host header a client sent (README, "Security").
    SITE_URL = os.environ.get("SITE_URL", "http://localhost:5000")
    # The host names requests may carry (Flask's TRUSTED_HOSTS), comma-separated; ".example.com" also
    # matches its subdomains. Another Host header gets 400. Unset, any host is answered.
    TRUSTED_HOSTS = trusted_hosts(os.environ)
    # At most this many members are notified of @mentions in one post (spam and typo bound).
    MENTIONS_PER_POST = 10
    FEED_ITEMS = 30
    # Single sign-on (forum/sso/providers.py): OpenID Connect providers from SSO_PROVIDERS and
    # SSO_<KEY>_* variables. Their discovery document and keys are cached per process and
    # re-read after SSO_METADATA_MAX_AGE seconds (keys also when a token names an unknown key).
    SSO_PROVIDERS: ClassVar[dict] = sso_providers_from_environment(os.environ)
    SSO_HTTP_TIMEOUT = 5
    SSO_METADATA_MAX_AGE = 3600
    SSO_CLOCK_LEEWAY = 60
    # The ID token is kept in the session as the logout hint only up to this size (cookie limits).
    SSO_ID_TOKEN_HINT_MAX = 1800
    # How long an emailed "link this sign-in" link works, and how recent an SSO sign-in must be
    # for a member without a password to delete their account.
    SSO_LINK_MAX_AGE = 3600
    SSO_REAUTHENTICATION_SECONDS = 600


class TestConfig(Config):
    TESTING = True
    API_CHECK_RESPONSES = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    VIEW_COUNT_FLUSH_SECONDS = 0
    COUNT_CACHE_SECONDS = 0
    ANONYMOUS_PAGE_CACHE_SECONDS = 0
    RATELIMIT_ENABLED = False
    REQUIRE_EMAIL_CONFIRMATION = False
    OUTBOX_WAIT_SECONDS = 30
    # Fast hashing keeps the suite quick; production keeps werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SITE_URL = "http://localhost"
    TRUSTED_HOSTS = None  # tests send whatever Host they need; test_host_header.py turns it on
