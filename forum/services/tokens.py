"""Personal API tokens: stored hashed, shown once, revocable."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import ApiToken, TokenScope, User, utcnow
from forum.policy import Permission, can, visibility
from forum.services.errors import NotFound, ValidationFailed

TOKEN_PREFIX = "pc_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scopes_for(user: User) -> list[TokenScope]:
    """The scopes this member may give a token: the cases scope only to staff who work cases."""
    return [s for s in TokenScope if s is not TokenScope.CASES or can(user, Permission.CASE_WORK)]


def create_token(user: User, name: str, scope: str | None = None) -> str:
    """Create a token for `user` with a scope and return it in clear; only its hash is kept.

    Without a scope the token gets the widest one the member may have (what tokens could do
    before scopes existed); the settings page always asks.
    """
    scope = scope or scopes_for(user)[-1].value
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationFailed(_("Please name the token."), fields={"name": _("1–80 characters, e.g. “CRM sync”.")})
    if scope not in {s.value for s in scopes_for(user)}:
        raise ValidationFailed(_("Please choose what the token may do."),
                               fields={"scope": "One of: " + ", ".join(s.value for s in scopes_for(user))})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=_digest(token), prefix=token[:10], scope=scope))
    db.session.flush()
    return token


def revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    token.revoked_at = token.revoked_at or utcnow()
    db.session.flush()


def active_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
    ))


def user_for_token(token: str) -> User | None:
    """Return the token's owner, noting when it was last used (at most once a minute)."""
    row = token_row(token)
    return row.user if row is not None else None


def token_row(token: str) -> ApiToken | None:
    """The live token (owner not deleted), noting when it was last used (at most once a minute)."""
    if not token or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not visibility.is_live_account(row.user):
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        row.last_used_at = now
        db.session.flush()
    return row
