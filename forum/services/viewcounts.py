"""Question view counts, buffered in memory and written in batches.

A page view is a read: it must not commit a write per request. Views are counted per
process and flushed with one UPDATE per question at most every VIEW_COUNT_FLUSH_SECONDS.
"""

import threading
import time
from collections import Counter

from sqlalchemy import select, update

from forum.models import Question

_lock = threading.Lock()
_pending: Counter[int] = Counter()
_last_flush = time.monotonic()
_interval = 30.0
_engine_getter = None


def init_app(app) -> None:
    global _interval, _engine_getter
    _interval = float(app.config["VIEW_COUNT_FLUSH_SECONDS"])
    from forum.extensions import db

    def engine():
        return db.engine

    _engine_getter = engine


def count_view(question_id: int) -> None:
    """Note one view; flush the buffer when it is old enough."""
    with _lock:
        _pending[question_id] += 1
        due = time.monotonic() - _last_flush >= _interval
    if due:
        flush()


def flush() -> int:
    """Write buffered counts on a connection of their own (outside the request's session)."""
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch or _engine_getter is None:
        return 0
    written = 0
    with _engine_getter().begin() as conn:
        skip_locked = conn.dialect.name == "postgresql"
        for question_id, n in sorted(batch.items()):
            target = Question.id == question_id
            if skip_locked:
                # A view must never wait behind a transaction that holds the question's row (the
                # request's own, or a long moderation batch): the views of a locked row are let go.
                target = Question.id == (select(Question.id).where(Question.id == question_id)
                                         .with_for_update(skip_locked=True).scalar_subquery())
            written += conn.execute(update(Question).where(target)
                                    .values(view_count=Question.view_count + n)).rowcount
    return written
