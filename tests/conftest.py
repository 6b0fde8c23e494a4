"""Fixtures: an app on a fresh database (SQLite in a temp folder, or DATABASE_URL), a client."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask, g, request_started
from sqlalchemy import event, text

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db
from forum.models.moderation import AUDIT_TABLE
from forum.transaction import has_unsaved_changes, unit_of_work

TEST_DOUBLES = ["tests.outbox_handlers"]  # outbox handlers only the tests use (see tests/outbox_handlers.py)


def _database_uri(tmp_path_factory) -> str:
    if os.environ.get("DATABASE_URL"):
        from forum.config import database_url

        return database_url("")
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    uri = _database_uri(tmp_path_factory)
    application = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                              "OUTBOX_HANDLER_MODULES": TEST_DOUBLES, "SQLALCHEMY_DATABASE_URI": uri,
                              "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("search-index"))})
    with application.app_context():
        db.drop_all()
        db.create_all()
    request_started.connect(_fresh_globals, application)
    request_started.connect(_commit_setup, application)
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def smtp_server(app):
    """A real SMTP server (aiosmtpd) for the session; the app (and the real worker) send all mail to it."""
    from forum import mail
    from tests import smtp_sink

    controller, sink = smtp_sink.start()
    app.config.update(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    mail.init_app(app)
    yield sink
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    """The SMTP server's received mail, emptied for this test."""
    smtp_server.clear()
    return smtp_server


@pytest.fixture(scope="session", autouse=True)
def celery_worker(app, smtp_server):
    """With CELERY_BROKER_URL set, run a real `celery worker` against the same database for the session."""
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        yield None
        return
    root = Path(__file__).resolve().parents[1]
    celery_bin = str(Path(sys.executable).parent / "celery")
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "FORUM_OUTBOX_HANDLER_MODULES": json.dumps(app.config["OUTBOX_HANDLER_MODULES"]),
           **worker_environment(app)}
    subprocess.run([celery_bin, "-A", "wsgi.celery", "purge", "-f"], cwd=root, env=env, check=True,
                   capture_output=True)
    log_path = Path(os.environ.get("PEERCARE_ARTIFACTS", root / "test-artifacts")) / "celery-worker.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log_file:
        worker = subprocess.Popen(
            [celery_bin, "-A", "wsgi.celery", "worker", "--loglevel=INFO", "--concurrency=2", "--without-gossip",
             "--without-mingle", "--hostname=peercare-tests@%h"],
            cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    celery_app = app.extensions["celery"]
    for _ in range(300):
        if worker.poll() is not None:
            raise RuntimeError("the Celery worker exited: " + log_path.read_text()[-3000:])
        if celery_app.control.ping(timeout=0.2):
            break
    else:
        worker.terminate()
        raise RuntimeError("the Celery worker did not answer: " + log_path.read_text()[-3000:])
    yield worker
    worker.terminate()
    worker.wait(timeout=30)


def worker_environment(app) -> dict[str, str]:
    """Settings the worker must share with the test app (FORUM_* variables, JSON-encoded)."""
    shared = ("SEARCH_INDEX_DIR", "MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER", "MAIL_SUPPRESS_SEND",
              "SERVER_NAME", "PREFERRED_URL_SCHEME", "SITE_URL", "SECRET_KEY")
    return {f"FORUM_{key}": json.dumps(app.config[key]) for key in shared if app.config.get(key) is not None}


def _fresh_globals(sender, **extra) -> None:
    """The test client reuses the test's app context; give each request a fresh `g` as in production."""
    g.__dict__.clear()


def _commit_setup(sender, **extra) -> None:
    """What the test wrote before a request is committed, as it would be in a process of its own.

    The test client shares the test's session, so without this a request's rollback would
    undo the test's setup, and a request would see rows no other process could.
    """
    if has_unsaved_changes(db.session):
        with unit_of_work():
            pass


def _wipe() -> None:
    """Empty every table after a test, children first, and start ids from 1 again.

    DELETE rather than TRUNCATE on PostgreSQL too: truncating the ~60 tables gives each table and
    index a new file, which took 0.3–2.5 s per test, most of the PostgreSQL suite's time; deleting
    the few rows a test wrote takes milliseconds. The audit log's trigger refuses deletes (it is
    append-only), so that one table is truncated, and only when a test wrote to it.
    """
    postgresql = db.engine.dialect.name == "postgresql"
    for table in reversed(db.metadata.sorted_tables):
        if postgresql and table.name == AUDIT_TABLE:
            if db.session.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {table.name})")):
                db.session.execute(text(f"TRUNCATE {table.name}"))
        else:  # as SQL text, which the ORM's append-only guard doesn't intercept (SQLite's trigger is on UPDATE)
            db.session.execute(text(f"DELETE FROM {table.name}"))
    if postgresql:
        db.session.execute(text("SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'"))
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.rollback()
        _wipe()
        with unit_of_work():
            app.extensions["search"].clear()  # ids restart after the wipe: no document may outlive its row
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args) -> None:
        self.count += 1


@pytest.fixture
def count_queries():
    """Count SQL statements sent while the returned counter is active."""
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider on 127.0.0.1 for the whole session (tests/oidc_provider.py)."""
    from tests.oidc_provider import Provider

    provider = Provider()
    yield provider
    provider.stop()


@pytest.fixture
def sso_provider(app, oidc_provider):
    """The app signs members in with the test provider, as "company" ("Sign in with Northwind ID")."""
    from forum import sso

    oidc_provider.reset()
    app.config["SSO_PROVIDERS"] = {"company": {"issuer": oidc_provider.issuer, "client_id": "peercare-tests",
                                               "client_secret": "client-secret", "label": "Northwind ID"}}
    sso.init_app(app)  # fresh clients: no discovery document or keys cached from another test
    yield oidc_provider
    oidc_provider.reset()
    app.config["SSO_PROVIDERS"] = {}
    sso.init_app(app)


def login(client, user, password: str = "correct-horse-battery"):
    return client.post("/login", data={"login": user.username, "password": password})


@pytest.fixture
def rate_limits(app):
    """Rate limits switched on (the test app runs without them) with empty counters."""
    from forum.security import limiter

    if not limiter.initialized:  # limits were off when the app was made, so the limiter has no storage yet
        bare = Flask("limiter-storage")
        bare.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
        limiter.init_app(bare)
    app.config["RATELIMIT_ENABLED"] = True
    limiter.enabled = True
    limiter.reset()
    yield limiter
    limiter.reset()
    app.config["RATELIMIT_ENABLED"] = False
    limiter.enabled = False
