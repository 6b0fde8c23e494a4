"""Self-service and content gaps: did a search or a suggestion spare a member from asking?

A signed-in member's search (the first page of results) or a similar-question suggestion while
asking is recorded as a `SelfServiceEvent`. Within the next 24 hours:
- opening a solved thread or a published knowledge article marks it **opened**;
- asking a question marks it **asked anyway** (the `question.asked` event, from the site or the API).
Once its 24 hours are over, an event that was opened and not asked anyway **self-served**.

Searches that found nothing are counted per UTC day and normalised term in `SearchGap` (for anyone,
visitors too): lower-case words only, without long numbers (order or phone numbers), no member ids.

Privacy: an event keeps its member's id only while it can still change; `forget()` (run by the
nightly rollup) erases the ids of events older than 24 hours and deletes events and gaps older
than 90 days, and deleting an account erases its ids at once.
"""

import re
from datetime import date, datetime, timedelta

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from forum.extensions import db
from forum.models import Question, SearchGap, SelfServiceEvent, User, utcnow
from forum.services.events import Event, subscribe

WINDOW = timedelta(hours=24)
KEPT = timedelta(days=90)
SIMILAR_EVERY = timedelta(hours=1)  # one "suggested" event per member per hour (the ask page asks as you type)
MAX_TERM = 100
_LONG_NUMBER = re.compile(r"\d{5,}")


class Kind:
    SEARCH = "search"
    SIMILAR = "similar"


def gap_term(words: list[str]) -> str | None:
    """A search's words as stored for content gaps: lower case, no long numbers, at most 100 characters."""
    kept = [w.lower() for w in words if w and not _LONG_NUMBER.search(w)]
    term = " ".join(kept)[:MAX_TERM].strip()
    return term or None


def _member(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.id is not None


def record_search(user: User | None, words: list[str], *, found: int, now: datetime | None = None) -> bool:
    """Count a first results page: a gap when nothing was found, an event for a signed-in member.

    Returns whether an event was recorded (the view then watches for the member opening a solved thread).
    """
    now = now or utcnow()
    if found == 0:
        term = gap_term(words)
        if term is not None:
            insert = (sqlite_insert if db.session.get_bind().dialect.name == "sqlite" else postgresql_insert)(SearchGap)
            db.session.execute(insert.values(day=now.date(), term=term, searches=1).on_conflict_do_update(
                index_elements=["day", "term"], set_={"searches": SearchGap.searches + 1}))
    if not _member(user):
        return False
    db.session.add(SelfServiceEvent(kind=Kind.SEARCH, user_id=user.id, created_at=now))
    db.session.flush()
    return True


def record_suggestion(user: User | None, *, shown: int, now: datetime | None = None) -> bool:
    """Count similar questions shown to a signed-in member while asking (once an hour per member)."""
    now = now or utcnow()
    if not _member(user) or shown == 0:
        return False
    recent = db.session.scalar(select(exists().where(
        SelfServiceEvent.user_id == user.id, SelfServiceEvent.kind == Kind.SIMILAR,
        SelfServiceEvent.created_at > now - SIMILAR_EVERY)))
    if not recent:
        db.session.add(SelfServiceEvent(kind=Kind.SIMILAR, user_id=user.id, created_at=now))
        db.session.flush()
    return True


def _open_window(user_id: int, now: datetime):
    return (SelfServiceEvent.user_id == user_id, SelfServiceEvent.created_at > now - WINDOW,
            SelfServiceEvent.created_at <= now)


def opened(user: User | None, product_id: int, *, now: datetime | None = None) -> int:
    """The member opened a solved thread or an article of `product_id`: mark their open searches."""
    if not _member(user):
        return 0
    now = now or utcnow()
    result = db.session.execute(update(SelfServiceEvent).where(
        *_open_window(user.id, now), SelfServiceEvent.opened_at.is_(None), SelfServiceEvent.asked_at.is_(None))
        .values(opened_at=now, product_id=product_id).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _asked(event: Event, *, question_id: int, actor_id: int | None = None, **_ids: int | None) -> None:
    """A member asked: their searches of the last 24 hours did not spare them (attributed to this product)."""
    if actor_id is None:
        return
    now = utcnow()
    product_id = select(Question.product_id).where(Question.id == question_id).scalar_subquery()
    db.session.execute(update(SelfServiceEvent).where(*_open_window(actor_id, now), SelfServiceEvent.asked_at.is_(None))
                       .values(asked_at=now, product_id=product_id).execution_options(synchronize_session=False))


def _forget_member(event: Event, *, user_id: int, **_ids: int | None) -> None:
    db.session.execute(update(SelfServiceEvent).where(SelfServiceEvent.user_id == user_id).values(user_id=None)
                       .execution_options(synchronize_session=False))


def forget(now: datetime | None = None) -> tuple[int, int]:
    """Erase member ids once an event's window is over; delete events and gaps older than 90 days.

    Returns (ids erased, rows deleted).
    """
    now = now or utcnow()
    erased = db.session.execute(update(SelfServiceEvent).where(
        SelfServiceEvent.user_id.is_not(None), SelfServiceEvent.created_at <= now - WINDOW).values(user_id=None)
        .execution_options(synchronize_session=False)).rowcount or 0
    deleted = db.session.execute(delete(SelfServiceEvent).where(SelfServiceEvent.created_at < now - KEPT)
                                 .execution_options(synchronize_session=False)).rowcount or 0
    deleted += db.session.execute(delete(SearchGap).where(SearchGap.day < (now - KEPT).date())
                                  .execution_options(synchronize_session=False)).rowcount or 0
    return erased, deleted


def top_gaps(first: date, end: date, *, limit: int = 20) -> list[tuple[str, int]]:
    """The most frequent searches without results on the days [first, end), most searched first."""
    total = func.sum(SearchGap.searches).label("n")
    rows = db.session.execute(select(SearchGap.term, total).where(SearchGap.day >= first, SearchGap.day < end)
                              .group_by(SearchGap.term).order_by(total.desc(), SearchGap.term).limit(limit))
    return [(term, int(n)) for term, n in rows]


def gaps_per_day(first: date, end: date) -> dict[date, int]:
    """Searches without results per day of [first, end)."""
    rows = db.session.execute(select(SearchGap.day, func.sum(SearchGap.searches))
                              .where(SearchGap.day >= first, SearchGap.day < end).group_by(SearchGap.day))
    return {day: int(n) for day, n in rows}


def init_app(app) -> None:
    """Mark searches "asked anyway" when their member asks, and erase member ids with the account."""
    subscribe(Event.QUESTION_ASKED)(_asked)
    subscribe(Event.ACCOUNT_DELETED)(_forget_member)
