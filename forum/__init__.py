"""PeerCare: a peer-support community where customers help each other."""

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from forum.config import Config, database_url
from forum.extensions import csrf, db, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config: type | dict | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the application: config, extensions, blueprints and CLI commands.

    `instance_path` replaces the default instance folder (the SQLite database, search index,
    mail folder and generated secret key live there).
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    app.config.from_prefixed_env("FORUM")
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", database_url(app.instance_path))
    from forum import security

    security.ensure_secret_key(app)  # before anything signs a cookie, a token or a link
    from forum import logging as structured_logs

    structured_logs.init_app(app)  # first, so request ids and JSON lines cover every later hook
    from forum import input_filter

    input_filter.init_app(app)  # then: no later hook or view sees a NUL, a lone surrogate or deep JSON
    from forum import pagecache

    pagecache.init_app(app)  # early too: a cached page for a visitor skips the later hooks

    db.init_app(app)
    from forum import transaction

    transaction.init_app(app)  # a view that changes rows outside a unit of work is reported
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)

    from forum import auth, i18n, templating
    from forum.views import register_blueprints

    auth.init_app(app)
    i18n.init_app(app)  # the locale selector and the Jinja i18n extension, before any template renders
    templating.init_app(app)
    register_blueprints(app)

    security.init_app(app)

    from forum.cli import register_commands

    register_commands(app)

    from forum.celery_app import celery_init_app
    from forum.services import viewcounts

    viewcounts.init_app(app)
    from forum import mail, search, sso
    from forum.services import account_email, care, digests, feeds, notifications, profile_fields, queries, webhooks
    from forum.services import sso as sso_accounts
    from moderation import hooks

    mail.init_app(app)
    sso.init_app(app)  # the OpenID Connect clients of the configured providers
    # Every reaction, outbox handler, feed, digest section, search source and export section is
    # registered here, explicitly; event subscribers run in this order (after pagecache's).
    queries.init_app(app)
    notifications.init_app(app)
    search.init_app(app)  # the search backend, its event subscribers and its outbox handler
    hooks.init_app(app)  # moderation: the review queue and the audit of staff edits
    sso_accounts.init_app(app)
    profile_fields.init_app(app)
    account_email.init_app(app)
    webhooks.init_app(app)  # community events for the endpoints subscribed to them
    feeds.init_app(app)
    digests.init_app(app)
    from forum.services import satisfaction

    satisfaction.init_app(app)  # the survey email, its export section, anonymisation on deletion
    care.init_app(app)  # the "Questions for you" digest section
    from forum.services import self_service

    self_service.init_app(app)  # searches marked "asked anyway" on question.asked; ids erased with the account
    from forum.services import insight_facts

    insight_facts.init_app(app)  # the health console's member days: a deleted account's id erased from them
    celery_init_app(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers proceed while one writer writes; the busy timeout queues writers."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
