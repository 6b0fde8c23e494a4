"""Search (README, "Search"): one SearchBackend interface, a Whoosh and a PostgreSQL implementation.

create_app calls `init_app`, which picks the backend (SEARCH_BACKEND, or PostgreSQL when the
database is PostgreSQL), stores it in `app.extensions["search"]` and registers the thread
document source, the event subscriptions and the "search.index" outbox handler, so the web,
CLI and worker processes all keep the index current.
"""

import os

from flask import Flask
from sqlalchemy.engine import make_url

from forum.search.backend import SearchBackend

EXTENSION = "search"
BACKENDS = ("auto", "whoosh", "postgresql")


def make_backend(app: Flask) -> SearchBackend:
    choice = str(app.config.get("SEARCH_BACKEND") or "auto").lower()
    if choice not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {choice!r}")
    on_postgres = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql"
    if choice == "auto":
        choice = "postgresql" if on_postgres else "whoosh"
    if choice == "postgresql":
        if not on_postgres:
            raise RuntimeError("SEARCH_BACKEND=postgresql needs DATABASE_URL to be a PostgreSQL database")
        from forum.search.postgres_backend import PostgresBackend

        return PostgresBackend()
    from forum.search.whoosh_backend import WhooshBackend

    directory = app.config.get("SEARCH_INDEX_DIR") or os.path.join(app.instance_path, "search-index")
    return WhooshBackend(directory, write_timeout=float(app.config["SEARCH_WRITE_TIMEOUT"]))


def init_app(app: Flask) -> None:
    from forum.search import indexing, sources

    sources.init_app(app)
    indexing.init_app(app)
    app.extensions[EXTENSION] = make_backend(app)
