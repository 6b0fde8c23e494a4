"""Run-time site settings stored in the database: privilege thresholds, new-community mode, the
default language, the site's name and logo, and the registration and email options."""

from dataclasses import dataclass

from flask import current_app, g, has_app_context
from sqlalchemy import select

from forum.extensions import db
from forum.models import DigestPeriod, Language, SiteSetting
from forum.services.errors import ValidationFailed
from reputation.privileges import Privilege, effective_thresholds

THRESHOLDS_KEY = "privilege_thresholds"
NEW_COMMUNITY_KEY = "new_community"
WEBHOOK_PRIVATE_KEY = "webhooks_private_addresses"
DEFAULT_LOCALE_KEY = "default_locale"
SITE_IDENTITY_KEY = "site_identity"
REGISTRATION_KEY = "registration"
# The settings pages read on every request: fetched together, once per request.
PER_REQUEST = (THRESHOLDS_KEY, NEW_COMMUNITY_KEY, DEFAULT_LOCALE_KEY, SITE_IDENTITY_KEY, REGISTRATION_KEY)


def _per_request() -> dict[str, object]:
    if has_app_context() and "site_settings" in g:
        return g.site_settings
    stored = {row.key: row.value for row in db.session.scalars(
        select(SiteSetting).where(SiteSetting.key.in_(PER_REQUEST)))}
    if has_app_context():
        g.site_settings = stored
    return stored


def get(key: str, default: object) -> object:
    """One stored site setting, or `default` while no admin has set it."""
    if key in PER_REQUEST:
        return _per_request().get(key, default)
    row = db.session.get(SiteSetting, key)
    return default if row is None else row.value


def put(key: str, value: object) -> None:
    """Store one site setting (JSON), replacing its earlier value."""
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
    if has_app_context():
        g.pop("site_settings", None)


def privilege_thresholds() -> dict[Privilege, int]:
    """The thresholds in force, read once per request (templates ask many times)."""
    if has_app_context() and "privilege_thresholds" in g:
        return g.privilege_thresholds
    stored = _per_request()
    result = effective_thresholds(stored.get(THRESHOLDS_KEY, {}),
                                  new_community=bool(stored.get(NEW_COMMUNITY_KEY, False)))
    if has_app_context():
        g.privilege_thresholds = result
    return result


def reputation_settings() -> tuple[dict[str, int], bool]:
    return dict(get(THRESHOLDS_KEY, {})), bool(get(NEW_COMMUNITY_KEY, False))


def set_reputation_settings(overrides: dict[str, int], new_community: bool) -> None:
    """Store admin overrides of privilege thresholds and the new-community switch."""
    for key, value in ((THRESHOLDS_KEY, overrides), (NEW_COMMUNITY_KEY, new_community)):
        put(key, value)
    if has_app_context():
        g.pop("privilege_thresholds", None)


def default_locale() -> str:
    """The interface language for readers who ask for none of the shipped ones ("" until an admin picks)."""
    if has_app_context() and "default_locale" in g:
        return g.default_locale
    value = str(get(DEFAULT_LOCALE_KEY, "") or "")
    if has_app_context():
        g.default_locale = value
    return value


def set_default_locale(code: str) -> None:
    """Store the site's default interface language, one of the shipped `Language` codes."""
    if code not in Language._value2member_map_:
        message = "Please pick one of the shipped languages."
        raise ValidationFailed(message, fields={"default_locale": message})
    put(DEFAULT_LOCALE_KEY, code)
    if has_app_context():
        g.pop("default_locale", None)


def webhook_private_addresses() -> bool:
    """Whether webhooks may go to loopback and private addresses (an on-premises CRM); off by default."""
    return bool(get(WEBHOOK_PRIVATE_KEY, False))


def set_webhook_private_addresses(allowed: bool) -> None:
    put(WEBHOOK_PRIVATE_KEY, bool(allowed))


DIGEST_CHOICES = tuple(period.value for period in DigestPeriod)


@dataclass(frozen=True)
class SiteIdentity:
    """What the header, page titles and mail call the site; `logo_url` "" shows the name as text."""

    name: str
    logo_url: str


@dataclass(frozen=True)
class RegistrationOptions:
    """How people join and what the site's mail looks like, as the admin set them (else the config).

    `open` False closes sign-up (existing members still sign in); `allowed_domains` () lets any
    address sign up; `require_email_confirmation` is REQUIRE_EMAIL_CONFIRMATION until an admin
    decides; `digest_default` is the digest a new member starts with; `mail_from_name` ""
    keeps the name in MAIL_DEFAULT_SENDER.
    """

    open: bool
    allowed_domains: tuple[str, ...]
    require_email_confirmation: bool
    digest_default: str
    mail_from_name: str


def _cached(key: str, build):
    if has_app_context() and key in g:
        return g.get(key)
    value = build()
    if has_app_context():
        setattr(g, key, value)
    return value


def site_identity() -> SiteIdentity:
    """The site's name and logo in force, read once per request."""
    def build() -> SiteIdentity:
        stored = dict(get(SITE_IDENTITY_KEY, {}) or {})
        return SiteIdentity(name=str(stored.get("name") or current_app.config["SITE_NAME"]),
                            logo_url=str(stored.get("logo_url") or ""))
    return _cached("site_identity", build)


def registration_options() -> RegistrationOptions:
    """The registration and email options in force, read once per request."""
    def build() -> RegistrationOptions:
        stored = dict(get(REGISTRATION_KEY, {}) or {})
        confirmation = stored.get("require_email_confirmation")
        return RegistrationOptions(
            open=bool(stored.get("open", True)),
            allowed_domains=tuple(stored.get("allowed_domains") or ()),
            require_email_confirmation=bool(current_app.config.get("REQUIRE_EMAIL_CONFIRMATION")
                                            if confirmation is None else confirmation),
            digest_default=str(stored.get("digest_default") or "off"),
            mail_from_name=str(stored.get("mail_from_name") or ""))
    return _cached("registration_options", build)


def store_site_identity(identity: SiteIdentity) -> None:
    put(SITE_IDENTITY_KEY, {"name": identity.name, "logo_url": identity.logo_url})
    if has_app_context():
        g.pop("site_identity", None)


def store_registration_options(options: RegistrationOptions) -> None:
    put(REGISTRATION_KEY, {"open": options.open, "allowed_domains": list(options.allowed_domains),
                           "require_email_confirmation": options.require_email_confirmation,
                           "digest_default": options.digest_default, "mail_from_name": options.mail_from_name})
    if has_app_context():
        g.pop("registration_options", None)
