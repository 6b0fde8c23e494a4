"""Search results say when a thing was asked, answered or published (never when it was indexed),
and knowledge articles are searched as a result kind of their own, on every backend."""

import os
import re
from datetime import datetime

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Answer, Question
from forum.search import service
from forum.search.postgres_backend import PostgresBackend
from forum.search.sources import articles, threads
from forum.search.whoosh_backend import WhooshBackend
from forum.services import acceptance
from moderation import knowledge
from tests.factories import make_answer, make_question, make_user

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql"))
ASKED = datetime(2026, 11, 20, 9, 30)
ANSWERED = datetime(2026, 11, 21, 16, 5)


@pytest.fixture(params=["whoosh", "postgresql"] if ON_POSTGRES else ["whoosh"])
def backend(request, tmp_path):
    engine = WhooshBackend(str(tmp_path / "index"), write_timeout=2) if request.param == "whoosh" \
        else PostgresBackend()
    yield engine
    engine.close()


@pytest.fixture
def moderator():
    return make_user(role="moderator")


def published_article(moderator, *, title="Descaling the humidifier tank"):
    q = make_question(title=title, body="White crust builds up in the humidifier tank every month.")
    a = make_answer(q, body="Descale with diluted vinegar for twenty minutes, then rinse the tank twice.")
    acceptance.accept_answer(a.id, q.author)
    article = knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator, title="How to descale the tank",
                                       summary="Remove the white crust from the humidifier tank safely.")
    return q, a, article


def test_knowledge_articles_are_a_result_kind_of_their_own(backend, moderator):
    q, _a, article = published_article(moderator)
    backend.refresh(threads, q.id)
    backend.refresh(articles, article.id)
    db.session.commit()
    page = service.search(backend, "descale")
    kinds = {r.hit.kind for r in page.items}
    assert kinds == {"question", "answer", "article"}
    only = service.search(backend, "descale", kind="article")
    assert [r.hit.key for r in only.items] == [f"article:{article.id}"]
    hit = only.items[0]
    assert hit.kind_label == "Knowledge article" and hit.labels.dated == "published %(when)s"
    assert hit.hit.created_at == article.published_at


def test_archived_articles_leave_the_results(backend, moderator):
    _q, _a, article = published_article(moderator, title="Resetting the hub to factory settings")
    backend.refresh(articles, article.id)
    db.session.commit()
    assert service.search(backend, "descale", kind="article").total == 1
    knowledge.set_state(article.id, "archived", actor=moderator)
    backend.refresh(articles, article.id)
    db.session.commit()
    assert service.search(backend, "descale", kind="article").total == 0


def test_results_carry_the_asked_and_answered_dates(backend):
    q = make_question(title="Boiler pressure drops overnight", body="The pressure gauge reads 0.5 bar each morning.")
    a = make_answer(q, body="Bleed the radiators, then top the pressure up to 1.5 bar with the filling loop.")
    db.session.execute(update(Question).where(Question.id == q.id).values(created_at=ASKED))
    db.session.execute(update(Answer).where(Answer.id == a.id).values(created_at=ANSWERED))
    db.session.commit()
    backend.refresh(threads, q.id)
    db.session.commit()
    by_kind = {r.hit.kind: r for r in service.search(backend, "pressure").items}
    assert (by_kind["question"].hit.created_at, by_kind["question"].labels.dated) == (ASKED, "asked %(when)s")
    assert (by_kind["answer"].hit.created_at, by_kind["answer"].labels.dated) == (ANSWERED, "answered %(when)s")


def test_the_search_page_finds_articles_and_shows_what_each_date_is(client, moderator):
    q, _a, article = published_article(moderator)
    page = client.get("/search?q=descale").get_data(as_text=True)
    assert f'href="/kb/{article.id}/' in page
    assert "Knowledge article" in page
    for said in ("published", "asked", "answered"):
        assert re.search(rf'class="search-hit__date">{said} <time datetime=[^>]*>[^<]*</time></span>', page), said
    filtered = client.get("/search?q=descale&kind=article").get_data(as_text=True)
    assert f'href="/kb/{article.id}/' in filtered and f'href="/questions/{q.id}/' not in filtered
    api = client.get("/api/v1/search?q=descale&kind=article").get_json()
    assert [i["kind"] for i in api["items"]] == ["article"]

