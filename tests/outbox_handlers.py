"""Outbox handlers used by tests, wired in by the test app's config (OUTBOX_HANDLER_MODULES, set in
tests/conftest.py) and by the real worker the services suite starts (the same setting, passed on).

Their effects are rows in the database, so a test can see them whichever process performed them.
"""

from forum.extensions import db
from forum.models import Tag
from forum.services import outbox


def record(payload: dict) -> None:
    db.session.add(Tag(name=f"done-{payload['n']}"))


def flaky(payload: dict) -> None:
    raise outbox.RetryLater("receiver timed out")


def init_app(app) -> None:
    outbox.handler("test.record")(record)
    outbox.handler("test.flaky")(flaky)
