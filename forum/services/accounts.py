"""Sign-up, sign-in and account settings."""

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta
from functools import cache
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum.extensions import db
from forum.models import (
    ApiToken,
    DigestPeriod,
    Language,
    MailSettings,
    PendingSignUp,
    Role,
    User,
    UserSession,
    utcnow,
)
from forum.policy import Permission, require, visibility
from forum.services import ledger, outbox, settings
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.transaction import savepoint
from reputation.events import RepEvent

USERNAME_RE = re.compile(r"^[A-Za-z0-9_-]{3,30}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
# Checked against when the login is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("peercare-timing-equaliser")
# Outbox kinds whose handlers (forum.services.account_email) send the account's own mail.
CONFIRMATION_EMAIL = "account.confirmation_email"
SIGN_UP_EMAIL = "account.sign_up_email"
ADDRESS_IN_USE_EMAIL = "account.address_in_use_email"
PASSWORD_RESET_EMAIL = "account.password_reset_email"  # noqa: S105 - an outbox kind, not a password
# Stored instead of a hash for accounts without a password (single sign-on): it matches none.
NO_PASSWORD = "!"  # noqa: S105 - a marker that no hash starts with, not a password


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def username_key(username: str) -> str:
    """The identity of a username: NFKC-normalized and case-folded."""
    return unicodedata.normalize("NFKC", username).casefold()


def _clean_username(raw: str) -> str:
    name = unicodedata.normalize("NFKC", (raw or "").strip())
    if not USERNAME_RE.match(name):
        raise ValidationFailed(
            _("Please choose another username."),
            fields={"username": _("3–30 characters: letters a–z, digits, “_” or “-”.")},
        )
    return name


def _clean_email(raw: str, field: str = "email") -> str:
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_("Please check the email address."), fields={field: str(exc)}) from exc


def clean_email(raw: str) -> str:
    """The normalized (lower-case) address; raises ValidationFailed on field "email" when malformed."""
    return _clean_email(raw)


@cache
def _common_passwords() -> frozenset[str]:
    lines = (Path(__file__).resolve().parents[1] / "data" / "common-passwords.txt").read_text().splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _check_password(password: str, field: str = "password", *, personal: tuple[str, ...] = ()) -> None:
    """Length 10–200, not a well-known password, and not made of the member's own name or email."""
    if not password or len(password) < MIN_PASSWORD:
        raise ValidationFailed(_("Please choose a longer password."),
                               fields={field: f"Use at least {MIN_PASSWORD} characters."})
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed(_("That password is too long."),
                               fields={field: f"Use at most {MAX_PASSWORD} characters."})
    lowered = password.lower()
    if lowered in _common_passwords():
        raise ValidationFailed(_("That password is too easy to guess."),
                               fields={field: "It is on the list of passwords attackers try first: pick another."})
    for word in personal:
        if word and len(word) >= 3 and word.lower() in lowered and len(lowered) - len(word) < 6:
            raise ValidationFailed(_("That password is too easy to guess."),
                                   fields={field: "Don't build it from your username or email."})


def check_new_password(user: User, password: str, field: str = "password") -> None:
    """The registration strength rules for a member's new password; raises ValidationFailed on `field`."""
    _check_password(password, field, personal=(user.username, user.email.split("@")[0]))


def confirmation_required() -> bool:
    """Whether members must confirm their email before posting (the admin's option, else REQUIRE_EMAIL_CONFIRMATION)."""
    return settings.registration_options().require_email_confirmation


def request_confirmation(user: User) -> None:
    """Queue the confirmation email for the member's current address (caller commits)."""
    outbox.defer(CONFIRMATION_EMAIL, user_id=user.id)


def _email_taken(email: str, except_user_id: int | None = None) -> bool:
    query = select(User.id).where(User.email == email)
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


def _check_new_member(username: str, email: str, password: str | None) -> tuple[str | None, str | None, dict]:
    """The cleaned username and address, and an error per bad field (a taken username is one)."""
    errors: dict[str, str] = {}
    name = email_addr = None
    for field, check in (("username", lambda: _clean_username(username)), ("email", lambda: _clean_email(email))):
        try:
            value = check()
        except ValidationFailed as exc:
            errors.update(exc.fields)
            continue
        if field == "username":
            name = value
        else:
            email_addr = value
    try:
        if password is not None:
            _check_password(password, personal=(name or "", (email_addr or "").split("@")[0]))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if name and db.session.scalar(select(User.id).where(User.username_key == username_key(name))):
        errors["username"] = _("That username is taken.")
    return name, email_addr, errors


def _create_member(name: str, email_addr: str, password_hash: str, *, role: Role, email_confirmed: bool) -> User:
    user = User(username=name, username_key=username_key(name), email=email_addr, password_hash=password_hash,
                role=role, reputation=1, email_confirmed_at=utcnow() if email_confirmed else None)
    try:
        with savepoint():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:
        raise ValidationFailed(_("Please correct the marked fields."),
                               fields={"username": _("That username or email is taken.")}) from exc
    ledger.record(RepEvent.JOINED, user_id=user.id)
    ledger.refresh_cache([user.id])
    digest = settings.registration_options().digest_default
    if digest != DigestPeriod.OFF:  # the digest the admin chose for new members; they change it in Settings
        db.session.add(MailSettings(user_id=user.id, digest=digest))
        db.session.flush()
    return user


def register(username: str, email: str, password: str | None, *, role: Role = Role.MEMBER,
             email_confirmed: bool = False) -> User:
    """Create a member with the +1 "joined" ledger entry (operators, single sign-on, tests, the demo).

    `password` None makes an account that signs in only through single sign-on until the
    member sets a password (by the "Forgot password?" link). A member signing up on the site
    goes through `sign_up` instead, which reveals nothing about existing accounts.

    When REQUIRE_EMAIL_CONFIRMATION is on, a confirmation email is queued (sent after the
    commit); `email_confirmed` is for addresses an operator vouches for (create-admin, demo).
    Raises ValidationFailed naming each bad field; a taken username or email is reported on
    its field, also when two sign-ups race (the unique constraints decide).
    """
    name, email_addr, errors = _check_new_member(username, email, password)
    if email_addr and _email_taken(email_addr):
        errors["email"] = _("An account with that email already exists.")
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    user = _create_member(name, email_addr, _hash(password) if password is not None else unusable_password(),
                          role=role, email_confirmed=email_confirmed)
    if not email_confirmed and confirmation_required():
        request_confirmation(user)
    db.session.flush()
    return user


def require_registration_open() -> None:
    """Raise NotAllowed while an admin has closed sign-up (every way of joining asks this)."""
    if not settings.registration_options().open:
        raise NotAllowed(_("Registration is closed: this community isn't taking new members at the moment."))


def outside_allowed_domains(email_addr: str) -> str | None:
    """Why this (cleaned) address may not join under the allowed-domains setting, else None."""
    domains = settings.registration_options().allowed_domains
    if not email_addr or not domains or email_addr.rsplit("@", 1)[-1] in domains:
        return None
    return _("Sign-ups are limited to addresses at %(domains)s.", domains=", ".join(domains))


def sign_up(username: str, email: str, password: str, *, next_path: str | None = None) -> None:
    """Start a visitor's own sign-up: the account is created when they open the link emailed to `email`.

    The outcome, and the work done, are the same whether or not the address already has an
    account (nothing is created now either way, the password is hashed either way): a new
    address gets the sign-up link, an address in use gets a note telling its owner someone
    tried, with the sign-in and password-reset links. `next_path` (already checked as same-site)
    is where the finished sign-up leads. Raises ValidationFailed only for what the
    form shows anyway: a malformed field, a weak password, a taken (public) username.
    """
    require_registration_open()
    name, email_addr, errors = _check_new_member(username, email, password)
    domain_error = outside_allowed_domains(email_addr)
    if domain_error:
        errors["email"] = domain_error
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)
    password_hash = _hash(password)
    cutoff = utcnow() - timedelta(seconds=current_app.config["EMAIL_CONFIRMATION_MAX_AGE"])
    db.session.execute(delete(PendingSignUp).where(PendingSignUp.created_at < cutoff))
    owner_id = db.session.scalar(select(User.id).where(User.email == email_addr))
    if owner_id is not None:
        outbox.defer(ADDRESS_IN_USE_EMAIL, user_id=owner_id)
    else:
        pending = PendingSignUp(username=name, email=email_addr, password_hash=password_hash,
                                next_path=(next_path or "")[:500] or None)
        db.session.add(pending)
        db.session.flush()
        outbox.defer(SIGN_UP_EMAIL, pending_id=pending.id)
    db.session.flush()


def finish_sign_up(pending: PendingSignUp) -> User:
    """Create the member a sign-up link was for, with the address confirmed (the link proves it).

    Raises ValidationFailed when the username or the address was taken since. The address's
    pending sign-ups are gone once the account exists.
    """
    require_registration_open()
    name, email_addr, password_hash = pending.username, pending.email, pending.password_hash
    db.session.execute(delete(PendingSignUp).where(PendingSignUp.email == email_addr))
    taken = {}
    if db.session.scalar(select(User.id).where(User.username_key == username_key(name))):
        taken["username"] = "That username was taken in the meantime: please sign up again with another."
    if _email_taken(email_addr):
        taken["email"] = "This address already has an account: sign in, or reset its password."
    if taken:
        raise ValidationFailed(" ".join(taken.values()), fields=taken)
    return _create_member(name, email_addr, password_hash, role=Role.MEMBER, email_confirmed=True)


def unusable_password() -> str:
    """A stored value that no password matches (see User.has_password)."""
    return NO_PASSWORD + secrets.token_hex(16)


def account_id_for_login(login: str) -> int | None:
    """The member a sign-in name (username or email address) names, deleted or not; None for none."""
    login = (login or "").strip()
    if not login or len(login) > 254:
        return None
    return db.session.scalar(
        select(User.id).where(or_(User.username_key == username_key(login), User.email == login.lower())))


def authenticate(login: str, password: str) -> User | None:
    """Return the member whose username or email and password match, else None."""
    login = (login or "").strip()
    user = None
    if login and len(login) <= 254:
        user = db.session.scalar(
            select(User).where(or_(User.username_key == username_key(login), User.email == login.lower()))
        )
    if not visibility.is_live_account(user) or not user.has_password:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


def require_password(user: User, password: str, field: str) -> None:
    if not check_password_hash(user.password_hash, password or ""):
        raise ValidationFailed(_("Your current password is not correct."),
                               fields={field: "That is not your current password."})


def change_email(user: User, new_email: str, password: str) -> None:
    """Change the email after re-checking the password; the new address starts unconfirmed.

    When REQUIRE_EMAIL_CONFIRMATION is on, a confirmation email goes to the new address and
    posting waits until it is confirmed. Re-entering the current address changes nothing.
    """
    require_password(user, password, "password")
    email = _clean_email(new_email)
    if _email_taken(email, except_user_id=user.id):
        raise ValidationFailed(_("Please use another email."),
                               fields={"email": _("An account with that email already exists.")})
    if email != user.email:
        user.email = email
        user.email_confirmed_at = None
        if confirmation_required():
            request_confirmation(user)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; other sessions and all API tokens stop working (auth_version is in the session id)."""
    require_password(user, current, "current_password")
    _check_password(new, "new_password", personal=(user.username, user.email.split("@")[0]))
    set_password(user, new)
    db.session.flush()


def set_password(user: User, new: str) -> None:
    """Store a new password and end every existing session and API token (caller commits)."""
    user.password_hash = _hash(new)
    end_sessions_and_tokens(user)


def end_sessions_and_tokens(user: User) -> None:
    """End every session of `user` (auth_version is in the session id) and revoke every API token.

    For changes to how the account signs in; the caller signs the current session in again if it
    should survive, and commits.
    """
    user.auth_version += 1
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def update_profile(user: User, about: str, display_name: str | None = None) -> None:
    """Save the profile text and (when given) the display name, which single sign-on may have filled.

    Raises NotAllowed while the member is suspended (a profile is public writing too).
    """
    require(user, Permission.PROFILE_EDIT, user)
    if len(about or "") > 2000:
        raise ValidationFailed(_("Your profile text is too long."),
                               fields={"about": _("Use at most 2,000 characters.")})
    if display_name is not None:
        name = " ".join(display_name.split())
        if len(name) > 80 or not name.isprintable():
            raise ValidationFailed(_("Please shorten your display name."),
                                   fields={"display_name": _("At most 80 characters on one line.")})
        user.display_name = name
    user.about = (about or "").strip()
    db.session.flush()


def set_locale(user: User, code: str) -> None:
    """Save the member's interface language: a shipped `Language` code, or "" to follow the browser.

    Unlike the profile, this is allowed while suspended: it changes only what the member reads.
    """
    if code and code not in Language._value2member_map_:
        message = "Please pick one of the languages offered."
        raise ValidationFailed(message, fields={"locale": message})
    user.locale = code
    db.session.flush()


def _session_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(user: User) -> None:
    """Record a new sign-in of `user`; its key goes into the session id (`User.get_id`)."""
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_session_key_hash(key)))
    db.session.flush()
    user.session_key = key


def end_session(session_id: str) -> None:
    """End the sign-in this session id names: its cookie, copied or not, no longer signs anyone in.

    An unknown or already ended session is left alone.
    """
    key = (session_id or "").split(":")[-1]
    if key:
        db.session.execute(update(UserSession).where(UserSession.key_hash == _session_key_hash(key),
                                                     UserSession.ended_at.is_(None)).values(ended_at=utcnow()))


def password_identity(user: User) -> str:
    """Who passed the password step ("<id>:<auth_version>"), valid until the sign-in settings change."""
    return f"{user.id}:{user.auth_version}"


def user_for_password_identity(identity: str) -> User | None:
    """The member of a `password_identity`, unless their auth_version moved on or the account is deleted."""
    user_id, _, version = (identity or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()) or len(user_id) > 10:
        return None
    user = db.session.get(User, int(user_id))
    if not visibility.is_live_account(user) or user.auth_version != int(version):
        return None
    return user


def user_for_session(session_id: str) -> User | None:
    """Resolve a "<id>:<auth_version>:<key>" session id; stale versions and ended sign-ins are signed out."""
    parts = (session_id or "").split(":")
    if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit() or not parts[1].isascii() \
            or not parts[1].isdigit() or not parts[2] or len(parts[0]) > 10:
        return None
    user_id, version, key = int(parts[0]), int(parts[1]), parts[2]
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.key_hash == _session_key_hash(key), UserSession.ended_at.is_(None)))
    if not visibility.is_live_account(user) or user.auth_version != version:
        return None
    user.session_key = key
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such member."))
    return user


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def set_role(username: str, role: Role) -> User:
    user = find_by_username(username)
    if user is None:
        raise NotFound(_("No member called %(username)s.", username=username))
    user.role = role
    db.session.flush()
    return user


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0
