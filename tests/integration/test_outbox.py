"""The outbox: work recorded with the change, delivered after commit, exactly once, even across outages."""

import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import OutboxMessage, Tag
from forum.services import outbox

performed: list[dict] = []


@outbox.handler("test.record")
def _record(payload: dict) -> None:
    performed.append(payload)
    db.session.add(Tag(name=f"done-{payload['n']}"))


@outbox.handler("test.flaky")
def _flaky(payload: dict) -> None:
    raise outbox.RetryLater("receiver timed out")


@pytest.fixture(autouse=True)
def _clear():
    performed.clear()


def _defer_and_commit(kind: str, **payload) -> int:
    message = outbox.defer(kind, **payload)
    db.session.commit()
    return message.id


def test_deferred_work_runs_after_commit_and_is_marked_done():
    message_id = _defer_and_commit("test.record", n=1)
    assert performed == [{"n": 1}]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).done_at is not None
    assert db.session.scalar(select(Tag.id).where(Tag.name == "done-1"))


def test_rollback_discards_deferred_work():
    outbox.defer("test.record", n=2)
    db.session.rollback()
    assert performed == []
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_broker_outage_keeps_work_and_sweep_delivers_it_exactly_once():
    celery_app = current_app.extensions["celery"]

    def broker_down(message_id: int) -> None:
        raise ConnectionError("broker unreachable")

    app = current_app._get_current_object()
    working = app.extensions[outbox.DISPATCH_EXTENSION]
    outbox.set_dispatcher(app, broker_down)
    try:
        ids = [_defer_and_commit("test.record", n=n) for n in range(3)]
    finally:
        outbox.set_dispatcher(app, working)
    assert performed == []
    assert outbox.pending_count() == 3
    assert outbox.sweep() == 3
    assert sorted(p["n"] for p in performed) == [0, 1, 2]
    # A duplicate hand-over (sweep racing the original dispatch) performs nothing twice.
    for message_id in ids:
        assert outbox.deliver(message_id) is False
    assert len(performed) == 3
    assert outbox.pending_count() == 0
    assert celery_app.conf.task_always_eager


def test_transient_failures_back_off_and_finally_fail():
    message_id = _defer_and_commit("test.flaky")
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.done_at is None
    assert message.attempts == 1
    assert message.available_at > message.created_at
    for _ in range(outbox.MAX_ATTEMPTS):
        with pytest.raises(outbox.RetryLater):
            outbox.deliver(message_id)
        if db.session.get(OutboxMessage, message_id).failed_at:
            break
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message_id).failed_at is not None
    assert outbox.deliver(message_id) is False


def test_unknown_kind_is_marked_failed_not_retried_forever():
    message_id = _defer_and_commit("test.nobody-handles-this")
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.failed_at is not None
    assert "no handler" in message.last_error
