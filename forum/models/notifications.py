"""Notifications, follows, email preferences and digest deliveries.

What members see of them: README, "Notifications, email digests and feeds" and "Security".
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.catalog import Product, Tag
from forum.models.question import Question
from forum.models.user import User

ONE_TARGET = ("(CASE WHEN product_id IS NULL THEN 0 ELSE 1 END + CASE WHEN tag_id IS NULL THEN 0 ELSE 1 END"
              " + CASE WHEN question_id IS NULL THEN 0 ELSE 1 END) = 1")


class NotificationKind(LabeledEnum):
    """What a notification is about; also the unit of email opt-in and unsubscribe.

    The label is the choice on the email preferences page (and the kind named in the mail).
    """

    ANSWER = "answer", _l("Answers to my questions")
    COMMENT = "comment", _l("Comments on my questions and answers")
    ACCEPTED = "accepted", _l("My answer is accepted")
    MENTION = "mention", _l("Someone @mentions me")
    CASE_UPDATE = "case_update", _l("Updates from support on my escalated questions")
    MODERATOR_ACTION = "moderator_action", _l("Moderator actions on my posts")
    CASE_SURVEY = "case_survey", _l("Satisfaction surveys when support resolves my case")
    CASE_ASSIGNED = "case_assigned", _l("A support case is assigned to me")
    CASE_UPDATE_DUE = "case_update_due", _l("A customer of my case is due an update")
    QUESTION_FOR_YOU = "question_for_you", _l("Questions for you (waiting questions you may know about)")


class DigestPeriod(StrEnum):
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"


class Notification(db.Model):
    """One in-app notification for one member; `read_at` is set when they mark it read."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    # What a feature's notification says, written in the reader's language each time it is shown:
    # a key of forum.services.notifications.MESSAGES and the values its sentence names. `text` is
    # the plain text rows kept before these columns existed (stored in the language of the moment).
    message: Mapped[str] = mapped_column(String(40), default="", server_default="")
    params: Mapped[dict | None] = mapped_column(JSON)
    text: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    question: Mapped[Question | None] = relationship()

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Follow(db.Model):
    """A member follows exactly one product, tag or question (what their digests are made of)."""

    __tablename__ = "follows"
    __table_args__ = (
        CheckConstraint(ONE_TARGET, name="one_target"),
        UniqueConstraint("user_id", "product_id"),
        UniqueConstraint("user_id", "tag_id"),
        UniqueConstraint("user_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    tag_id: Mapped[int | None] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product | None] = relationship()
    tag: Mapped[Tag | None] = relationship()
    question: Mapped[Question | None] = relationship()


class MailSettings(db.Model):
    """A member's email choices; a member without a row has the defaults (no email, UTC)."""

    __tablename__ = "mail_settings"
    __table_args__ = (Index("ix_mail_settings_digest_zone", "digest", "time_zone"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    digest: Mapped[str] = mapped_column(String(10), default=DigestPeriod.OFF)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailSubscription(db.Model):
    """The member opted in to immediate email for one notification kind (no row: no email)."""

    __tablename__ = "email_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuietProduct(db.Model):
    """The member gets no email about this product at all (immediate or digest), whatever else they chose.

    In-app notifications still arrive: the opt-out is about the inbox (README, "Notifications,
    email digests and feeds": per product).
    """

    __tablename__ = "quiet_products"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestDelivery(db.Model):
    """One digest for one member and period ("daily:2026-11-23", "weekly:2026-W48").

    The unique (user_id, period) row is claimed before the mail goes out, so a retried or
    duplicated task sends nothing twice. `item_count` 0 records "nothing new, nothing sent".
    """

    __tablename__ = "digest_deliveries"
    __table_args__ = (UniqueConstraint("user_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
