"""What members tell us about the help they got: case satisfaction surveys and "did this help?" votes."""

from datetime import datetime
from enum import IntEnum

from flask_babel import gettext as _
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import utcnow
from forum.models.cases import Case

ONE_HELP_TARGET = "(answer_id IS NULL) <> (article_id IS NULL)"


class Rating(IntEnum):
    """The five answers to "How satisfied are you with the help you got?"."""

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    NEUTRAL = 3
    SATISFIED = 4
    VERY_SATISFIED = 5

    @property
    def label(self) -> str:
        return {1: _("Very dissatisfied"), 2: _("Dissatisfied"), 3: _("Neither satisfied nor dissatisfied"),
                4: _("Satisfied"), 5: _("Very satisfied")}[self.value]


class CaseSurvey(db.Model):
    """The one satisfaction survey of a resolved case (unique per case).

    `nonce` makes the emailed link single-use: the link carries it signed, and recording a
    rating through the link clears `link_nonce`. The asker may change the rating while signed in
    until `expires_at`. `customer_id` is cleared and the comment erased when the account is
    deleted; the rating itself keeps counting.
    """

    __tablename__ = "case_surveys"
    __table_args__ = (
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        Index("ix_case_surveys_product_sent", "product_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    link_nonce: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime]
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[datetime | None] = mapped_column(index=True)

    case: Mapped[Case] = relationship()


class HelpfulVote(db.Model):
    """One member's "did this help?" answer on one accepted answer or one knowledge article."""

    __tablename__ = "helpful_votes"
    __table_args__ = (
        CheckConstraint(ONE_HELP_TARGET, name="one_target"),
        UniqueConstraint("user_id", "answer_id"),
        UniqueConstraint("user_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
