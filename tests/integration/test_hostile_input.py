"""Oversized, malformed or hostile input gets a clear 4xx and leaves the database unchanged."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Question
from forum.services import tokens
from tests.conftest import login
from tests.factories import make_product, make_question, make_tags, make_user


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count(Question.id))), db.session.scalar(select(func.count(Answer.id))))


@pytest.fixture
def member_client(client):
    make_product()
    make_tags("wifi")
    login(client, make_user())
    return client


@pytest.mark.parametrize("title", ["x" * (1024 * 1024 - 2000), "\x00" * 40, "   \t  "])
def test_hostile_titles_are_refused(member_client, title):
    before = _counts()
    r = member_client.post("/questions/ask", data={"title": title, "body": "A body that is long enough to pass.",
                                                   "tags": "wifi", "product": "thermostat"})
    assert r.status_code in (400, 413, 422)
    assert _counts() == before


def test_null_bytes_are_refused_not_stored(member_client):
    """One filter (forum/input_filter.py) refuses NUL anywhere: PostgreSQL can't store it in text."""
    r = member_client.post("/questions/ask", data={"title": "Null\x00 bytes in my title here",
                                                   "body": "Body with a \x00 null byte that is long enough.",
                                                   "tags": "wifi", "product": "thermostat"})
    assert r.status_code == 400
    assert "NUL" in r.get_data(as_text=True)
    assert _counts() == (0, 0)


def test_invalid_utf8_is_a_clean_error(client):
    make_product()
    user = make_user()
    headers = {"Authorization": f"Bearer {tokens.create_token(user, 't')}", "Content-Type": "application/json"}
    r = client.post("/api/v1/questions", headers=headers, data=b'{"title": "\xff\xfe bad bytes"}')
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_request"
    login(client, user)
    r = client.post("/questions/ask", data=b"title=%FF%FE&body=%C3%28&tags=x&product=thermostat",
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code == 422
    assert _counts() == (0, 0)


def test_deeply_nested_markdown_renders_bounded(member_client):
    body = "\n".join("  " * i + "- item" for i in range(2000))[:29_000]
    r = member_client.post("/questions/ask", data={"title": "Deeply nested list question",
                                                   "body": body, "tags": "wifi", "product": "thermostat"})
    assert r.status_code == 302
    question = db.session.scalar(select(Question))
    assert question.body_html.count("<ul>") <= 60


def test_ten_thousand_mentions_are_just_text(member_client):
    q = make_question()
    body = " ".join(f"@user{n}" for n in range(10_000))[:29_000]
    r = member_client.post(f"/questions/{q.id}/answers", data={"body": body})
    assert r.status_code == 302


def test_wrong_types_in_json_are_422_not_500(client):
    q = make_question()
    headers = {"Authorization": f"Bearer {tokens.create_token(make_user(reputation_points=50), 't')}"}
    for payload in ({"body": ["list"]}, {"body": {"x": 1}}, {"body": None}, {"body": 5}):
        assert client.post(f"/api/v1/questions/{q.id}/answers", headers=headers, json=payload).status_code == 422
    assert client.patch(f"/api/v1/questions/{q.id}", headers=headers, json={"tags": {"a": 1}}).status_code == 422


def test_query_string_cannot_steer_pager_links(app, client, monkeypatch):
    """Pager links copy the list's filters; url_for's own keywords in a query string must not reach it."""
    monkeypatch.setitem(app.config, "QUESTIONS_PER_PAGE", 2)
    author = make_user()
    for n in range(3):
        make_question(author=author, title=f"Pager question number {n} about descaling")
    response = client.get("/questions?_scheme=javascript&_external=1&endpoint=x&tab=newest")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "javascript:" not in html and "_external" not in html
    assert 'href="/questions?tab=newest&amp;page=2"' in html
    response = client.get(f"/users/{author.id}?user_id=999&tab=questions")
    assert response.status_code == 200
