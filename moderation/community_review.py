"""Community review: members with the review-queue privilege (500, or what an admin set) review
new members' first posts and suggested edits, the two queues that need judgement, not power.

A reviewer may approve a first post (it is fine), or approve or reject a suggested edit (an
approved one becomes a revision crediting its author). Anything worse than "fine" is for the
flags a reviewer can raise like any member, and then for the moderators, who keep the other
queues (flags, hidden posts, watched words) and every destructive decision. Nobody reviews
their own post or their own suggestion. Items are claimed exactly once, like a moderator's
(moderation/queue.py), and every decision is audit-logged with the reviewer as its actor.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from forum.extensions import db
from forum.models import Answer, Question, ReviewItem, ReviewKind, ReviewOutcome, User
from forum.policy import Permission, require, visibility
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.queries import Page
from moderation import audit, queue, suggestions

COMMUNITY_KINDS = (ReviewKind.FIRST_POST.value, ReviewKind.SUGGESTED_EDIT.value)
OUTCOMES: dict[str, tuple[ReviewOutcome, ...]] = {
    ReviewKind.FIRST_POST.value: (ReviewOutcome.APPROVED,),
    ReviewKind.SUGGESTED_EDIT.value: (ReviewOutcome.APPROVED, ReviewOutcome.DISMISSED),
}
LABELS = {
    (ReviewKind.FIRST_POST.value, ReviewOutcome.APPROVED.value): _l("Looks good"),
    (ReviewKind.SUGGESTED_EDIT.value, ReviewOutcome.APPROVED.value): _l("Approve the edit"),
    (ReviewKind.SUGGESTED_EDIT.value, ReviewOutcome.DISMISSED.value): _l("Reject the edit"),
}


def _reviewable(reviewer: User):
    """Open first-post and suggested-edit items about public posts, not the reviewer's own."""
    public_answer = select(Answer.id).where(visibility.public_answers())
    return (ReviewItem.handled_at.is_(None), ReviewItem.kind.in_(COMMUNITY_KINDS),
            ReviewItem.author_id != reviewer.id,
            ReviewItem.question_id.in_(select(Question.id).where(visibility.public_questions())),
            or_(ReviewItem.answer_id.is_(None), ReviewItem.answer_id.in_(public_answer)))


def open_items(reviewer: User, *, page: int = 1, per_page: int = 20) -> Page:
    """The items `reviewer` may decide, the longest waiting first."""
    require(reviewer, Permission.REVIEW)
    where = _reviewable(reviewer)
    total = db.session.scalar(select(func.count(ReviewItem.id)).where(*where)) or 0
    items = list(db.session.scalars(
        select(ReviewItem).where(*where)
        .options(joinedload(ReviewItem.question), joinedload(ReviewItem.answer), joinedload(ReviewItem.author),
                 joinedload(ReviewItem.suggested_edit))
        .order_by(ReviewItem.created_at, ReviewItem.id).limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)


def decide(item_id: int, *, reviewer: User, outcome: str, note: str = "") -> ReviewItem:
    """Record a reviewer's decision; Conflict when someone decided first (see moderation.queue)."""
    require(reviewer, Permission.REVIEW)
    item = db.session.get(ReviewItem, item_id)
    if item is None or item.kind not in COMMUNITY_KINDS:
        raise NotFound(_("That item isn't in the community review queue."))
    if item.author_id == reviewer.id:
        raise NotAllowed(_("You can't review your own post or suggestion."))
    if item.handled_at is not None:
        raise queue.already_handled(item)
    if not db.session.scalar(select(func.count(ReviewItem.id)).where(ReviewItem.id == item.id,
                                                                      *_reviewable(reviewer))):
        raise NotAllowed(_("Only moderators can review this item now."))
    try:
        decision = ReviewOutcome(outcome)
    except ValueError:
        decision = None
    if decision not in OUTCOMES[item.kind]:
        raise ValidationFailed(_("Choose one of the offered decisions."),
                               fields={"outcome": ", ".join(o.value for o in OUTCOMES[item.kind])})
    note = " ".join((note or "").split())[:500]
    item = queue.claim(item_id, moderator=reviewer, outcome=decision.value)
    item.note = note
    audit.log("review.handle", reviewer, target=f"review:{item.id}", reason=note, before={"kind": item.kind},
              after={"outcome": decision.value, "post": audit.target_of(item.target), "by": "community review"},
              subject=item.author_id, question_id=item.question_id)
    if item.kind == ReviewKind.SUGGESTED_EDIT.value:
        suggestion = item.suggested_edit
        if decision is ReviewOutcome.DISMISSED:
            suggestions.reject(suggestion)
            audit.log("suggestion.reject", reviewer, target=f"suggestion:{suggestion.id}", reason=note,
                      subject=suggestion.author_id, question_id=item.question_id)
        else:
            audit.log("suggestion.approve", reviewer, target=f"suggestion:{suggestion.id}", reason=note,
                      after={"post": audit.target_of(item.target), "changed_by_moderator": False},
                      subject=suggestion.author_id, question_id=item.question_id)
            suggestions.apply(suggestion, moderator=reviewer)
    db.session.flush()
    return item


def label(item: ReviewItem, outcome: ReviewOutcome) -> str:
    return LABELS[(item.kind, outcome.value)]
