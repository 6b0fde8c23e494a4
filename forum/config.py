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


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
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


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    WTF_CSRF_ENABLED = False
    VIEW_COUNT_FLUSH_SECONDS = 0
    # Fast hashing keeps the suite quick; production keeps werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
