"""Run-time site settings stored in the database (privilege thresholds, new-community mode, webhooks)."""

from flask import g, has_app_context
from sqlalchemy import select

from forum.extensions import db
from forum.models import SiteSetting
from reputation.privileges import Privilege, effective_thresholds

THRESHOLDS_KEY = "privilege_thresholds"
NEW_COMMUNITY_KEY = "new_community"
WEBHOOK_PRIVATE_KEY = "webhooks_private_addresses"


def _get(key: str, default: object) -> object:
    row = db.session.get(SiteSetting, key)
    return default if row is None else row.value


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
    return dict(_get(THRESHOLDS_KEY, {})), bool(_get(NEW_COMMUNITY_KEY, False))


def _store(key: str, value: object) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value


def set_reputation_settings(overrides: dict[str, int], new_community: bool) -> None:
    """Store admin overrides of privilege thresholds and the new-community switch."""
    _store(THRESHOLDS_KEY, overrides)
    _store(NEW_COMMUNITY_KEY, new_community)
    db.session.flush()
    if has_app_context():
        g.pop("privilege_thresholds", None)


def webhook_private_addresses() -> bool:
    """Whether webhooks may go to loopback and private addresses (an on-premises CRM); off by default."""
    return bool(_get(WEBHOOK_PRIVATE_KEY, False))


def set_webhook_private_addresses(allowed: bool) -> None:
    _store(WEBHOOK_PRIVATE_KEY, bool(allowed))
    db.session.flush()
