"""Accounts at the company's identity providers linked to members (single sign-on)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import utcnow
from forum.models.user import User


class SsoIdentity(db.Model):
    """One provider account (issuer key + subject) signing in as one member.

    `claims` keeps the last sign-in's mapped claims only (display name, locale, products,
    segment, the claims that prefill profile fields), never the whole ID token.
    """

    __tablename__ = "sso_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    provider: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(254), default="")
    claims: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
