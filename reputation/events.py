"""Reputation event names and the frozen values that travel between rules and ledger."""

from dataclasses import dataclass
from enum import StrEnum


class RepEvent(StrEnum):
    """Why a member's reputation changed; dotted and past tense, stored in the ledger."""

    JOINED = "user.joined"
    QUESTION_UPVOTED = "question.upvoted"
    ANSWER_UPVOTED = "answer.upvoted"
    QUESTION_DOWNVOTED = "question.downvoted"
    ANSWER_DOWNVOTED = "answer.downvoted"
    DOWNVOTE_CAST = "answer.downvote_cast"
    ANSWER_ACCEPTED = "answer.accepted"
    ACCEPT_GIVEN = "answer.accept_given"
    ANSWER_PUBLISHED = "answer.published"
    POST_DELETED_AS_SPAM = "post.deleted_as_spam"
    BONUS = "reputation.bonus"


class PostKind(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


class Role(StrEnum):
    """Whose reputation an event changes: the post's author or the member who acted."""

    AUTHOR = "author"
    ACTOR = "actor"


@dataclass(frozen=True)
class Grant:
    """One ledger line the rules ask for, before the daily cap is applied."""

    event: RepEvent
    role: Role
    amount: int


@dataclass(frozen=True)
class CappedGrant:
    """What the ledger actually records: the rule's amount and the granted delta."""

    amount: int
    delta: int
    reason: str | None
