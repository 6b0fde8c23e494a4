"""Moderation (README, "Moderation"): flags, the review queue, suggested edits, suspensions,
watched words, the audit log."""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import DDL, JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.question import Answer, Comment, Question
from forum.models.user import User

ONE_TARGET = ("(CASE WHEN question_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN answer_id IS NULL THEN 0 ELSE 1 END)"
              " + (CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END) = 1")
ONE_POST = "(question_id IS NULL) <> (answer_id IS NULL)"


class CloseVote(db.Model):
    """A member's vote to close a question (the close-vote privilege); it counts for 14 days.

    The third vote that counts closes the question with the reason most of them gave; the votes
    are then consumed (deleted) and the audit log keeps who voted.
    """

    __tablename__ = "close_votes"
    __table_args__ = (UniqueConstraint("question_id", "voter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    voter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    voter: Mapped[User] = relationship(foreign_keys=[voter_id])


class FlagReason(LabeledEnum):
    SPAM = "spam", _l("Spam")
    RUDE = "rude", _l("Rude or abusive")
    ATTENTION = "attention", _l("Needs moderator attention")


class FlagStatus(StrEnum):
    PENDING = "pending"
    HELPFUL = "helpful"
    DECLINED = "declined"


class Flag(db.Model):
    """One member's flag on one post or comment; the unique constraints make it one per member and target."""

    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint(ONE_TARGET, name="one_target"),
        UniqueConstraint("flagger_id", "question_id"),
        UniqueConstraint("flagger_id", "answer_id"),
        UniqueConstraint("flagger_id", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    # The flagged content's author when flagged: "flags against a member" without a join per kind.
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(20), default=FlagStatus.PENDING, index=True)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    flagger: Mapped[User] = relationship(foreign_keys=[flagger_id])

    @property
    def reason_label(self) -> str:
        return FlagReason.label_of(self.reason)


class ReviewKind(LabeledEnum):
    """The queues of the review console, in the order the console lists them (hidden posts first)."""

    HIDDEN = "hidden", _l("Hidden by flags")
    FLAGGED = "flagged", _l("Flagged")
    FIRST_POST = "first_post", _l("First posts")
    SUGGESTED_EDIT = "suggested_edit", _l("Suggested edits")
    WATCHED_WORD = "watched_word", _l("Watched words")


class ReviewOutcome(LabeledEnum):
    """How a review item was handled; the label is the moderator's action."""

    APPROVED = "approved", _l("Approve")
    DISMISSED = "dismissed", _l("Dismiss")
    EDITED = "edited", _l("Edit")
    DELETED = "deleted", _l("Delete")
    SPAM = "spam", _l("Delete as spam")
    SUSPENDED = "suspended", _l("Suspend author")


class ReviewItem(db.Model):
    """Something a moderator must look at once: flagged or hidden posts, first posts, suggested edits.

    `question_id` is always the thread; `answer_id` or `comment_id` narrow the target. While the
    item is open `open_key` names what it is about and is unique, so one post never has two open
    items of the same kind however requests race; handling sets `handled_at` exactly once
    (a conditional UPDATE ... WHERE handled_at IS NULL) and clears `open_key`.
    """

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_open", "handled_at", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"), index=True)
    suggested_edit_id: Mapped[int | None] = mapped_column(ForeignKey("suggested_edits.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    detail: Mapped[str] = mapped_column(String(300), default="")
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
    answer: Mapped[Answer | None] = relationship(foreign_keys=[answer_id])
    comment: Mapped[Comment | None] = relationship(foreign_keys=[comment_id])
    suggested_edit: Mapped["SuggestedEdit | None"] = relationship(foreign_keys=[suggested_edit_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    flags: Mapped[list[Flag]] = relationship(order_by=Flag.id, viewonly=True)

    @property
    def target(self) -> Question | Answer | Comment:
        return self.comment or self.answer or self.question

    @property
    def target_kind(self) -> str:
        return "comment" if self.comment_id else "answer" if self.answer_id else "question"

    @property
    def kind_label(self) -> str:
        return ReviewKind.label_of(self.kind)


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SuggestedEdit(db.Model):
    """An edit by a member below the edit privilege, applied only when a moderator approves it."""

    __tablename__ = "suggested_edits"
    __table_args__ = (CheckConstraint(ONE_POST, name="one_post"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The revision number the suggestion was written against: a later edit makes it stale.
    base_revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(150))
    tags: Mapped[str | None] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default=SuggestionStatus.PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(foreign_keys=[author_id])


class Suspension(db.Model):
    """A member suspended by a moderator until `ends_at` (or until lifted); the history is kept."""

    __tablename__ = "suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    moderator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ends_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lift_reason: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    moderator: Mapped[User] = relationship(foreign_keys=[moderator_id])
    lifted_by: Mapped[User | None] = relationship(foreign_keys=[lifted_by_id])


class WatchedAction(LabeledEnum):
    """What a watched word does; the label is the word the moderation settings use for it."""

    BLOCK = "block", _l("block")
    REVIEW = "review", _l("review")


class WatchedWord(db.Model):
    """A word or phrase that blocks a post or sends it to the review queue."""

    __tablename__ = "watched_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(80), unique=True)
    action: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def action_label(self) -> str:
        return WatchedAction.label_of(self.action)


class AuditLogEntry(db.Model):
    """One moderator or agent action: who, what, on what, why, before/after. Append-only.

    Nothing in the code updates or deletes an entry, the ORM refuses to (below), and the
    database refuses UPDATE (and DELETE on PostgreSQL) with a trigger.
    """

    __tablename__ = "audit_log_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(60), index=True)
    # The member the action concerns (a post's author, the suspended member), for their page.
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


class AppendOnlyViolation(RuntimeError):
    """Raised on any attempt to change or remove an audit-log entry."""


AUDIT_TABLE = AuditLogEntry.__tablename__


@event.listens_for(AuditLogEntry, "before_update")
@event.listens_for(AuditLogEntry, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AppendOnlyViolation("The audit log is append-only: entries can't be changed or deleted.")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and getattr(getattr(state.statement, "table", None), "name",
                                                        None) == AUDIT_TABLE:
        raise AppendOnlyViolation("The audit log is append-only: entries can't be changed or deleted.")


SQLITE_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS {AUDIT_TABLE}_no_update BEFORE UPDATE ON {AUDIT_TABLE}
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
POSTGRES_FUNCTION = """CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"""
POSTGRES_TRIGGER = f"""CREATE TRIGGER {AUDIT_TABLE}_append_only BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"""

event.listen(AuditLogEntry.__table__, "after_create", DDL(SQLITE_TRIGGER).execute_if(dialect="sqlite"))
event.listen(AuditLogEntry.__table__, "after_create", DDL(POSTGRES_FUNCTION).execute_if(dialect="postgresql"))
event.listen(AuditLogEntry.__table__, "after_create", DDL(POSTGRES_TRIGGER).execute_if(dialect="postgresql"))
