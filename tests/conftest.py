"""Fixtures: an app on a fresh database (SQLite in a temp folder, or DATABASE_URL), a client."""

import os

import pytest
from flask import g, request_started
from sqlalchemy import event, text

from forum import create_app
from forum.config import TestConfig
from forum.extensions import db


def _database_uri(tmp_path_factory) -> str:
    if os.environ.get("DATABASE_URL"):
        from forum.config import database_url

        return database_url("")
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    uri = _database_uri(tmp_path_factory)
    application = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                              "SQLALCHEMY_DATABASE_URI": uri})
    with application.app_context():
        db.drop_all()
        db.create_all()
    request_started.connect(_fresh_globals, application)
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _fresh_globals(sender, **extra) -> None:
    """The test client reuses the test's app context; give each request a fresh `g` as in production."""
    g.__dict__.clear()


def _wipe() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.rollback()
        _wipe()
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


def login(client, user, password: str = "correct-horse-battery"):
    return client.post("/login", data={"login": user.username, "password": password})
