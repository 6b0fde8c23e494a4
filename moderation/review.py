"""Handling a review item: approve, dismiss, edit, delete, delete as spam, or suspend the author.

`handle()` validates the decision, claims the item (exactly once, see moderation.queue), then
acts and audit-logs in the caller's unit of work (forum/transaction.py): the claim, the
action, the Q&A service that deletes or edits and the audit entries commit together or not
at all, in whatever order they are written.
"""

from dataclasses import dataclass

from flask_babel import gettext as _

from forum.extensions import db
from forum.models import Answer, Comment, Question, ReviewItem, ReviewKind, ReviewOutcome, User
from forum.policy import Permission, require, visibility
from forum.services import answers, posts, questions
from forum.services.errors import (
    NotFound,
    ServiceError,
    StateConflict,
    ValidationFailed,
)
from moderation import actions, audit, flags, queue, suggestions, suspensions

FLAG_KINDS = (ReviewKind.FLAGGED.value, ReviewKind.HIDDEN.value)
POST_OUTCOMES = (ReviewOutcome.EDITED, ReviewOutcome.DELETED, ReviewOutcome.SPAM, ReviewOutcome.SUSPENDED)


@dataclass(frozen=True)
class Decision:
    """What the moderator decided, with the inputs some outcomes need."""

    outcome: str
    note: str = ""
    body: str | None = None
    title: str | None = None
    tags: str | None = None
    until: str | None = None
    suspension_reason: str | None = None


def outcomes_for(item: ReviewItem) -> tuple[ReviewOutcome, ...]:
    """The decisions that make sense for this item, in the order the console offers them."""
    if item.kind == ReviewKind.SUGGESTED_EDIT.value:
        return (ReviewOutcome.APPROVED, ReviewOutcome.EDITED, ReviewOutcome.DISMISSED)
    first = ReviewOutcome.DISMISSED if item.kind in FLAG_KINDS else ReviewOutcome.APPROVED
    if item.comment_id is not None:
        return (first, ReviewOutcome.DELETED, ReviewOutcome.SUSPENDED)
    return (first, *POST_OUTCOMES)


def _check(item: ReviewItem, decision: Decision, moderator: User) -> tuple[ReviewOutcome, dict]:
    """Everything that can be refused is refused before the item is claimed, and again after."""
    try:
        outcome = ReviewOutcome(decision.outcome)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown decision."),
                               fields={"outcome": _("Choose one of the offered actions.")}) from exc
    if outcome not in outcomes_for(item):
        raise StateConflict(_("“%(value)s” isn't possible for this item.", value=outcome.value),
                               fields={"outcome": ", ".join(o.value for o in outcomes_for(item))})
    target = item.target
    extra: dict = {}
    if outcome in (ReviewOutcome.DELETED, ReviewOutcome.SPAM, ReviewOutcome.EDITED) and target.is_deleted:
        raise StateConflict(_("The post is already deleted; dismiss the item instead."))
    if outcome is ReviewOutcome.EDITED and not (decision.body or "").strip():
        raise ValidationFailed(_("Please write the corrected text."),
                               fields={"body": _("The edited text is required.")})
    if outcome is ReviewOutcome.SPAM and target.author_id == moderator.id:
        raise ValidationFailed(_("You can't delete your own post as spam."))
    if outcome is ReviewOutcome.SUSPENDED:
        require(moderator, Permission.MEMBER_SUSPEND, item.author)
        extra["until"] = suspensions.parse_until(decision.until)
        extra["reason"] = suspensions.check_reason(decision.suspension_reason)
    return outcome, extra


def handle(item_id: int, decision: Decision, *, moderator: User) -> ReviewItem:
    """Decide a review item exactly once; a second moderator gets Conflict(_("Already handled by …"))."""
    require(moderator, Permission.MODERATE)
    item = db.session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound(_("That review item doesn't exist."))
    if item.handled_at is not None:
        raise queue.already_handled(item)
    try:
        outcome, _target = _check(item, decision, moderator)
    except ServiceError:
        db.session.refresh(item)  # a post already deleted may mean someone just handled this very item
        if item.handled_at is not None:
            raise queue.already_handled(item) from None
        raise
    note = " ".join((decision.note or "").split())[:500]
    item = queue.claim(item_id, moderator=moderator, outcome=outcome.value)
    # Checked again now that the item is ours: another moderator may have acted on the post
    # meanwhile (a refusal here rolls the claim back with everything else).
    outcome, extra = _check(item, decision, moderator)
    item.note = note
    audit.log("review.handle", moderator, target=f"review:{item.id}", reason=note, before={"kind": item.kind},
              after={"outcome": outcome.value, "post": audit.target_of(item.target)},
              subject=item.author_id, question_id=item.question_id)
    if item.kind == ReviewKind.SUGGESTED_EDIT.value:
        _decide_suggestion(item, outcome, decision, moderator)
    else:
        _decide_post(item, outcome, decision, moderator, extra, note)
    return item


def _decide_suggestion(item: ReviewItem, outcome: ReviewOutcome, decision: Decision, moderator: User) -> None:
    suggestion = item.suggested_edit
    if outcome is ReviewOutcome.DISMISSED:
        suggestions.reject(suggestion)
        audit.log("suggestion.reject", moderator, target=f"suggestion:{suggestion.id}", reason=item.note,
                  subject=suggestion.author_id, question_id=item.question_id)
        return
    audit.log("suggestion.approve", moderator, target=f"suggestion:{suggestion.id}", reason=item.note,
              after={"post": audit.target_of(item.target), "changed_by_moderator": outcome is ReviewOutcome.EDITED},
              subject=suggestion.author_id, question_id=item.question_id)
    if outcome is ReviewOutcome.EDITED:
        suggestions.apply(suggestion, moderator=moderator, body=decision.body, title=decision.title,
                          tags=decision.tags)
    else:
        suggestions.apply(suggestion, moderator=moderator)


def _show(target: Question | Answer | Comment) -> None:
    counted = visibility.is_public_post(target)
    target.hidden_at = None
    posts.count_answer(target, counted_before=counted)


def _unhide(target: Question | Answer | Comment, moderator: User, item: ReviewItem) -> None:
    if not target.is_hidden:
        return
    _show(target)
    audit.log("post.unhide", moderator, target=audit.target_of(target), reason=f"review item #{item.id}",
              before={"hidden": True}, after={"hidden": False}, subject=target.author_id, question_id=item.question_id)


def _decide_post(item: ReviewItem, outcome: ReviewOutcome, decision: Decision, moderator: User, extra: dict,
                 note: str) -> None:
    target, kind = item.target, item.target_kind
    flags.resolve(item, helpful=outcome not in (ReviewOutcome.DISMISSED, ReviewOutcome.APPROVED))
    if outcome in (ReviewOutcome.DISMISSED, ReviewOutcome.APPROVED):
        _unhide(target, moderator, item)
        return
    if outcome is ReviewOutcome.EDITED:
        _unhide(target, moderator, item)
        summary = f"moderator edit (review #{item.id})" + (f": {note}" if note else "")
        if kind == "question":
            questions.edit_question(target.id, moderator, title=decision.title, body=decision.body,
                                    tags=decision.tags, comment=summary)
        else:
            answers.edit_answer(target.id, moderator, body=decision.body, comment=summary)
        return
    # Deleted, spam or suspended: the post goes, and other open items about it close with this one.
    queue.close_others(item, moderator=moderator)
    _show(target)
    if outcome is ReviewOutcome.SUSPENDED:
        suspensions.apply(item.author, moderator=moderator, until=extra["until"], reason=extra["reason"])
        if target.is_deleted:
            return
    if outcome is ReviewOutcome.SPAM:
        audit.log("post.delete_spam", moderator, target=audit.target_of(target), reason=note,
                  subject=target.author_id, question_id=item.question_id)
        actions.penalise_spam(target, moderator, note)
    else:
        audit.log("comment.delete" if kind == "comment" else "post.delete", moderator,
                  target=audit.target_of(target), reason=note, subject=target.author_id, question_id=item.question_id)
    actions.delete_target(kind, target, moderator)
