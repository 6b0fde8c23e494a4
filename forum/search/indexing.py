"""Keeping the index current: domain events record outbox work, the handler performs it.

Every Q&A event names its thread; the subscriber records one "search.index" message per
thread per transaction, in that transaction, so a rollback indexes nothing and a commit
always leads to an update (delivered by Celery after the commit, eagerly on the embedded
default, and retried by the outbox sweep while the index is locked by a rebuild). The
handler re-reads the whole thread, so the index converges on the committed state whatever
order messages arrive in.
"""

from flask import current_app

from forum.extensions import db
from forum.search import EXTENSION, documents
from forum.search.backend import IndexBusy, Progress, SearchBackend
from forum.search.sources import articles, threads
from forum.services import outbox
from forum.services.events import Event, subscribe

TASK = "search.index"
_DEFERRED_KEY = "search_deferred"

THREAD_EVENTS = (
    Event.QUESTION_ASKED, Event.QUESTION_EDITED, Event.QUESTION_DELETED, Event.QUESTION_UNDELETED,
    Event.ANSWER_POSTED, Event.ANSWER_EDITED, Event.ANSWER_DELETED, Event.ANSWER_UNDELETED,
    Event.ANSWER_ACCEPTED, Event.ANSWER_UNACCEPTED, Event.POST_SCORED,
)


def defer_refresh(source_name: str, ref_id: int) -> None:
    """Record (once per transaction) that a reference's documents must be brought up to date."""
    transaction = db.session().get_transaction()
    owner, seen = db.session.info.get(_DEFERRED_KEY, (None, set()))
    if owner is not transaction:
        seen = set()
        db.session.info[_DEFERRED_KEY] = (transaction, seen)
    if (source_name, ref_id) in seen:
        return
    seen.add((source_name, ref_id))
    outbox.defer(TASK, source=source_name, id=ref_id)


def thread_changed(event: Event, *, question_id: int, **_ids) -> None:
    defer_refresh(threads.name, question_id)


def thread_moderated(event: Event, *, question_id: int | None = None, **_ids) -> None:
    """Hiding, unhiding, moving, closing…: every audited moderator action names its thread, if any."""
    if question_id is not None:
        defer_refresh(threads.name, question_id)


def article_changed(event: Event, *, article_id: int, **_ids) -> None:
    """Publishing, editing, archiving or restoring an article: its document follows."""
    defer_refresh(articles.name, article_id)


def refresh(payload: dict) -> None:
    """Re-index one reference from the database; a locked index is retried later."""
    backend: SearchBackend = current_app.extensions[EXTENSION]
    try:
        backend.refresh(documents.source(payload["source"]), int(payload["id"]))
    except IndexBusy as exc:
        raise outbox.RetryLater(str(exc)) from exc


def rebuild(backend: SearchBackend, *, batch_size: int = 500, progress: Progress | None = None) -> int:
    """Rebuild the whole index from the database, streaming every source in batches."""
    return backend.rebuild(documents.sources(), batch_size=batch_size, progress=progress)


def rebuild_size() -> int:
    """How many references a rebuild reads (the progress bar's length)."""
    return sum(source.count() for source in documents.sources())


def init_app(app) -> None:
    """Register the event subscriptions that re-index threads and the outbox handler doing it."""
    subscribe(*THREAD_EVENTS)(thread_changed)
    subscribe(Event.MODERATION_ACTION)(thread_moderated)
    subscribe(Event.ARTICLE_PUBLISHED, Event.ARTICLE_UPDATED)(article_changed)
    outbox.handler(TASK)(refresh)
