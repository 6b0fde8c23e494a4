"""Moderator actions on threads and posts: close, lock, move, merge, delete (as spam), undelete.

Each action checks its permission and its target, then changes it and writes its audit
entry in the caller's unit of work (forum/transaction.py), so the change and its entry are
saved or rolled back together. Deletion reuses the Q&A services (which reverse the
reputation the post earned); they flush into the same unit of work, so the order in which
the entry and the deletion are written doesn't matter.
"""

import re

from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from forum.extensions import db
from forum.models import (
    Activity,
    Answer,
    CloseReason,
    CloseVote,
    Comment,
    Product,
    Question,
    ReviewItem,
    User,
    utcnow,
)
from forum.parse import parse_id
from forum.policy import Permission, require, visibility
from forum.services import answers, comments, ledger, posts, questions
from forum.services.errors import MissingReference, NotAllowed, StateConflict, ValidationFailed
from moderation import audit, flags
from reputation import rules
from reputation.events import RepEvent

NOTE_MAX = 500
QUESTION_REF = re.compile(r"(?:/questions/)?(\d{1,12})(?:[/?#].*)?$")


def _note(note: str | None) -> str:
    return " ".join((note or "").replace("\x00", "").split())[:NOTE_MAX]


def _question(question_id: int, moderator: User) -> Question:
    return posts.get_question(question_id, viewer=moderator)


def _live(question: Question) -> None:
    if question.is_deleted:
        raise StateConflict(_("This question is deleted; undelete it first."))


def parse_question_ref(raw: object) -> int | None:
    """A question id given as a number, "#123" or a question URL."""
    if isinstance(raw, int):
        return parse_id(raw)
    match = QUESTION_REF.search(str(raw or "").strip().lstrip("#"))
    return parse_id(match.group(1)) if match else None


def close_question(question_id: int, *, moderator: User, reason: str, duplicate_of: object = None,
                   note: str = "") -> Question:
    """Close a question with a reason; a duplicate names a different, existing, public question."""
    require(moderator, Permission.THREAD_CLOSE)
    question = _question(question_id, moderator)
    _live(question)
    if question.is_closed:
        raise StateConflict(_("This question is already closed (%(reason)s).", reason=question.close_reason_label))
    try:
        close_reason = CloseReason(reason)
    except ValueError as exc:
        raise ValidationFailed(_("Please choose why the question is closed."),
                               fields={"reason": _("Choose duplicate, off-topic or needs detail.")}) from exc
    target = duplicate_target(question, duplicate_of) if close_reason is CloseReason.DUPLICATE else None
    _close(question, moderator, close_reason, target)
    audit.log("question.close", moderator, target=audit.target_of(question), reason=_note(note),
              before={"state": "open"},
              after={"state": "closed", "reason": close_reason.value,
                     **({"duplicate_of": target.id} if target else {})},
              subject=question.author_id, question_id=question.id)
    return question


def _close(question: Question, moderator: User, reason: CloseReason, target: Question | None) -> None:
    question.closed_at, question.closed_by_id = utcnow(), moderator.id
    question.close_reason, question.duplicate_of_id = reason.value, target.id if target else None
    # Members' pending close votes end with the closing: after a reopen, voting starts afresh.
    db.session.execute(delete(CloseVote).where(CloseVote.question_id == question.id))


def duplicate_target(question: Question, raw: object) -> Question:
    target_id = parse_question_ref(raw)
    if target_id is None:
        raise ValidationFailed(_("Name the question this duplicates."),
                               fields={"duplicate_of": _("Give its number or paste its link.")})
    if target_id == question.id:
        raise StateConflict(_("A question can't duplicate itself."),
                               fields={"duplicate_of": _("Choose a different question.")})
    target = db.session.get(Question, target_id)
    if target is None or target.is_deleted or target.is_hidden:
        raise MissingReference(_("That question doesn't exist."),
                               fields={"duplicate_of": f"There is no public question #{target_id}."})
    return target


def reopen_question(question_id: int, *, moderator: User, note: str = "") -> Question:
    require(moderator, Permission.THREAD_CLOSE)
    question = _question(question_id, moderator)
    if not question.is_closed:
        raise StateConflict(_("This question is open already."))
    before = {"state": "closed", "reason": question.close_reason, "duplicate_of": question.duplicate_of_id}
    question.closed_at = question.closed_by_id = question.close_reason = question.duplicate_of_id = None
    audit.log("question.reopen", moderator, target=audit.target_of(question), reason=_note(note), before=before,
              after={"state": "open"}, subject=question.author_id, question_id=question.id)
    return question


def lock_thread(question_id: int, *, moderator: User, note: str = "") -> Question:
    """Lock a thread: no new answers, comments or votes until unlocked."""
    require(moderator, Permission.THREAD_LOCK)
    question = _question(question_id, moderator)
    _live(question)
    if question.is_locked:
        raise StateConflict(_("This thread is already locked."))
    question.locked_at = utcnow()
    audit.log("question.lock", moderator, target=audit.target_of(question), reason=_note(note),
              before={"locked": False}, after={"locked": True}, subject=question.author_id,
              question_id=question.id)
    return question


def unlock_thread(question_id: int, *, moderator: User, note: str = "") -> Question:
    require(moderator, Permission.THREAD_LOCK)
    question = _question(question_id, moderator)
    if not question.is_locked:
        raise StateConflict(_("This thread is not locked."))
    question.locked_at = None
    audit.log("question.unlock", moderator, target=audit.target_of(question), reason=_note(note),
              before={"locked": True}, after={"locked": False}, subject=question.author_id,
              question_id=question.id)
    return question


def move_question(question_id: int, product: str, *, moderator: User, note: str = "") -> Question:
    """Move a question to another product.

    An archived product takes no new questions, so none move into it either (its own
    questions stay, and can move out). Unknown product: MissingReference (404); the same or an
    archived one: StateConflict (409), a valid request the product's state refuses.
    """
    require(moderator, Permission.THREAD_MOVE)
    question = _question(question_id, moderator)
    _live(question)
    target = db.session.scalar(select(Product).where(Product.slug == (product or "").strip()))
    if target is None:
        raise MissingReference(_("Please choose a product."), fields={"product": _("Choose one of the products.")})
    if target.id == question.product_id:
        raise StateConflict(_("The question is already in %(product)s.", product=target.name),
                            fields={"product": _("Choose another.")})
    if target.is_archived:
        raise StateConflict(_("%(product)s is archived and takes no new questions, so none can move into it.",
                              product=target.name),
                            fields={"product": _("%(product)s is archived and takes no new questions: choose "
                                                 "another product.", product=target.name)})
    before = {"product": question.product.slug}
    question.product_id = target.id
    posts.touch(question, Activity.MODIFIED, moderator)
    audit.log("question.move", moderator, target=audit.target_of(question), reason=_note(note), before=before,
              after={"product": target.slug}, subject=question.author_id, question_id=question.id)
    db.session.refresh(question)
    return question


def merge_question(source_id: int, into: object, *, moderator: User, note: str = "") -> Question:
    """Merge a duplicate into its target: its answers (with their comments) move, and it is closed as duplicate.

    An accepted answer of the duplicate arrives unaccepted (the target's asker chooses), so the
    acceptance's reputation is reversed through the ledger.
    """
    require(moderator, Permission.THREAD_MERGE)
    source = _question(source_id, moderator)
    _live(source)
    target = duplicate_target(source, into)
    moved = list(db.session.scalars(select(Answer).where(Answer.question_id == source.id)))
    live = sum(1 for a in moved if visibility.is_public_post(a))
    touched: set[int] = set()
    if source.accepted_answer_id is not None:
        entries = ledger.live_entries(rules.ACCEPT_EVENTS, answer_id=source.accepted_answer_id)
        ledger.lock_users(e.user_id for e in entries)
        for entry in entries:
            ledger.reverse(entry, reason="question merged into another")
        touched = {e.user_id for e in entries}
        source.accepted_answer_id = None
    ids = [a.id for a in moved]
    if ids:
        db.session.execute(update(Answer).where(Answer.id.in_(ids)).values(question_id=target.id)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(Comment).where(Comment.answer_id.in_(ids)).values(question_id=target.id)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(ReviewItem).where(ReviewItem.answer_id.in_(ids)).values(question_id=target.id)
                           .execution_options(synchronize_session=False))
    source.answer_count = max(0, source.answer_count - live)
    target.answer_count = target.answer_count + live
    posts.touch(target, Activity.MODIFIED, moderator)
    if not source.is_closed or source.close_reason != CloseReason.DUPLICATE.value or (
            source.duplicate_of_id != target.id):
        _close(source, moderator, CloseReason.DUPLICATE, target)
    ledger.refresh_cache(touched)
    audit.log("question.merge", moderator, target=audit.target_of(source), reason=_note(note),
              before={"answers": len(ids)}, after={"into": target.id, "answers_moved": ids},
              subject=source.author_id, question_id=source.id)
    db.session.expire_all()
    return db.session.get(Question, target.id)


def _kind_target(kind: str, post_id: int, moderator: User):
    return flags.get_target(kind, post_id, viewer=moderator)


def delete_post(kind: str, post_id: int, *, moderator: User, reason: str = "") -> int:
    """Delete a question, answer or comment as a moderator; returns the thread id."""
    require(moderator, Permission.MODERATE)  # the Q&A services then apply their own deletion rules
    target = _kind_target(kind, post_id, moderator)
    if target.is_deleted:
        raise ValidationFailed(_("That %(kind)s is already deleted.", kind=kind))
    thread_id = target.id if kind == "question" else target.question_id
    audit.log("comment.delete" if kind == "comment" else "post.delete", moderator,
              target=audit.target_of(target), reason=_note(reason), subject=target.author_id,
              question_id=thread_id)
    delete_target(kind, target, moderator)
    return thread_id


def delete_target(kind: str, target, moderator: User) -> None:
    """Delete through the Q&A services, which reverse what the post earned (in the caller's unit of work)."""
    if kind == "question":
        questions.delete_question(target.id, moderator)
    elif kind == "answer":
        answers.delete_answer(target.id, moderator)
    else:
        comments.delete_comment(target.id, moderator)


def undelete_post(kind: str, post_id: int, *, moderator: User, reason: str = "") -> int:
    """Restore a deleted question or answer (a spam deletion's −100 is reversed too)."""
    require(moderator, Permission.MODERATE)
    if kind not in ("question", "answer"):
        raise ValidationFailed(_("Only questions and answers can be undeleted."))
    target = _kind_target(kind, post_id, moderator)
    if not target.is_deleted:
        raise ValidationFailed(_("That %(kind)s is not deleted.", kind=kind))
    thread_id = target.id if kind == "question" else target.question_id
    audit.log("post.undelete", moderator, target=audit.target_of(target), reason=_note(reason),
              before={"deleted_as_spam": target.deleted_as_spam}, subject=target.author_id, question_id=thread_id)
    if kind == "question":
        questions.undelete_question(target.id, moderator)
    else:
        answers.undelete_answer(target.id, moderator)
    return thread_id


def delete_as_spam(kind: str, post_id: int, *, moderator: User, reason: str = "") -> int:
    """Delete a question or answer as spam or offensive: deleted, and −100 to its author."""
    require(moderator, Permission.POST_DELETE_SPAM)
    if kind not in ("question", "answer"):
        raise ValidationFailed(_("Only questions and answers can be deleted as spam; delete the comment instead."))
    target = _kind_target(kind, post_id, moderator)
    if target.is_deleted:
        raise ValidationFailed(_("That %(kind)s is already deleted.", kind=kind))
    thread_id = target.id if kind == "question" else target.question_id
    audit.log("post.delete_spam", moderator, target=audit.target_of(target), reason=_note(reason),
              after={"reputation": rules.POINTS[RepEvent.POST_DELETED_AS_SPAM]}, subject=target.author_id,
              question_id=thread_id)
    penalise_spam(target, moderator, _note(reason))
    delete_target(kind, target, moderator)
    return thread_id


def penalise_spam(target: Question | Answer, moderator: User, reason: str = "") -> None:
    """Mark the post deleted-as-spam and record the −100 in its author's ledger (before deleting it)."""
    if target.author_id == moderator.id:
        raise NotAllowed(_("You can't delete your own post as spam."))
    target.deleted_as_spam = True
    ledger.lock_users([target.author_id])
    keys = {"question_id": target.id} if isinstance(target, Question) else {"answer_id": target.id}
    ledger.record(RepEvent.POST_DELETED_AS_SPAM, user_id=target.author_id, actor_id=moderator.id,
                  reason=reason[:200] or None, **keys)
    ledger.refresh_cache([target.author_id])
