"""Domain events inside a transaction: the Q&A services announce what happened, others react.

Search indexing, notifications and webhooks subscribe here instead of being called by every
use case. Subscribers run inside the emitting transaction and should only record work
(`outbox.defer`), so the reaction commits or rolls back together with the change.
"""

from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum


class Event(StrEnum):
    QUESTION_ASKED = "question.asked"
    QUESTION_EDITED = "question.edited"
    QUESTION_DELETED = "question.deleted"
    QUESTION_UNDELETED = "question.undeleted"
    ANSWER_POSTED = "answer.posted"
    ANSWER_EDITED = "answer.edited"
    ANSWER_DELETED = "answer.deleted"
    ANSWER_UNDELETED = "answer.undeleted"
    ANSWER_ACCEPTED = "answer.accepted"
    ANSWER_UNACCEPTED = "answer.unaccepted"
    COMMENT_POSTED = "comment.posted"
    COMMENT_DELETED = "comment.deleted"
    POST_SCORED = "post.scored"
    ACCOUNT_DELETED = "account.deleted"
    # Every audit-logged moderator/agent action (moderation.audit.log emits it with audit_id, subject_id,
    # question_id): the hook for "a moderator action on your post" notifications and search re-indexing.
    MODERATION_ACTION = "moderation.action"
    ARTICLE_PUBLISHED = "article.published"
    ARTICLE_UPDATED = "article.updated"


Subscriber = Callable[..., None]
_subscribers: dict[Event, list[Subscriber]] = defaultdict(list)


def subscribe(*events: Event) -> Callable[[Subscriber], Subscriber]:
    """Register a function called as fn(event, **ids) whenever one of `events` is emitted."""

    def register(fn: Subscriber) -> Subscriber:
        for event in events:
            if fn not in _subscribers[event]:
                _subscribers[event].append(fn)
        return fn

    return register


def emit(event: Event, **ids: int | None) -> None:
    """Announce `event` with the ids it concerns (never ORM objects)."""
    for fn in list(_subscribers[event]):
        fn(event, **ids)
