"""Awarding badges as part of the reputation event flow; each award happens at most once."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import Answer, BadgeAward, Question
from forum.policy import visibility
from forum.transaction import savepoint
from reputation.badges import BADGES, BadgeKey, accepted_count_badges, answer_score_badges, source_for


def _award(user_id: int, key: BadgeKey, *, answer_id: int | None = None, question_id: int | None = None) -> None:
    source = source_for(key, answer_id)
    exists = db.session.scalar(select(BadgeAward.id).where(
        BadgeAward.user_id == user_id, BadgeAward.badge == key.value, BadgeAward.source == source))
    if exists:
        return
    try:
        with savepoint():
            db.session.add(BadgeAward(user_id=user_id, badge=key.value, source=source,
                                      answer_id=answer_id, question_id=question_id))
    except IntegrityError:
        pass  # a concurrent request awarded it first: once is the rule, so nothing is lost


def on_question_asked(question: Question) -> None:
    _award(question.author_id, BadgeKey.FIRST_QUESTION, question_id=question.id)


def on_answer_posted(answer: Answer) -> None:
    _award(answer.author_id, BadgeKey.FIRST_ANSWER, answer_id=answer.id)


def on_vote_cast(voter_id: int) -> None:
    _award(voter_id, BadgeKey.FIRST_VOTE)


def on_answer_score(answer_id: int, author_id: int, score: int) -> None:
    for key in answer_score_badges(score):
        _award(author_id, key, answer_id=answer_id)


def on_answer_accepted(answer: Answer, asker_id: int) -> None:
    if answer.author_id == asker_id:
        return
    _award(asker_id, BadgeKey.FIRST_ACCEPT)
    _award(answer.author_id, BadgeKey.SOLUTION, answer_id=answer.id)
    accepted = db.session.scalar(
        select(func.count(Question.id)).join(Answer, Answer.id == Question.accepted_answer_id).where(
            Answer.author_id == answer.author_id, Answer.author_id != Question.author_id,
            visibility.live(Question)))
    for key in accepted_count_badges(accepted or 0):
        _award(answer.author_id, key)


def on_answer_published(answer: Answer) -> None:
    _award(answer.author_id, BadgeKey.KNOWLEDGE_AUTHOR, answer_id=answer.id)


def counts_by_user(user_ids: list[int]) -> dict[int, dict[str, int]]:
    """Gold/silver/bronze counts for several members in one query (post signatures)."""
    if not user_ids:
        return {}
    tier_of = {b.key.value: b.tier.value for b in BADGES}
    result: dict[int, dict[str, int]] = {}
    rows = db.session.execute(select(BadgeAward.user_id, BadgeAward.badge, func.count())
                              .where(BadgeAward.user_id.in_(user_ids))
                              .group_by(BadgeAward.user_id, BadgeAward.badge))
    for user_id, badge, n in rows:
        tiers = result.setdefault(user_id, {"gold": 0, "silver": 0, "bronze": 0})
        tiers[tier_of.get(badge, "bronze")] += n
    return result


def awards_of(user_id: int) -> list[BadgeAward]:
    return list(db.session.scalars(select(BadgeAward).where(BadgeAward.user_id == user_id)
                                   .order_by(BadgeAward.awarded_at.desc(), BadgeAward.id.desc())))


def award_counts() -> dict[str, int]:
    """How many times each badge has been awarded, for the badges page."""
    return dict(db.session.execute(select(BadgeAward.badge, func.count()).group_by(BadgeAward.badge)).all())
