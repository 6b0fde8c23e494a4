"""Support cases escalated from community threads, their history and webhooks.

What they are for: README, "Support cases and the knowledge base".
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.catalog import Product
from forum.models.question import Question
from forum.models.user import User


class CaseStatus(LabeledEnum):
    NEW = "new", _l("New")
    OPEN = "open", _l("Open")
    WAITING = "waiting_on_customer", _l("Waiting on customer")
    RESOLVED = "resolved", _l("Resolved")
    CLOSED = "closed", _l("Closed")


class CasePriority(LabeledEnum):
    LOW = "low", _l("Low")
    NORMAL = "normal", _l("Normal")
    HIGH = "high", _l("High")
    URGENT = "urgent", _l("Urgent")


class CaseEventKind(LabeledEnum):
    """What happened to a case: the `kind` of its history rows and the `type` of its webhook events."""

    CREATED = "case.created", _l("Case opened")
    AUTO_ESCALATED = "case.auto_escalated", _l("Escalated automatically")
    STATUS_CHANGED = "case.status_changed", _l("Status changed")
    ASSIGNED = "case.assigned", _l("Assigned")
    PRIORITY_CHANGED = "case.priority_changed", _l("Priority changed")
    PUBLIC_UPDATE = "case.public_update", _l("Public update")
    INTERNAL_NOTE = "case.internal_note", _l("Internal note")
    UPDATE_DUE = "case.update_due", _l("Customer due an update")
    CUSTOMER_REPLY = "case.customer_reply", _l("Customer replied")


# Statuses in which support still owes the customer something (and the target time runs).
ACTIVE_CASE_STATUSES = frozenset({CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING})


class Case(db.Model):
    """A thread the community couldn't solve, now handled by the support team.

    `active_question_id` equals `question_id` until the case is closed and is unique, so the
    database itself refuses a second active case for one question, however requests race.
    """

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_due", "status", "sla_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    active_question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    priority: Mapped[str] = mapped_column(String(10), default=CasePriority.NORMAL)
    status: Mapped[str] = mapped_column(String(24), default=CaseStatus.NEW, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: automatic
    sla_due_at: Mapped[datetime] = mapped_column(index=True)
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
    customer: Mapped[User] = relationship(foreign_keys=[customer_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    product: Mapped[Product] = relationship()

    @property
    def status_label(self) -> str:
        return CaseStatus.label_of(self.status)

    @property
    def priority_label(self) -> str:
        return CasePriority.label_of(self.priority)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_CASE_STATUSES

    def is_overdue(self, now: datetime) -> bool:
        return self.is_active and self.sla_due_at < now

    @property
    def reference(self) -> str:
        return f"CASE-{self.id:06d}"


class CaseUpdateKind(LabeledEnum):
    UPDATE = "update", _l("Public update")
    NOTE = "note", _l("Internal note")
    RESOLUTION = "resolution", _l("Resolution")
    CUSTOMER_REPLY = "customer_reply", _l("Reply from the customer")


class CaseUpdate(db.Model):
    """A message on a case: a public update (shown on the thread as a staff reply), an internal note,
    or the asker's reply to support (public, on the thread; it owes support an answer, not the reverse).
    """

    __tablename__ = "case_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20), default="update")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return CaseUpdateKind.label_of(self.kind)

    @property
    def is_customer_reply(self) -> bool:
        return self.kind == CaseUpdateKind.CUSTOMER_REPLY


class CaseEvent(db.Model):
    """Append-only history of a case; each event is also what a webhook delivers (id = event id)."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def kind_label(self) -> str:
        return CaseEventKind.label_of(self.kind)


class WebhookEndpoint(db.Model):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The event types this endpoint receives ("case" = every case event; forum/services/webhooks.py lists them).
    events: Mapped[list] = mapped_column(JSON, default=lambda: ["case"], server_default='["case"]')
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryStatus(LabeledEnum):
    PENDING = "pending", _l("Pending")
    RETRYING = "retrying", _l("Retrying")
    DELIVERED = "delivered", _l("Delivered")
    FAILED = "failed", _l("Failed")
    CANCELLED = "cancelled", _l("Cancelled (endpoint turned off)")


class WebhookDelivery(db.Model):
    """One event sent (or being sent) to one endpoint, with what the receiver answered.

    A case event is read from case_events; a community event (a question asked, an answer accepted…)
    has no row there, so its type and body are kept here, as they were when it happened.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id"), index=True)
    event_type: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    endpoint: Mapped[WebhookEndpoint] = relationship()
