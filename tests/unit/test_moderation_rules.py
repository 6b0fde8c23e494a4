"""Moderation's pure rules: link counting, watched-word matching, question references, queue keys, decisions."""

from types import SimpleNamespace

import pytest

from forum.models import ReviewKind, ReviewOutcome
from moderation import actions, queue, review, spam


@pytest.mark.parametrize(("text", "links"), [
    ("plain words only, example.com is not a link", 0),
    ("[docs](https://example.com/a) once", 1),
    ("http://a.io www.b.org https://c.net/x?y=1 ftp://d.example", 4),
    ("<https://autolink.example>", 1),
])
def test_count_links(text, links):
    assert spam.count_links(text) == links


@pytest.mark.parametrize(("phrase", "text", "found"), [
    ("cheap pills", "Buy CHEAP   pills now", True),
    ("cheap pills", "cheap pillsbury dough", False),
    ("c++", "I write C++ daily", True),
    ("scam", "a scammer", False),
    ("scam", "is this a scam?", True),
])
def test_watched_phrases_match_whole_words_in_any_case(phrase, text, found):
    assert bool(spam._pattern(phrase).search(text)) is found


@pytest.mark.parametrize(("raw", "expected"), [
    (12, 12), ("12", 12), ("#12", 12), ("https://peercare.example/questions/12/some-title", 12),
    ("/questions/7", 7), ("", None), ("twelve", None), (None, None), (True, None),
])
def test_question_references(raw, expected):
    assert actions.parse_question_ref(raw) == expected


def test_flags_and_hiding_share_one_open_key_per_post():
    ids = {"question_id": 3, "answer_id": 9, "comment_id": None}
    assert queue._key(ReviewKind.FLAGGED, ids, None) == queue._key(ReviewKind.HIDDEN, ids, None) == "flags:answer:9"
    assert queue._key(ReviewKind.FIRST_POST, ids, None) == "first:answer:9"
    assert queue._key(ReviewKind.SUGGESTED_EDIT, ids, 4) == "edit:4"
    assert queue._key(ReviewKind.WATCHED_WORD, {"question_id": 3, "answer_id": None, "comment_id": 5}, None) == (
        "words:comment:5")


def test_decisions_offered_per_kind_of_item():
    flagged_post = SimpleNamespace(kind="hidden", comment_id=None)
    assert review.outcomes_for(flagged_post)[0] is ReviewOutcome.DISMISSED
    assert ReviewOutcome.SPAM in review.outcomes_for(flagged_post)
    flagged_comment = SimpleNamespace(kind="flagged", comment_id=4)
    assert review.outcomes_for(flagged_comment) == (ReviewOutcome.DISMISSED, ReviewOutcome.DELETED,
                                                    ReviewOutcome.SUSPENDED)
    first_post = SimpleNamespace(kind="first_post", comment_id=None)
    assert review.outcomes_for(first_post)[0] is ReviewOutcome.APPROVED
    suggestion = SimpleNamespace(kind="suggested_edit", comment_id=None)
    assert review.outcomes_for(suggestion) == (ReviewOutcome.APPROVED, ReviewOutcome.EDITED, ReviewOutcome.DISMISSED)
