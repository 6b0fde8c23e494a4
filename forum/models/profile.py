"""Customer profile fields: per-product questions a customer answers once (serial number, plan…)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.catalog import Product


class FieldKind(LabeledEnum):
    TEXT = "text", _l("Text")
    NUMBER = "number", _l("Number")
    CHOICE = "choice", _l("Single choice")
    DATE = "date", _l("Date")


class ProfileField(db.Model):
    """A field admins define for a product. Renaming changes `label`; `key` never changes.

    Fields are retired, never deleted, so the values members gave stay attached to them.
    """

    __tablename__ = "profile_fields"
    __table_args__ = (UniqueConstraint("product_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    choices: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    staff_only: Mapped[bool] = mapped_column(Boolean, default=True)
    help_text: Mapped[str] = mapped_column(String(300), default="")
    # The ID token claim that prefills the field for members who sign in with single sign-on ("" for none).
    claim: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]

    product: Mapped[Product] = relationship()

    @property
    def kind_label(self) -> str:
        return FieldKind.label_of(self.kind)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ProfileValue(db.Model):
    """A member's saved answer to a field, offered again the next time they ask."""

    __tablename__ = "profile_values"
    __table_args__ = (UniqueConstraint("field_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("profile_fields.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    field: Mapped[ProfileField] = relationship()


class QuestionFieldValue(db.Model):
    """The answer given with one question, as it was when asked (the saved value may change later)."""

    __tablename__ = "question_field_values"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("profile_fields.id"), primary_key=True, index=True)
    value: Mapped[str] = mapped_column(String(200))

    field: Mapped[ProfileField] = relationship()
