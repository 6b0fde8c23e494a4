"""Two-factor sign-in with time-based one-time passwords (RFC 6238, via pyotp).

Optional for everyone; required for moderators, agents and admins when the site runs with
REQUIRE_STAFF_2FA (on in production). Each code works once: the accepted time-step is kept.
"""

import time

import pyotp
from flask_babel import gettext as _

from forum.extensions import db
from forum.models import User, utcnow
from forum.policy import roles
from forum.services.accounts import end_sessions_and_tokens, require_password
from forum.services.errors import ValidationFailed

ISSUER = "PeerCare"
STEP = 30
WINDOW = 1  # accept the previous and next 30-second step too (clock drift)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app imports (typed in, or scanned where shown as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=issuer)


def _matching_counter(secret: str, code: str) -> int | None:
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int(time.time()) // STEP
    for counter in range(now - WINDOW, now + WINDOW + 1):
        if totp.generate_otp(counter) == code:
            return counter
    return None


def begin_setup(user: User) -> None:
    """Give the member a new secret to add to their app; it counts only once enabled."""
    if user.totp_enabled_at is not None:
        raise ValidationFailed(_("Two-factor sign-in is already on."))
    user.totp_secret = new_secret()
    db.session.flush()


def enable(user: User, code: str) -> None:
    """Turn on two-factor sign-in once the member proves their app produces the right codes.

    Sessions and tokens made without the second factor end with it.
    """
    counter = _matching_counter(user.totp_secret or "", code) if user.totp_enabled_at is None else None
    if counter is None:
        raise ValidationFailed(_("That code doesn't match."),
                               fields={"code": _("Enter the 6-digit code your app shows now.")})
    user.totp_enabled_at, user.totp_last_counter = utcnow(), counter
    end_sessions_and_tokens(user)
    db.session.flush()


def disable(user: User, password: str, code: str) -> None:
    require_password(user, password, "password")
    verify(user, code)
    user.totp_secret = user.totp_enabled_at = user.totp_last_counter = None
    end_sessions_and_tokens(user)
    db.session.flush()


def verify(user: User, code: str) -> None:
    """Accept a code once; raise ValidationFailed for a wrong or already used one."""
    counter = _matching_counter(user.totp_secret or "", code)
    if counter is None or (user.totp_last_counter is not None and counter <= user.totp_last_counter):
        raise ValidationFailed(_("That code doesn't match."), fields={"code": _("Enter the current 6-digit code.")})
    user.totp_last_counter = counter
    db.session.flush()


def required_for(user: User, *, staff_must: bool) -> bool:
    """Whether this member must set up two-factor sign-in before doing anything else."""
    return staff_must and roles.is_staff(user) and user.totp_enabled_at is None
