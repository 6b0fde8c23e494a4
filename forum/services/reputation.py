"""Reputation use cases beyond votes and acceptance: history, verification."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Product, Question, ReputationEntry, User, utcnow
from forum.policy import visibility
from forum.services.errors import NotFound, ValidationFailed
from forum.services.queries import Page
from reputation.events import RepEvent


@dataclass
class HistoryItem:
    entry: ReputationEntry
    question_id: int | None
    title: str | None
    answer_id: int | None


def history(user_id: int, *, page: int = 1, per_page: int = 50, viewer: User | None = None) -> Page:
    """A member's ledger, newest first, each entry with the thread it links to (three queries).

    Every entry is listed (the points must add up), but a thread the viewer may not see (deleted,
    hidden) is not named or linked.
    """
    where = ReputationEntry.user_id == user_id
    total = db.session.scalar(select(func.count(ReputationEntry.id)).where(where)) or 0
    entries = list(db.session.scalars(select(ReputationEntry).where(where)
                                      .order_by(ReputationEntry.created_at.desc(), ReputationEntry.id.desc())
                                      .limit(per_page).offset((page - 1) * per_page)))
    answer_ids = {e.answer_id for e in entries if e.answer_id}
    answer_threads = dict(db.session.execute(select(Answer.id, Answer.question_id)
                                             .where(Answer.id.in_(answer_ids))).all()) if answer_ids else {}
    question_ids = {e.question_id for e in entries if e.question_id} | set(answer_threads.values())
    titles = dict(db.session.execute(select(Question.id, Question.title)
                                     .where(Question.id.in_(question_ids), visibility.question_clause(viewer))
                                     ).all()) if question_ids else {}
    items = []
    for e in entries:
        qid = e.question_id or answer_threads.get(e.answer_id)
        seen = qid in titles
        items.append(HistoryItem(e, qid if seen else None, titles.get(qid), e.answer_id if seen else None))
    return Page(items, page, per_page, total)


def group_by_day(items: list[HistoryItem]) -> list[tuple[date, int, list[HistoryItem]]]:
    """Group history items by UTC day, with each day's net change."""
    days: dict[date, list[HistoryItem]] = {}
    for item in items:
        days.setdefault(item.entry.created_at.date(), []).append(item)
    return [(day, sum(i.entry.delta for i in day_items), day_items) for day, day_items in days.items()]


NOT_EARNED = (RepEvent.JOINED.value, RepEvent.BONUS.value)
PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}


def leaderboard(period: str = "week", *, product: str | None = None, limit: int = 50) -> list[tuple[User, int]]:
    """Members who earned the most reputation in the period, overall or from one product's posts."""
    if period not in PERIODS:
        raise ValidationFailed(_("period must be week, month or all."), fields={"period": _("Unknown period.")})
    if period == "all" and product is None:
        rows = db.session.scalars(select(User).where(User.reputation > 1)
                                  .order_by(User.reputation.desc(), User.id).limit(limit))
        return [(u, u.reputation) for u in rows]
    points = func.sum(ReputationEntry.delta).label("points")
    query = select(ReputationEntry.user_id, points).group_by(ReputationEntry.user_id)
    if PERIODS[period] is not None:
        query = query.where(ReputationEntry.created_at >= utcnow() - PERIODS[period])
    if product is not None:
        product_id = db.session.scalar(select(Product.id).where(Product.slug == product))
        if product_id is None:
            raise NotFound(_("No such product."))
        thread = func.coalesce(ReputationEntry.question_id, Answer.question_id)
        query = (query.outerjoin(Answer, Answer.id == ReputationEntry.answer_id)
                 .join(Question, Question.id == thread).where(Question.product_id == product_id))
    else:
        query = query.where(ReputationEntry.event.not_in(NOT_EARNED))
    ranked = db.session.execute(query.having(points > 0).order_by(points.desc(), ReputationEntry.user_id)
                                .limit(limit)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r[0] for r in ranked])))}
    return [(users[user_id], int(total)) for user_id, total in ranked]
