"""Reliable background work: record it with the change, hand it to Celery after the commit.

`defer(kind, **payload)` adds an outbox row to the current transaction. When that
transaction commits, a session listener hands the new rows to Celery (in-process on the
embedded default); a rollback discards them with everything else. If the broker is down the
request still succeeds: the rows wait, and the beat-scheduled `sweep` hands them over when
it is back. The worker performs a row's work and marks it done in one transaction, under a
row lock, so a row delivered twice is performed once.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from forum import bulk
from forum.extensions import db
from forum.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

PENDING_KEY = "outbox_pending"
COMMITTED_KEY = "outbox_committed"
MAX_ATTEMPTS = 8
REDISPATCH_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 500

Handler = Callable[[dict], None]
_handlers: dict[str, Handler] = {}
_background: set[str] = set()
DISPATCH_EXTENSION = "outbox.dispatch"


class RetryLater(Exception):
    """A handler's transient failure (a webhook timed out): try again with backoff.

    The attempt's unit of work rolls back; `record` (if given) then writes what the handler
    wants kept about the failure, in the unit of work that records the failed attempt.
    """

    def __init__(self, message: str, *, record: Callable[[], None] | None = None) -> None:
        super().__init__(message)
        self.record = record


def handler(kind: str, *, background: bool = False) -> Callable[[Handler], Handler]:
    """Register the function that performs outbox messages of `kind`.

    A handler works inside the delivery's unit of work (a service call, never a commit): its
    database effects and the "done" mark commit together. External effects (mail, webhooks) happen
    at least once; receivers dedupe by the message id they are given. `background` work
    (calls to other servers that may be slow) never runs inside a request, even when tasks
    run in-process: the sweep performs it.
    """

    def register(fn: Handler) -> Handler:
        _handlers[kind] = fn
        if background:
            _background.add(kind)
        return fn

    return register


def set_dispatcher(app, dispatch: Callable[[int], None] | None) -> None:
    """Install how a committed message id reaches this app's workers (the factory passes Celery's)."""
    app.extensions[DISPATCH_EXTENSION] = dispatch


def defer(kind: str, **payload) -> OutboxMessage:
    """Record work to run after the current transaction commits; ids in the payload, not objects."""
    message = OutboxMessage(kind=kind, payload=payload)
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(PENDING_KEY, []).append((message.id, kind))
    return message


def defer_many(kind: str, payloads: list[dict]) -> list[int]:
    """`defer` for many messages of one kind in one statement (batch jobs such as the care run)."""
    if not payloads:
        return []
    ids = [message_id for (message_id,) in bulk.insert_returning(
        OutboxMessage, [{"kind": kind, "payload": payload} for payload in payloads])]
    db.session.info.setdefault(PENDING_KEY, []).extend((message_id, kind) for message_id in ids)
    return ids


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if pending:
        session.info.setdefault(COMMITTED_KEY, []).extend(pending)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    """Dispatch once the committed transaction has released its connection.

    In-process tasks open a connection of their own; dispatching while the request still
    holds its connection would need two per request and can exhaust the pool under load.
    """
    if transaction.parent is None:
        committed = session.info.pop(COMMITTED_KEY, None)
        if committed:
            dispatch(committed)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def _in_process() -> bool:
    celery_app = current_app.extensions.get("celery")
    return bool(celery_app is not None and celery_app.conf.task_always_eager)


def dispatch(messages: list[tuple[int, str]], *, from_sweep: bool = False) -> int:
    """Hand (id, kind) messages to the worker; a broker failure leaves them for the sweep.

    Returns how many went. In-process, background kinds wait for the sweep instead of
    running inside the request.
    """
    dispatcher = current_app.extensions.get(DISPATCH_EXTENSION) if has_app_context() else None
    if dispatcher is None:
        return 0
    inline_only = not from_sweep and _in_process()
    sent = 0
    for message_id, kind in messages:
        if inline_only and kind in _background:
            continue
        try:
            dispatcher(message_id)
            sent += 1
        except Exception:
            log.warning("outbox message %s not dispatched; the sweep will retry", message_id, exc_info=True)
    return sent


def mark_dispatched(message_id: int) -> None:
    """Note the hand-over on a connection of its own (we may be inside another commit)."""
    with db.engine.begin() as conn:
        conn.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.done_at.is_(None))
                     .values(dispatched_at=utcnow()))


def wait_until_attempted(message_id: int, timeout: float) -> None:
    """Block until a worker has attempted the message (used by the test suite against a real worker)."""
    deadline = time.monotonic() + timeout
    query = select(OutboxMessage.attempts, OutboxMessage.done_at, OutboxMessage.failed_at).where(
        OutboxMessage.id == message_id)
    while time.monotonic() < deadline:
        with db.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.attempts or row.done_at or row.failed_at:
            return
        time.sleep(0.02)
    log.warning("outbox message %s not attempted within %ss", message_id, timeout)


def deliver(message_id: int) -> bool:
    """Perform one message exactly once, in the caller's unit of work (the task's).

    Returns False when it was already done or gave up. The handler's changes and the done
    mark commit together, under the row lock, so a retried or twice-delivered task finds the
    message done and performs nothing. A handler's RetryLater propagates: the task's unit of
    work rolls the attempt back, and the task records the failure in one of its own.
    """
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(attempts=OutboxMessage.attempts))  # row lock: one worker at a time
    message = db.session.get(OutboxMessage, message_id, with_for_update=True, populate_existing=True)
    if message is None or message.done_at is not None or message.failed_at is not None:
        return False
    fn = _handlers.get(message.kind)
    if fn is None:
        message.failed_at, message.last_error = utcnow(), f"no handler for {message.kind!r}"
        return False
    fn(dict(message.payload))
    message = db.session.get(OutboxMessage, message_id)
    message.done_at = utcnow()
    message.attempts += 1
    db.session.flush()
    return True


def record_failure(message_id: int, error: str) -> None:
    """Count a failed attempt and schedule the next one with backoff (gives up after MAX_ATTEMPTS)."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is None or message.done_at is not None:
        return
    message.attempts += 1
    message.last_error = error[:2000]
    message.available_at = utcnow() + timedelta(seconds=min(3600, 2 ** message.attempts * 5))
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = utcnow()
    db.session.flush()


def give_up(message_id: int, error: str) -> None:
    """Mark a message failed for good (the task ran out of retries)."""
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is not None and message.done_at is None:
        message.failed_at, message.last_error = utcnow(), error[:2000]
        db.session.flush()


def sweep(limit: int = SWEEP_BATCH) -> int:
    """Dispatch messages that never reached a worker, or whose delivery seems lost."""
    now = utcnow()
    query = select(OutboxMessage.id, OutboxMessage.kind).where(
        OutboxMessage.done_at.is_(None), OutboxMessage.failed_at.is_(None),
        OutboxMessage.available_at <= now,
        or_(OutboxMessage.dispatched_at.is_(None), OutboxMessage.dispatched_at <= now - REDISPATCH_AFTER),
    ).order_by(OutboxMessage.id).limit(limit)
    with db.engine.connect() as conn:  # a read of its own: in-process deliveries then use the pool freely
        rows = [tuple(row) for row in conn.execute(query)]
    return dispatch(rows, from_sweep=True)


def start_sweeper(app, interval: float) -> threading.Thread:
    """In-process mode's stand-in for Celery beat: sweep every `interval` seconds in a daemon thread."""

    def run() -> None:
        while True:
            time.sleep(interval)
            with app.app_context():
                try:
                    sweep()
                except Exception:
                    log.exception("outbox sweep failed")
                finally:
                    db.session.remove()

    thread = threading.Thread(target=run, name="outbox-sweeper", daemon=True)
    thread.start()
    return thread


def pending_count() -> int:
    return len(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.done_at.is_(None), OutboxMessage.failed_at.is_(None))).all())
