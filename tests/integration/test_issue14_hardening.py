"""Issue 14's findings, one regression test (or a few) each: see the test names."""


import pyotp

from forum.extensions import db
from forum.models import Role
from forum.services import tokens
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_question, make_user


def test_finding1_edits_are_rate_limited_like_posting(client, rate_limits):
    author = make_user(reputation_points=50)
    question = make_question(author=author, tags=["wifi"])
    answer = make_answer(question, author=author)
    login(client, author)
    codes = [client.post(f"/questions/{question.id}/edit",
                         data={"title": f"Edited title number {n} of the question", "tags": "wifi",
                               "body": f"An edited body, round {n}, long enough to pass."}).status_code
             for n in range(6)]
    assert codes[:5] == [302] * 5 and codes[5] == 429
    rate_limits.reset()
    headers = {"Authorization": f"Bearer {tokens.create_token(author, 'edits')}"}
    codes = [client.patch(f"/api/v1/answers/{answer.id}", headers=headers,
                          json={"body": f"An edited answer, round {n}, long enough."}).status_code for n in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert client.get(f"/questions/{question.id}/edit").status_code == 200


def _turn_on_two_factor(client, user) -> None:
    client.post("/settings/two-factor/setup")
    db.session.refresh(user)
    r = client.post("/settings/two-factor/enable", data={"code": pyotp.TOTP(user.totp_secret).now()})
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.totp_enabled_at is not None


def test_finding2_staff_tokens_are_refused_until_two_factor_is_on(app, client):
    app.config["REQUIRE_STAFF_2FA"] = True
    try:
        agent = make_user(role=Role.AGENT)
        admin = make_user(role=Role.ADMIN)
        member = make_user()
        for user, path in ((agent, "/api/v1/cases"), (admin, "/api/v1/mod/audit")):
            headers = {"Authorization": f"Bearer {tokens.create_token(user, 'crm')}"}
            r = client.get(path, headers=headers)
            assert r.status_code == 403
            assert r.get_json()["error"]["code"] == "two_factor_required"
        member_headers = {"Authorization": f"Bearer {tokens.create_token(member, 'script')}"}
        assert client.get("/api/v1/notifications", headers=member_headers).status_code == 200
        login(client, agent)
        _turn_on_two_factor(client, agent)
        headers = {"Authorization": f"Bearer {tokens.create_token(agent, 'crm again')}"}
        assert client.get("/api/v1/cases", headers=headers).status_code == 200
    finally:
        app.config["REQUIRE_STAFF_2FA"] = False


def test_finding2_turning_two_factor_on_or_off_ends_other_sessions_and_revokes_tokens(app):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    token = tokens.create_token(user, "script")
    _turn_on_two_factor(here, user)
    assert here.get("/settings").status_code == 200
    assert elsewhere.get("/settings").status_code == 302
    assert here.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    login(elsewhere, user)  # now asks for the code: the password alone no longer signs in
    assert elsewhere.get("/settings").status_code == 302
    token = tokens.create_token(user, "script 2")
    user.totp_last_counter = None
    db.session.commit()
    r = here.post("/settings/two-factor/disable",
                  data={"password": PASSWORD, "code": pyotp.TOTP(user.totp_secret).now()})
    assert r.status_code == 302
    db.session.refresh(user)
    assert user.totp_enabled_at is None
    assert here.get("/settings").status_code == 200
    assert here.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).status_code == 401


NUL_REQUESTS = [
    ("POST", "/login", {"data": {"login": "a\x00b", "password": "whatever-password"}}),
    ("GET", "/tags/a%00b", {}),
    ("GET", "/products/a%00", {}),
    ("GET", "/feeds/tags/a%00.rss", {}),
    ("GET", "/kb?tag=%00", {}),
    ("GET", "/api/v1/questions?tag=%00", {}),
    ("GET", "/search?q=wifi&product=%00", {}),
    ("POST", "/settings/profile", {"data": {"about": "a\x00b"}}),
    ("POST", "/settings/tokens", {"data": {"name": "a\x00b"}}),
    ("POST", "/follow", {"data": {"kind": "tag", "ref": "a\x00b"}}),
    ("POST", "/questions/{q}/edit", {"data": {"title": "A title that is long enough", "body": "A body that is long enough.",
                                               "tags": "wifi", "comment": "a\x00b"}}),
    ("POST", "/questions/{q}/escalate", {"data": {"priority": "normal", "note": "a\x00b"}}),
    ("POST", "/cases/{case}/assign", {"data": {"assignee": "a\x00b"}}),
    ("GET", "/mod/members?q=a%00b", {}),
    ("GET", "/mod/audit?actor=a%00b&action=%00&target=%00", {}),
    ("POST", "/mod/questions/{q}/move", {"data": {"product": "a\x00b"}}),
    ("POST", "/kb/{article}/edit", {"data": {"title": "An article title", "body": "a\x00b", "note": "a\x00b"}}),
    ("POST", "/admin/webhooks", {"data": {"url": "https://crm.example.com/hooks", "description": "a\x00b"}}),
    ("POST", "/api/v1/questions/{q}/answers", {"json": {"body": "An answer with a NUL \x00 in it, long enough."}}),
]


def test_finding3_nul_bytes_are_refused_with_400_on_every_listed_endpoint(client):
    from moderation import escalation, knowledge

    admin = make_user(role=Role.ADMIN)
    question = make_question(author=admin)
    answer = make_answer(question)
    case = escalation.escalate(question.id, actor=admin).case
    article = knowledge.publish_answer(question.id, answer_id=answer.id, actor=admin)
    login(client, admin)
    for method, path, kwargs in NUL_REQUESTS:
        path = path.format(q=question.id, case=case.reference, article=article.id)
        response = client.open(path, method=method, **kwargs)
        assert response.status_code == 400, (method, path, response.status_code)
    assert client.get("/settings").status_code == 200  # still signed in, nothing broke


def test_finding7_revisions_of_hidden_posts_are_not_shown(client):
    from moderation import flags

    moderator = make_user(role=Role.MODERATOR)
    question = make_question(body="The secret question text that got flagged as rude.")
    answer = make_answer(make_question(), body="The secret answer text that got flagged as spam.")
    flags.flag("question", question.id, actor=moderator, reason="rude")
    flags.flag("answer", answer.id, actor=moderator, reason="spam")
    db.session.commit()
    for path, secret in ((f"/questions/{question.id}/revisions", "secret question"),
                         (f"/answers/{answer.id}/revisions", "secret answer")):
        r = client.get(path)
        assert r.status_code == 404 and secret not in r.get_data(as_text=True)
    login(client, question.author)
    assert client.get(f"/questions/{question.id}/revisions").status_code == 200
    login(client, moderator)
    assert client.get(f"/answers/{answer.id}/revisions").status_code == 200
