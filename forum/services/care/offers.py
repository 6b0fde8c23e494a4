"""Routing questions to the right members: "Questions for you".

Members opt in (the /questions/for-you page). Each care run offers waiting questions (no first
response yet, asked in the last OFFER_WINDOW, never offered before) to at most MAX_MEMBERS
opted-in members with the most reputation earned in the last LOOKBACK on posts in that product
or with any of its tags (from the ledger), never the asker and never suspended or deleted
members, each member receiving at most DAILY_CAP offers a UTC day: an in-app notification, a
digest section and the /questions/for-you page. At most PER_RUN questions per run.
"""

from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from forum import urls
from forum.extensions import db
from forum.models import (
    Answer,
    NotificationKind,
    Question,
    QuestionOffer,
    ReputationEntry,
    RoutingOptIn,
    User,
    question_tags,
    utcnow,
)
from forum.policy import visibility
from forum.services import digests, notifications
from forum.services.care import first_response

MAX_MEMBERS = 5
DAILY_CAP = 3
LOOKBACK = timedelta(days=180)
OFFER_WINDOW = timedelta(days=14)
PER_RUN = 200


def set_opt_in(user: User, wanted: bool) -> None:
    """The member opts in to (or out of) "Questions for you" (flushes only)."""
    current = db.session.get(RoutingOptIn, user.id)
    if wanted and current is None:
        db.session.add(RoutingOptIn(user_id=user.id, created_at=utcnow()))
    elif not wanted and current is not None:
        db.session.delete(current)
    db.session.flush()


def is_opted_in(user_id: int) -> bool:
    return db.session.get(RoutingOptIn, user_id) is not None


def _helpers(now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(RoutingOptIn.user_id).join(User, User.id == RoutingOptIn.user_id)
        .where(visibility.acting_member_clause(now))))


def _scores(question: Question, helpers: list[int], now: datetime) -> list[tuple[int, int]]:
    """(member, reputation earned in the question's product or tags in the last LOOKBACK), best first."""
    post = aliased(Question)
    thread_id = func.coalesce(ReputationEntry.question_id, Answer.question_id)
    tag_ids = [t.id for t in question.tags]
    related = post.product_id == question.product_id
    if tag_ids:
        related = or_(related, exists().where(question_tags.c.question_id == post.id,
                                              question_tags.c.tag_id.in_(tag_ids)))
    earned = func.sum(ReputationEntry.delta)
    return list(db.session.execute(
        select(ReputationEntry.user_id, earned)
        .outerjoin(Answer, Answer.id == ReputationEntry.answer_id).join(post, post.id == thread_id)
        .where(ReputationEntry.user_id.in_(helpers), ReputationEntry.user_id != question.author_id,
               ReputationEntry.created_at >= now - LOOKBACK, ReputationEntry.created_at < now, related)
        .group_by(ReputationEntry.user_id).having(earned > 0)
        .order_by(earned.desc(), ReputationEntry.user_id)).all())


def offer_waiting(now: datetime | None = None) -> int:
    """Offer waiting questions to the members best placed to answer them (flushes only); returns offers made."""
    now = now or utcnow()
    helpers = _helpers(now)
    if not helpers:
        return 0
    waiting = list(db.session.scalars(
        select(Question).where(
            first_response.waiting_clause(), visibility.public_questions(),
            Question.closed_at.is_(None), Question.locked_at.is_(None), Question.created_at >= now - OFFER_WINDOW,
            Question.created_at <= now, ~exists().where(QuestionOffer.question_id == Question.id))
        .options(selectinload(Question.tags)).order_by(Question.created_at, Question.id).limit(PER_RUN)))
    if not waiting:
        return 0
    day_start = datetime.combine(now.date(), time())
    today = dict(db.session.execute(
        select(QuestionOffer.user_id, func.count(QuestionOffer.id))
        .where(QuestionOffer.user_id.in_(helpers), QuestionOffer.offered_at >= day_start)
        .group_by(QuestionOffer.user_id)).all())
    made = 0
    for question in waiting:
        chosen = [user_id for user_id, _earned in _scores(question, helpers, now)
                  if today.get(user_id, 0) < DAILY_CAP][:MAX_MEMBERS]
        for user_id in chosen:
            db.session.add(QuestionOffer(question_id=question.id, user_id=user_id, offered_at=now))
            today[user_id] = today.get(user_id, 0) + 1
        db.session.flush()
        notifications.notify_many([{"user_id": user_id, "kind": NotificationKind.QUESTION_FOR_YOU,
                                    "question_id": question.id,
                                    "text": f"A question you may know about: {question.title}"[:300]}
                                   for user_id in chosen])
        made += len(chosen)
    return made


def offers_for(user_id: int, *, limit: int = 50) -> list[tuple[QuestionOffer, Question]]:
    """The member's offers, newest first, with their (still visible) questions."""
    return list(db.session.execute(
        select(QuestionOffer, Question).join(Question, Question.id == QuestionOffer.question_id)
        .where(QuestionOffer.user_id == user_id, visibility.public_questions())
        .options(joinedload(Question.author), joinedload(Question.product), selectinload(Question.tags))
        .order_by(QuestionOffer.offered_at.desc(), QuestionOffer.id.desc()).limit(limit)).tuples())


def _offered(since: datetime, until: datetime, user_id: int | None = None):
    query = (select(QuestionOffer.user_id, Question.id, Question.title, QuestionOffer.offered_at)
             .join(QuestionOffer, QuestionOffer.question_id == Question.id)
             .where(QuestionOffer.offered_at >= since, QuestionOffer.offered_at < until,
                    visibility.public_questions())
             .order_by(QuestionOffer.offered_at.desc(), QuestionOffer.id.desc()))
    if user_id is not None:
        query = query.where(QuestionOffer.user_id == user_id).limit(digests.ITEMS_PER_SECTION + 1)
    return db.session.execute(query).all()


def _items(reader: digests.Reader, rows) -> list[digests.Item]:
    return [digests.Item(title, urls.thread_url(qid, title, link=reader.link),
                         "waiting for a first answer", offered) for _uid, qid, title, offered in rows]


def _for_you_pool(since: datetime, until: datetime):
    """One read of the window's offers for a whole batch of digests."""
    by_member: dict[int, list] = {}
    for row in _offered(since, until):
        by_member.setdefault(row[0], []).append(row)
    return lambda reader: _items(reader, by_member.get(reader.user_id, [])[:digests.ITEMS_PER_SECTION + 1])


def register_digest_section() -> None:
    """The "Questions for you" digest section (create_app wires it through forum.services.care.init_app)."""

    @digests.section("for_you", _l("Questions for you"),
                     counted=lambda n, shown: ngettext("%(count)s question for you", "%(count)s questions for you", n,
                                                       count=shown),
                     pool=_for_you_pool)
    def for_you(reader: digests.Reader) -> list[digests.Item]:
        return _items(reader, _offered(reader.since, reader.until, reader.user_id))
