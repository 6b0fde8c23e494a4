"""JSON API v1: tokens, error shape, pagination, every endpoint, and the same rules as the web."""

import json

import pytest

from forum.services import tokens
from tests.factories import make_answer, make_moderator, make_product, make_question, make_tags, make_user


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {tokens.create_token(user, 'test')}"}


def assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def test_ask_answer_vote_accept_round_trip(client):
    make_product()
    make_tags("wifi", "firmware")
    asker, helper, voter = make_user(), make_user(), make_user(reputation_points=20)
    r = client.post("/api/v1/questions", headers=bearer(asker), json={
        "title": "Thermostat loses Wi-Fi every night at 2am", "body": "It reconnects at 6am. Firmware 4.2.4, router reboots at 2am.",
        "tags": ["wifi", "firmware"], "product": "thermostat"})
    assert r.status_code == 201
    qid = r.get_json()["id"]
    assert r.get_json()["tags"] == ["firmware", "wifi"]
    r = client.post(f"/api/v1/questions/{qid}/answers", headers=bearer(helper),
                    json={"body": "Set a DHCP reservation so it keeps its address after the router reboots."})
    assert r.status_code == 201
    aid = r.get_json()["id"]
    r = client.post(f"/api/v1/answers/{aid}/vote", headers=bearer(voter), json={"value": 1})
    assert r.get_json() == {"score": 1, "vote": 1}
    r = client.post(f"/api/v1/answers/{aid}/accept", headers=bearer(asker))
    assert r.get_json()["accepted_answer_id"] == aid
    r = client.post(f"/api/v1/answers/{aid}/comments", headers=bearer(asker), json={"body": "That fixed it, thanks!"})
    assert r.status_code == 201
    detail = client.get(f"/api/v1/questions/{qid}").get_json()
    assert detail["accepted_answer_id"] == aid
    assert detail["answers"][0]["accepted"] is True
    assert detail["answers"][0]["comments"][0]["body"] == "That fixed it, thanks!"
    assert detail["escalation"] is None
    profile = client.get(f"/api/v1/users/{helper.id}").get_json()
    assert profile["reputation"] == 26
    assert {b["badge"] for b in profile["badges"]} >= {"first_answer", "solution"}
    ledger = client.get(f"/api/v1/users/{helper.id}/reputation").get_json()
    assert [i["event"] for i in ledger["items"]] == ["answer.accepted", "answer.upvoted", "user.joined"]
    r = client.delete(f"/api/v1/answers/{aid}/accept", headers=bearer(asker))
    assert r.get_json()["accepted_answer_id"] is None


def test_edit_makes_revision_and_others_are_refused(client):
    q = make_question()
    r = client.patch(f"/api/v1/questions/{q.id}", headers=bearer(q.author),
                     json={"body": "Updated with the exact error text from the display.", "comment": "more detail"})
    assert r.status_code == 200
    assert "exact error text" in r.get_json()["body"]
    error = assert_error(client.patch(f"/api/v1/questions/{q.id}", headers=bearer(make_user()),
                                      json={"title": "Someone else retitles this question"}), 403, "forbidden")
    assert "2000" in error["message"]
    a = make_answer(q)
    assert_error(client.post(f"/api/v1/answers/{a.id}/accept", headers=bearer(make_user())), 403)
    assert_error(client.delete(f"/api/v1/questions/{q.id}", headers=bearer(make_user())), 403)


def test_writes_need_a_valid_token(client):
    q = make_question()
    assert_error(client.post(f"/api/v1/questions/{q.id}/answers", json={"body": "x" * 40}), 401, "unauthorized")
    assert_error(client.post(f"/api/v1/questions/{q.id}/answers", json={"body": "x" * 40},
                             headers={"Authorization": "Bearer nope"}), 401)
    token = tokens.create_token(q.author, "old")
    token_row = tokens.active_tokens(q.author)[0]
    tokens.revoke_token(q.author, token_row.id)
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.mark.parametrize(("payload", "status", "field"), [
    (None, 400, None),
    ([1, 2], 400, None),
    ({"title": 5, "body": "b" * 40, "tags": ["x"], "product": "thermostat"}, 422, "title"),
    ({"title": "A perfectly fine title", "body": "short", "tags": ["x"], "product": "thermostat"}, 422, "body"),
    ({"title": "A perfectly fine title", "body": "b" * 40, "tags": 7, "product": "thermostat"}, 422, "tags"),
    ({"title": "A perfectly fine title", "body": "b" * 40, "tags": ["x"], "product": "nope"}, 422, "product"),
    ({"title": "A perfectly fine title", "body": "b" * 30_001, "tags": ["x"], "product": "thermostat"}, 422, "body"),
])
def test_bad_question_payloads_get_clear_errors(client, payload, status, field):
    make_product()
    user = make_user()
    if payload is None:
        r = client.post("/api/v1/questions", headers={**bearer(user), "Content-Type": "application/json"},
                        data="{not json")
    else:
        r = client.post("/api/v1/questions", headers=bearer(user), json=payload)
    error = assert_error(r, status)
    if field:
        assert field in error["fields"]


def test_vote_validation_and_self_vote(client):
    q = make_question()
    assert_error(client.post(f"/api/v1/questions/{q.id}/vote", headers=bearer(make_user(reputation_points=20)),
                             json={"value": 2}), 422, "validation_failed")
    assert_error(client.post(f"/api/v1/questions/{q.id}/vote", headers=bearer(make_user(reputation_points=20)),
                             json={"value": True}), 422)
    error = assert_error(client.post(f"/api/v1/questions/{q.id}/vote", headers=bearer(q.author), json={"value": 1}), 403)
    assert "own post" in error["message"]
    error = assert_error(client.post(f"/api/v1/questions/{q.id}/vote", headers=bearer(make_user()), json={"value": 1}),
                         403)
    assert "15 reputation" in error["message"]


def test_lists_paginate_and_filter(client):
    for i in range(5):
        make_question(title=f"Question number {i} about the schedule", tags=["schedule" if i % 2 else "wifi"])
    r = client.get("/api/v1/questions?per_page=2&page=2&sort=newest").get_json()
    assert (r["page"], r["per_page"], r["total"], len(r["items"])) == (2, 2, 5, 2)
    assert r["items"][0]["title"] == "Question number 2 about the schedule"
    assert client.get("/api/v1/questions?tag=wifi").get_json()["total"] == 3
    assert client.get("/api/v1/questions?product=thermostat&sort=unanswered").get_json()["total"] == 5
    assert_error(client.get("/api/v1/questions?per_page=101"), 422)
    assert_error(client.get("/api/v1/questions?page=abc"), 422)
    assert_error(client.get("/api/v1/questions?sort=best"), 422)
    assert_error(client.get("/api/v1/questions?tag=nonexistent"), 404)
    assert client.get("/api/v1/tags").get_json()["items"][0] == {"name": "wifi", "description": "", "question_count": 3}
    assert client.get("/api/v1/products").get_json()["total"] == 1


def test_missing_things_and_wrong_methods_are_json(client):
    assert_error(client.get("/api/v1/questions/999"), 404, "not_found")
    assert_error(client.get("/api/v1/nothing-here"), 404)
    assert_error(client.put("/api/v1/questions"), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/users/999"), 404)


def test_openapi_document_lists_every_route(client, app):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_json":
            path = rule.rule.removeprefix("/api/v1")
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", f"{{{name}}}").replace(f"<{name}>", f"{{{name}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, path) in documented, (method, path)


def test_oversized_request_is_refused(client):
    user = make_user()
    r = client.post("/api/v1/questions", headers=bearer(user), data="x" * (1024 * 1024 + 10),
                    content_type="application/json")
    assert_error(r, 413, "too_large")


def test_closed_duplicate_shows_its_state_reason_target_and_closer(client):
    original, copy = make_question(), make_question()
    moderator = make_moderator()
    r = client.post(f"/api/v1/questions/{copy.id}/close", headers=bearer(moderator),
                    json={"reason": "duplicate", "duplicate_of": original.id})
    assert r.status_code == 200
    detail = client.get(f"/api/v1/questions/{copy.id}").get_json()
    assert (detail["state"], detail["closed"], detail["locked"]) == ("closed", True, False)
    assert detail["close_reason"] == "duplicate" and detail["close_reason_label"] == "Duplicate"
    assert detail["duplicate_of_id"] == original.id and detail["duplicate_of"]["id"] == original.id
    assert detail["duplicate_of"]["url"].endswith(f"/questions/{original.id}/" + detail["duplicate_of"]["url"]
                                                  .rsplit("/", 1)[-1])
    assert detail["closed_by"]["username"] == moderator.username and detail["closed_at"]
    listed = {q["id"]: q for q in client.get("/api/v1/questions").get_json()["items"]}
    assert listed[copy.id]["state"] == "closed" and listed[original.id]["state"] == "open"
    assert_error(client.post(f"/api/v1/questions/{copy.id}/close", headers=bearer(moderator),
                             json={"reason": "duplicate"}), 422)


def test_locked_thread_shows_locked(client):
    q = make_question()
    r = client.post(f"/api/v1/questions/{q.id}/lock", headers=bearer(make_moderator()))
    assert r.status_code == 200 and r.get_json()["state"] == "locked"
    detail = client.get(f"/api/v1/questions/{q.id}").get_json()
    assert (detail["state"], detail["locked"], detail["closed"]) == ("locked", True, False)
    assert detail["locked_at"] and detail["close_reason"] is None


def test_escalated_thread_shows_its_case_publicly_and_the_reference_to_staff(client):
    q = make_question()
    agent = make_moderator()
    case = client.post(f"/api/v1/questions/{q.id}/escalate", headers=bearer(agent),
                       json={"priority": "high", "note": "internal only"}).get_json()
    r = client.post(f"/api/v1/cases/{case['reference']}/updates", headers=bearer(agent),
                    json={"body": "We are replacing the thermostat under warranty.", "public": True})
    assert r.status_code == 201
    client.post(f"/api/v1/cases/{case['reference']}/updates", headers=bearer(agent),
                json={"body": "Customer is on the gold plan.", "public": False})
    public = client.get(f"/api/v1/questions/{q.id}").get_json()["escalation"]
    assert public["reference"] is None
    assert (public["status"], public["status_label"]) == ("open", "Open")
    assert [(u["body"], u["author"], u["kind"]) for u in public["updates"]] == [
        ("We are replacing the thermostat under warranty.", agent.username, "update")]
    assert "gold plan" not in json.dumps(public) and "internal only" not in json.dumps(public)
    staff = client.get(f"/api/v1/questions/{q.id}", headers=bearer(agent)).get_json()["escalation"]
    assert staff["reference"] == case["reference"]
    client.patch(f"/api/v1/cases/{case['reference']}", headers=bearer(agent),
                 json={"status": "resolved", "summary": "Replaced the unit; Wi-Fi is stable again."})
    resolved = client.get(f"/api/v1/questions/{q.id}").get_json()["escalation"]
    assert resolved["status"] == "resolved" and resolved["resolved_at"]
    assert resolved["resolution"] == "Replaced the unit; Wi-Fi is stable again."


def test_author_and_staff_see_deleted_and_hidden_flags(client):
    q = make_question()
    a = make_answer(q)
    moderator = make_moderator()
    assert client.delete(f"/api/v1/answers/{a.id}", headers=bearer(a.author)).status_code == 204
    assert client.get(f"/api/v1/questions/{q.id}").get_json()["answers"] == []
    staff_view = client.get(f"/api/v1/questions/{q.id}", headers=bearer(moderator)).get_json()
    assert [(x["id"], x["deleted"]) for x in staff_view["answers"]] == [(a.id, True)]


@pytest.mark.parametrize(("method", "path", "payload", "status"), [
    ("post", "/api/v1/questions/{q}/answers", [1, 2], 400),
    ("post", "/api/v1/questions/{q}/answers", "just a string", 400),
    ("post", "/api/v1/questions/{q}/answers", {"body": 12345}, 422),
    ("post", "/api/v1/questions/{q}/answers", {"body": "x" * 40, "extra": 1}, 422),
    ("post", "/api/v1/questions/{q}/vote", {"value": "1"}, 422),
    ("get", "/api/v1/questions?page=99999999999999999999", None, 422),
    ("get", "/api/v1/questions?page=1.5", None, 422),
    ("get", "/api/v1/questions/99999999999999999999", None, 404),
    ("post", "/api/v1/answers/99999999999999999999/accept", None, 404),
    ("get", "/api/v1/mod/audit?since=yesterday", None, 422),
])
def test_malformed_input_gets_a_4xx_json_error(client, method, path, payload, status):
    q = make_question()
    user = make_moderator()
    kwargs = {"headers": bearer(user)}
    if payload is not None:
        kwargs["json"] = payload
    assert_error(getattr(client, method)(path.format(q=q.id), **kwargs), status)


def test_lists_send_rfc8288_link_headers(client):
    for i in range(5):
        make_question(title=f"Question number {i} about the schedule")
    r = client.get("/api/v1/questions?per_page=2&page=2&sort=top")
    links = r.headers["Link"]
    assert '; rel="next"' in links and '; rel="prev"' in links
    nxt = links.split(", ")[0].split(";")[0].strip("<>")
    assert "page=3" in nxt and "sort=top" in nxt and "per_page=2" in nxt
    assert client.get(nxt).get_json()["page"] == 3
    last = client.get("/api/v1/questions?per_page=2&page=3")
    assert 'rel="next"' not in last.headers["Link"] and 'rel="prev"' in last.headers["Link"]
    assert "Link" not in client.get("/api/v1/questions?per_page=10").headers


def test_token_scopes_limit_what_a_token_may_do(client):
    q = make_question()
    member, agent = make_user(), make_moderator()
    read_only = {"Authorization": f"Bearer {tokens.create_token(member, 'reader', 'read')}"}
    assert client.get("/api/v1/me", headers=read_only).status_code == 200
    error = assert_error(client.post(f"/api/v1/questions/{q.id}/answers", headers=read_only,
                                     json={"body": "Hold the menu button for ten seconds."}), 403, "forbidden")
    assert "read-only" in error["message"]
    writer = {"Authorization": f"Bearer {tokens.create_token(agent, 'crm', 'read-write')}"}
    error = assert_error(client.get("/api/v1/cases", headers=writer), 403)
    assert "read-write-cases" in error["message"]
    cases = {"Authorization": f"Bearer {tokens.create_token(agent, 'crm', 'read-write-cases')}"}
    assert client.get("/api/v1/cases", headers=cases).status_code == 200
    with pytest.raises(tokens.ValidationFailed):
        tokens.create_token(member, "sneaky", "read-write-cases")
    assert {t.scope for t in tokens.active_tokens(agent)} == {"read-write", "read-write-cases"}


def test_settings_page_creates_a_scoped_token_and_lists_its_scope(client):
    from tests.conftest import login

    member = make_user()
    login(client, member)
    page = client.get("/settings").get_data(as_text=True)
    assert 'value="read"' in page and 'value="read-write-cases"' not in page
    r = client.post("/settings/tokens", data={"name": "Reader", "scope": "read"})
    assert r.status_code == 200
    assert [t.scope for t in tokens.active_tokens(member)] == ["read"]
    assert ">read<" in r.get_data(as_text=True)


def test_idempotency_key_replays_the_first_response_per_token(client):
    q = make_question()
    user = make_user()
    headers = {**bearer(user), "Idempotency-Key": "retry-1"}
    body = {"body": "Hold the menu button for ten seconds, then clear it."}
    first = client.post(f"/api/v1/questions/{q.id}/answers", headers=headers, json=body)
    again = client.post(f"/api/v1/questions/{q.id}/answers", headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert client.get(f"/api/v1/questions/{q.id}").get_json()["answer_count"] == 1
    assert_error(client.post(f"/api/v1/questions/{q.id}/answers", headers=headers,
                             json={"body": "A different answer that is long enough."}), 409, "conflict")
    other_token = {**bearer(user), "Idempotency-Key": "retry-1"}
    assert client.post(f"/api/v1/questions/{q.id}/answers", headers=other_token, json=body).status_code == 201
    assert_error(client.post(f"/api/v1/questions/{q.id}/answers", headers={**bearer(user), "Idempotency-Key": ""},
                             json=body), 422)
