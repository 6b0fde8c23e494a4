"""The Q&A aggregate: questions, answers, comments, revisions and votes."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.catalog import Product, Tag, question_tags
from forum.models.language import DEFAULT_LANGUAGE, Language
from forum.models.user import User

ONE_POST = "(question_id IS NULL) <> (answer_id IS NULL)"


class Visibility:
    """Questions, answers and comments are soft-deleted by members and hidden by flags alike."""

    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class CloseReason(LabeledEnum):
    """Why a moderator closed a question: the label is the choice ("Off-topic"); the one more word,
    the notice, is the whole sentence the thread shows, with %(when)s, so word order is free."""

    DUPLICATE = "duplicate", _l("Duplicate"), _l("Closed as a duplicate %(when)s.")
    OFF_TOPIC = "off_topic", _l("Off-topic"), _l("Closed as off-topic %(when)s.")
    NEEDS_DETAIL = "needs_detail", _l("Needs more detail"), _l("Closed as needing more detail %(when)s.")


class Activity(LabeledEnum):
    """What last happened on a thread, as the Active list says it: the label ("answered %(when)s")
    or, naming who did it, the one more word ("answered %(when)s by %(who)s"); whole sentences."""

    ASKED = "asked", _l("asked %(when)s"), _l("asked %(when)s by %(who)s")
    ANSWERED = "answered", _l("answered %(when)s"), _l("answered %(when)s by %(who)s")
    MODIFIED = "modified", _l("modified %(when)s"), _l("modified %(when)s by %(who)s")
    ACCEPTED = "accepted", _l("answer accepted %(when)s"), _l("answer accepted %(when)s by %(who)s")
    SUPPORT_REPLIED = "support_replied", _l("support replied %(when)s"), _l("support replied %(when)s by %(who)s")
    RESOLVED = "resolved", _l("resolved by support %(when)s"), _l("resolved by support %(when)s (%(who)s)")
    SOLVED = "solved", _l("solution accepted %(when)s"), _l("solution accepted %(when)s by %(who)s")
    ASKER_REPLIED = "asker_replied", _l("replied to support %(when)s"), _l("%(who)s replied to support %(when)s")


class Question(Visibility, db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        Index("ix_questions_product_last_activity", "product_id", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # What that activity was and who did it (None on threads older than this record: "active").
    last_activity_kind: Mapped[str | None] = mapped_column(String(20))
    last_activity_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer, default=0, index=True)
    answer_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("answers.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    deleted_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Moderation (README, "Moderation"): closed with a reason (a duplicate names its target), locked,
    # hidden pending review after flags, and whether a deletion was "as spam" (−100 to the author).
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    close_reason: Mapped[str | None] = mapped_column(String(20))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    locked_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_as_spam: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Set when the asker accepted a support case's resolution (cleared if the case reopens): the
    # thread is then solved as surely as by an accepted answer, and lists must say so cheaply.
    solved_by_support_at: Mapped[datetime | None]
    # The language the question is written in (a shipped `Language` code): its page's `lang`, the
    # list and search filter, and the stemmer its words are indexed with. Answers share it.
    language: Mapped[str] = mapped_column(String(8), default=DEFAULT_LANGUAGE.value, nullable=False,
                                          server_default=DEFAULT_LANGUAGE.value)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    last_activity_by: Mapped[User | None] = relationship(foreign_keys=[last_activity_by_id])
    product: Mapped[Product] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary=question_tags, order_by=Tag.name)
    duplicate_of: Mapped["Question | None"] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])

    @property
    def content_language(self) -> Language:
        """The question's language as a `Language` (the default for a code no longer shipped)."""
        return Language.of(self.language) or DEFAULT_LANGUAGE

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def close_reason_label(self) -> str:
        return CloseReason.label_of(self.close_reason)

    @property
    def closed_notice(self) -> str:
        """"Closed as off-topic %(when)s." for this question's reason (any reason: "Closed %(when)s.")."""
        reason = CloseReason._value2member_map_.get(self.close_reason)
        return reason.more[0] if reason is not None else _l("Closed %(when)s.")

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def last_activity(self) -> tuple[str, str]:
        """The sentences for the latest activity (alone, naming who), "active …" when it wasn't recorded."""
        activity = Activity._value2member_map_.get(self.last_activity_kind)
        if activity is None:
            return _l("active %(when)s"), _l("active %(when)s by %(who)s")
        return activity.label, activity.more[0]

    @property
    def is_solved_by_support(self) -> bool:
        return self.solved_by_support_at is not None

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None or self.solved_by_support_at is not None


class Answer(Visibility, db.Model):
    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_question_score", "question_id", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    hidden_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_as_spam: Mapped[bool] = mapped_column(default=False, server_default=false())

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    question: Mapped[Question] = relationship(foreign_keys=[question_id])


class Comment(Visibility, db.Model):
    """A short plain-text remark; question_id is always the thread, answer_id set for answers."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]

    author: Mapped[User] = relationship()


class Revision(db.Model):
    """A version of a question or answer; revision 1 is the original post."""

    __tablename__ = "revisions"
    __table_args__ = (
        CheckConstraint(ONE_POST, name="one_post"),
        UniqueConstraint("question_id", "number"),
        UniqueConstraint("answer_id", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    comment: Mapped[str] = mapped_column(String(300), default="")
    title: Mapped[str | None] = mapped_column(String(150))
    tags: Mapped[str | None] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)

    author: Mapped[User] = relationship()


class Vote(db.Model):
    """One member's current vote on one post; the unique constraints make it one per post."""

    __tablename__ = "votes"
    __table_args__ = (
        CheckConstraint(ONE_POST, name="one_post"),
        CheckConstraint("value IN (-1, 1)", name="value"),
        UniqueConstraint("user_id", "question_id"),
        UniqueConstraint("user_id", "answer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
