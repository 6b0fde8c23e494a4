"""Voting: cast, change and retract, with reputation kept in step through the ledger."""

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import Answer, Question, User, Vote, utcnow
from forum.policy import Permission, require
from forum.services import badges, ledger, posts
from forum.services.errors import ValidationFailed
from forum.services.events import Event, emit
from forum.transaction import savepoint
from reputation import rules
from reputation.events import PostKind
from reputation.events import Role as GrantRole

RETRIES = 3


def vote(actor: User, kind: PostKind, post_id: int, value: int) -> int:
    """Set the actor's vote on a post to +1, -1 or 0 (retract) and return the new score.

    Voting the same way twice does nothing; voting on your own post is refused. The score
    changes by an atomic UPDATE and the vote row is unique per member and post, so any number
    of concurrent voters leave score == sum of votes.
    """
    if value not in (-1, 0, 1):
        raise ValidationFailed(_("A vote is 1 (up), -1 (down) or 0 (retract)."), fields={"value": _("Use 1, -1 or 0.")})
    for attempt in range(RETRIES):
        try:
            with savepoint():
                return _vote_once(actor, kind, post_id, value)
        except IntegrityError:
            # Two requests of the same member raced to insert the vote row; the loser retries
            # (its attempt rolled back to the savepoint) and finds the winner's row.
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _vote_once(actor: User, kind: PostKind, post_id: int, value: int) -> int:
    post = posts.get_post(kind, post_id, viewer=actor)
    if post.author_id == actor.id:
        require(actor, Permission.VOTE_UP, post)
    require(actor, {1: Permission.VOTE_UP, -1: Permission.VOTE_DOWN, 0: Permission.VOTE_RETRACT}[value], post)
    model = Question if kind is PostKind.QUESTION else Answer
    column = Vote.question_id if kind is PostKind.QUESTION else Vote.answer_id
    ledger.lock_users([actor.id, post.author_id])
    existing = db.session.scalar(select(Vote).where(Vote.user_id == actor.id, column == post.id))
    old = existing.value if existing else 0
    if old == value:
        return post.score
    touched = {actor.id, post.author_id}
    if old:
        keys = {"question_id": post.id} if kind is PostKind.QUESTION else {"answer_id": post.id}
        for entry in ledger.live_entries(rules.vote_events(kind), actor_id=actor.id, **keys):
            ledger.reverse(entry, reason="vote changed" if value else "vote retracted")
    if value:
        for grant in rules.vote_grants(kind, value):
            ledger.record(
                grant.event, user_id=post.author_id if grant.role is GrantRole.AUTHOR else actor.id,
                amount=grant.amount, actor_id=actor.id,
                question_id=post.id if kind is PostKind.QUESTION else None,
                answer_id=post.id if kind is PostKind.ANSWER else None,
            )
    if existing is None:
        db.session.add(Vote(user_id=actor.id, value=value, **(
            {"question_id": post.id} if kind is PostKind.QUESTION else {"answer_id": post.id})))
    elif value == 0:
        db.session.delete(existing)
    else:
        existing.value, existing.updated_at = value, utcnow()
    db.session.execute(update(model).where(model.id == post.id).values(score=model.score + (value - old)))
    score = db.session.scalar(select(model.score).where(model.id == post.id))
    ledger.refresh_cache(touched)
    if value:
        badges.on_vote_cast(actor.id)
    if kind is PostKind.ANSWER:
        badges.on_answer_score(post.id, post.author_id, score)
    emit(Event.POST_SCORED, question_id=post.id if kind is PostKind.QUESTION else post.question_id,
         answer_id=post.id if kind is PostKind.ANSWER else None, actor_id=actor.id)
    db.session.flush()
    return score


def votes_of(user: User | None, *, question_ids: list[int] = (),
             answer_ids: list[int] = ()) -> dict[tuple[str, int], int]:
    """The viewer's votes on the given posts, keyed ("question"|"answer", id), in one query."""
    if user is None or not getattr(user, "is_authenticated", False) or not (question_ids or answer_ids):
        return {}
    rows = db.session.execute(
        select(Vote.question_id, Vote.answer_id, Vote.value).where(
            Vote.user_id == user.id,
            (Vote.question_id.in_(list(question_ids))) | (Vote.answer_id.in_(list(answer_ids))),
        )
    )
    result = {}
    for question_id, answer_id, value in rows:
        key = ("question", question_id) if question_id is not None else ("answer", answer_id)
        result[key] = value
    return result
