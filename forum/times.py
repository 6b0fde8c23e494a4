"""How PeerCare writes a moment: stored as naive UTC, shown in one of a few fixed styles.

Templates use the `time()` macro (forum/templates/_macros/time.html), which puts any of these
in a `<time>` element with the machine-readable value and the exact time on hover; Python code
(notices, audit details, errors) uses the same functions, so every page and message agrees.

Words, month names and the order of day and month follow the reader's language through Babel
(forum/i18n.py chooses it), and the styles that name a zone are written in the reader's time
zone (Notifications and email settings; UTC for visitors). "minute" and "day" stay in UTC: they
go where the sentence names the zone, and into stored audit details.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import TIMEDELTA_UNITS, format_date, format_datetime, format_skeleton, format_timedelta
from flask_babel import get_locale, get_timezone, gettext
from markupsafe import Markup

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


def _reader_zone():
    return _zone.get() or get_timezone() or UTC


def reader() -> tuple[str, object]:
    """The language and zone moments are written in now: what a rendered moment depends on."""
    return _locale(), _reader_zone()


@contextmanager
def in_zone(zone: ZoneInfo):
    """Write moments in `zone` meanwhile (an email is in its recipient's zone, not the request's)."""
    token = _zone.set(zone)
    try:
        yield
    finally:
        _zone.reset(token)


def ago(when: datetime | None) -> str:
    """A human "3 hours ago" for a naive-UTC timestamp, in the reader's language."""
    if when is None:
        return ""
    seconds = int((utcnow() - when).total_seconds())
    if seconds < 60:
        return gettext("just now")
    return _ago_words(*_ago_unit(seconds), _locale())


def _ago_unit(seconds: int) -> tuple[str, int, int]:
    """The unit and the rounded count Babel's `format_timedelta(threshold=1)` picks for `seconds`.

    The words then depend only on (unit, count, language), so they are written once per
    combination instead of once per moment shown.
    """
    for unit, unit_seconds in TIMEDELTA_UNITS:
        value = seconds / unit_seconds
        if value >= 1 or unit == "second":
            return unit, unit_seconds, round(max(1, value))
    raise AssertionError("TIMEDELTA_UNITS ends with seconds")


@functools.lru_cache(maxsize=2048)
def _ago_words(unit: str, unit_seconds: int, count: int, locale: str) -> str:
    # An infinite threshold makes Babel stop at `unit` exactly, with `count` of them.
    return format_timedelta(timedelta(seconds=-count * unit_seconds), granularity=unit, threshold=float("inf"),
                            add_direction=True, locale=locale)


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
    locale = _locale()
    if not isinstance(when, datetime):  # a calendar day: no time, no zone to convert from
        return _written(when, style, locale, None)
    return _written(when, style, locale, UTC if style in UTC_STYLES else _reader_zone())


@functools.lru_cache(maxsize=8192)
def _written(when: datetime | date, style: str, locale: str, zone) -> str:
    """A moment in a fixed style: the same words every time, so a page's recurring moments (a
    thread's posts, a list's questions) are written by Babel once per language and zone."""
    day_form, with_time, zoned = STYLES[style]
    if zone is None:
        return _day(when, day_form, locale)
    local = (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(zone)
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


def element(when: datetime | date | None, style: str = "ago", class_: str | None = None) -> Markup:
    """The `<time>` element of `_macros/time.html`'s `time()`: the words in `style`, the machine
    value, and for "ago" the exact moment on hover. Nothing for None."""
    if not when:
        return Markup("")
    html = Markup('<time class="') + class_ + Markup('" datetime="') if class_ else Markup('<time datetime="')
    html += machine(when)
    if style == "ago" and isinstance(when, datetime):
        html += Markup('" title="') + formatted(when, "exact")
    return html + Markup('">') + formatted(when, style) + Markup("</time>")
