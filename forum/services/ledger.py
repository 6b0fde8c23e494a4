"""SqlLedger: the only writer of reputation entries and of the cached users.reputation.

Callers lock the members involved first (`lock_users`), so that the daily-cap read and the
cache refresh cannot interleave with another transaction for the same member, on SQLite
(the first UPDATE takes the database write lock) and PostgreSQL (row locks) alike.
"""

from collections.abc import Iterable
from datetime import datetime, time

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import ReputationEntry, User, utcnow
from reputation import rules
from reputation.events import RepEvent


def lock_users(user_ids: Iterable[int]) -> None:
    """Take a write lock on each member's row, in id order so two transactions never deadlock."""
    for user_id in sorted(set(user_ids)):
        db.session.execute(update(User).where(User.id == user_id).values(reputation=User.reputation))


def _earned_today(user_id: int) -> int:
    start = datetime.combine(utcnow().date(), time.min)
    total = db.session.scalar(
        select(func.coalesce(func.sum(ReputationEntry.delta), 0)).where(
            ReputationEntry.user_id == user_id,
            ReputationEntry.event.in_([e.value for e in rules.CAPPED_EVENTS]),
            ReputationEntry.created_at >= start,
        )
    )
    return int(total or 0)


def record(
    event: RepEvent,
    *,
    user_id: int,
    amount: int | None = None,
    actor_id: int | None = None,
    question_id: int | None = None,
    answer_id: int | None = None,
    reason: str | None = None,
) -> ReputationEntry:
    """Append one entry, applying the daily vote cap; the caller refreshes the cache."""
    amount = rules.POINTS[event] if amount is None else amount
    granted = rules.apply_cap(event, amount, _earned_today(user_id))
    entry = ReputationEntry(
        user_id=user_id, event=event.value, amount=granted.amount, delta=granted.delta,
        reason=granted.reason or reason, actor_id=actor_id, question_id=question_id,
        answer_id=answer_id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def reverse(entry: ReputationEntry, *, reason: str) -> ReputationEntry:
    """Append the entry that undoes `entry`: exactly what was granted, never more."""
    reversal = ReputationEntry(
        user_id=entry.user_id, event=entry.event, amount=-entry.amount, delta=-entry.delta,
        reason=reason, actor_id=entry.actor_id, question_id=entry.question_id,
        answer_id=entry.answer_id, reverses_id=entry.id,
    )
    db.session.add(reversal)
    db.session.flush()
    return reversal


def live_entries(
    events: Iterable[RepEvent],
    *,
    question_id: int | None = None,
    answer_id: int | None = None,
    answer_ids: Iterable[int] | None = None,
    actor_id: int | None = None,
) -> list[ReputationEntry]:
    """Entries that still count: not reversals themselves and not yet reversed."""
    reversal = aliased(ReputationEntry)
    query = (
        select(ReputationEntry)
        .outerjoin(reversal, reversal.reverses_id == ReputationEntry.id)
        .where(
            reversal.id.is_(None),
            ReputationEntry.reverses_id.is_(None),
            ReputationEntry.event.in_([e.value for e in events]),
        )
        .order_by(ReputationEntry.id)
    )
    if question_id is not None:
        query = query.where(and_(ReputationEntry.question_id == question_id, ReputationEntry.answer_id.is_(None)))
    if answer_id is not None:
        query = query.where(ReputationEntry.answer_id == answer_id)
    if answer_ids is not None:
        query = query.where(ReputationEntry.answer_id.in_(list(answer_ids)))
    if actor_id is not None:
        query = query.where(ReputationEntry.actor_id == actor_id)
    return list(db.session.scalars(query))


def ledger_total(user_id: int) -> int:
    return int(db.session.scalar(
        select(func.coalesce(func.sum(ReputationEntry.delta), 0)).where(ReputationEntry.user_id == user_id)
    ) or 0)


def refresh_cache(user_ids: Iterable[int]) -> None:
    """Set each member's cached reputation to their ledger sum, floored at 1."""
    for user_id in sorted(set(user_ids)):
        db.session.execute(
            update(User).where(User.id == user_id).values(reputation=rules.balance(ledger_total(user_id)))
        )
