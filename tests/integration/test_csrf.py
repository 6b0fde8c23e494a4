"""With CSRF protection on (as in production), forms need the token and tokens bypass it for the API."""

import re

import pytest

from forum.services import tokens
from tests.factories import PASSWORD, make_answer, make_question, make_user


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def _token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


class TestWithCsrf:
    def test_login_without_token_is_refused_with_a_clear_page(self, csrf_app):
        client = csrf_app.test_client()
        user = make_user()
        r = client.post("/login", data={"login": user.username, "password": PASSWORD})
        assert r.status_code == 400
        assert "CSRF" in r.get_data(as_text=True)

    def test_login_and_vote_with_token_work(self, csrf_app):
        client = csrf_app.test_client()
        user = make_user(reputation_points=20)
        token = _token(client, "/login")
        r = client.post("/login", data={"login": user.username, "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302
        answer = make_answer(make_question())
        assert client.post(f"/answers/{answer.id}/vote", data={"value": "1"}).status_code == 400
        token = _token(client, "/settings")
        r = client.post(f"/answers/{answer.id}/vote", data={"value": "1", "csrf_token": token})
        assert r.status_code == 302
        assert answer.score == 1 or client.get(f"/api/v1/questions/{answer.question_id}").get_json()[
            "answers"][0]["score"] == 1

    def test_cookie_session_api_writes_need_the_token_but_bearer_tokens_do_not(self, csrf_app):
        client = csrf_app.test_client()
        user = make_user()
        q = make_question()
        csrf_token = _token(client, "/login")
        client.post("/login", data={"login": user.username, "password": PASSWORD, "csrf_token": csrf_token})
        r = client.post(f"/api/v1/questions/{q.id}/answers", json={"body": "An answer sent with the session cookie."})
        assert r.status_code == 400
        assert r.get_json()["error"]["code"] == "csrf_failed"
        r = client.post(f"/api/v1/questions/{q.id}/answers", json={"body": "An answer sent with the session cookie."},
                        headers={"X-CSRFToken": _token(client, "/settings")})
        assert r.status_code == 201
        api = csrf_app.test_client()
        r = api.post(f"/api/v1/questions/{q.id}/answers", json={"body": "An answer sent with a bearer token here."},
                     headers={"Authorization": f"Bearer {tokens.create_token(user, 'crm')}"})
        assert r.status_code == 201
