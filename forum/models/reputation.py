"""The append-only reputation ledger and awarded badges (README, "Reputation")."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.base import utcnow


class ReputationEntry(db.Model):
    """One change of one member's reputation; never updated or deleted.

    `amount` is what the rules table says, `delta` what was granted after the daily cap.
    A reversal carries the negated values of the entry it `reverses`.
    """

    __tablename__ = "reputation_entries"
    __table_args__ = (Index("ix_reputation_entries_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    event: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(200))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("reputation_entries.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class BadgeAward(db.Model):
    """A badge given to a member; `source` makes repeat awards for one reason impossible."""

    __tablename__ = "badge_awards"
    __table_args__ = (UniqueConstraint("user_id", "badge", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    badge: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(40), default="")
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), index=True)
    awarded_at: Mapped[datetime] = mapped_column(default=utcnow)
