"""Support cases: escalation (idempotent, also under a race), workflow, the thread banner, privacy of notes."""


import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Case, CaseEvent, User
from forum.services import tokens
from forum.services.errors import Conflict, NotAllowed, ValidationFailed
from moderation import escalation, sla
from tests.concurrent import at_once
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user

SECRET_NOTE = "Customer order 88812-XZ, card ending 4242"


@pytest.fixture
def agent():
    return make_user(role="agent")


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {tokens.create_token(user, 'crm')}"}


def test_escalation_creates_a_case_with_sla_and_second_attempt_returns_it(agent):
    q = make_question()
    result = escalation.escalate(q.id, actor=agent, priority="urgent", note=SECRET_NOTE)
    case = result.case
    assert case.reference == f"CASE-{case.id:06d}"
    assert (case.customer_id, case.product_id, case.status) == (q.author_id, q.product_id, "new")
    assert (case.sla_due_at - case.created_at).total_seconds() == 4 * 3600
    with pytest.raises(escalation.CaseExists) as exc:
        escalation.escalate(q.id, actor=agent)
    assert exc.value.case.id == case.id
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_members_cannot_escalate_or_work_cases(client):
    q = make_question()
    member = make_user(reputation_points=5000)
    with pytest.raises(NotAllowed):
        escalation.escalate(q.id, actor=member)
    r = client.post(f"/api/v1/questions/{q.id}/escalate", headers=bearer(member), json={"priority": "high"})
    assert r.status_code == 403
    login(client, member)
    assert client.get("/cases").status_code == 403
    assert client.post(f"/questions/{q.id}/escalate", data={"priority": "high"}).status_code == 403


def test_api_second_escalation_is_409_with_the_existing_case(client, agent):
    q = make_question()
    first = client.post(f"/api/v1/questions/{q.id}/escalate", headers=bearer(agent), json={"priority": "high"})
    assert first.status_code == 201
    second = client.post(f"/api/v1/questions/{q.id}/escalate", headers=bearer(agent), json={})
    assert second.status_code == 409
    assert second.get_json()["case"]["reference"] == first.get_json()["reference"]


def test_two_racing_escalations_make_one_case(agent):
    question_id, agent_id = make_question().id, agent.id

    def escalate():
        return escalation.escalate(question_id, actor=db.session.get(User, agent_id)).case.id

    results = at_once([escalate] * 4)
    outcomes = ["existing" if isinstance(r, escalation.CaseExists) else "created" if isinstance(r, int) else r
                for r in results]
    assert sorted(outcomes) == ["created", "existing", "existing", "existing"]
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_workflow_transitions_are_validated(agent):
    case = escalation.escalate(make_question().id, actor=agent).case
    with pytest.raises(Conflict, match="can't become"):
        escalation.transition(case, "closed", actor=agent)
    with pytest.raises(ValidationFailed, match="Unknown status"):
        escalation.transition(case, "teleported", actor=agent)
    escalation.transition(case, "open", actor=agent)
    escalation.transition(case, "waiting_on_customer", actor=agent)
    with pytest.raises(ValidationFailed, match="resolution summary"):
        escalation.transition(case, "resolved", actor=agent)
    escalation.transition(case, "resolved", actor=agent, summary="Replaced the faulty base plate; works now.")
    assert case.resolved_at is not None
    escalation.transition(case, "closed", actor=agent)
    assert case.active_question_id is None
    escalation.transition(case, "open", actor=agent)
    assert case.active_question_id == case.question_id
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert kinds.count("case.status_changed") == 5


def test_sla_business_days_skip_the_weekend():
    from datetime import datetime

    friday = datetime(2026, 11, 20, 15, 0)
    assert sla.due_at("high", friday) == datetime(2026, 11, 23, 15, 0)
    assert sla.due_at("normal", friday) == datetime(2026, 11, 23, 15, 0)
    assert sla.due_at("low", friday) == datetime(2026, 11, 27, 15, 0)
    assert sla.due_at("high", friday, {"high": "2bd"}) == datetime(2026, 11, 24, 15, 0)


def test_thread_shows_banner_staff_replies_and_resolution_flow(client, agent):
    q = make_question()
    case = escalation.escalate(q.id, actor=agent, note=SECRET_NOTE).case
    escalation.post_update(case, "We are sending you a replacement sensor today.", public=True, actor=agent)
    escalation.post_update(case, "Internal: " + SECRET_NOTE, public=False, actor=agent)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Escalated to support" in page
    assert "status: <span class=\"case-status\">Open</span>" in page
    assert "We are sending you a replacement sensor today." in page
    assert SECRET_NOTE not in page
    escalation.transition(case, "resolved", actor=agent, summary="The replacement sensor fixed the reading drift.")
    login(client, q.author)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Did it solve your problem?" in page
    assert "The replacement sensor fixed the reading drift." in page
    r = client.post(f"/questions/{q.id}/case-response", data={"response": "reopen"}, follow_redirects=True)
    assert "reopened" in r.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "open"
    escalation.transition(case, "resolved", actor=agent, summary="Second try: new firmware fixed it for good.")
    client.post(f"/questions/{q.id}/case-response", data={"response": "accept"})
    db.session.refresh(case)
    assert case.status == "closed"


def test_only_the_asker_responds_to_a_resolution(client, agent):
    q = make_question()
    case = escalation.escalate(q.id, actor=agent).case
    escalation.transition(case, "resolved", actor=agent, summary="Fixed by resetting the hub.")
    login(client, make_user())
    r = client.post(f"/questions/{q.id}/case-response", data={"response": "accept"}, follow_redirects=True)
    assert "Only the person who asked" in r.get_data(as_text=True)
    db.session.refresh(case)
    assert case.status == "resolved"


def test_internal_notes_never_reach_public_surfaces(client, agent):
    q = make_question()
    make_answer(q)
    case = escalation.escalate(q.id, actor=agent, note=SECRET_NOTE).case
    escalation.post_update(case, SECRET_NOTE + " (second note)", public=False, actor=agent)
    surfaces = [f"/questions/{q.id}", f"/api/v1/questions/{q.id}", "/api/v1/questions", "/",
                f"/users/{q.author_id}", f"/api/v1/users/{q.author_id}"]
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint.startswith(("feeds.", "search.")) and not rule.arguments:
            surfaces.append(rule.rule + ("?q=order" if rule.endpoint.startswith("search") else ""))
    for url in surfaces:
        text = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "88812" not in text, url
    staff_view = client.get(f"/api/v1/cases/{case.reference}", headers=bearer(agent)).get_json()
    assert any(SECRET_NOTE in u["body"] for u in staff_view["updates"] if not u["public"])


def test_crm_updates_status_assignee_and_priority_over_the_api(client, agent):
    q = make_question()
    reference = escalation.escalate(q.id, actor=agent).case.reference
    headers = bearer(agent)
    r = client.patch(f"/api/v1/cases/{reference}", headers=headers,
                     json={"assignee": agent.username, "priority": "high", "status": "open"})
    assert r.status_code == 200
    body = r.get_json()
    assert (body["assignee"], body["priority"], body["status"]) == (agent.username, "high", "open")
    assert client.patch(f"/api/v1/cases/{reference}", headers=headers, json={"status": "bogus"}).status_code == 422
    assert client.patch(f"/api/v1/cases/{reference}", headers=headers, json={"status": "resolved"}).status_code == 422
    assert client.patch(f"/api/v1/cases/{reference}", headers=headers, json={"colour": "red"}).status_code == 422
    r = client.post(f"/api/v1/cases/{reference}/updates", headers=headers, json={"body": "Shipped.", "public": True})
    assert r.status_code == 201
    listing = client.get("/api/v1/cases?status=open", headers=headers).get_json()
    assert [c["reference"] for c in listing["items"]] == [reference]
    assert client.get("/api/v1/cases/CASE-999999", headers=headers).status_code == 404


def test_deleted_threads_cannot_be_escalated(agent):
    q = make_question()
    from forum.services import questions

    questions.delete_question(q.id, q.author)
    with pytest.raises(Conflict, match="deleted"):
        escalation.escalate(q.id, actor=agent)


def test_agent_queue_filters(client, agent):
    urgent = escalation.escalate(make_question().id, actor=agent, priority="urgent").case
    other = escalation.escalate(make_question().id, actor=agent, priority="low").case
    escalation.assign(other, agent.username, actor=agent)
    login(client, agent)
    mine = client.get("/cases?queue=mine").get_data(as_text=True)
    assert other.reference in mine
    assert urgent.reference not in mine
    unassigned = client.get("/cases?queue=unassigned").get_data(as_text=True)
    assert urgent.reference in unassigned
    page = client.get(f"/cases/{urgent.reference}").get_data(as_text=True)
    assert "due in" in page
    assert client.get("/cases?queue=nope").status_code == 400
