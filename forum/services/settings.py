"""Run-time site settings stored in the database (privilege thresholds, new-community mode)."""

from flask import g, has_app_context
from sqlalchemy import select

from forum.extensions import db
from forum.models import Language, SiteSetting
from forum.services.errors import ValidationFailed
from reputation.privileges import Privilege, effective_thresholds

THRESHOLDS_KEY = "privilege_thresholds"
NEW_COMMUNITY_KEY = "new_community"
WEBHOOK_PRIVATE_KEY = "webhooks_private_addresses"


def get(key: str, default: object) -> object:
    """One stored site setting, or `default` while no admin has set it."""
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


def privilege_thresholds() -> dict[Privilege, int]:
    """The thresholds in force, read once per request (templates ask many times)."""
    if has_app_context() and "privilege_thresholds" in g:
        return g.privilege_thresholds
    stored = {row.key: row.value for row in db.session.scalars(  # both settings in one query
        select(SiteSetting).where(SiteSetting.key.in_((THRESHOLDS_KEY, NEW_COMMUNITY_KEY))))}
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


DEFAULT_LOCALE_KEY = "default_locale"


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
