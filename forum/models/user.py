"""Members, their roles and their personal API tokens."""

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow


class Role(LabeledEnum):
    """A member's role; the label is the badge beside a staff member's name."""

    MEMBER = "member", _l("member")
    MODERATOR = "moderator", _l("moderator")
    AGENT = "agent", _l("support agent")
    ADMIN = "admin", _l("admin")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    username_key: Mapped[str] = mapped_column(String(60), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    reputation: Mapped[int] = mapped_column(Integer, default=1, index=True)
    about: Mapped[str] = mapped_column(Text, default="")
    # Filled from the identity provider's claims (single sign-on); the member may change or clear them.
    display_name: Mapped[str] = mapped_column(String(80), default="")
    locale: Mapped[str] = mapped_column(String(35), default="")
    auth_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    deleted_at: Mapped[datetime | None]
    # When the member followed the confirmation link for the current email (None: not confirmed).
    email_confirmed_at: Mapped[datetime | None]
    # Two-factor sign-in (TOTP); the last accepted time-step stops a code being replayed.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    # A moderator's suspension (README, "Moderation"): until then the member can read but not write.
    # The history of suspensions is in `suspensions`; these two columns are the one in force.
    suspended_until: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(String(500))

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # The attributes Flask-Login reads; forum.auth is the only module that talks to it.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """A deleted account can't sign in; its posts stay, shown as a former member."""
        return self.deleted_at is None

    def get_id(self) -> str:
        """The session id: the member, auth_version (bumped by password and 2FA changes, which end every
        session) and the key of this sign-in's `user_sessions` row (ended by signing out)."""
        return f"{self.id}:{self.auth_version}:{getattr(self, 'session_key', '')}"

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role)

    @property
    def has_password(self) -> bool:
        """Accounts made by single sign-on (and deleted ones) store an unusable marker, not a hash."""
        return not self.password_hash.startswith("!")  # forum.services.accounts.NO_PASSWORD

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class TokenScope(StrEnum):
    """What a token may do, chosen when it is created."""

    READ = "read"
    WRITE = "read-write"
    CASES = "read-write-cases"

    @property
    def label(self) -> str:
        return {"read": _("Read only"), "read-write": _("Read and write"),
                "read-write-cases": _("Read and write, with support cases")}[self.value]


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    scope: Mapped[str] = mapped_column(String(20), default=TokenScope.WRITE, server_default=TokenScope.WRITE.value)

    user: Mapped[User] = relationship(back_populates="tokens")


class UserSession(db.Model):
    """One sign-in, alive until the member signs out of it: a session cookie names it by key.

    Cookies are signed, not stored, so without this row a copied cookie would keep working
    after "Sign out". Only the key's SHA-256 is kept.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


class PendingSignUp(db.Model):
    """A sign-up waiting for its emailed link: the account exists only once the address is proven.

    Until then nothing public changes (no profile, no taken username), so signing up shows
    nothing about whether the address already has an account.
    """

    __tablename__ = "pending_sign_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(254), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Where the sign-up form was to lead (a checked same-site path), followed once the account exists.
    next_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IdempotencyKey(db.Model):
    """The first response to a POST sent with an Idempotency-Key, replayed when the same token retries it."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
