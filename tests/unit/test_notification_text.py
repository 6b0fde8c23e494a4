"""Pure helpers behind notifications and email: @mention parsing, header-safe text, digest periods."""

from datetime import date, datetime

import pytest

from forum.mail import header_text
from forum.services.digests import parse_key, period_key
from forum.services.errors import ValidationFailed
from forum.services.notifications import mentioned_names


def test_mentions_are_distinct_case_folded_and_capped():
    text = "Thanks @Alice and @alice, also @bob_2 (cc @carol-x). @al is too short."
    assert mentioned_names(text, 10) == ["alice", "bob_2", "carol-x"]
    assert mentioned_names(text, 2) == ["alice", "bob_2"]


def test_mentions_ignore_code_emails_and_paths():
    text = "Mail me at ann@example.com or see /users/@dave.\n```\n@inside_fence\n```\nRun `@inline_code` then ping @eve."
    assert mentioned_names(text, 10) == ["eve"]


@pytest.mark.parametrize(("raw", "clean"), [
    ("Hello\r\nBcc: x@example.com", "Hello Bcc: x@example.com"),
    ("tab\tand\x00nul\x1bescape", "tab and nul escape"),
    ("line\u2028separator\u2029para", "line separator para"),
    ("zero\u200bwidth", "zero width"),
    ("  spaced   out  ", "spaced out"),
])
def test_header_text_is_one_clean_line(raw, clean):
    assert header_text(raw) == clean


def test_header_text_is_bounded():
    assert header_text("word " * 100, limit=20) == "word word word word…"


def test_period_keys_round_trip():
    monday = datetime(2026, 3, 2, 7, 5)
    assert period_key("daily", monday) == "daily:2026-03-02"
    assert period_key("weekly", monday) == "weekly:2026-W10"
    assert parse_key("daily:2026-03-02") == ("daily", date(2026, 3, 2))
    assert parse_key("weekly:2026-W10") == ("weekly", date(2026, 3, 2))
    for bad in ("hourly:2026-03-02", "daily:2026-13-01", "weekly:2026-W60", "weekly:x", ""):
        with pytest.raises(ValidationFailed):
            parse_key(bad)
