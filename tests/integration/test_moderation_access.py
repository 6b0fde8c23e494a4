"""Only moderators and admins reach the console and the moderator API; everyone else gets 403."""

import re

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Flag, Question, Role
from forum.services import tokens
from moderation import flags
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_moderator, make_question, make_user

SAMPLE = {"item_id": 1, "user_id": 1, "question_id": 1, "word_id": 1, "post_id": 1}


def _console_urls(app) -> list[tuple[str, str]]:
    """Every (method, url) under /mod, with sample ids in the path."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/mod") or rule.rule.startswith("/mod/insights"):
            continue  # the health console is for agents too (tests/integration/test_insights.py)
        values = {arg: SAMPLE.get(arg, 1) for arg in rule.arguments}
        if "kind" in rule.arguments:
            values["kind"] = "question"
        if "action" in rule.arguments:
            values["action"] = "delete"
        path = rule.rule
        for arg, value in values.items():
            path = re.sub(rf"<(?:[^:<>]+:)?{arg}>", str(value), path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            urls.append((method, path))
    return sorted(set(urls))


MODERATOR_API = [
    ("GET", "/api/v1/mod/queue"), ("GET", "/api/v1/mod/queue/1"), ("POST", "/api/v1/mod/queue/1"),
    ("POST", "/api/v1/questions/1/close"), ("POST", "/api/v1/questions/1/reopen"),
    ("POST", "/api/v1/questions/1/lock"), ("POST", "/api/v1/questions/1/unlock"),
    ("POST", "/api/v1/questions/1/move"),
    ("POST", "/api/v1/users/1/suspension"), ("DELETE", "/api/v1/users/1/suspension"), ("GET", "/api/v1/mod/audit"),
]


def test_the_console_has_the_pages_the_issue_asks_for(app):
    urls = {url for _, url in _console_urls(app)}
    assert {"/mod/", "/mod/queue", "/mod/audit", "/mod/members/1", "/mod/queue/1"} <= urls
    assert len(urls) >= 15


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AGENT])
def test_members_and_agents_get_403_on_every_console_page_and_action(app, client, role):
    q = make_question()
    make_answer(q)
    user = make_user(reputation_points=5000, role=role)
    login(client, user)
    urls = _console_urls(app)
    for method, url in urls:
        response = client.open(url, method=method, data={"outcome": "deleted", "reason": "spam", "until": "2099-01-01"})
        assert response.status_code == 403, (method, url, response.status_code)
    assert q.deleted_at is None


def test_visitors_get_403_on_the_console(app, client):
    for method, url in _console_urls(app):
        assert client.open(url, method=method).status_code == 403, (method, url)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AGENT])
def test_members_and_agents_get_403_from_every_moderator_api_endpoint(client, role):
    q = make_question()
    target = make_user()
    headers = {"Authorization": f"Bearer {tokens.create_token(make_user(reputation_points=5000, role=role), 't')}"}
    for method, url in MODERATOR_API:
        url = url.replace("/questions/1/", f"/questions/{q.id}/").replace("/users/1/", f"/users/{target.id}/")
        response = client.open(url, method=method, headers=headers,
                               json={"reason": "off_topic", "outcome": "deleted", "until": "2099-01-01"})
        assert response.status_code == 403, (method, url, response.get_json())
        assert response.get_json()["error"]["code"] == "forbidden"


def test_moderator_api_needs_a_token_or_session(client):
    for method, url in MODERATOR_API:
        assert client.open(url, method=method, json={}).status_code == 401, (method, url)


def test_moderators_and_admins_open_every_console_page(client):
    q = make_question()
    a = make_answer(q)
    make_comment(a)
    reporter = make_user(reputation_points=20)
    flags.flag("answer", a.id, actor=reporter, reason="spam")
    for user in (make_moderator(), make_user(role=Role.ADMIN)):
        login(client, user)
        for path in ("/mod/", "/mod/queue", "/mod/queue?kind=flagged", "/mod/queue/1", "/mod/audit",
                     f"/mod/members?q={reporter.username[:4]}", f"/mod/members/{a.author_id}", f"/mod/questions/{q.id}",
                     "/mod/settings"):
            response = client.get(path)
            assert response.status_code == 200, (user.role, path)
            assert "<main" in response.get_data(as_text=True)
        client.post("/logout")


def test_moderation_link_shows_only_for_moderators(client):
    login(client, make_user(reputation_points=5000))
    assert 'href="/mod/"' not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(client, make_moderator())
    assert 'href="/mod/"' in client.get("/").get_data(as_text=True)


def test_console_actions_and_flags_need_the_csrf_token(app, client):
    q = make_question()
    a = make_answer(q)
    mod = make_moderator()
    login(client, mod)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/mod/questions/{q.id}/lock").status_code == 400
        assert client.post(f"/answers/{a.id}/flag", data={"reason": "spam"}).status_code == 400
        page = client.get(f"/mod/questions/{q.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        assert client.post(f"/mod/questions/{q.id}/lock", data={"csrf_token": token}).status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(Question, q.id).locked_at is not None
    assert db.session.scalar(select(func.count(Flag.id))) == 0
