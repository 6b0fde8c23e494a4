"""Search in the running app: the index follows every write, the page, the API, asking, the CLI."""

import re
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import Answer, OutboxMessage, Question, Role, utcnow
from forum.search import indexing, service
from forum.search.backend import IndexBusy
from forum.search.sources import threads
from forum.search.whoosh_backend import WhooshBackend
from forum.services import acceptance, answers, outbox, questions
from forum.services.events import Event, emit
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import make_answer, make_product, make_question, make_tags, make_user

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(app):
    return app.extensions["search"]


def found(engine, q, **kwargs) -> list[str]:
    return [r.hit.key for r in service.search(engine, q, **kwargs).items]


def index_messages() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == indexing.TASK))


def test_every_write_updates_the_index_after_commit(engine):
    asker, moderator = make_user(), make_user(role=Role.MODERATOR)
    q = make_question(asker, title="Outdoor sensor stops reporting in frost",
                      body="Below zero the outdoor sensor stops sending readings.")
    assert found(engine, "frost") == [f"question:{q.id}"]

    with unit_of_work():
        questions.edit_question(q.id, asker, title="Outdoor sensor stops reporting when it freezes")
    assert found(engine, "frost") == []  # the old title is gone from the index...
    assert found(engine, "freezes") == [f"question:{q.id}"]  # ...and the new one is there

    a = make_answer(q, body="Swap the sensor batteries for lithium ones; alkaline cells fail when it freezes.")
    assert found(engine, "lithium") == [f"answer:{a.id}"]
    with unit_of_work():
        answers.edit_answer(a.id, a.author, body="Use lithium batteries in the sensor; alkaline ones give up in frost.")
    assert found(engine, "alkaline frost") == [f"answer:{a.id}"]

    with unit_of_work():
        acceptance.accept_answer(a.id, asker)
    hit = service.search(engine, "lithium").items[0].hit
    assert hit.accepted and hit.solved
    assert found(engine, "sensor", solved=True, kind="question") == [f"question:{q.id}"]
    with unit_of_work():
        acceptance.unaccept_answer(a.id, asker)
    assert not service.search(engine, "lithium").items[0].hit.accepted
    assert found(engine, "sensor", solved=True) == []

    with unit_of_work():
        answers.delete_answer(a.id, moderator)
    assert found(engine, "lithium") == []
    with unit_of_work():
        answers.undelete_answer(a.id, moderator)
    assert found(engine, "lithium") == [f"answer:{a.id}"]

    with unit_of_work():
        questions.delete_question(q.id, moderator)
    assert found(engine, "sensor") == [] and engine.keys() == set()
    with unit_of_work():
        questions.undelete_question(q.id, moderator)
    assert set(found(engine, "sensor")) == {f"question:{q.id}", f"answer:{a.id}"}


def test_moderation_actions_reindex_the_thread(engine):
    q = make_question(title="Spam looking question about cheap pills", body="Buy cheap pills here, thermostat owners.")
    a = make_answer(q, body="More cheap pills in this answer as well, really.")
    assert set(found(engine, "pills")) == {f"question:{q.id}", f"answer:{a.id}"}
    db.session.execute(update(Answer).where(Answer.id == a.id).values(hidden_at=utcnow()))
    emit(Event.MODERATION_ACTION, audit_id=None, subject_id=None, actor_id=None, question_id=q.id)
    db.session.commit()
    assert engine.keys() == {f"question:{q.id}"}
    db.session.execute(update(Question).where(Question.id == q.id).values(hidden_at=utcnow()))
    emit(Event.MODERATION_ACTION, audit_id=None, subject_id=None, actor_id=None, question_id=q.id)
    db.session.commit()
    assert engine.keys() == set() and found(engine, "pills") == []


def test_votes_reach_the_votes_sort(engine, client):
    voter = make_user(reputation_points=100)
    first = make_question(title="Heating curve settings explained please", body="What does the heating curve change?")
    second = make_question(title="Heating stays on at night in summer", body="The heating runs at night in summer.")
    assert found(engine, "heating", sort="votes")[0] == f"question:{second.id}"  # newer first among equals
    login(client, voter)
    assert client.post(f"/questions/{first.id}/vote", data={"value": "1"}).status_code in (200, 302, 303)
    assert found(engine, "heating", sort="votes")[0] == f"question:{first.id}"


def test_a_rolled_back_change_records_no_index_work():
    q = make_question()
    before = index_messages()
    emit(Event.QUESTION_EDITED, question_id=q.id, actor_id=q.author_id)
    db.session.rollback()
    assert index_messages() == before


def test_one_index_message_per_thread_per_transaction():
    q = make_question()
    other = make_question()
    before = index_messages()
    for event in (Event.QUESTION_EDITED, Event.ANSWER_ACCEPTED, Event.POST_SCORED):
        emit(event, question_id=q.id, actor_id=q.author_id)
    emit(Event.POST_SCORED, question_id=other.id, actor_id=q.author_id)
    db.session.commit()
    assert index_messages() == before + 2
    emit(Event.QUESTION_EDITED, question_id=q.id, actor_id=q.author_id)  # a new transaction records anew
    db.session.commit()
    assert index_messages() == before + 3


def test_a_locked_index_is_retried_later(app, tmp_path, monkeypatch):
    q = make_question()
    holder = WhooshBackend(str(tmp_path / "index"))
    waiting = WhooshBackend(str(tmp_path / "index"), write_timeout=0.2)
    with holder._writer() as writer:  # another process is rebuilding
        with pytest.raises(IndexBusy):
            waiting.refresh(threads, q.id)
        monkeypatch.setitem(app.extensions, "search", waiting)
        with pytest.raises(outbox.RetryLater):
            indexing.refresh({"source": "thread", "id": q.id})
        writer.cancel()
    waiting.refresh(threads, q.id)
    assert waiting.keys() == {f"question:{q.id}"}
    holder.close()
    waiting.close()


def test_several_processes_write_one_whoosh_index_safely(tmp_path):
    """Four processes update the same index at once; every write lands and the index stays readable."""
    script = textwrap.dedent("""
        import sys
        from forum.search.documents import Document
        from forum.search.whoosh_backend import WhooshBackend
        directory, worker = sys.argv[1], int(sys.argv[2])
        backend = WhooshBackend(directory, write_timeout=60)
        for n in range(15):
            doc_id = worker * 1000 + n
            backend.index([Document(kind="question", object_id=doc_id, ref_id=doc_id, product="p",
                                    title=f"Concurrent write {n} from worker {worker}",
                                    body="Several processes write this index at the same time.")])
        backend.close()
    """)
    directory = str(tmp_path / "shared-index")
    procs = [subprocess.Popen([sys.executable, "-c", script, directory, str(w)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for w in range(4)]
    errors = [proc.communicate(timeout=300)[1] for proc in procs]  # wait for all, then judge
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], errors
    backend = WhooshBackend(directory)
    assert backend.count() == 60
    assert backend.keys() == {f"question:{w * 1000 + n}" for w in range(4) for n in range(15)}
    backend.close()


def test_an_empty_whoosh_index_answers_every_kind_of_search(tmp_path):
    from forum.search.query import SearchRequest, parse

    backend = WhooshBackend(str(tmp_path / "index"))
    assert backend.count() == 0
    for request in (SearchRequest(query=parse("wifi")), SearchRequest(query=parse(""), sort="newest"),
                    SearchRequest(query=parse("wifi router"), sort="votes")):
        assert backend.search(request).hits == [] and backend.search(request).total == 0
    assert not backend.exists(SearchRequest(query=parse("wifi")))
    assert backend.similar(parse("wifi router"), kinds=("question",)) == []
    backend.close()


def test_a_whoosh_searcher_is_kept_until_another_process_changes_the_index(tmp_path):
    """One searcher per thread between writes; a write by another process is seen on the next search."""
    from forum.search.documents import Document
    from forum.search.query import SearchRequest, parse

    def doc(n: int, body: str) -> Document:
        return Document(kind="question", object_id=n, ref_id=n, product="p", title=f"Refresh probe {n}", body=body)

    def found(backend, words: str) -> list[int]:
        return [h.object_id for h in backend.search(SearchRequest(query=parse(words))).hits]

    reader = WhooshBackend(str(tmp_path / "index"))
    writer = WhooshBackend(str(tmp_path / "index"))  # another process: its own handle on the folder
    writer.index([doc(1, "The boiler pressure drops overnight."), doc(2, "The boiler light blinks.")])
    assert sorted(found(reader, "boiler")) == [1, 2]
    searcher = reader._searcher()
    assert found(reader, "pressure") == [1] and reader._searcher() is searcher  # no write: the same searcher
    writer.update([doc(3, "Boiler pressure is fine after bleeding the radiators.")], gone=["question:1"])
    assert sorted(found(reader, "pressure")) == [3]  # the deletion and the addition, both seen
    assert reader._searcher() is not searcher
    assert reader.search(SearchRequest(query=parse("boiler"))).total == 2
    reader.close()
    writer.close()


# --- the search page -----------------------------------------------------------------------

def test_search_page_shows_highlighted_results_and_filters(client):
    asker = make_user()
    q = make_question(asker, title="Bluetooth pairing fails with <b>bold</b> phones",
                      body="Pairing over bluetooth fails on my phone since the update.", tags=["bluetooth"])
    a = make_answer(q, body="Forget the device in the phone's bluetooth settings and pair again.")
    acceptance.accept_answer(a.id, asker)
    r = client.get("/search?q=bluetooth")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "2 results" in html
    assert "<mark>Bluetooth</mark>" in html and "<mark>bluetooth</mark>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html  # titles are escaped, never trusted
    assert f"#answer-{a.id}" in html and "Accepted answer" in html
    assert 'role="search"' in html and '<label for="search-q">' in html
    html = client.get("/search?q=bluetooth&kind=answer&accepted=1&tag=bluetooth&product=thermostat&sort=votes") \
        .get_data(as_text=True)
    assert "1 result" in html and f"#answer-{a.id}" in html


def test_search_page_suggests_a_spelling_and_pages(client):
    make_product()
    for n in range(23):
        make_question(title=f"Descaling reminder question number {n}", body=f"The descaling reminder shows again {n}.")
    html = client.get("/search?q=descalnig").get_data(as_text=True)
    assert "Did you mean" in html and "/search?q=descaling" in html
    html = client.get("/search?q=descaling&_scheme=javascript&endpoint=x").get_data(as_text=True)
    assert "23 results" in html and "Page 1 of 2" in html
    assert re.search(r'href="/search\?q=descaling&amp;page=2"', html)
    assert "_scheme" not in html
    assert client.get("/search?q=descaling&page=2").get_data(as_text=True).count('class="search-hit ') == 3


def test_search_page_without_a_query_is_a_form(client):
    r = client.get("/search")
    assert r.status_code == 200
    assert 'name="q"' in r.get_data(as_text=True) and "results" not in r.get_data(as_text=True)


@pytest.mark.parametrize("raw", ['"unbalanced', "-", "OR", "*fi", "?", "x" * 10_000, "\x00\x01\x7f", "%00", "%ff%fe",
                                 "'; DROP TABLE questions; --", "<script>alert(1)</script>", "日本語"])
def test_hostile_queries_never_fail_the_page_or_the_api(client, raw):
    make_question()
    url_q = raw if raw.startswith("%") else quote(raw)
    page = client.get(f"/search?q={url_q}")
    if "\x00" in raw or raw == "%00":
        # NUL is refused by the request filter (forum/input_filter.py) with a clear 400 everywhere.
        assert page.status_code == 400
        assert client.get(f"/api/v1/search?q={url_q}").status_code == 400
        return
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.get_data(as_text=True)
    api = client.get(f"/api/v1/search?q={url_q}")
    similar = client.get(f"/api/v1/search/similar?title={url_q}")
    if len(raw) > 2000:
        # The API declares its limit (2,000 characters) and refuses longer text as a field error.
        assert api.status_code == 422 and "q" in api.get_json()["error"]["fields"]
        assert similar.status_code == 422 and "title" in similar.get_json()["error"]["fields"]
        return
    assert api.status_code == 200
    assert len(api.get_json()["items"]) <= 20
    assert similar.status_code == 200


@pytest.mark.parametrize("query", ["sort=random", "kind=comment", "page=51", "page=0", "page=abc"])
def test_bad_search_options_are_a_4xx(client, query):
    assert client.get(f"/search?q=wifi&{query}").status_code == 400
    assert client.get(f"/api/v1/search?q=wifi&{query}").status_code in (400, 422)


def test_deleted_posts_never_reach_the_page(client):
    moderator = make_user(role=Role.MODERATOR)
    q = make_question(title="Temporary question about the valve noise", body="The valve makes a clicking noise.")
    assert "valve" in client.get("/search?q=valve").get_data(as_text=True).lower()
    questions.delete_question(q.id, moderator)
    html = client.get("/search?q=valve").get_data(as_text=True)
    assert "0 results" in html and "Temporary question" not in html


def test_every_page_has_the_header_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert 'action="/search"' in html and '<label class="visually-hidden" for="site-search-q">' in html


# --- the API -------------------------------------------------------------------------------

def test_api_search_returns_snippets_and_paging(client):
    q = make_question(title="Energy report shows zero consumption", body="The monthly energy report is empty.")
    r = client.get("/api/v1/search?q=energy&per_page=5")
    data = r.get_json()
    assert r.status_code == 200
    assert data["total"] == 1 and data["page"] == 1 and data["per_page"] == 5 and data["query"] == "energy"
    item = data["items"][0]
    assert item["kind"] == "question" and item["id"] == q.id and item["thread_id"] == q.id
    assert item["url"].startswith("http://localhost/questions/")
    assert "<mark>Energy</mark>" in item["title_html"] and "<mark>energy</mark>" in item["snippet_html"]
    assert item["product"] == {"slug": "thermostat", "name": "Thermostat"}
    assert item["has_accepted_answer"] is False and item["tags"] == ["schedule"]
    assert client.get("/api/v1/search?q=energyy").get_json()["suggestion"] == "energy"
    assert client.get("/api/v1/search?q=energy&per_page=101").status_code == 422


def test_api_similar_lists_questions_like_a_title(client):
    asker = make_user()
    q = make_question(asker, title="Valve actuator makes a grinding noise", body="A grinding noise from the valve.")
    acceptance.accept_answer(make_answer(q).id, asker)
    data = client.get("/api/v1/search/similar?title=grinding+noise+from+my+valve").get_json()
    assert [i["id"] for i in data["items"]] == [q.id]
    assert data["items"][0]["has_accepted_answer"] is True
    assert client.get("/api/v1/search/similar?title=").get_json()["items"] == []
    bad = client.get("/api/v1/search/similar?title=&limit=zzz")
    assert bad.status_code == 422 and "limit" in bad.get_json()["error"]["fields"]


# --- asking --------------------------------------------------------------------------------

def test_ask_page_loads_the_similar_questions_script_without_inline_code(client):
    login(client, make_user())
    make_product()
    html = client.get("/questions/ask").get_data(as_text=True)
    assert '<script src="/static/js/similar.js" defer></script>' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # no inline script anywhere
    assert 'data-similar-endpoint="/api/v1/search/similar"' in html
    assert 'formaction="/questions/ask/similar"' in html
    script = client.get("/static/js/similar.js")
    body = script.get_data()
    script.close()
    assert script.status_code == 200 and b"textContent" in body and b"innerHTML" not in body


def test_no_javascript_similar_check_keeps_the_draft_and_lists_matches(client):
    asker = make_user()
    existing = make_question(asker, title="Thermostat display stays dark after power cut",
                             body="After the power cut the display never came back on.")
    acceptance.accept_answer(make_answer(existing).id, asker)
    login(client, make_user())
    make_tags("display", "power")
    draft = {"title": "Display is dark since the power cut", "body": "Nothing shows on the display since yesterday.",
             "tags": "display power", "product": "thermostat"}
    r = client.post("/questions/ask/similar", data=draft)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Similar questions" in html and existing.title in html and "Has an accepted answer" in html
    assert 'value="Display is dark since the power cut"' in html and "Nothing shows on the display" in html
    assert 'action="/questions/ask"' in html
    assert db.session.scalar(select(func.count(Question.id))) == 1  # checking posts nothing
    r = client.post("/questions/ask/similar", data={**draft, "title": "zzzz qqqq"})
    assert "We found no similar questions" in r.get_data(as_text=True)
    assert client.post("/questions/ask", data=draft).status_code == 302


def test_similar_check_needs_a_signed_in_member(client):
    r = client.post("/questions/ask/similar", data={"title": "Anything at all here"})
    assert r.status_code in (302, 401)


# --- the command line ----------------------------------------------------------------------

def test_reindex_command_rebuilds_from_the_database(app, engine):
    made = [make_question(title=f"Command line rebuild number {n}", body="Rebuilt by flask search reindex.")
            for n in range(3)]
    answer = make_answer(made[0])
    engine.delete([f"question:{made[1].id}"])
    result = app.test_cli_runner().invoke(args=["search", "reindex", "--batch-size", "10"])
    assert result.exit_code == 0, result.output
    assert "4 documents indexed." in result.output
    assert engine.keys() == {f"question:{q.id}" for q in made} | {f"answer:{answer.id}"}
    status = app.test_cli_runner().invoke(args=["search", "status"])
    assert status.exit_code == 0 and f"{engine.name}: 4 documents" in status.output
