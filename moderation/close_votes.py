"""Closing by community vote: members with the close-vote privilege (3,000, or what an admin set)
vote to close a question; three votes that still count close it.

- A vote counts for 14 days (`VOTE_LIFETIME`); an expired vote is removed the next time anyone
  votes on that question, and its voter may vote again.
- The question closes with the reason most of the counting votes gave; on a tie, the reason
  voted first wins. A duplicate names its original, the one most duplicate votes named.
- Closing consumes the votes and writes one audit entry with no acting moderator, the reason
  "closed by community vote" and the voters, so the log shows who closed it and why.

Services here flush and never commit: the caller's unit of work does (forum/transaction.py).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import CloseReason, CloseVote, Question, User, utcnow
from forum.policy import Permission, require
from forum.services import posts
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.transaction import savepoint
from moderation import actions, audit

VOTES_TO_CLOSE = 3
VOTE_LIFETIME = timedelta(days=14)
COMMUNITY_VOTE = "closed by community vote"


@dataclass(frozen=True)
class Standing:
    """Where a question's close votes stand, for the thread page."""

    votes: int
    needed: int
    my_vote: str | None

    @property
    def my_vote_label(self) -> str:
        return CloseReason.label_of(self.my_vote)


def _cutoff():
    return utcnow() - VOTE_LIFETIME


def counting_votes(question_id: int) -> list[CloseVote]:
    """The votes cast in the last 14 days, oldest first."""
    return list(db.session.scalars(
        select(CloseVote).where(CloseVote.question_id == question_id, CloseVote.created_at >= _cutoff())
        .order_by(CloseVote.created_at, CloseVote.id)))


def standing(question: Question, viewer: User | None) -> Standing:
    votes = counting_votes(question.id)
    mine = next((v.reason for v in votes if viewer is not None and v.voter_id == getattr(viewer, "id", None)), None)
    return Standing(len(votes), VOTES_TO_CLOSE, mine)


def _parse_reason(raw: str | None) -> CloseReason:
    try:
        return CloseReason(raw)
    except ValueError as exc:
        raise ValidationFailed(_("Please choose why the question should be closed."),
                               fields={"reason": _("Choose duplicate, off-topic or needs detail.")}) from exc


def vote_to_close(question_id: int, *, voter: User, reason: str | None, duplicate_of: object = None) -> bool:
    """Cast `voter`'s close vote; returns True when it was the vote that closed the question.

    Raises NotAllowed without the privilege (or on a closed or locked question), Conflict for a
    second vote by the same member, ValidationFailed for a missing reason or duplicate target.
    """
    question = posts.get_question(question_id, viewer=voter)
    require(voter, Permission.QUESTION_VOTE_CLOSE, question)
    if question.is_deleted:
        raise ValidationFailed(_("This question is deleted."))
    close_reason = _parse_reason(reason)
    target = actions.duplicate_target(question, duplicate_of) if close_reason is CloseReason.DUPLICATE else None
    db.session.execute(delete(CloseVote).where(CloseVote.question_id == question.id,
                                               CloseVote.created_at < _cutoff()))
    try:
        with savepoint():
            db.session.add(CloseVote(question_id=question.id, voter_id=voter.id, reason=close_reason.value,
                                     duplicate_of_id=target.id if target else None))
    except IntegrityError as exc:
        raise Conflict(_("You already voted to close this question.")) from exc
    votes = counting_votes(question.id)
    if len(votes) < VOTES_TO_CLOSE:
        return False
    _close_by_vote(question, votes)
    return True


def retract(question_id: int, *, voter: User) -> None:
    """Take back one's own vote while the question is still open."""
    vote = db.session.scalar(select(CloseVote).where(CloseVote.question_id == question_id,
                                                     CloseVote.voter_id == voter.id))
    if vote is None:
        raise NotFound(_("You haven't voted to close this question."))
    db.session.delete(vote)
    db.session.flush()


def _winner(values: list[str]) -> str:
    """The most frequent value; on a tie, the one that came first."""
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)


def _close_by_vote(question: Question, votes: list[CloseVote]) -> None:
    reason = CloseReason(_winner([v.reason for v in votes]))
    duplicate_of = None
    if reason is CloseReason.DUPLICATE:
        duplicate_of = _winner([v.duplicate_of_id for v in votes if v.reason == reason.value])
    question.closed_at, question.closed_by_id = utcnow(), None
    question.close_reason, question.duplicate_of_id = reason.value, duplicate_of
    voters = [db.session.get(User, v.voter_id).username for v in votes]
    audit.log("question.close", None, target=audit.target_of(question), reason=COMMUNITY_VOTE,
              before={"state": "open"},
              after={"state": "closed", "reason": reason.value, "by": "community vote", "voters": voters,
                     "votes": dict(Counter(v.reason for v in votes)),
                     **({"duplicate_of": duplicate_of} if duplicate_of else {})},
              subject=question.author_id, question_id=question.id)
    db.session.execute(delete(CloseVote).where(CloseVote.question_id == question.id))
    db.session.flush()

