"""The account's own email: confirm your address, reset your password (README, "Security": your data).

Both links carry a token signed with SECRET_KEY (itsdangerous, a salt per purpose) and
stamped with its creation time, so it expires: EMAIL_CONFIRMATION_MAX_AGE (48 h) and
PASSWORD_RESET_MAX_AGE (1 h). A confirmation token names the address it was sent to; a reset
token names a fingerprint of the password hash, auth_version and address, so it stops
working once used (the hash changes), after any other password change, or when the email
changes. Nothing is stored per token.

Messages are outbox work (sent after the commit, in the background like notification
email) and are transactional: no unsubscribe link or List-Unsubscribe headers. Deleted
accounts get none. Asking for a reset costs the same (one lookup, one outbox row) whether or
not the address belongs to an account, and answers the same: existence never shows.
"""

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from forum import mail, urls
from forum.extensions import db
from forum.models import PendingSignUp, User, utcnow
from forum.policy import visibility
from forum.services import accounts, outbox
from forum.services.errors import ServiceError, ValidationFailed

CONFIRM_SALT = "peercare.email-confirmation"
SIGN_UP_SALT = "peercare.sign-up"
RESET_SALT = "peercare.password-reset"


class LinkNotValid(ServiceError):
    """A confirmation or reset link that is tampered with, expired, already used or out of date."""

    status = 400
    code = "link_not_valid"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _hours(seconds: int) -> str:
    hours = max(1, round(seconds / 3600))
    return ngettext("%(num)d hour", "%(num)d hours", hours)


@dataclass(frozen=True)
class LinkTexts:
    """What a member reads about one kind of emailed link, each sentence whole (no kind of link is
    spliced into a shared sentence), with %(hours)s for how long links work."""

    invalid: str
    expired: str
    incomplete: str
    again: str


def _load(token: str, salt: str, max_age: int, *, texts: LinkTexts) -> list:
    if not token or len(token) > 500:
        raise LinkNotValid(_("%(problem)s %(again)s", problem=texts.invalid, again=texts.again))
    try:
        value = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkNotValid(_("%(problem)s %(again)s", problem=texts.expired % {"hours": _hours(max_age)},
                             again=texts.again)) from exc
    except BadSignature as exc:
        raise LinkNotValid(_("%(problem)s %(again)s", problem=texts.incomplete, again=texts.again)) from exc
    if not isinstance(value, list) or len(value) != 2 or type(value[0]) is not int or not isinstance(value[1], str):
        raise LinkNotValid(_("%(problem)s %(again)s", problem=texts.invalid, again=texts.again))
    return value


def confirmation_hours() -> str:
    """How long a confirmation link works, in words ("48 hours")."""
    return _hours(current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])


def reset_hours() -> str:
    """How long a password reset link works, in words ("1 hour")."""
    return _hours(current_app.config["PASSWORD_RESET_MAX_AGE"])


def _live_user(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if visibility.is_live_account(user) else None


# --- confirming the email address ------------------------------------------------------------

CONFIRM_LINK = LinkTexts(
    _l("This confirmation link isn't valid."), _l("This confirmation link has expired: links work for %(hours)s."),
    _l("This confirmation link isn't valid (it may be incomplete: copy the whole link from the email)."),
    _l("Sign in and send a new link from Settings → Email."))


def confirmation_token(user: User) -> str:
    """A signed link token naming the member and the address it confirms."""
    return _serializer(CONFIRM_SALT).dumps([user.id, user.email])


@dataclass(frozen=True)
class PendingConfirmation:
    user: User
    already_confirmed: bool


def check_confirmation(token: str) -> PendingConfirmation:
    """The member a confirmation link is for, without confirming (opening the link only shows a page).

    Raises LinkNotValid for a tampered or expired link, a deleted account, or an address the
    member has changed since.
    """
    user_id, email = _load(token, CONFIRM_SALT, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"],
                           texts=CONFIRM_LINK)
    user = _live_user(user_id)
    if user is None:
        raise LinkNotValid(_("%(problem)s %(again)s", problem=CONFIRM_LINK.invalid, again=CONFIRM_LINK.again))
    if user.email != email:
        raise LinkNotValid(_("This link was for an email address that is no longer on the account. %(again)s",
                             again=CONFIRM_LINK.again))
    return PendingConfirmation(user, user.email_confirmed_at is not None)


def confirm_email(token: str) -> User:
    """Mark the member's address confirmed; following a link twice is harmless."""
    pending = check_confirmation(token)
    if not pending.already_confirmed:
        pending.user.email_confirmed_at = utcnow()
        db.session.flush()
    return pending.user


def resend_confirmation(user: User) -> None:
    """Queue a fresh confirmation email. Raises ValidationFailed when the address is already confirmed."""
    if user.email_confirmed_at is not None:
        raise ValidationFailed(_("Your email address is already confirmed."))
    accounts.request_confirmation(user)
    db.session.flush()


def send_confirmation(payload: dict) -> None:
    """Email the confirmation link to the member's current address, unless confirmed or deleted meanwhile."""
    user = _live_user(payload["user_id"])
    if user is None or user.email_confirmed_at is not None:
        return
    link = urls.site_url("auth.confirm_email", token=confirmation_token(user))
    with mail.written_for(user):
        message = mail.render("confirm_email", to=user.email, subject=_("Confirm your email address"),
                              unsubscribe_url=None, user=user, link=link, hours=confirmation_hours(),
                              required=accounts.confirmation_required())
    _send(message)


# --- finishing a sign-up ---------------------------------------------------------------------

SIGN_UP_LINK = LinkTexts(
    _l("This sign-up link isn't valid."), _l("This sign-up link has expired: links work for %(hours)s."),
    _l("This sign-up link isn't valid (it may be incomplete: copy the whole link from the email)."),
    _l("You can sign up again: it takes a minute."))


def sign_up_token(pending: PendingSignUp) -> str:
    """A signed link token naming the pending sign-up and its address."""
    return _serializer(SIGN_UP_SALT).dumps([pending.id, pending.email])


def check_sign_up(token: str) -> PendingSignUp:
    """The pending sign-up a link is for. Raises LinkNotValid when tampered, expired or already used."""
    pending_id, email = _load(token, SIGN_UP_SALT, current_app.config["EMAIL_CONFIRMATION_MAX_AGE"],
                              texts=SIGN_UP_LINK)
    pending = db.session.get(PendingSignUp, pending_id)
    if pending is None or pending.email != email:
        raise LinkNotValid(_("This sign-up link has already been used or is out of date. %(again)s "
                             "Already finished? Then sign in.", again=SIGN_UP_LINK.again))
    return pending


def finish_sign_up(token: str) -> User:
    """Create the account a sign-up link is for (LinkNotValid for a bad link or a name taken since)."""
    pending = check_sign_up(token)
    try:
        return accounts.finish_sign_up(pending)
    except ValidationFailed as exc:
        raise LinkNotValid(exc.message) from exc


def send_sign_up(payload: dict) -> None:
    """Email the link that creates the account; nothing when the sign-up is gone (used or expired)."""
    pending = db.session.get(PendingSignUp, payload["pending_id"])
    if pending is None:
        return
    link = urls.site_url("auth.finish_sign_up", token=sign_up_token(pending))
    _send(mail.render("sign_up", to=pending.email, subject=_("Finish creating your account"), unsubscribe_url=None,
                      username=pending.username, link=link, hours=confirmation_hours()))


def send_address_in_use(payload: dict) -> None:
    """Tell an address's owner that someone tried to sign up with it (the page said nothing about it)."""
    user = _live_user(payload["user_id"])
    if user is None:
        return
    with mail.written_for(user):
        message = mail.render("address_in_use", to=user.email, subject=_("Someone tried to sign up with your address"),
                              unsubscribe_url=None, user=user, sign_in=urls.site_url("auth.login"),
                              reset=urls.site_url("auth.forgot_password"))
    _send(message)


# --- resetting a forgotten password ----------------------------------------------------------

RESET_LINK = LinkTexts(
    _l("This password reset link isn't valid."), _l("This password reset link has expired: links work for %(hours)s."),
    _l("This password reset link isn't valid (it may be incomplete: copy the whole link from the email)."),
    _l("You can ask for a new link on the “Forgot password?” page."))


def _fingerprint(user: User) -> str:
    """Changes whenever the password, the sessions' auth_version or the address change."""
    material = f"{user.password_hash}\x00{user.auth_version}\x00{user.email}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer(RESET_SALT).dumps([user.id, _fingerprint(user)])


def request_password_reset(email: str) -> None:
    """Queue a reset link for the account with this address, if there is one.

    Raises ValidationFailed only for a malformed address. Deleted accounts never match.
    """
    address = accounts.clean_email(email)
    user_id = db.session.scalar(select(User.id).where(User.email == address, visibility.member_clause()))
    # An outbox row either way, so the request takes the same time whether or not the account exists.
    outbox.defer(accounts.PASSWORD_RESET_EMAIL, user_id=user_id)
    db.session.flush()


def user_for_reset(token: str) -> User:
    """The member a reset link is for. Raises LinkNotValid when tampered, expired, used or out of date."""
    user_id, fingerprint = _load(token, RESET_SALT, current_app.config["PASSWORD_RESET_MAX_AGE"],
                                 texts=RESET_LINK)
    user = _live_user(user_id)
    if user is None or not hmac.compare_digest(fingerprint, _fingerprint(user)):
        raise LinkNotValid(_("This password reset link has already been used or is out of date. %(again)s",
                             again=RESET_LINK.again))
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working.

    Like a password change, it ends every session and revokes every API token. Following the
    link proves the member reads that mailbox, so an unconfirmed address becomes confirmed.
    Raises LinkNotValid for a bad link, ValidationFailed (field "password") for a weak password.
    """
    user = user_for_reset(token)
    accounts.check_new_password(user, new_password, "password")
    accounts.set_password(user, new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


def send_password_reset(payload: dict) -> None:
    """Email a reset link; nothing for an unknown address or an account deleted meanwhile."""
    user = _live_user(payload["user_id"]) if payload.get("user_id") is not None else None
    if user is None:
        return
    link = urls.site_url("auth.reset_password", token=reset_token(user))
    with mail.written_for(user):
        message = mail.render("reset_password", to=user.email, subject=_("Reset your password"),
                              unsubscribe_url=None, user=user, link=link, hours=reset_hours())
    _send(message)


def _send(message: mail.Email) -> None:
    try:
        mail.send(message)
    except mail.MailUnavailable as exc:
        raise outbox.RetryLater(f"mail server unavailable: {exc}") from exc


def init_app(app) -> None:
    """Register the outbox handlers that send the confirmation, sign-up and password-reset emails."""
    outbox.handler(accounts.CONFIRMATION_EMAIL, background=True)(send_confirmation)
    outbox.handler(accounts.SIGN_UP_EMAIL, background=True)(send_sign_up)
    outbox.handler(accounts.ADDRESS_IN_USE_EMAIL, background=True)(send_address_in_use)
    outbox.handler(accounts.PASSWORD_RESET_EMAIL, background=True)(send_password_reset)
