"""How PeerCare writes a moment: stored as naive UTC, shown in one of a few fixed styles.

Templates use the `time()` macro (forum/templates/_macros/time.html), which puts any of these
in a `<time>` element with the machine-readable value and the exact time on hover; Python code
(notices, audit details, errors) uses the same functions, so every page and message agrees.

Words, month names and the order of day and month follow the reader's language through Babel
(forum/i18n.py chooses it), and the styles that name a zone are written in the reader's time
zone (Notifications and email settings; UTC for visitors). "minute" and "day" stay in UTC: they
go where the sentence names the zone, and into stored audit details.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_skeleton, format_timedelta
from flask_babel import get_locale, get_timezone, gettext

from forum.models import utcnow

# style → (the date: an ISO pattern, or a CLDR skeleton that each language orders and abbreviates
# as it does), with the time of day (24-hour HH:mm), with the zone's name.
STYLES = {
    "exact": ("yyyy-MM-dd", True, True),   # 2026-12-01 14:05 UTC
    "minute": ("yyyy-MM-dd", True, False),  # the same in UTC without the zone, where the sentence names it
    "day": ("yyyy-MM-dd", False, False),   # 2026-12-01
    "date": ("yMMMd", False, False),       # Dec 1, 2026 · 1 déc. 2026 · 1. Dez. 2026
    "short": ("MMMd", True, True),         # Dec 1 14:05 UTC (due times this year)
    "long": ("yMMMd", True, True),         # Dec 1, 2026 14:05 UTC
    "week": ("dd MMM", False, False),      # 01 Dec · 01 déc. (the first day of a week in a trend table)
}
UTC_STYLES = frozenset({"minute", "day"})


def _locale() -> str:
    return str(get_locale() or "en")


_zone: ContextVar[ZoneInfo | None] = ContextVar("zone", default=None)


@contextmanager
def in_zone(zone: ZoneInfo):
    """Write moments in `zone` meanwhile (an email is in its recipient's zone, not the request's)."""
    token = _zone.set(zone)
    try:
        yield
    finally:
        _zone.reset(token)


def _local(when: datetime, style: str) -> datetime:
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    if style in UTC_STYLES:
        return aware.astimezone(UTC)
    return aware.astimezone(_zone.get() or get_timezone() or UTC)


def ago(when: datetime | None) -> str:
    """A human "3 hours ago" for a naive-UTC timestamp, in the reader's language."""
    if when is None:
        return ""
    seconds = int((utcnow() - when).total_seconds())
    if seconds < 60:
        return gettext("just now")
    return format_timedelta(timedelta(seconds=-seconds), threshold=1, add_direction=True, locale=_locale())


def machine(when: datetime | date) -> str:
    """The `datetime` attribute: ISO 8601, with Z for the UTC the database stores."""
    if isinstance(when, datetime):
        return when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return when.isoformat()


def formatted(when: datetime | date | None, style: str = "ago") -> str:
    """`when` in a named style ("ago" or a key of STYLES); None is the empty string."""
    if when is None:
        return ""
    if style == "ago":
        return ago(when)
    day_form, with_time, zoned = STYLES[style]
    locale = _locale()
    if not isinstance(when, datetime):  # a calendar day: no time, no zone to convert from
        return _day(when, day_form, locale)
    local = _local(when, style)
    parts = [_day(local, day_form, locale)]
    if with_time:
        parts.append(format_datetime(local, "HH:mm", locale=locale))
    if zoned:
        parts.append(local.tzname())
    return " ".join(parts)


def _day(when: date, form: str, locale: str) -> str:
    if not form.isalpha():  # a pattern ("yyyy-MM-dd", "dd MMM"); letters alone are a skeleton
        return format_date(when, form, locale=locale)
    return format_skeleton(form, when, locale=locale)


def exact(when: datetime | None) -> str:
    return formatted(when, "exact")
