"""Flags: members report spam, abuse or something a moderator should see.

A flag joins the post's open review item (one per post). When pending spam/abuse flags reach
the configured threshold, or a moderator flags spam/abuse, the post is hidden from the public
until a moderator reviews it; the audit entry for the hiding is the hook that notifies the author.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import Answer, Comment, Flag, FlagReason, FlagStatus, Question, ReviewItem, ReviewKind, User, utcnow
from forum.policy import Permission, can, require, visibility
from forum.services import posts
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.transaction import savepoint
from moderation import audit, queue, settings
from reputation.events import PostKind

TEXT_MIN, TEXT_MAX = 10, 500
RETRIES = 3
HIDING_REASONS = (FlagReason.SPAM.value, FlagReason.RUDE.value)
TARGET_KINDS = ("question", "answer", "comment")


def get_target(kind: str, target_id: int, *, viewer: User | None) -> Question | Answer | Comment:
    """A question, answer or comment that exists (deleted ones only for moderators)."""
    if kind == "comment":
        comment = db.session.get(Comment, target_id)
        if comment is None or not visibility.can_see(viewer, comment):
            raise NotFound(_("That comment doesn't exist or has been deleted."))
        return comment
    if kind not in TARGET_KINDS:
        raise NotFound(_("Only questions, answers and comments can be flagged."))
    return posts.get_post(PostKind(kind), target_id, viewer=viewer)


def _check(reason: str, text: str | None) -> tuple[FlagReason, str]:
    try:
        flag_reason = FlagReason(reason)
    except ValueError as exc:
        raise ValidationFailed(_("Please choose why you are flagging this."),
                               fields={"reason": _("Choose spam, rude or attention.")}) from exc
    text = " ".join((text or "").replace("\x00", "").split())
    if flag_reason is FlagReason.ATTENTION and len(text) < TEXT_MIN:
        raise ValidationFailed(_("Please tell the moderators what needs their attention."),
                               fields={"text": f"At least {TEXT_MIN} characters."})
    if len(text) > TEXT_MAX:
        raise ValidationFailed(_("Please keep the note short."), fields={"text": f"At most {TEXT_MAX} characters."})
    return flag_reason, text


def _thread_id(target: Question | Answer | Comment) -> int:
    return target.id if isinstance(target, Question) else target.question_id


def flag(kind: str, target_id: int, *, actor: User, reason: str, text: str = "") -> Flag:
    """Flag a post or comment once; may hide it pending review.

    Raises NotAllowed without the flag privilege or on your own post, Conflict when you
    already flagged it, ValidationFailed for an unknown reason or a missing note.
    """
    flag_reason, text = _check(reason, text)
    target = get_target(kind, target_id, viewer=actor)
    require(actor, Permission.POST_FLAG, target)
    for attempt in range(RETRIES):
        try:
            with savepoint():
                return _flag_once(kind, target, actor, flag_reason, text)
        except IntegrityError:
            # A racing flag opened the post's review item first (or this member double-clicked):
            # the retry (its attempt rolled back to the savepoint) joins that item, or reports
            # the existing flag.
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _flag_once(kind: str, target, actor: User, reason: FlagReason, text: str) -> Flag:
    # Flaggers of one post take turns (a row lock on PostgreSQL; SQLite writers are serial
    # anyway), so each counts the flags committed before it and the threshold hides it once.
    db.session.execute(select(type(target)).where(type(target).id == target.id).with_for_update()
                       .execution_options(populate_existing=True))
    column = {"question": Flag.question_id, "answer": Flag.answer_id, "comment": Flag.comment_id}[kind]
    if db.session.scalar(select(Flag.id).where(Flag.flagger_id == actor.id, column == target.id)) is not None:
        raise Conflict(_("You have already flagged this. Moderators will look at it."))
    new = Flag(flagger_id=actor.id, author_id=target.author_id, reason=reason.value, text=text,
               **{f"{kind}_id": target.id})
    db.session.add(new)
    db.session.flush()
    item = queue.enqueue(ReviewKind.FLAGGED, target, author_id=target.author_id)
    new.review_item_id = item.id
    db.session.flush()
    if not target.is_hidden and _reaches_threshold(item, actor, reason):
        _hide(target, item, actor)
    db.session.flush()
    return new


def _reaches_threshold(item: ReviewItem, actor: User, reason: FlagReason) -> bool:
    if reason.value not in HIDING_REASONS:
        return False
    if can(actor, Permission.POST_HIDE):
        return True
    pending = db.session.scalar(select(func.count(Flag.id)).where(
        Flag.review_item_id == item.id, Flag.status == FlagStatus.PENDING.value,
        Flag.reason.in_(HIDING_REASONS))) or 0
    return pending >= settings.thresholds()["flags_to_hide"]


def _hide(target: Question | Answer | Comment, item: ReviewItem, actor: User) -> None:
    counted = visibility.is_public_post(target)
    target.hidden_at = utcnow()
    posts.count_answer(target, counted_before=counted)
    item.kind = ReviewKind.HIDDEN.value
    by_moderator = can(actor, Permission.POST_HIDE)
    audit.log("post.hide", actor if by_moderator else None, target=audit.target_of(target),
              reason="flagged by a moderator" if by_moderator else "spam/abuse flags reached the threshold",
              after={"hidden": True, "review_item": item.id}, subject=target.author_id,
              question_id=_thread_id(target))


def resolve(item: ReviewItem, *, helpful: bool) -> int:
    """Settle the item's pending flags as helpful or declined; returns how many."""
    result = db.session.execute(
        update(Flag).where(Flag.review_item_id == item.id, Flag.status == FlagStatus.PENDING.value)
        .values(status=(FlagStatus.HELPFUL if helpful else FlagStatus.DECLINED).value)
        .execution_options(synchronize_session=False))
    return result.rowcount
