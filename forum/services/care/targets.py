"""Response targets per product: business hours, first-response target, automatic escalation,
update cadence. Admins change them (product settings page, JSON API); everything else reads
them as `CareTargets`.

One validator serves the form and the JSON API, so both give the same field errors.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from forum.extensions import db
from forum.models import CasePriority, EscalationPolicy, Product, ProductCare, User, utcnow
from forum.policy import Permission, require
from forum.services.care.hours import BusinessHours
from forum.services.errors import ValidationFailed
from forum.services.preferences import time_zones

MIN_HOURS, MAX_HOURS = 1, 720
MAX_HOLIDAYS = 366
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PRIORITIES = tuple(p.value for p in CasePriority)
KEYS = ("time_zone", "working_days", "opens_at", "closes_at", "holidays", "first_response_hours",
        "escalation_policy", "escalate_after_hours", "escalation_priority", "update_cadence")
_CLOCK = re.compile(r"^(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class CareTargets:
    """A product's targets, resolved: hours None means 24 × 7; a None target means none promised."""

    product_id: int
    hours: BusinessHours | None
    first_response: timedelta | None
    policy: EscalationPolicy
    escalate_after: timedelta
    escalation_priority: str
    cadence: Mapping[str, timedelta]

    @property
    def escalates(self) -> bool:
        return self.policy is not EscalationPolicy.OFF


def _clock(text: str) -> time | None:
    """"HH:MM" as a time; "24:00" is None (midnight at the end of the day)."""
    if text == "24:00":
        return None
    hour, minute = (int(part) for part in text.split(":"))
    return time(hour, minute)


def resolve(row: ProductCare | None, product_id: int) -> CareTargets:
    if row is None:
        return CareTargets(product_id, None, None, EscalationPolicy.OFF, timedelta(hours=8), "normal", {})
    hours = None
    if row.time_zone:
        hours = BusinessHours(row.time_zone, frozenset(row.working_days or ()), _clock(row.opens_at) or time(0),
                              _clock(row.closes_at), frozenset(date.fromisoformat(d) for d in row.holidays or ()))
    return CareTargets(
        product_id, hours,
        timedelta(hours=row.first_response_hours) if row.first_response_hours else None,
        EscalationPolicy(row.escalation_policy), timedelta(hours=row.escalate_after_hours),
        row.escalation_priority,
        {p: timedelta(hours=h) for p, h in (row.update_cadence or {}).items() if h})


def targets_of(product: Product) -> CareTargets:
    """The product's targets from its `care` row (loaded with the product by the thread page)."""
    return resolve(product.care, product.id)


def targets_for(product_id: int) -> CareTargets:
    return resolve(db.session.get(ProductCare, product_id), product_id)


def all_targets() -> dict[int, CareTargets]:
    """Every product's targets (one query); products without a row get the 24 × 7 defaults."""
    rows = {row.product_id: row for row in db.session.scalars(select(ProductCare))}
    return {pid: resolve(rows.get(pid), pid) for pid in db.session.scalars(select(Product.id))}


def settings_dict(row: ProductCare | None) -> dict:
    """The stored settings as the form and the API show them (defaults for a product never set up)."""
    if row is None:
        return {"time_zone": None, "working_days": [0, 1, 2, 3, 4], "opens_at": "09:00", "closes_at": "17:00",
                "holidays": [], "first_response_hours": None, "escalation_policy": EscalationPolicy.OFF.value,
                "escalate_after_hours": 8, "escalation_priority": "normal",
                "update_cadence": dict.fromkeys(PRIORITIES)}
    return {"time_zone": row.time_zone, "working_days": list(row.working_days), "opens_at": row.opens_at,
            "closes_at": row.closes_at, "holidays": list(row.holidays),
            "first_response_hours": row.first_response_hours, "escalation_policy": row.escalation_policy,
            "escalate_after_hours": row.escalate_after_hours, "escalation_priority": row.escalation_priority,
            "update_cadence": {p: (row.update_cadence or {}).get(p) for p in PRIORITIES}}


def current_settings(product: Product) -> dict:
    return settings_dict(db.session.get(ProductCare, product.id))


# --- validation ---------------------------------------------------------------------------------

def _hours(value: object, name: str, errors: dict[str, str], *, optional: bool) -> int | None:
    if value is None or value == "":
        if optional:
            return None
        errors[name] = _("Give a whole number of hours, %(min_hours)s–%(max_hours)s.",
                         min_hours=MIN_HOURS, max_hours=MAX_HOURS)
        return None
    if isinstance(value, bool):
        errors[name] = _("Give a whole number of hours, %(min_hours)s–%(max_hours)s.",
                         min_hours=MIN_HOURS, max_hours=MAX_HOURS)
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not MIN_HOURS <= value <= MAX_HOURS:
        errors[name] = _("Give a whole number of hours, %(min_hours)s–%(max_hours)s.",
                         min_hours=MIN_HOURS, max_hours=MAX_HOURS)
        return None
    return value


def _time_zone(value: object, errors: dict[str, str]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in time_zones():
        errors["time_zone"] = _("Choose an IANA time zone such as Europe/Berlin (or none for 24 × 7).")
        return None
    return value


def _days(value: object, errors: dict[str, str]) -> list[int]:
    items = value if isinstance(value, list) else None
    days: set[int] = set()
    for item in items or ():
        if isinstance(item, str) and item.strip().lower()[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(item.strip().lower()[:3]))
        elif isinstance(item, str) and item.strip().isdigit() and int(item) < 7:
            days.add(int(item))
        elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item < 7:
            days.add(item)
        else:
            items = None
            break
    if items is None:
        errors["working_days"] = _("Give the working days as mon … sun (or 0 = Monday … 6 = Sunday).")
    elif not days:
        errors["working_days"] = _("Choose at least one working day.")
    return sorted(days)


def _clock_text(value: object, name: str, errors: dict[str, str]) -> str:
    match = _CLOCK.match(value.strip()) if isinstance(value, str) else None
    if match is None or not ((int(match.group(1)) < 24 and int(match.group(2)) < 60) or value.strip() == "24:00"):
        errors[name] = _("Give a time as HH:MM, e.g. 09:00 (24:00 for midnight).")
        return ""
    return value.strip()


def _holidays(value: object, errors: dict[str, str]) -> list[str]:
    if isinstance(value, str):
        value = [line for line in re.split(r"[\s,]+", value) if line]
    if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
        errors["holidays"] = _("Give the holidays as dates like 2026-12-25.")
        return []
    if len(value) > MAX_HOLIDAYS:
        errors["holidays"] = _("At most %(max_holidays)s holidays.", max_holidays=MAX_HOLIDAYS)
        return []
    days: set[str] = set()
    for text in value:
        try:
            days.add(date.fromisoformat(text.strip()).isoformat())
        except ValueError:
            errors["holidays"] = _("“%(text)s” is not a date like 2026-12-25.", text=text[:20])
            return []
    return sorted(days)


def _choice(value: object, allowed: tuple[str, ...], name: str, message: str, errors: dict[str, str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        errors[name] = message
        return allowed[0]
    return value


def _cadence(value: object, errors: dict[str, str]) -> dict[str, int | None]:
    if value is None:
        return dict.fromkeys(PRIORITIES)
    if not isinstance(value, Mapping):
        errors["update_cadence"] = _("Give hours per priority, e.g. {\"urgent\": 4, \"normal\": 24}.")
        return {}
    unknown = sorted(set(value) - set(PRIORITIES))
    if unknown:
        errors["update_cadence"] = _("Unknown priority “%(unknown)s”: use %(choices)s.",
                                     unknown=str(unknown[0])[:20], choices=', '.join(PRIORITIES))
        return {}
    return {p: _hours(value.get(p), f"update_cadence.{p}", errors, optional=True) for p in PRIORITIES}


def validate(data: Mapping) -> dict:
    """The settings to store, or ValidationFailed naming every wrong field."""
    unknown = sorted(set(data) - set(KEYS))
    errors: dict[str, str] = dict.fromkeys((str(k)[:40] for k in unknown), "Not a response-target setting.")
    clean = {
        "time_zone": _time_zone(data.get("time_zone"), errors),
        "working_days": _days(data.get("working_days"), errors),
        "opens_at": _clock_text(data.get("opens_at"), "opens_at", errors),
        "closes_at": _clock_text(data.get("closes_at"), "closes_at", errors),
        "holidays": _holidays(data.get("holidays", []), errors),
        "first_response_hours": _hours(data.get("first_response_hours"), "first_response_hours", errors,
                                       optional=True),
        "escalation_policy": _choice(data.get("escalation_policy"), tuple(p.value for p in EscalationPolicy),
                                     "escalation_policy", "Choose off, every_question or first_question.", errors),
        "escalate_after_hours": _hours(data.get("escalate_after_hours"), "escalate_after_hours", errors,
                                       optional=False),
        "escalation_priority": _choice(data.get("escalation_priority"), PRIORITIES, "escalation_priority",
                                       "Choose low, normal, high or urgent.", errors),
        "update_cadence": _cadence(data.get("update_cadence"), errors),
    }
    if clean["opens_at"] and clean["closes_at"] and clean["opens_at"] >= clean["closes_at"]:
        errors["closes_at"] = _("Closing time must be after opening time (24:00 for midnight).")
    if clean["opens_at"] == "24:00":
        errors["opens_at"] = _("Opening time must be before 24:00.")
    if errors:
        first = next(iter(errors.values()))
        raise ValidationFailed(_("Please correct the response targets: %(first)s", first=first), fields=errors)
    return clean


def save(product: Product, data: Mapping, *, actor: User) -> ProductCare:
    """Replace the product's settings with `data` (every key; missing ones take the current value)."""
    require(actor, Permission.PRODUCT_CARE_MANAGE)
    row = db.session.get(ProductCare, product.id)
    merged = {**settings_dict(row), **data}
    clean = validate(merged)
    before = settings_dict(row)
    if row is None:
        row = ProductCare(product_id=product.id)
        db.session.add(row)
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    db.session.flush()
    db.session.expire(product, ["care"])  # the viewonly Product.care would keep a None read before
    from moderation import audit

    audit.log("product.care", actor, target=f"product:{product.id}", before=before, after=settings_dict(row))
    return row
