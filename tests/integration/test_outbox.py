"""The outbox: work recorded with the change, delivered after commit, exactly once, even across outages.

Runs eagerly on the embedded default and against Redis with a real worker in the services suite.
"""

from flask import current_app
from sqlalchemy import func, select

from forum import tasks
from forum.extensions import db
from forum.models import OutboxMessage, Tag
from forum.services import outbox
from forum.transaction import unit_of_work


def _defer_and_commit(kind: str, **payload) -> int:
    message = outbox.defer(kind, **payload)
    db.session.commit()
    return message.id


def _performed() -> list[str]:
    return sorted(db.session.scalars(select(Tag.name).where(Tag.name.like("done-%"))))


def test_deferred_work_runs_after_commit_and_is_marked_done():
    message_id = _defer_and_commit("test.record", n=1)
    db.session.expire_all()
    assert _performed() == ["done-1"]
    assert db.session.get(OutboxMessage, message_id).done_at is not None


def test_rollback_discards_deferred_work():
    outbox.defer("test.record", n=2)
    db.session.rollback()
    assert _performed() == []
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_broker_outage_keeps_work_and_sweep_delivers_it_exactly_once():
    app = current_app._get_current_object()
    working = app.extensions[outbox.DISPATCH_EXTENSION]

    def broker_down(message_id: int) -> None:
        raise ConnectionError("broker unreachable")

    outbox.set_dispatcher(app, broker_down)
    try:
        ids = [_defer_and_commit("test.record", n=n) for n in range(3)]
    finally:
        outbox.set_dispatcher(app, working)
    assert _performed() == []
    assert outbox.pending_count() == 3
    assert outbox.sweep() == 3
    db.session.expire_all()
    assert _performed() == ["done-0", "done-1", "done-2"]
    # A duplicate hand-over (sweep racing the original dispatch) performs nothing twice.
    for message_id in ids:
        assert outbox.deliver(message_id) is False
    assert outbox.pending_count() == 0


def test_transient_failures_back_off_and_finally_fail():
    message_id = _defer_and_commit("test.flaky")
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.done_at is None
    assert message.attempts >= 1
    assert message.available_at > message.created_at
    for _ in range(outbox.MAX_ATTEMPTS):
        db.session.expire_all()
        if db.session.get(OutboxMessage, message_id).failed_at:
            break
        assert isinstance(tasks.attempt_delivery(message_id), outbox.RetryLater)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).failed_at is not None
    with unit_of_work():
        assert outbox.deliver(message_id) is False


def test_unknown_kind_is_marked_failed_not_retried_forever():
    message_id = _defer_and_commit("test.nobody-handles-this")
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.failed_at is not None
    assert "no handler" in message.last_error
