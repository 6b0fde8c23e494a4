"""`flask db upgrade` on an empty database yields exactly the models' schema, and downgrades cleanly."""

import os
import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from forum import create_app
from forum.config import TestConfig, database_url
from forum.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    if not os.environ.get("DATABASE_URL"):
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    base = database_url("")
    name = f"peercare_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield base.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_from_empty_matches_models_and_downgrades_to_nothing(empty_database_url):
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _eager_app(database_url: str):
    """An app on `database_url` whose tasks run in-process: the suite's real worker serves the
    suite's own database, not this one."""
    eager = {k: v for k, v in TestConfig.CELERY.items() if not k.startswith("broker")}
    eager.update(task_always_eager=True, task_eager_propagates=False, broker_url="memory://")
    return create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                       "SQLALCHEMY_DATABASE_URI": database_url, "CELERY": eager})


def test_a_community_with_content_migrates_down_and_up_again(empty_database_url):
    """Batch-mode table rebuilds on SQLite must not trip over rows that point at the table."""
    from sqlalchemy import func, select

    from forum.models import Case, CaseUpdate, Question
    from forum.services import demo
    from forum.transaction import unit_of_work

    app = _eager_app(empty_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        with unit_of_work():
            demo.seed()
        counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Question, Case, CaseUpdate)]
        assert min(counts) > 0
        db.session.remove()
        flask_migrate.downgrade(revision="7c41d9e0a6b2")  # before response targets rebuilt `cases`
        flask_migrate.upgrade(revision="heads")
        assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Question, Case, CaseUpdate)] == counts
        db.session.remove()
        db.engine.dispose()


def test_answer_counts_are_recounted_without_hidden_answers(empty_database_url):
    """Counts kept before hiding changed them included hidden answers; the upgrade recounts them."""
    from sqlalchemy import select, update

    from forum.models import Answer, Question, utcnow
    from forum.services import demo
    from forum.transaction import unit_of_work

    app = _eager_app(empty_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        with unit_of_work():
            demo.seed()
        answer = db.session.scalars(select(Answer).where(Answer.deleted_at.is_(None)).order_by(Answer.id)).first()
        question_id = answer.question_id
        with unit_of_work():
            db.session.execute(update(Answer).where(Answer.id == answer.id).values(hidden_at=utcnow()))
        db.session.remove()

        def count() -> int:
            db.session.remove()
            value = db.session.scalar(select(Question.answer_count).where(Question.id == question_id))
            db.session.remove()  # an open read would hold a lock that a migration's ALTER TABLE waits for
            return value

        kept = count()  # hidden behind the services' back: the count still includes it, as before
        flask_migrate.downgrade(revision="c4d8e2f6a9b1")
        assert count() == kept  # the old meaning: every answer not deleted
        flask_migrate.upgrade(revision="heads")
        assert count() == kept - 1
        db.session.remove()
        db.engine.dispose()
