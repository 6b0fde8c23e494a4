"""Labels live on their enums and moments are written by forum/times.py through one macro."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

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
