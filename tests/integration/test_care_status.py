"""First response and solved (the one definition), the thread's waiting chip and the Waiting list."""

from datetime import datetime, timedelta

from sqlalchemy import select

from forum.extensions import db
from forum.models import MailSettings, Question, Role
from forum.services import acceptance, comments
from forum.services.care import first_response, status, targets
from forum.transaction import unit_of_work
from moderation import escalation
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_product, make_question, make_user


def set_targets(product, **data):
    admin = make_user(role=Role.ADMIN)
    with unit_of_work():
        targets.save(product, data, actor=admin)


def backdate(question, **delta):
    question.created_at = question.created_at - timedelta(**delta)
    db.session.commit()


def test_first_response_is_an_answer_by_someone_else_not_a_comment_nor_the_askers_own():
    q = make_question()
    assert first_response.first_response_at(q.id) is None
    comments.post_comment(make_user(reputation_points=100), PostKind.QUESTION, q.id, body="Which firmware is it on?")
    make_answer(q, q.author, body="Found it myself: hold the menu button for ten seconds.")
    db.session.commit()
    assert first_response.first_response_at(q.id) is None
    answer = make_answer(q)
    db.session.commit()
    assert first_response.first_response_at(q.id) == answer.created_at
    assert first_response.time_to_first_response(q) == answer.created_at - q.created_at
    waiting = set(db.session.scalars(select(Question.id).where(first_response.waiting_clause())))
    assert q.id not in waiting


def test_a_public_staff_update_on_the_case_is_a_first_response_an_internal_note_is_not():
    q = make_question()
    agent = make_user(role=Role.AGENT)
    case = escalation.escalate(q.id, actor=agent, note="internal only").case
    assert first_response.first_response_at(q.id) is None
    update = escalation.post_update(case, "We are looking into your schedule problem.", public=True, actor=agent)
    assert first_response.first_responses([q.id]) == {q.id: update.created_at}


def test_solved_is_an_accepted_answer_or_a_resolution_the_asker_accepted():
    q = make_question()
    assert not first_response.is_solved(q.id)
    answer = make_answer(q)
    acceptance.accept_answer(answer.id, q.author)
    db.session.commit()
    assert first_response.is_solved(q.id)
    other = make_question()
    agent = make_user(role=Role.AGENT)
    case = escalation.escalate(other.id, actor=agent).case
    escalation.transition(case, "resolved", actor=agent, summary="Replaced the faulty thermostat base.")
    assert not first_response.is_solved(other.id)
    escalation.customer_response(other.id, customer=other.author, accept=True)
    assert first_response.is_solved(other.id)
    staff_closed = make_question()
    case = escalation.escalate(staff_closed.id, actor=agent).case
    escalation.transition(case, "resolved", actor=agent, summary="Replaced the faulty thermostat base.")
    escalation.transition(case, "closed", actor=agent)
    assert not first_response.is_solved(staff_closed.id)


def test_waiting_chip_with_the_escalation_promise_in_the_readers_time_zone(client):
    product = make_product()
    set_targets(product, time_zone=None, escalation_policy="every_question", escalate_after_hours=8)
    q = make_question()
    backdate(q, hours=3)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Waiting for a first answer · 3 h · support steps in after 8 hours" in page
    due = q.created_at + timedelta(hours=8)
    assert f"by {due:%a %d %b, %H:%M} UTC" in page
    reader = make_user("reader_in_tokyo")
    db.session.add(MailSettings(user_id=reader.id, time_zone="Asia/Tokyo"))
    db.session.commit()
    login(client, reader)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert f"by {due + timedelta(hours=9):%a %d %b, %H:%M} JST" in page


def test_once_answered_the_chip_says_how_long_it_took(client):
    q = make_question()
    backdate(q, hours=2, minutes=10)
    make_answer(q)
    db.session.commit()
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "First answer in 2 h 10 min" in page


def test_business_hours_promise_names_business_hours():
    product = make_product()
    set_targets(product, time_zone="Europe/Berlin", working_days=[0, 1, 2, 3, 4], opens_at="09:00",
                closes_at="17:00", escalation_policy="every_question", escalate_after_hours=2, first_response_hours=1)
    q = make_question()
    q.created_at = datetime(2026, 11, 27, 15, 0)  # Friday 16:00 in Berlin
    db.session.commit()
    wait = status.wait_status(q, zone_name="Europe/Berlin", now=datetime(2026, 11, 27, 18, 0))
    assert wait.escalation_due_at == datetime(2026, 11, 30, 9, 0)  # Monday 10:00 Berlin
    assert wait.response_due_at == datetime(2026, 11, 27, 16, 0)
    assert "support steps in after 2 business hours" in wait.text and wait.due_text == "by Mon 30 Nov, 10:00 CET"


def test_first_question_policy_only_promises_escalation_for_the_first_question():
    product = make_product()
    set_targets(product, escalation_policy="first_question", escalate_after_hours=4)
    asker = make_user()
    first, second = make_question(asker), make_question(asker)
    assert status.wait_status(first).escalation_due_at is not None
    assert status.wait_status(second).escalation_due_at is None


def test_waiting_list_oldest_first_with_age_markers(client):
    old, newer, answered = make_question(), make_question(), make_question()
    backdate(old, hours=5)
    backdate(newer, hours=1)
    make_answer(answered)
    db.session.commit()
    response = client.get("/questions?sort=waiting")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index(old.title) < page.index(newer.title) and answered.title not in page
    assert "Waiting · 5 h" in page and "Waiting · 1 h" in page
    listing = client.get("/questions").get_data(as_text=True)
    assert listing.count("Waiting · ") == 2
    assert client.get("/questions?sort=later").status_code == 400


def test_api_question_json_carries_the_wait(client):
    product = make_product()
    set_targets(product, time_zone=None, first_response_hours=4, escalation_policy="every_question",
                escalate_after_hours=8)
    waiting, answered = make_question(), make_question()
    answer = make_answer(answered)
    db.session.commit()
    data = client.get(f"/api/v1/questions/{waiting.id}").get_json()
    created = waiting.created_at
    assert data["first_response_at"] is None
    assert data["waiting_since"] == created.isoformat(timespec="seconds") + "Z"
    assert data["response_due_at"] == (created + timedelta(hours=4)).isoformat(timespec="seconds") + "Z"
    assert data["escalation_due_at"] == (created + timedelta(hours=8)).isoformat(timespec="seconds") + "Z"
    items = {i["id"]: i for i in client.get("/api/v1/questions").get_json()["items"]}
    assert items[answered.id]["first_response_at"] == answer.created_at.isoformat(timespec="seconds") + "Z"
    assert items[answered.id]["waiting_since"] is None and items[answered.id]["escalation_due_at"] is None
    assert items[waiting.id]["escalation_due_at"] == data["escalation_due_at"]
