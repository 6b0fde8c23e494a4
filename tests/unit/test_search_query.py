"""The query parser: whatever is typed becomes a small, bounded structure, never an error."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum.search.backend import MARK_END, MARK_START, lead, segments
from forum.search.documents import Document, plain
from forum.search.query import MAX_QUERY_CHARS, MAX_WORD_CHARS, MAX_WORDS, parse


def test_words_become_clauses_that_all_must_match():
    q = parse("Thermostat WiFi drops")
    assert q.clauses == ((("thermostat",),), (("wifi",),), (("drops",),))
    assert q.text == "thermostat wifi drops"
    assert not q.notices


def test_quotes_or_and_exclusions():
    q = parse('"factory reset" router OR modem -windows NOT mac')
    assert q.clauses == ((("factory", "reset"),), (("router",), ("modem",)))
    assert q.excluded == (("windows",), ("mac",))
    assert q.text == '"factory reset" router OR modem -windows -mac'


def test_unbalanced_quote_makes_the_rest_a_phrase():
    assert parse('sync "stops after update').clauses == ((("sync",),), (("stops", "after", "update"),))


@pytest.mark.parametrize("raw", ["-", "OR", "AND", "NOT", "||", "&&", '"', '""', "*", "?", "* ? -", "", "   ",
                                 "\x00\x01\x02", "()[]{}:^~"])
def test_lone_operators_and_symbols_leave_nothing_to_search(raw):
    assert parse(raw).is_empty


def test_only_exclusions_is_not_a_query():
    q = parse("-windows -mac")
    assert q.is_empty and q.excluded == ()
    assert any("at least one word" in n for n in q.notices)


def test_wildcards_are_dropped_with_a_notice():
    q = parse("*sync ?pass wi*fi")
    assert q.words() == ["sync", "pass", "wi", "fi"]
    assert any("Wildcards" in n for n in q.notices)


def test_long_queries_are_capped_in_characters_and_words():
    q = parse("word " * 5000)
    assert len(q.text) <= MAX_QUERY_CHARS
    assert sum(len(a) for clause in q.clauses for a in clause) <= MAX_WORDS
    assert any("first" in n for n in q.notices)
    q = parse("x" * 10_000)
    assert q.is_empty
    assert any(str(MAX_WORD_CHARS) in n for n in q.notices)


def test_control_and_format_characters_split_words():
    assert parse("wi\x00fi\u200bsetup\x7frouter\u2028reset").words() == ["wi", "fi", "setup", "router", "reset"]


def test_replaced_swaps_words_for_a_suggestion():
    assert parse("thermostta -windows").replaced({"thermostta": "thermostat"}).text == "thermostat -windows"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_any_text_parses_into_a_bounded_query(raw):
    q = parse(raw)
    words = [w for clause in q.clauses for a in clause for w in a] + [w for a in q.excluded for w in a]
    assert len(words) <= MAX_WORDS
    assert all(0 < len(w) <= MAX_WORD_CHARS for w in words)
    assert len(q.text) <= MAX_QUERY_CHARS + 2 * MAX_WORDS + 10
    assert not any(ch in q.text for ch in (MARK_START, MARK_END, "\x00"))


def test_indexed_text_never_contains_the_highlight_markers():
    assert plain(f"a{MARK_START}b{MARK_END}c\x00d\u200be") == "a b c d e"


def test_segments_and_lead():
    assert segments(f"reset the {MARK_START}wifi{MARK_END} router") == [
        ("reset the ", False), ("wifi", True), (" router", False)]
    assert lead("short") == [("short", False)]
    assert lead("word " * 100, limit=20) == [("word word word word …", False)]


def test_rank_boost_prefers_accepted_then_solved_then_votes():
    base = Document(kind="answer", object_id=1, ref_id=1, title="t", body="b", product="p")
    accepted = Document(kind="answer", object_id=2, ref_id=1, title="t", body="b", product="p", accepted=True)
    solved = Document(kind="question", object_id=1, ref_id=1, title="t", body="b", product="p", solved=True)
    voted = Document(kind="answer", object_id=3, ref_id=1, title="t", body="b", product="p", score=10)
    downvoted = Document(kind="answer", object_id=4, ref_id=1, title="t", body="b", product="p", score=-3)
    assert accepted.rank_boost > solved.rank_boost > base.rank_boost > downvoted.rank_boost
    assert voted.rank_boost > base.rank_boost
