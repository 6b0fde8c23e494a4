"""Service-level targets: when a case of each priority is due (pure date arithmetic)."""

import re
from collections.abc import Mapping
from datetime import datetime, timedelta

DEFAULT_TARGETS: dict[str, str] = {"urgent": "4h", "high": "1bd", "normal": "3d", "low": "7d"}
_TARGET_RE = re.compile(r"^(\d+)(h|d|bd)$")


def add_business_days(start: datetime, days: int) -> datetime:
    """Move forward `days` weekdays (Saturday and Sunday don't count), keeping the time of day."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    while current.weekday() >= 5:  # a case opened at the weekend is due on a weekday
        current += timedelta(days=1)
    return current


def due_at(priority: str, opened: datetime, targets: Mapping[str, str] | None = None) -> datetime:
    """The SLA deadline for a case of `priority` opened at `opened`.

    Targets read "4h" (hours), "3d" (calendar days) or "1bd" (business days).
    """
    spec = dict(DEFAULT_TARGETS, **(targets or {}))[priority]
    match = _TARGET_RE.match(spec)
    if match is None:
        raise ValueError(f"SLA target {spec!r} for {priority} is not like 4h, 3d or 1bd")
    amount, unit = int(match.group(1)), match.group(2)
    if unit == "h":
        return opened + timedelta(hours=amount)
    if unit == "d":
        return opened + timedelta(days=amount)
    return add_business_days(opened, amount)
