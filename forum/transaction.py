"""The entry point owns the transaction: one unit of work per request action, CLI command or task.

Services add, change and flush rows; they never commit (nor roll back), so two use cases
compose in either order inside one unit of work and succeed or fail together. The outermost
`unit_of_work()` commits once (or rolls back when anything inside raises); nested ones join
it. Side effects recorded in the outbox (`forum.services.outbox.defer`) are handed to the
worker only after that commit, by the session listeners in `forum/services/outbox.py`; a
rollback discards them with the rows.

Who opens it, explicitly, at each kind of entry point:

- a web view that changes state is decorated `@transactional` (JSON API views too: their
  ServiceErrors propagate out of the view, so the refusal rolls back). A form view that
  catches a service's refusal to re-render the form wraps the call in `with unit_of_work():`
  inside its `try`, so the refused attempt is rolled back before the form is shown;
  `forum.views.common.act()` does this for the redirect-after-POST actions;
- a CLI command is decorated `@transactional` (or opens one unit per batch it commits);
- a Celery task opens one per run (`forum/tasks.py`); a retried run starts afresh, and
  the outbox's done mark commits with the work, so a retry never performs it twice.

Catching an exception *inside* an open unit of work doesn't undo what the failed part
flushed: catch it outside the block, or run the part in `savepoint()` (what a service does
to recover from a unique-key race, for example). A request that leaves flushed or pending
changes outside any unit of work has them discarded and logged, and fails loudly under
TESTING (`init_app`), so a forgotten entry point shows up in the test suite.

This module holds the project's only `commit()` outside migrations and benchmarks
(`tests/unit/test_layering.py` enforces it).
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum.extensions import db

log = logging.getLogger(__name__)

_DEPTH = "unit_of_work_depth"
_UNSAVED = "unit_of_work_unsaved"

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit what the block did when the outermost block ends; roll it all back if it raises."""
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield
    except BaseException:
        info[_DEPTH] = depth
        if depth == 0:
            db.session.rollback()
        raise
    info[_DEPTH] = depth
    if depth == 0:
        try:
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def transactional(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` (a CLI command, a task, a view) as one unit of work."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return fn(*args, **kwargs)

    return wrapper


def in_unit_of_work() -> bool:
    return db.session.info.get(_DEPTH, 0) > 0


@contextmanager
def savepoint() -> Iterator[None]:
    """Run a part of the current transaction that may fail on its own (a unique-key race).

    If the block raises, only its own changes are undone (ROLLBACK TO SAVEPOINT) and the
    exception propagates for the caller to handle; the rest of the unit of work stands.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            # pysqlite opens its transaction lazily, before the first write; a SAVEPOINT
            # issued before that would start (and its RELEASE end) a transaction of its own.
            # IMMEDIATE takes the write lock now, waiting for it (busy_timeout): a deferred
            # transaction that read first could not upgrade while another writer commits.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    with db.session.begin_nested():
        yield


def has_unsaved_changes(session: Session) -> bool:
    """Rows flushed or pending in the current transaction and not yet committed."""
    return bool(session.info.get(_UNSAVED) or session.new or session.deleted
                or any(session.is_modified(o) for o in session.dirty))


def _after_flush(session: Session, _context) -> None:
    session.info[_UNSAVED] = True


def _after_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:  # bulk statements skip the flush
        state.session.info[_UNSAVED] = True


def _after_end(session: Session) -> None:
    session.info.pop(_UNSAVED, None)


_LISTENERS = (("after_flush", _after_flush), ("do_orm_execute", _after_statement),
              ("after_commit", _after_end), ("after_rollback", _after_end))


def init_app(app) -> None:
    """Track unsaved changes on every session (once per process) and check each request for them."""
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
    app.after_request(_changes_outside_unit_of_work)


def _changes_outside_unit_of_work(response):
    """A view that changed rows without opening a unit of work would lose them silently: say so."""
    session = db.session
    if in_unit_of_work() or not has_unsaved_changes(session):
        return response
    session.rollback()
    message = f"{request.method} {request.path} ({request.endpoint}) changed rows outside a unit of work; discarded"
    if current_app.testing:
        raise RuntimeError(message)
    log.error(message)
    return response
