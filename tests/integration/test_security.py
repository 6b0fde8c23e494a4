"""Security properties checked across the whole app: every route from the URL map, headers, limits."""

import re

import pytest
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from forum.extensions import db
from forum.models import ApiToken, User
from forum.services import tokens
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_product, make_question, make_tags, make_user

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that must work without a CSRF token, and why.
CSRF_EXEMPT = {
    "notifications.unsubscribe_one_click",  # RFC 8058 one-click unsubscribe: mail clients POST without cookies
}
STAFF_PREFIXES = ("/mod", "/admin", "/cases")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _sample_url(rule, ids: dict[str, object]) -> str:
    """A concrete URL for the rule: known ids, the first choice of `any(...)` converters, else 1."""
    url = rule.rule
    for name in rule.arguments:
        choice = re.search(rf"<any\(([^)]*)\):{name}>", url)
        value = choice.group(1).split(",")[0].strip() if choice else ids.get(name, 1)
        url = re.sub(rf"<(?:any\([^)]*\)|\w+)?:?{name}>", str(value), url)
    return url


def _routes(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


@pytest.fixture
def world():
    """One of everything, so that routes with ids find something."""
    q = make_question()
    a = make_answer(q)
    return {"question_id": q.id, "answer_id": a.id, "user_id": q.author_id, "slug": "x", "name": "schedule",
            "token_id": 1, "comment_id": 1}


def test_state_changing_routes_refuse_get(app, client, world):
    """A GET never reaches a state-changing endpoint: 405, or another (read-only) endpoint matches."""
    adapter = app.url_map.bind("localhost")
    checked = 0
    for rule in _routes(app):
        if rule.methods & STATE_CHANGING and "GET" not in rule.methods:
            url = _sample_url(rule, world)
            try:
                endpoint, _ = adapter.match(url, method="GET")
            except MethodNotAllowed:
                assert client.get(url).status_code == 405, url
            except NotFound:
                pass
            else:
                assert endpoint != rule.endpoint
                assert app.url_map._rules_by_endpoint[endpoint][0].methods >= {"GET"}
            checked += 1
    assert checked >= 20


def test_state_changing_routes_refuse_cookie_posts_without_csrf(app, client, world, csrf_on):
    member = make_user(reputation_points=3000)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"login": member.username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    checked = 0
    for rule in _routes(app):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(_sample_url(rule, world), method=method, data={"value": "1", "body": "x" * 40})
            assert response.status_code == 400, (method, rule.rule, response.status_code)
            checked += 1
    assert checked >= 30


def test_staff_routes_refuse_members_by_page_and_api(app, client, world):
    member = make_user(reputation_points=5000)
    login(client, member)
    api_headers = {"Authorization": f"Bearer {tokens.create_token(member, 'probe')}"}
    staff_rules = [r for r in _routes(app) if r.rule.startswith(STAFF_PREFIXES)
                   or "escalate" in r.rule or "publish" in r.rule or r.rule.startswith("/api/v1/cases")]
    for rule in staff_rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _sample_url(rule, world)
            headers = api_headers if rule.rule.startswith("/api/") else {}
            response = client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
            assert response.status_code in (403, 404), (method, rule.rule, response.status_code)
            assert response.status_code == 403 or rule.rule.count("<") > 0


def test_security_headers_on_pages_and_api(client):
    for url in ("/", "/api/v1/questions", "/nope"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers


def test_session_cookie_flags(client):
    user = make_user()
    response = login(client, user)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_the_development_secret():
    from forum import create_app
    from forum.security import InsecureConfiguration

    with pytest.raises(InsecureConfiguration):
        create_app({"ENVIRONMENT": "production", "SECRET_KEY": "dev-only-secret-change-me",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app({"ENVIRONMENT": "production", "SECRET_KEY": "x" * 48, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_sign_in_starts_a_fresh_session(client):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_password_change_revokes_api_tokens(client):
    user = make_user()
    token = tokens.create_token(user, "script")
    login(client, user)
    client.post("/settings/password", data={"current_password": PASSWORD, "new_password": "an-entirely-new-pass"})
    assert db.session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)) is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize(("password", "message"), [
    ("password123", "attackers try first"), ("qwertyuiop", "attackers try first"),
    ("carol_smith1", "username"),
])
def test_weak_passwords_are_refused(client, password, message):
    r = client.post("/register", data={"username": "carol_smith", "email": "carol@example.com", "password": password})
    assert r.status_code == 422
    assert message in r.get_data(as_text=True)


def test_open_redirects_are_refused_everywhere_next_is_read(client):
    user = make_user()
    for target in ("https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)",
                   "http:/evil.example"):
        r = client.post("/login", query_string={"next": target}, data={"login": user.username, "password": PASSWORD})
        assert r.headers["Location"] in ("/", "http://localhost/"), target
        client.post("/logout")


@pytest.mark.usefixtures("rate_limits")
class TestRateLimits:
    def test_failed_sign_ins_grow_a_delay_without_revealing_the_account(self, client):
        user = make_user()
        statuses = {}
        for address, name in (("10.0.0.1", user.username), ("10.0.0.2", "nobody-by-this-name")):
            codes = [client.post("/login", data={"login": name, "password": "wrong-password!"},
                                 environ_base={"REMOTE_ADDR": address}).status_code for _ in range(6)]
            statuses[name] = codes
        assert statuses[user.username] == statuses["nobody-by-this-name"]
        assert statuses[user.username][:5] == [422] * 5
        throttled = client.post("/login", data={"login": user.username, "password": PASSWORD},
                                environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) > 0
        assert "Please wait" in throttled.get_data(as_text=True)

    def test_sign_in_per_ip_limit_returns_429_with_retry_after(self, client):
        for n in range(10):
            client.post("/login", data={"login": f"someone{n}", "password": "whatever-password"})
        r = client.post("/login", data={"login": "someone-else", "password": "whatever-password"})
        assert r.status_code == 429
        assert "Retry-After" in r.headers

    def test_new_members_ask_one_question_per_five_minutes(self, client):
        make_product()
        make_tags("display")
        login(client, make_user())
        data = {"body": "The display flickers every evening around eight.", "tags": "display", "product": "thermostat"}
        assert client.post("/questions/ask", data={**data, "title": "Display flickers in the evening"}).status_code == 302
        r = client.post("/questions/ask", data={**data, "title": "Display flickers in the evening again"})
        assert r.status_code == 429

    def test_api_errors_are_json_with_retry_after(self, client):
        q = make_question()
        headers = {"Authorization": f"Bearer {tokens.create_token(make_user(reputation_points=200), 'x')}"}
        codes = [client.post(f"/api/v1/questions/{q.id}/comments", headers=headers,
                             json={"body": f"Comment number {n} here"}).status_code for n in range(6)]
        assert codes[:5] == [201] * 5
        assert codes[5] == 429
        r = client.post(f"/api/v1/questions/{q.id}/comments", headers=headers, json={"body": "One more comment"})
        assert r.get_json()["error"]["code"] == "rate_limited"
        assert "Retry-After" in r.headers

    def test_moderators_are_exempt_from_posting_limits(self, client):
        q = make_question()
        mod = make_user(role="moderator")
        login(client, mod)
        codes = [client.post(f"/questions/{q.id}/comments", data={"body": f"Moderator note {n}"}).status_code
                 for n in range(8)]
        assert set(codes) == {302}

    def test_agents_count_as_staff_and_are_exempt_from_posting_limits(self, client):
        q = make_question()
        login(client, make_user(role="agent"))
        codes = [client.post(f"/questions/{q.id}/comments", data={"body": f"Support note {n}"}).status_code
                 for n in range(8)]
        assert set(codes) == {302}


def _limits_for(app, user):
    from flask import g

    from forum import security

    with app.test_request_context("/", method="POST"):
        g.rate_limit_user = user
        return security.question_limit(), security.vote_limit(), security.flag_limit()


def test_rate_limits_follow_the_thresholds_in_force(app):
    """The limits grow with the vote-down (125) and review-queue (500) privileges as the admin set them."""
    from forum.services import settings

    newcomer, regular, reviewer = make_user(), make_user(reputation_points=130), make_user(reputation_points=600)
    new_member_questions = app.config["RATELIMIT_NEW_MEMBER_QUESTIONS"]
    assert _limits_for(app, newcomer) == (new_member_questions, "30/day", "10/day")
    assert _limits_for(app, regular) == ("30/hour", "40/day", "10/day")
    assert _limits_for(app, reviewer) == ("30/hour", "40/day", "100/day")
    settings.set_reputation_settings({"vote_down": 1000, "review_queue": 100}, False)
    assert _limits_for(app, regular) == ("30/hour", "30/day", "100/day")
    settings.set_reputation_settings({}, True)  # "new community": every threshold ÷ 10
    assert _limits_for(app, make_user(reputation_points=20)) == ("30/hour", "40/day", "10/day")
    assert _limits_for(app, make_user(reputation_points=60)) == ("30/hour", "40/day", "100/day")


def test_privacy_export_contains_my_data_and_nobody_elses(client):
    q = make_question()
    mine = make_answer(q)
    make_answer(q)
    login(client, mine.author)
    r = client.get("/settings/privacy/export.json")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    data = r.get_json()
    assert data["profile"]["email"] == mine.author.email
    assert [a["id"] for a in data["answers"]] == [mine.id]
    assert data["answers"][0]["revisions"][0]["number"] == 1
    assert data["questions"] == []
    assert data["reputation"][0]["event"] == "user.joined"


def test_account_deletion_erases_personal_data_and_keeps_posts(client):
    q = make_question()
    answer = make_answer(q)
    author = answer.author
    token = tokens.create_token(author, "old")
    login(client, author)
    r = client.post("/settings/privacy/delete", data={"password": PASSWORD, "confirmation": "nope"})
    assert r.status_code == 422
    r = client.post("/settings/privacy/delete", data={"password": PASSWORD, "confirmation": "DELETE"})
    assert r.status_code == 302
    db.session.expire_all()
    gone = db.session.get(User, author.id)
    assert gone.username.startswith("former-member-")
    assert "@deleted.invalid" in gone.email
    assert gone.about == ""
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.user_id == author.id)) is None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "former-member-" in page
    assert client.post("/login", data={"login": gone.email, "password": PASSWORD}).status_code == 422
