"""Response targets per product (business hours, first-response target, automatic escalation,
update cadence), the agents who take a product's cases, and the records that make the care run,
the update-cadence reminders, the response-overdue notices and question routing happen once."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.catalog import Product
from forum.models.user import User


class EscalationPolicy(LabeledEnum):
    OFF = "off", _l("Off")
    EVERY_QUESTION = "every_question", _l("Every question")
    FIRST_QUESTION = "first_question", _l("Only a member's first question in this product")


class ProductCare(db.Model):
    """A product's promise to its customers. No row (or no time zone) means 24 × 7 and no targets."""

    __tablename__ = "product_care"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    # Business hours: an IANA zone; None means the clock always runs (24 × 7).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    working_days: Mapped[list] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])  # 0 = Monday
    opens_at: Mapped[str] = mapped_column(String(5), default="09:00")
    closes_at: Mapped[str] = mapped_column(String(5), default="17:00")  # "24:00" = midnight
    holidays: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates, local to the zone
    first_response_hours: Mapped[int | None] = mapped_column(Integer)
    escalation_policy: Mapped[str] = mapped_column(String(20), default=EscalationPolicy.OFF)
    escalate_after_hours: Mapped[int] = mapped_column(Integer, default=8)
    escalation_priority: Mapped[str] = mapped_column(String(10), default="normal")
    # Hours between public updates per case priority ("the customer hears from us at least every …").
    update_cadence: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    # `Product.care` (None: never set up), so a thread page loads the targets with its product.
    product: Mapped[Product] = relationship(backref=backref("care", uselist=False, viewonly=True))


class ProductAgent(db.Model):
    """An agent who takes the cases of a product (routing picks the least busy one)."""

    __tablename__ = "product_agents"
    __table_args__ = (UniqueConstraint("product_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class AgentAway(db.Model):
    """An agent marked away: routing skips them until the mark is removed."""

    __tablename__ = "agent_away"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)


class CadenceReminder(db.Model):
    """One "update due" notice for one lapse of a case (identified by the update it lapsed after)."""

    __tablename__ = "cadence_reminders"
    __table_args__ = (UniqueConstraint("case_id", "lapsed_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    lapsed_after: Mapped[datetime]
    notified_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResponseOverdue(db.Model):
    """A question that passed its product's first-response target without a first response, announced.

    A question waits for its first response only once (from when it was asked), so one row per
    question makes the `question.response_overdue` webhook event go out once per lapse.
    """

    __tablename__ = "response_overdue_notices"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    due_at: Mapped[datetime]
    notified_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionOffer(db.Model):
    """A waiting question offered to a member who opted in to "Questions for you"."""

    __tablename__ = "question_offers"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RoutingOptIn(db.Model):
    """A member who wants "Questions for you"."""

    __tablename__ = "routing_opt_ins"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CareRun(db.Model):
    """One care run (escalation and cadence sweep); inserting it first serializes racing runs."""

    __tablename__ = "care_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    as_of: Mapped[datetime]  # the "now" the run judged by (`flask care run --now`)
    escalated: Mapped[int] = mapped_column(Integer, default=0)
    reminded: Mapped[int] = mapped_column(Integer, default=0)
    offered: Mapped[int] = mapped_column(Integer, default=0)
    overdue: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
