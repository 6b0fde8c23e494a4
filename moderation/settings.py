"""Moderation thresholds: Config.MODERATION_THRESHOLDS, overridden at run time by an admin."""

from dataclasses import dataclass

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum.extensions import db
from forum.models import SiteSetting, User
from forum.policy import Permission, require
from forum.services.errors import ValidationFailed
from moderation import audit

KEY = "moderation_thresholds"


@dataclass(frozen=True)
class Threshold:
    name: str
    label: str
    minimum: int
    maximum: int


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("flags_to_hide", _l("Spam or abuse flags that hide a post pending review"), 1, 50),
    Threshold("new_member_reputation", _l("Members below this reputation count as new"), 1, 10_000),
    Threshold("new_member_questions_per_day", _l("Questions a new member may ask per day"), 0, 1000),
    Threshold("new_member_answers_per_day", _l("Answers a new member may post per day"), 0, 1000),
    Threshold("new_member_links_per_post", _l("Links a new member may put in one post"), 0, 100),
)


def _overrides() -> dict[str, int]:
    row = db.session.get(SiteSetting, KEY)
    return dict(row.value) if row is not None and isinstance(row.value, dict) else {}


def thresholds() -> dict[str, int]:
    """The thresholds in force (config defaults with the admin's overrides), read once per request."""
    if has_app_context() and "moderation_thresholds" in g:
        return g.moderation_thresholds
    result = {**current_app.config["MODERATION_THRESHOLDS"], **_overrides()}
    if has_app_context():
        g.moderation_thresholds = result
    return result


def update(values: dict[str, object], *, actor: User) -> dict[str, int]:
    """Store new thresholds (admins only); every field is checked and the change is audit-logged."""
    require(actor, Permission.ADMIN_SETTINGS)
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for spec in THRESHOLDS:
        raw = values.get(spec.name)
        try:
            number = int(str(raw).strip())
        except (TypeError, ValueError):
            errors[spec.name] = _("Use a whole number from %(minimum)s to %(maximum)s.",
                                  minimum=spec.minimum, maximum=spec.maximum)
            continue
        if not spec.minimum <= number <= spec.maximum:
            errors[spec.name] = _("Use a whole number from %(minimum)s to %(maximum)s.",
                                  minimum=spec.minimum, maximum=spec.maximum)
        clean[spec.name] = number
    if errors:
        raise ValidationFailed(_("Please correct the marked thresholds."), fields=errors)
    before = thresholds()
    if clean == before:
        return before
    row = db.session.get(SiteSetting, KEY)
    if row is None:
        db.session.add(SiteSetting(key=KEY, value=clean))
    else:
        row.value = clean
    audit.log("settings.change", actor, target="settings:moderation",
              before={k: v for k, v in before.items() if clean.get(k) != v},
              after={k: v for k, v in clean.items() if before.get(k) != v})
    db.session.flush()
    if has_app_context():
        g.pop("moderation_thresholds", None)
    return clean
