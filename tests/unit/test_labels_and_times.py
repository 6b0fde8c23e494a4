"""Labels live on their enums and moments are written by forum/times.py through one macro."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from forum import times
from forum.models import (
    CasePriority,
    CaseStatus,
    CloseReason,
    FieldKind,
    FlagReason,
    NotificationKind,
    ReviewKind,
    ReviewOutcome,
    utcnow,
)

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "forum" / "templates"
LABELED = (CaseStatus, CasePriority, CloseReason, FlagReason, ReviewKind, ReviewOutcome, NotificationKind, FieldKind)


@pytest.mark.parametrize("enum", LABELED, ids=lambda e: e.__name__)
def test_every_member_has_its_words(enum):
    for member in enum:
        assert member.label and member.label_of(member.value) == member.label
        assert enum(member.value) is member  # the stored value still finds the member
    assert enum.label_of("no_such_value") == "no_such_value"
    assert enum.label_of(None) == ""


def test_the_styles_of_a_moment():
    moment = datetime(2026, 12, 1, 14, 5, 9)
    assert times.machine(moment) == "2026-12-01T14:05:09Z"
    assert times.machine(date(2026, 12, 1)) == "2026-12-01"
    assert times.formatted(moment, "exact") == "2026-12-01 14:05 UTC"
    assert times.formatted(moment, "short") == "Dec 1 14:05 UTC"
    assert times.formatted(moment, "long") == "Dec 1, 2026 14:05 UTC"
    assert times.formatted(moment, "date") == times.formatted(moment.date(), "date") == "Dec 1, 2026"
    assert times.formatted(None) == ""
    assert times.ago(utcnow() - timedelta(hours=3, minutes=2)) == "3 hours ago"
    assert times.ago(utcnow()) == "just now"


def test_the_time_macro(app):
    with app.test_request_context():
        html = app.jinja_env.from_string('{% from "_macros/time.html" import time %}{{ time(t, class_="x") }}|'
                                         '{{ time(none) }}').render(t=datetime(2026, 12, 1, 14, 5))
    assert html.startswith('<time class="x" datetime="2026-12-01T14:05:00Z" title="2026-12-01 14:05 UTC">')
    assert html.endswith("ago</time>|")


def test_templates_leave_formatting_and_labels_to_their_homes():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if path.name == "time.html":
            continue
        text = path.read_text()
        for pattern in (r"strftime\(", r"isoformat\(\)\s*\}\}<", r"\|ago\b", r"<time\b",
                        r"'waiting_on_customer': '", r"for p in \('low'"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


@pytest.mark.parametrize("locale", ["en", "fr", "de", "es", "ar"])
def test_ago_says_what_babel_says_for_every_distance(locale):
    """"ago" words are written once per unit and count: the same words Babel writes for each distance."""
    from babel.dates import format_timedelta

    distances = [60, 61, 89, 90, 91, 119, 3569, 3570, 3599, 3600, 5399, 5400, 86_399, 86_400, 129_600,
                 604_799, 604_800, 2_591_999, 2_592_000, 31_535_999, 31_536_000, 47_304_000, 400_000_000]
    distances += list(range(60, 200_000, 997))
    for seconds in distances:
        expected = format_timedelta(timedelta(seconds=-seconds), threshold=1, add_direction=True, locale=locale)
        assert times._ago_words(*times._ago_unit(seconds), locale) == expected, seconds


def test_a_written_moment_follows_the_language_and_zone_it_is_read_in(app):
    from flask_babel import force_locale

    moment = datetime(2026, 12, 1, 23, 30)
    with app.test_request_context():
        assert times.formatted(moment, "exact") == "2026-12-01 23:30 UTC"
        with times.in_zone(ZoneInfo("Europe/Berlin")):
            assert times.formatted(moment, "exact") == "2026-12-02 00:30 CET"
            assert times.formatted(moment, "minute") == "2026-12-01 23:30"  # UTC styles stay in UTC
        with force_locale("fr"):
            assert times.formatted(moment, "date") == "1 déc. 2026"
        assert times.formatted(moment, "date") == "Dec 1, 2026"
        assert str(times.element(moment, "date")) == '<time datetime="2026-12-01T23:30:00Z">Dec 1, 2026</time>'
        assert str(times.element(None)) == ""
        assert 'class="a&amp;b"' in str(times.element(moment, class_="a&b"))
