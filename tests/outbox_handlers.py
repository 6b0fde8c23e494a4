"""Outbox handlers used by tests; imported by the test app and by the real worker the services suite starts.

Their effects are rows in the database, so a test can see them whichever process performed them.
"""

from forum.extensions import db
from forum.models import Tag
from forum.services import outbox


@outbox.handler("test.record")
def record(payload: dict) -> None:
    db.session.add(Tag(name=f"done-{payload['n']}"))


@outbox.handler("test.flaky")
def flaky(payload: dict) -> None:
    raise outbox.RetryLater("receiver timed out")
