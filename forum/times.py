"""How PeerCare writes a moment: stored as naive UTC, shown in one of a few fixed styles.

Templates use the `time()` macro (forum/templates/_macros/time.html), which puts any of these
in a `<time>` element with the machine-readable value and the exact time on hover; Python code
(notices, audit details, errors) uses the same functions, so every page and message agrees.
"""

from datetime import date, datetime

from forum.models import utcnow

STYLES = {
    "exact": "%Y-%m-%d %H:%M UTC",   # 2026-12-01 14:05 UTC
    "minute": "%Y-%m-%d %H:%M",      # the same without the zone, where the sentence names it
    "day": "%Y-%m-%d",               # 2026-12-01
    "date": "%d %b %Y",              # 01 Dec 2026
    "short": "%d %b %H:%M UTC",      # 01 Dec 14:05 UTC (due times this year)
    "long": "%d %b %Y %H:%M UTC",    # 01 Dec 2026 14:05 UTC
}


def ago(when: datetime | None) -> str:
    """A human "3 hours ago" for a naive-UTC timestamp."""
    if when is None:
        return ""
    seconds = int((utcnow() - when).total_seconds())
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3600), ("min", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


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
    return when.strftime(STYLES[style])


def exact(when: datetime | None) -> str:
    return formatted(when, "exact")
