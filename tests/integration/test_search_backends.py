"""The SearchBackend contract: every backend passes the same suite.

Whoosh always runs; PostgreSQL full-text search runs too when DATABASE_URL is PostgreSQL.
Content is created through the real services; the backend under test is fed through the
same path the outbox handler uses (`refresh` per thread) or a full `rebuild`.
"""

import os
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Answer, Question, Role, utcnow
from forum.search import indexing, postgres_backend, service
from forum.search.documents import document_key
from forum.search.postgres_backend import PostgresBackend
from forum.search.sources import threads
from forum.search.whoosh_backend import WhooshBackend
from forum.services import acceptance, answers, questions, votes
from forum.services.errors import ValidationFailed
from reputation.events import PostKind
from tests.factories import make_answer, make_question, make_user

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql"))
BACKENDS = ["whoosh", "postgresql"] if ON_POSTGRES else ["whoosh"]

HOSTILE = [
    '"unbalanced quote', 'both "ends" "', "-", "OR", "AND OR NOT", "||", "&&", "!", "( )", ":", "^2", "~",
    "*", "?", "*wifi", "?ifi", "wi*", "\\", "'", "''", "'; DROP TABLE questions; --", "%", "_", "a:b:c",
    "x" * 10_000, "wifi " * 3000, "\x00", "\x00wifi\x01\x02\x7f", "\u202ewifi", "\ud800 wifi", "\u2028",
    "<script>alert(1)</script>", "&amp; &lt;", "title:wifi", "tag:wifi", "NOT wifi", "-wifi", '"-"', '"" ""',
    "über straße", "日本語 検索", "🙂 wifi 🙂", "wifi\treset\nrouter", "a b c d e f g h i j k l m n o p q r s",
]


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path):
    engine = WhooshBackend(str(tmp_path / "index"), write_timeout=2) if request.param == "whoosh" \
        else PostgresBackend()
    yield engine
    engine.close()


def sync(backend, *threads_or_ids):
    """Feed threads to the backend the way the outbox handler does, then commit."""
    for ref in threads_or_ids:
        backend.refresh(threads, ref if isinstance(ref, int) else ref.id)
    db.session.commit()


def search(backend, q, **kwargs):
    return service.search(backend, q, **kwargs)


def keys(page) -> list[str]:
    return [r.hit.key for r in page.items]


def test_title_match_ranks_above_body_match(backend):
    in_body = make_question(title="Display flickers after the last update",
                            body="Since I installed the humidifier nearby the display flickers all day.")
    in_title = make_question(title="Humidifier mode keeps switching itself off",
                             body="It turns off after an hour or so; the schedule looks right to me.")
    sync(backend, in_body, in_title)
    assert keys(search(backend, "humidifier")) == [f"question:{in_title.id}", f"question:{in_body.id}"]


def test_accepted_answer_ranks_above_an_equal_answer(backend):
    q = make_question(title="How do I clean the water tank properly?")
    plain = make_answer(q, body="Descale the tank with vinegar, then rinse it twice with clean water.")
    chosen = make_answer(q, body="Descale the tank with vinegar, then rinse it twice with clean water.")
    acceptance.accept_answer(chosen.id, q.author)
    sync(backend, q)
    page = search(backend, "descale vinegar", kind="answer")
    assert keys(page) == [f"answer:{chosen.id}", f"answer:{plain.id}"]
    assert page.items[0].hit.accepted and page.items[0].hit.solved
    assert not page.items[1].hit.accepted


def test_answers_do_not_match_on_their_questions_title(backend):
    q = make_question(title="Firmware rollback instructions needed", body="Which file do I download for this device?")
    make_answer(q, body="Use the recovery image from the support site and follow the readme.")
    sync(backend, q)
    assert keys(search(backend, "rollback")) == [f"question:{q.id}"]


def test_filters_by_product_tag_kind_and_accepted(backend):
    asker = make_user()
    a = make_question(asker, title="Pairing the hub with a new phone fails", tags=["pairing", "hub"],
                      body="The pairing code is never accepted by the hub app on my phone.", product="hub")
    b = make_question(asker, title="Pairing the thermostat to the hub fails", tags=["pairing"],
                      body="The pairing light blinks red and then nothing happens at all.")
    answer = make_answer(b, body="Reset pairing by holding the button for five seconds.")
    acceptance.accept_answer(answer.id, asker)
    sync(backend, a, b)
    assert set(keys(search(backend, "pairing"))) == {f"question:{a.id}", f"question:{b.id}", f"answer:{answer.id}"}
    assert keys(search(backend, "pairing", product="hub")) == [f"question:{a.id}"]
    assert set(keys(search(backend, "pairing", tag="hub"))) == {f"question:{a.id}"}
    assert set(keys(search(backend, "pairing", tag="PAIRING"))) == {f"question:{a.id}", f"question:{b.id}",
                                                                     f"answer:{answer.id}"}
    assert keys(search(backend, "pairing", kind="answer")) == [f"answer:{answer.id}"]
    assert set(keys(search(backend, "pairing", solved=True))) == {f"question:{b.id}", f"answer:{answer.id}"}
    assert keys(search(backend, "pairing", tag="no-such-tag")) == []
    # Filters alone browse everything that matches them, newest first.
    assert keys(search(backend, "", tag="hub")) == [f"question:{a.id}"]


def test_sort_by_newest_and_by_votes(backend):
    voter = make_user(reputation_points=200)
    old = make_question(title="Battery drains quickly in winter", body="The battery drains within a week in winter.")
    new = make_question(title="Battery warning although battery is new", body="A new battery still shows a warning.")
    db.session.execute(update(Question).where(Question.id == old.id).values(created_at=utcnow().replace(year=2020)))
    db.session.commit()
    votes.vote(voter, PostKind.QUESTION, old.id, 1)
    sync(backend, old, new)
    assert keys(search(backend, "battery", sort="newest")) == [f"question:{new.id}", f"question:{old.id}"]
    assert keys(search(backend, "battery", sort="votes")) == [f"question:{old.id}", f"question:{new.id}"]
    assert search(backend, "battery", sort="votes").items[0].hit.score == 1


def test_snippets_and_titles_are_highlighted(backend):
    long_intro = "Some background about my setup and the house. " * 30
    q = make_question(title="Router reboots every night at three",
                      body=long_intro + "Then the router reboots and the thermostat loses its connection.")
    sync(backend, q)
    hit = search(backend, "router").items[0].hit
    assert any(m and t.lower() == "router" for t, m in hit.title_segments)
    matched = [t for t, m in hit.snippet if m]
    assert matched and all(t.lower() == "router" for t in matched)
    assert hit.snippet_text.startswith("…")  # the match is deep in the body: the snippet jumps to it
    assert len(hit.snippet_text) < 600
    # A title-only match still shows the start of the body, unhighlighted.
    hit = search(backend, "night").items[0].hit
    assert not any(m for _, m in hit.snippet) and hit.snippet_text.startswith("Some background")


def test_phrases_alternatives_and_exclusions(backend):
    one = make_question(title="Factory reset erased my schedule", body="After a factory reset the schedule is gone.",
                        tags=["reset"])
    two = make_question(title="Reset of the factory settings on the hub", body="How to reset the hub to its settings.",
                        tags=["settings"])
    three = make_question(title="Modem replacement and the thermostat", body="My provider replaced the modem today.",
                          tags=["network"])
    sync(backend, one, two, three)
    assert keys(search(backend, '"factory reset"')) == [f"question:{one.id}"]
    assert set(keys(search(backend, "factory reset"))) == {f"question:{one.id}", f"question:{two.id}"}
    assert set(keys(search(backend, "schedule OR modem"))) == {f"question:{one.id}", f"question:{three.id}"}
    assert keys(search(backend, "reset -hub")) == [f"question:{one.id}"]
    # Stemming: "erasing" finds "erased".
    assert keys(search(backend, "erasing")) == [f"question:{one.id}"]


def test_deleted_content_vanishes_and_undeleted_returns(backend):
    moderator = make_user(role=Role.MODERATOR)
    q = make_question(title="Sensor calibration drifts over time", body="The temperature sensor drifts by two degrees.")
    kept = make_answer(q, body="Recalibrate the sensor from the advanced menu every month.")
    gone = make_answer(q, body="Replace the sensor, calibration never holds for long.")
    sync(backend, q)
    assert set(keys(search(backend, "sensor"))) == {f"question:{q.id}", f"answer:{kept.id}", f"answer:{gone.id}"}

    answers.delete_answer(gone.id, moderator)
    sync(backend, q)
    assert set(keys(search(backend, "sensor"))) == {f"question:{q.id}", f"answer:{kept.id}"}
    indexed = backend.keys()
    assert document_key("answer", gone.id) not in indexed

    questions.delete_question(q.id, moderator)
    sync(backend, q)
    assert keys(search(backend, "sensor")) == []
    assert backend.keys() == set()

    questions.undelete_question(q.id, moderator)
    sync(backend, q)
    assert set(keys(search(backend, "sensor"))) == {f"question:{q.id}", f"answer:{kept.id}"}


def test_content_deleted_before_its_index_update_never_shows(backend):
    q = make_question(title="Stale entries in the search index", body="This question is deleted behind the index.")
    a = make_answer(q, body="This answer is deleted behind the index as well.")
    sync(backend, q)
    # Deleted without an event (as if the index update were still queued): the query-time check hides them.
    db.session.execute(update(Answer).where(Answer.id == a.id).values(deleted_at=utcnow()))
    db.session.commit()
    assert keys(search(backend, "deleted behind index")) == [f"question:{q.id}"]
    db.session.execute(update(Question).where(Question.id == q.id).values(deleted_at=utcnow()))
    db.session.commit()
    assert keys(search(backend, "deleted behind index")) == []
    assert service.similar(backend, "Stale entries in the search index") == []


def test_rebuild_matches_the_database_exactly(backend):
    moderator = make_user(role=Role.MODERATOR)
    live = [make_question(title=f"Rebuild check number {n} for the index", body=f"Body text number {n} written for the rebuild.")
            for n in range(7)]
    answers_live = [make_answer(q, body=f"Answer {n} to the rebuild check.") for n, q in enumerate(live[:4])]
    deleted = make_question(title="This one is deleted before the rebuild", body="Deleted questions stay out of the rebuilt index.")
    make_answer(deleted, body="An answer in a deleted thread stays out too.")
    dropped = make_answer(live[0], body="A deleted answer stays out of the rebuilt index.")
    questions.delete_question(deleted.id, moderator)
    answers.delete_answer(dropped.id, moderator)
    sync(backend, live[0])
    backend.index([])  # nothing to do is fine
    backend.delete(["question:999999", f"question:{live[1].id}"])  # the index drifts from the database

    seen = []
    total = indexing.rebuild(backend, batch_size=3, progress=seen.append)
    expected = {f"question:{q.id}" for q in live} | {f"answer:{a.id}" for a in answers_live}
    assert total == len(expected)
    assert backend.keys() == expected
    assert backend.count() == len(expected)
    assert sum(seen) == indexing.rebuild_size() == len(live) and len(seen) == 3
    assert len(search(backend, "rebuild check", per_page=50).items) == len(expected)


def test_did_you_mean_offers_a_correction_that_finds_something(backend):
    q = make_question(title="Humidifier shows a descaling warning", body="The humidifier asks for descaling weekly.")
    sync(backend, q)
    page = search(backend, "humidifer descaling")
    assert page.total == 0
    assert page.suggestion == "humidifier descaling"
    assert search(backend, page.suggestion).total == 1
    assert search(backend, "qzxwv").suggestion is None


def test_similar_questions_for_a_draft_title(backend):
    asker = make_user()
    solved = make_question(asker, title="Thermostat loses wifi every night", body="It drops off the network at night.")
    answer = make_answer(solved, body="Give the thermostat a fixed IP address in the router.")
    acceptance.accept_answer(answer.id, asker)
    other = make_question(title="Wifi password change on the thermostat", body="How do I enter a new wifi password?")
    make_question(title="Schedule editing on the mobile app", body="Nothing about networking here at all.")
    sync(backend, *db.session.scalars(select(Question.id)).all())
    found = service.similar(backend, "My thermostat keeps losing the wifi connection")
    assert [r.hit.key for r in found][:2] == [f"question:{solved.id}", f"question:{other.id}"]
    assert found[0].hit.solved and not found[1].hit.solved
    assert all(r.hit.kind == "question" for r in found)
    assert len(service.similar(backend, "thermostat wifi", limit=1)) == 1
    assert service.similar(backend, "   ") == []
    assert service.similar(backend, "x" * 10_000) == []


def test_paging_is_stable_and_bounded(backend):
    made = [make_question(title=f"Paging probe question number {n:02d}", body=f"Probe body number {n} written for paging.")
            for n in range(23)]
    sync(backend, *made)
    pages = [search(backend, "probe", page=n, per_page=10, sort="newest") for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [10, 10, 3]
    assert all(p.total == 23 for p in pages)
    assert len({k for p in pages for k in keys(p)}) == 23
    assert search(backend, "probe", page=4, per_page=10).items == []
    with pytest.raises(ValidationFailed):
        search(backend, "probe", page=51)
    with pytest.raises(ValidationFailed):
        search(backend, "probe", sort="random")
    with pytest.raises(ValidationFailed):
        search(backend, "probe", kind="comment")


def test_relevance_pages_list_every_match_once(backend, monkeypatch):
    """PostgreSQL ranks the newest CANDIDATES matches of a tier (here 3), then lists the older ones newest first."""
    monkeypatch.setattr(postgres_backend, "CANDIDATES", 3)
    made = []
    for n in range(7):  # oldest first; the older the question, the more often its body says "descaler"
        q = make_question(title=f"Descaler question number {n}", body=" ".join(["descaler"] * (7 - n) + ["tank"] * n))
        db.session.execute(update(Question).where(Question.id == q.id).values(
            created_at=utcnow().replace(microsecond=0) - timedelta(days=10 - n)))
        made.append(f"question:{q.id}")
    db.session.commit()
    sync(backend, *[int(key.partition(":")[2]) for key in made])
    pages = [search(backend, "descaler", page=n, per_page=2) for n in (1, 2, 3, 4)]
    listed = [key for page in pages for key in keys(page)]
    assert [len(p.items) for p in pages] == [2, 2, 2, 1] and sorted(listed) == sorted(made)
    if backend.name == "postgresql":
        # the newest three by relevance (the oldest of them says it most), then the rest newest first
        assert listed == [made[4], made[5], made[6], made[3], made[2], made[1], made[0]]


@pytest.mark.parametrize("raw", HOSTILE)
def test_hostile_queries_give_results_or_a_message(backend, raw):
    q = make_question(title="Wifi reset for the hostile query test", body="Reset the wifi module from the menu.")
    sync(backend, q)
    page = search(backend, raw, per_page=20)
    assert len(page.items) <= 20
    assert page.searched or page.notices or raw.strip() == ""
    assert len(page.query.text) <= 300
    for item in page.items:
        assert item.hit.key == f"question:{q.id}"
    service.similar(backend, raw)
