"""With the broker unreachable, writes still succeed; when it is back, every outbox row is delivered once.

The outage is a real Redis client pointed at a closed port; delivery afterwards goes through the
suite's own path (in-process eagerly, or the real Redis broker and worker in the services suite).
"""

from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import OutboxMessage, Tag
from forum.services import outbox
from tests.broker import unreachable_celery
from tests.conftest import login
from tests.factories import make_question, make_user


def test_writes_survive_a_broker_outage_and_are_delivered_exactly_once_after(client):
    app = current_app._get_current_object()
    working = app.extensions[outbox.DISPATCH_EXTENSION]
    unreachable = unreachable_celery()
    attempts: list[int] = []

    def dispatch_to_dead_broker(message_id: int) -> None:
        attempts.append(message_id)
        unreachable.send_task("forum.tasks.deliver_outbox", args=[message_id], retry=False)

    question = make_question()
    helper = make_user()
    outbox.set_dispatcher(app, dispatch_to_dead_broker)
    try:
        login(client, helper)
        response = client.post(f"/questions/{question.id}/answers",
                               data={"body": "Re-pair the sensor after replacing its battery."})
        assert response.status_code == 302
        for n in range(5):
            outbox.defer("test.record", n=n)
            db.session.commit()
    finally:
        outbox.set_dispatcher(app, working)
        unreachable.close()

    db.session.expire_all()
    pending = outbox.pending_count()
    assert len(attempts) == pending >= 5
    assert db.session.scalar(select(func.count(Tag.id)).where(Tag.name.like("done-%"))) == 0

    outbox.sweep()
    outbox.sweep()  # a second sweep finds nothing left to hand over twice
    db.session.expire_all()
    assert outbox.pending_count() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.failed_at.is_not(None))) == 0
    done = sorted(db.session.scalars(select(Tag.name).where(Tag.name.like("done-%"))))
    assert done == [f"done-{n}" for n in range(5)]
