"""The read-side caches: whole pages for anonymous readers, and list counts; both stay correct."""

import re

import pytest
from sqlalchemy import select, update

from forum import pagecache
from forum.extensions import db
from forum.models import Question
from forum.services import queries
from forum.urls import slugify
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user


@pytest.fixture
def page_cache(app, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMOUS_PAGE_CACHE_SECONDS", 60)
    pagecache.clear()
    yield
    pagecache.clear()


def _url(question) -> str:
    return f"/questions/{question.id}/{slugify(question.title)}"


def _rename_behind_the_services_back(question_id: int, title: str) -> None:
    """A change no event announces: like one made by another process, which this cache can't hear."""
    db.session.execute(update(Question).where(Question.id == question_id).values(title=title))
    db.session.commit()


def test_anonymous_readers_share_a_cached_page_and_members_always_get_a_fresh_one(client, page_cache):
    question = make_question(title="Thermostat forgets its schedule overnight")
    url = _url(question)
    first = client.get(url)
    assert first.status_code == 200
    _rename_behind_the_services_back(question.id, "Renamed elsewhere in the meantime")
    cached = client.get(url)
    assert cached.get_data() == first.get_data()
    member = make_user()
    login(client, member)
    assert b"Renamed elsewhere in the meantime" in client.get(url, follow_redirects=True).get_data()
    client.post("/logout")
    pagecache.clear()
    assert b"Renamed elsewhere in the meantime" in client.get(url, follow_redirects=True).get_data()


def test_cache_hits_get_fresh_security_headers_and_request_ids_and_still_count_views(client, page_cache):
    question = make_question()
    url = _url(question)
    responses = [client.get(url) for _ in range(3)]
    assert all(r.status_code == 200 for r in responses)
    nonces = {re.search(r"'nonce-([^']+)'", r.headers["Content-Security-Policy"]).group(1) for r in responses}
    assert len(nonces) == 3
    assert len({r.headers["X-Request-ID"] for r in responses}) == 3
    assert all(r.headers["X-Content-Type-Options"] == "nosniff" for r in responses)
    db.session.expire_all()
    assert db.session.scalar(select(Question.view_count).where(Question.id == question.id)) == 3


def test_a_write_in_this_process_empties_the_cache_at_once(client, page_cache):
    question = make_question()
    url = _url(question)
    assert b"No answers yet" in client.get(url).get_data()
    make_answer(question, body="Pull the C-wire adapter and reseat it firmly.")
    assert b"Pull the C-wire adapter" in client.get(url).get_data()


def test_visitors_get_no_session_cookie_on_the_question_page(client):
    question = make_question()
    response = client.get(_url(question))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_pages_with_a_pending_flash_are_neither_served_from_nor_put_in_the_cache(client, page_cache):
    question = make_question(title="Doorbell chime stays silent after update")
    url = _url(question)
    client.get(url)
    _rename_behind_the_services_back(question.id, "Doorbell chime renamed")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this reader only.")]
    page = client.get(url, follow_redirects=True).get_data()
    assert b"A message for this reader only." in page
    assert b"Doorbell chime renamed" in page


def test_list_counts_may_be_cached_but_this_process_s_writes_refresh_them(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "COUNT_CACHE_SECONDS", 60)
    queries.counts_cache.clear()
    make_question(tags=["wifi"])
    assert b"1 question" in client.get("/").get_data()
    make_question(tags=["wifi"])
    assert b"2 questions" in client.get("/").get_data()
    queries.counts_cache.clear()


@pytest.mark.parametrize("share", [0.0, 2.0])
def test_tag_lists_are_the_same_whichever_way_the_tag_is_looked_up(app, monkeypatch, share):
    """Popular tags walk the sort index, rare ones fetch and sort: both give the same page."""
    tagged = [make_question(tags=["wifi", "mesh"]) for _ in range(4)]
    make_question(tags=["mesh"])
    db.session.execute(update(Question).where(Question.id == tagged[1].id).values(score=7))
    db.session.commit()
    monkeypatch.setattr(queries, "POPULAR_TAG_SHARE", share)
    for sort, expected in (("newest", [q.id for q in reversed(tagged)]),
                           ("top", [tagged[1].id] + [q.id for q in reversed(tagged) if q is not tagged[1]])):
        page = queries.list_questions(sort, tag="wifi", per_page=3)
        assert page.total == 4
        assert [q.id for q in page.items] == expected[:3]


def test_feeds_are_cached_for_anonymous_readers_and_still_answer_304(client, page_cache):
    question = make_question(title="Thermostat forgets its schedule overnight")
    first = client.get("/feeds/questions.atom")
    assert first.status_code == 200 and first.headers["ETag"]
    _rename_behind_the_services_back(question.id, "Renamed elsewhere in the meantime")
    again = client.get("/feeds/questions.atom")
    assert again.data == first.data  # served from the cache: the rename isn't in it yet
    conditional = client.get("/feeds/questions.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304 and conditional.data == b""
    make_question(title="A new question empties the cache of this process")
    assert b"A new question empties the cache" in client.get("/feeds/questions.atom").data
