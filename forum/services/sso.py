"""Members and their accounts at the company's identity providers (single sign-on).

`forum.sso` proves who the provider vouches for; this module decides what that means here:

- a known identity (provider + subject) signs its member in, and the mapped claims are
  refreshed (display name and locale fill empty fields; products new in the claim are
  followed; the segment and the claims that prefill profile fields are kept for staff);
- an unknown one whose email belongs to a member is linked only when the provider says the
  email is verified AND the member confirms, by their password (and two-factor code) or by a
  link emailed to them; an unverified email is refused, so nobody takes over an account by
  putting its address on their provider profile;
- otherwise a member is created just in time, asking for a username only when the provider's
  preferred one is taken or not a valid username here.

Admins choose which claims carry the display name, locale, products and segment, and may make
sign-in "single sign-on only" for members (staff keep password and two-factor sign-in).
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from forum import mail, urls
from forum.extensions import db
from forum.models import Product, SsoIdentity, User, utcnow
from forum.policy import Permission, require, roles, visibility
from forum.services import accounts, outbox, preferences, settings, twofactor
from forum.services.account_email import LinkNotValid
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.services.events import Event, subscribe
from forum.services.privacy import export_section

CLAIMS_KEY = "sso_claims"
SSO_ONLY_KEY = "sso_only"
LINK_EMAIL = "sso.link_email"
LINK_SALT = "peercare.sso-link"
# A claim name: plain ("groups") or namespaced as providers do ("https://example.com/claims/plan").
CLAIM_RE = re.compile(r"^[A-Za-z0-9_.:/#@$+-]{1,100}$")
LOCALE_RE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8}){0,3}$")
MAPPING_LABELS = {
    "display_name": "Display name",
    "locale": "Locale",
    "products": "Products (followed automatically)",
    "segment": "Customer segment (shown to staff)",
}
DEFAULT_MAPPING = {"display_name": "name", "locale": "locale", "products": "", "segment": ""}


# --- admin settings ---------------------------------------------------------------------------

def claim_mapping() -> dict[str, str]:
    """Which claim fills what ("" means not mapped)."""
    stored = settings.get(CLAIMS_KEY, {})
    return {name: str(stored.get(name, default)) for name, default in DEFAULT_MAPPING.items()}


def check_claim_name(raw: object, field: str, errors: dict[str, str]) -> str:
    """A claim name, or "" for none; a message on `field` when it can't be one."""
    value = raw.strip() if isinstance(raw, str) else raw
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not CLAIM_RE.match(value):
        errors[field] = _("A claim name: up to 100 letters, digits and _ . : / # @ $ + - (no spaces).")
        return ""
    if value == "sub":
        errors[field] = "“sub” identifies the account; map another claim."
    return value


def set_claim_mapping(values: dict[str, object], *, actor: User) -> dict[str, str]:
    """Store the claim mapping; raises ValidationFailed naming each bad field."""
    require(actor, Permission.ADMIN_SETTINGS)
    errors: dict[str, str] = {}
    mapping = {name: check_claim_name(values.get(name), name, errors) for name in DEFAULT_MAPPING}
    if errors:
        raise ValidationFailed(_("Please correct the marked claim names."), fields=errors)
    settings.put(CLAIMS_KEY, mapping)
    return mapping


def sso_only() -> bool:
    """Whether members sign in only through a provider (password sign-in and sign-up hidden)."""
    return bool(settings.get(SSO_ONLY_KEY, False))


def set_sso_only(enabled: bool, *, actor: User, providers_configured: bool) -> None:
    """Switch "single sign-on only"; it needs at least one provider, or nobody but staff could sign in."""
    require(actor, Permission.ADMIN_SETTINGS)
    if enabled and not providers_configured:
        raise ValidationFailed(_("Configure a provider first."),
                               fields={"sso_only": _("No single sign-on provider is configured (SSO_PROVIDERS).")})
    settings.put(SSO_ONLY_KEY, bool(enabled))


def password_sign_in_refusal(user: User) -> str | None:
    """Why this member may not sign in with a password (single sign-on only), else None. Staff always may."""
    if sso_only() and not roles.is_staff(user):
        return "Members sign in with their company account here: use the button above."
    return None


# --- what a provider's claims say --------------------------------------------------------------

def _text(value: object, limit: int) -> str:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if isinstance(v, (str, int, float)))
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return ""
    text = "".join(ch for ch in str(value) if ch.isprintable()).strip()
    return text[:limit]


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    if not isinstance(value, list):
        return []
    return [v.strip()[:120] for v in value if isinstance(v, str) and v.strip()][:50]


def snapshot(claims: dict, *, field_claims: list[str] | tuple[str, ...] = ()) -> dict:
    """The claims this site uses, cleaned and bounded (this is what an identity row keeps).

    `email_verified` is true only for the boolean true (or the string "true", which some
    providers send); anything else counts as not verified.
    """
    mapping = claim_mapping()
    locale = _text(claims.get(mapping["locale"]), 35) if mapping["locale"] else ""
    return {
        "email": _text(claims.get("email"), 254).lower(),
        "email_verified": claims.get("email_verified") is True or claims.get("email_verified") == "true",
        "preferred_username": _text(claims.get("preferred_username"), 100),
        "display_name": _text(claims.get(mapping["display_name"]), 80) if mapping["display_name"] else "",
        "locale": locale if LOCALE_RE.match(locale) else "",
        "products": _names(claims.get(mapping["products"])) if mapping["products"] else [],
        "segment": _text(claims.get(mapping["segment"]), 100) if mapping["segment"] else "",
        "fields": {claim: _text(claims[claim], 200) for claim in field_claims
                   if claim in claims and _text(claims[claim], 200)},
    }


# --- signing in ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SignedIn:
    user: User
    created: bool = False


@dataclass(frozen=True)
class ChooseUsername:
    """A new member, but the provider's preferred username can't be used: ask for one."""

    suggestion: str
    reason: str


@dataclass(frozen=True)
class ConfirmLink:
    """The verified email belongs to a member: they confirm before the identity is linked."""

    user: User


def find_identity(provider: str, subject: str) -> SsoIdentity | None:
    return db.session.scalar(select(SsoIdentity).where(SsoIdentity.provider == provider,
                                                       SsoIdentity.subject == subject))


def resolve(provider: str, subject: str, snap: dict, *, label: str) -> SignedIn | ChooseUsername | ConfirmLink:
    """What signing in as this provider account means here (see the module docstring).

    Raises NotAllowed when the account can't be used: deleted, no email shared, or an
    existing member's email the provider hasn't verified.
    """
    identity = find_identity(provider, subject)
    if identity is not None:
        user = identity.user
        if not visibility.is_live_account(user):
            raise NotAllowed(_("The account linked to this sign-in was deleted."))
        _refresh(identity, snap)
        return SignedIn(user)
    try:
        email = accounts.clean_email(snap["email"])
    except ValidationFailed:
        raise NotAllowed(_("%(label)s didn't share a usable email address, which an account here needs. Please ask "
                           "your company's administrators to release the “email” claim.",
                           label=label)) from None
    existing = db.session.scalar(select(User).where(User.email == email, visibility.member_clause()))
    if existing is not None:
        if not snap["email_verified"]:
            raise NotAllowed(_("An account here already uses %(email)s, and %(label)s hasn't verified that address, "
                               "so we won't link them. Sign in with your password instead; you can then link "
                               "%(label)s under Settings → Sign-in.",
                               email=email, label=label))
        return ConfirmLink(existing)
    may_join(email, label=label)
    name = snap["preferred_username"]
    if not name or not accounts.USERNAME_RE.match(name):
        return ChooseUsername(suggest_username(name or email.split("@")[0]),
                              _("“%(name)s” can't be a username here.", name=name) if name
                              else _("Please choose a username."))
    if accounts.find_by_username(name) is not None:
        return ChooseUsername(suggest_username(name), _("The username “%(name)s” is taken.", name=name))
    return SignedIn(create_member(provider, subject, snap, name, label=label), created=True)


def suggest_username(raw: str) -> str:
    """A free, valid username close to `raw` (letters, digits, _ and - only)."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", raw.split("@")[0]).strip("_-")[:26] or "member"
    base = base if len(base) >= 3 else (base + "_member")[:26]
    candidate, n = base, 1
    while accounts.find_by_username(candidate) is not None and n < 1000:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def may_join(email: str, *, label: str) -> None:
    """Refuse a new member while sign-up is closed or their address is outside the allowed domains.

    The admin's registration options govern every way of joining, single sign-on included; only
    accounts that don't exist yet are refused, so linked members (and members who link their
    existing account) still sign in.
    """
    if not settings.registration_options().open:
        raise NotAllowed(_("Registration is closed: this community isn't taking new members at the moment, so "
                           "signing in with %(provider)s can't create an account here. Members who already have "
                           "one still sign in.", provider=label))
    if accounts.outside_allowed_domains(email):
        raise NotAllowed(_("New accounts here are limited to addresses at %(domains)s, and %(provider)s signed you "
                           "in as %(email)s, so no account was created.",
                           domains=", ".join(settings.registration_options().allowed_domains), provider=label,
                           email=email))


def create_member(provider: str, subject: str, snap: dict, username: str, *, label: str) -> User:
    """Create the member for a provider account (no password) and link it.

    Asks `may_join` again: sign-up may have closed while the member chose a username.
    Raises ValidationFailed on field "username" (invalid or taken, also when two sign-ups race).
    """
    if find_identity(provider, subject) is not None:
        raise Conflict(_("This account is already linked; sign in again."))
    may_join(accounts.clean_email(snap["email"]), label=label)
    user = accounts.register(username, snap["email"], None, email_confirmed=snap["email_verified"])
    user.display_name, user.locale = snap["display_name"], snap["locale"]
    _link(user, provider, subject, snap)
    return user


def _link(user: User, provider: str, subject: str, snap: dict) -> SsoIdentity:
    if find_identity(provider, subject) is not None:
        raise Conflict(_("That account is already linked to a member here."))
    if db.session.scalar(select(SsoIdentity.id).where(SsoIdentity.user_id == user.id,
                                                      SsoIdentity.provider == provider)) is not None:
        raise Conflict(_("Your account here is already linked to another account at this provider; unlink it first."))
    identity = SsoIdentity(user_id=user.id, provider=provider, subject=subject, email=snap.get("email", ""),
                           claims={})
    db.session.add(identity)
    db.session.flush()
    _refresh(identity, snap)
    return identity


def _refresh(identity: SsoIdentity, snap: dict) -> None:
    """Keep the latest mapped claims; fill empty profile details; follow products new in the claim."""
    if not snap:
        return
    previous = set(identity.claims.get("products", [])) if identity.claims else set()
    identity.claims = {k: snap[k] for k in ("display_name", "locale", "products", "segment", "fields")}
    identity.last_sign_in_at = utcnow()
    user = identity.user or db.session.get(User, identity.user_id)
    if not user.display_name and snap["display_name"]:
        user.display_name = snap["display_name"]
    if not user.locale and snap["locale"]:
        user.locale = snap["locale"]
    db.session.flush()
    for name in snap["products"]:
        if name in previous:
            continue  # followed at an earlier sign-in; the member may have unfollowed it since
        slug = db.session.scalar(select(Product.slug).where(
            (func.lower(Product.slug) == name.lower()) | (func.lower(Product.name) == name.lower())))
        if slug is not None:
            preferences.follow(user, "product", slug)


# --- confirming a link --------------------------------------------------------------------------

def link_with_password(user: User, provider: str, subject: str, snap: dict, *, password: str,
                       code: str = "") -> SsoIdentity:
    """Link after the member proves the account is theirs with its password (and two-factor code)."""
    if not user.has_password:
        raise ValidationFailed(_("This account has no password."),
                               fields={"password": _("Use the emailed link instead.")})
    accounts.require_password(user, password, "password")
    if user.totp_enabled_at is not None:
        twofactor.verify(user, code)
    return _link(user, provider, subject, snap)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def request_link_email(user: User, provider: str, subject: str, *, label: str) -> None:
    """Queue the email whose link confirms linking this provider account (sent after the commit)."""
    outbox.defer(LINK_EMAIL, user_id=user.id, provider=provider, subject=subject, label=label)


def link_hours() -> str:
    hours = max(1, round(current_app.config["SSO_LINK_MAX_AGE"] / 3600))
    return ngettext("%(num)d hour", "%(num)d hours", hours)


@dataclass(frozen=True)
class PendingLink:
    user: User
    provider: str
    subject: str
    already_linked: bool


def check_link_token(token: str) -> PendingLink:
    """Who a link email is for, without linking. Raises LinkNotValid for a bad, expired or stale link."""
    again = _("Sign in with your company account again to get a new link.")
    if not token or len(token) > 800:
        raise LinkNotValid(_("This link isn't valid. %(again)s", again=again))
    try:
        value = _serializer().loads(token, max_age=current_app.config["SSO_LINK_MAX_AGE"])
    except SignatureExpired as exc:
        raise LinkNotValid(_("This link has expired: links work for %(link_hours)s. %(again)s",
                             link_hours=link_hours(), again=again)) from exc
    except BadSignature as exc:
        raise LinkNotValid(_("This link isn't valid (copy the whole link from the email). %(again)s",
                             again=again)) from exc
    if not (isinstance(value, list) and len(value) == 4 and type(value[0]) is int
            and all(isinstance(v, str) for v in value[1:])):
        raise LinkNotValid(_("This link isn't valid. %(again)s", again=again))
    user_id, provider, subject, email = value
    user = db.session.get(User, user_id)
    if not visibility.is_live_account(user) or user.email != email:
        raise LinkNotValid(_("This link is out of date. %(again)s", again=again))
    identity = find_identity(provider, subject)
    if identity is not None and identity.user_id != user.id:
        raise LinkNotValid(_("That company account is linked to another member here."))
    return PendingLink(user, provider, subject, identity is not None)


def confirm_link_token(token: str, snap: dict | None = None) -> User:
    """Link the provider account named by an emailed link; following it twice is harmless."""
    pending = check_link_token(token)
    if not pending.already_linked:
        _link(pending.user, pending.provider, pending.subject, snap or {})
    return pending.user


def _send_link_email(payload: dict) -> None:
    """Email the link (to the member's current address); nothing for an account deleted meanwhile."""
    user = db.session.get(User, payload["user_id"])
    if not visibility.is_live_account(user):
        return
    token = _serializer().dumps([user.id, payload["provider"], payload["subject"], user.email])
    link = urls.site_url("sso.confirm_link", token=token)
    with mail.written_for(user):
        message = mail.render("sso_link", to=user.email, subject=_("Link your %(provider)s sign-in",
                                                                   provider=payload["label"]),
                              unsubscribe_url=None, user=user, link=link, label=payload["label"], hours=link_hours())
    try:
        mail.send(message)
    except mail.MailUnavailable as exc:
        raise outbox.RetryLater(f"mail server unavailable: {exc}") from exc


# --- the member's linked identities -------------------------------------------------------------

def identities(user_id: int) -> list[SsoIdentity]:
    return list(db.session.scalars(select(SsoIdentity).where(SsoIdentity.user_id == user_id)
                                   .order_by(SsoIdentity.created_at, SsoIdentity.id)))


def link_signed_in(user: User, provider: str, subject: str, snap: dict) -> SsoIdentity:
    """Link a provider account to the member who started the sign-in from their settings page."""
    identity = find_identity(provider, subject)
    if identity is not None and identity.user_id == user.id:
        _refresh(identity, snap)
        return identity
    return _link(user, provider, subject, snap)


def unlink(user: User, identity_id: int, *, password: str) -> None:
    """Remove a linked identity; only members with a password may (or they'd be locked out)."""
    identity = db.session.scalar(select(SsoIdentity).where(SsoIdentity.id == identity_id,
                                                           SsoIdentity.user_id == user.id))
    if identity is None:
        raise NotFound(_("No such linked account."))
    if not user.has_password:
        raise ValidationFailed(_("Set a password first."), fields={
            "password": _("You sign in only with this account: set a password (Forgot password?) before unlinking.")})
    accounts.require_password(user, password, "password")
    if sso_only() and not roles.is_staff(user) and len(identities(user.id)) == 1:
        raise NotAllowed(_("Members sign in only with a company account here, so you can't unlink your only one."))
    db.session.delete(identity)
    db.session.flush()


def segments(user_id: int) -> list[str]:
    """The customer segments the member's providers report (for staff)."""
    return [i.claims.get("segment") for i in identities(user_id) if i.claims and i.claims.get("segment")]


def claim_values(user_id: int) -> dict[str, str]:
    """Claims kept for prefilling profile fields; the most recent sign-in wins."""
    values: dict[str, str] = {}
    for identity in sorted(identities(user_id), key=lambda i: i.last_sign_in_at):
        values.update((identity.claims or {}).get("fields", {}))
    return values


# --- privacy ------------------------------------------------------------------------------------

def _export(user_id: int) -> dict:
    user = db.session.get(User, user_id)
    return {
        "display_name": user.display_name, "locale": user.locale,
        "identities": [{"provider": i.provider, "subject": i.subject, "email": i.email, "claims": i.claims,
                        "linked_at": i.created_at.isoformat(timespec="seconds") + "Z",
                        "last_sign_in_at": i.last_sign_in_at.isoformat(timespec="seconds") + "Z"}
                       for i in identities(user_id)],
    }


def _forget(event: Event, *, user_id: int, **_ids: int | None) -> None:
    """Erase the identities and the provider's details with the account, in the deletion's transaction."""
    db.session.execute(delete(SsoIdentity).where(SsoIdentity.user_id == user_id))
    user = db.session.get(User, user_id)
    if user is not None:
        user.display_name, user.locale = "", ""


def init_app(app) -> None:
    """Register the link email, the export section and the erasure on account deletion."""
    outbox.handler(LINK_EMAIL, background=True)(_send_link_email)
    export_section("single_sign_on")(_export)
    subscribe(Event.ACCOUNT_DELETED)(_forget)
