"""The care run: automatic escalation by business hours (time travel with --now), idempotence,
the questions it never touches, routing to the product's agents, update cadence, racing runs,
and the Celery task (the real worker when a broker is configured)."""

import time as clock
from datetime import datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditLogEntry, Case, CaseEvent, Notification, ProductAgent, Question, Role
from forum.services import notifications
from forum.services.care import routing, run, targets
from forum.transaction import unit_of_work
from moderation import escalation
from tests.concurrent import at_once
from tests.conftest import login
from tests.factories import make_answer, make_product, make_question, make_user

FRIDAY_16_BERLIN = datetime(2026, 11, 27, 15, 0)  # UTC
OFFICE = {"time_zone": "Europe/Berlin", "working_days": [0, 1, 2, 3, 4], "opens_at": "09:00", "closes_at": "17:00",
          "escalation_policy": "every_question", "escalate_after_hours": 2, "escalation_priority": "high"}


@pytest.fixture
def admin():
    return make_user("site_admin", role=Role.ADMIN)


def configure(admin, slug="thermostat", **data):
    product = make_product(slug, slug.title())
    with unit_of_work():
        targets.save(product, data, actor=admin)
    return product


def asked_at(when: datetime, author=None, product="thermostat", title=None):
    q = make_question(author, product=product, title=title)
    q.created_at = when
    db.session.commit()
    return q


def care_run(app, *args):
    result = app.test_cli_runner().invoke(args=["care", "run", *args])
    assert result.exit_code == 0, result.output
    return result.output


def cases_for(question_id):
    return list(db.session.scalars(select(Case).where(Case.question_id == question_id)))


def test_friday_question_is_escalated_monday_ten_oclock_and_only_once(app, admin):
    configure(admin, **OFFICE)
    q = asked_at(FRIDAY_16_BERLIN)
    assert "Escalated 0" in care_run(app, "--now", "2026-11-30T08:59")  # Monday 09:59 Berlin
    assert cases_for(q.id) == []
    output = care_run(app, "--now", "2026-11-30T10:00+01:00")
    assert f"escalated question #{q.id} (Thermostat, high)" in output and "Escalated 1" in output
    (case,) = cases_for(q.id)
    assert (case.priority, case.status, case.created_by_id, case.customer_id) == ("high", "new", None, q.author_id)
    assert "Escalated 0" in care_run(app, "--now", "2026-11-30T12:00")
    assert len(cases_for(q.id)) == 1
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "case.auto_escalate"))
    assert entry.reason == "escalated automatically (policy of product Thermostat)" and entry.actor_id is None
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))]
    assert "case.auto_escalated" in kinds
    note = db.session.scalar(select(Notification).where(Notification.user_id == q.author_id,
                                                        Notification.kind == "case_update"))
    assert (note.message, note.text) == ("case.auto_escalated", "")
    assert notifications.describe(note) == "Our support team is looking at your question."


def test_holidays_and_daylight_saving_shift_the_threshold(app, admin):
    configure(admin, **{**OFFICE, "holidays": ["2026-11-30"]})
    q = asked_at(FRIDAY_16_BERLIN)
    care_run(app, "--now", "2026-12-01T08:59")  # Tuesday 09:59: Monday was a holiday
    assert cases_for(q.id) == []
    care_run(app, "--now", "2026-12-01T09:00")
    assert len(cases_for(q.id)) == 1
    # Friday 27 March 16:00 CET; the clocks go forward on Sunday: Monday 10:00 CEST is 08:00 UTC.
    spring = asked_at(datetime(2026, 3, 27, 15, 0))
    care_run(app, "--now", "2026-03-30T07:59")
    assert cases_for(spring.id) == []
    care_run(app, "--now", "2026-03-30T08:00")
    assert len(cases_for(spring.id)) == 1


def test_dry_run_prints_and_changes_nothing(app, admin):
    configure(admin, **OFFICE)
    q = asked_at(FRIDAY_16_BERLIN, title="Display flickers after the firmware update")
    output = care_run(app, "--dry-run", "--now", "2026-11-30T12:00")
    assert f"would escalate question #{q.id} (Thermostat, high): Display flickers" in output
    assert "1 question(s) would be escalated" in output and "nothing changed" in output
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert app.test_cli_runner().invoke(args=["care", "run", "--now", "someday"]).exit_code != 0


def test_never_deleted_hidden_closed_locked_answered_or_once_closed(app, admin):
    configure(admin, time_zone=None, escalation_policy="every_question", escalate_after_hours=1)
    long_ago = datetime(2026, 11, 1, 12, 0)
    deleted, hidden, closed, locked, answered, commented, had_case, plain = (
        asked_at(long_ago) for _ in range(8))
    deleted.deleted_at = hidden.hidden_at = closed.closed_at = locked.locked_at = long_ago
    db.session.commit()
    make_answer(answered)
    from forum.services import comments
    from reputation.events import PostKind
    comments.post_comment(make_user(reputation_points=100), PostKind.QUESTION, commented.id, body="Which model is it?")
    agent = make_user(role=Role.AGENT)
    case = escalation.escalate(had_case.id, actor=agent).case
    escalation.transition(case, "resolved", actor=agent, summary="Sent a replacement thermostat base.")
    escalation.transition(case, "closed", actor=agent)
    db.session.commit()
    care_run(app, "--now", "2026-11-02T12:00")
    escalated = set(db.session.scalars(select(Case.question_id).where(Case.created_by_id.is_(None))))
    assert escalated == {commented.id, plain.id}
    assert len(cases_for(had_case.id)) == 1


def test_first_question_policy_escalates_only_a_members_first_question_in_the_product(app, admin):
    configure(admin, time_zone=None, escalation_policy="first_question", escalate_after_hours=1)
    configure(admin, slug="router", time_zone=None, escalation_policy="first_question", escalate_after_hours=1)
    asker = make_user()
    first = asked_at(datetime(2026, 11, 1, 12), asker)
    second = asked_at(datetime(2026, 11, 1, 13), asker)
    elsewhere = asked_at(datetime(2026, 11, 1, 14), asker, product="router")
    care_run(app, "--now", "2026-11-02T12:00")
    escalated = set(db.session.scalars(select(Case.question_id)))
    assert escalated == {first.id, elsewhere.id} and second.id not in escalated


def test_new_cases_go_to_the_least_busy_agent_who_is_not_away(app, admin):
    product = configure(admin, time_zone=None, escalation_policy="every_question", escalate_after_hours=1)
    ann, bob, cat = (make_user(name, role=Role.AGENT) for name in ("agent_ann", "agent_bob", "agent_cat"))
    with unit_of_work():
        for agent in (ann, bob, cat):
            routing.add_agent(product, agent.username, actor=admin)
        routing.set_away(cat, True)
    questions = [asked_at(datetime(2026, 11, 1, 12, i)) for i in range(3)]
    care_run(app, "--now", "2026-11-02T12:00")
    owners = [cases_for(q.id)[0].assignee_id for q in questions]
    # Ann was assigned to the product first: she takes the tie, then Bob, then Ann again; Cat is away.
    assert owners == [ann.id, bob.id, ann.id]
    told = db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == ann.id,
                                                                       Notification.kind == "case_assigned"))
    assert told == 2
    manual = make_question()
    moderator = make_user(role=Role.MODERATOR)
    assert escalation.escalate(manual.id, actor=moderator).case.assignee_id == bob.id
    with unit_of_work():
        routing.set_away(cat, False)
    assert routing.pick_agent(product.id) == cat.id
    assert routing.pick_agent(make_product("router", "Router").id) is None


def test_agents_for_a_product_only_by_admins_with_field_errors(client, admin):
    product = make_product()
    member = make_user("plain_member")
    from forum.services.errors import NotAllowed, ValidationFailed
    with pytest.raises(ValidationFailed):
        routing.add_agent(product, member.username, actor=admin)
    with pytest.raises(NotAllowed):
        routing.add_agent(product, member.username, actor=make_user(role=Role.AGENT))
    agent = make_user("agent_dan", role=Role.AGENT)
    login(client, admin)
    page = client.post("/admin/products/thermostat/agents", data={"username": "nobody_here"})
    assert page.status_code == 422 and "Choose an agent, moderator or admin" in page.get_data(as_text=True)
    assert client.post("/admin/products/thermostat/agents", data={"username": agent.username}).status_code == 302
    assert db.session.scalar(select(func.count(ProductAgent.id))) == 1
    assert client.post(f"/admin/products/thermostat/agents/{agent.id}/remove").status_code == 302
    assert db.session.scalar(select(func.count(ProductAgent.id))) == 0


def test_update_cadence_marks_cases_and_reminds_the_agent_once_per_lapse(app, client, admin):
    product = configure(admin, time_zone=None, update_cadence={"normal": 24})
    agent = make_user("agent_eve", role=Role.AGENT)
    with unit_of_work():
        routing.add_agent(product, agent.username, actor=admin)
    q = make_question()
    case = escalation.escalate(q.id, actor=make_user(role=Role.MODERATOR)).case
    assert case.assignee_id == agent.id
    case.created_at -= timedelta(hours=25)
    db.session.commit()
    care_run(app)
    care_run(app, "--now", (datetime.utcnow() + timedelta(hours=1)).isoformat())

    def reminders():
        return db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == agent.id,
                                                                           Notification.kind == "case_update_due"))
    assert reminders() == 1
    assert [e.kind for e in db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "case.update_due"))] == [
        "case.update_due"]
    login(client, agent)
    listing = client.get("/cases?queue=update_due").get_data(as_text=True)
    assert case.reference in listing and "Update due" in listing
    escalation.post_update(case, "We have ordered a replacement part for you.", public=True, actor=agent)
    update_time = db.session.scalar(select(func.max(Case.updated_at)))
    assert case.reference not in client.get("/cases?queue=update_due").get_data(as_text=True)
    care_run(app, "--now", (update_time + timedelta(hours=24, minutes=1)).isoformat())
    assert reminders() == 2


def test_two_runs_at_once_leave_one_case_per_thread(admin):
    configure(admin, time_zone=None, escalation_policy="every_question", escalate_after_hours=1)
    ids = [asked_at(datetime(2026, 11, 1, 12, i)).id for i in range(12)]
    now = datetime(2026, 11, 2, 12)

    def one_run():
        with unit_of_work():
            return run.run(now).escalated

    results = at_once([one_run, one_run])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == [0, 12]
    per_thread = dict(db.session.execute(select(Case.question_id, func.count(Case.id)).group_by(Case.question_id)).all())
    assert per_thread == dict.fromkeys(ids, 1)


def test_the_beat_task_escalates_through_the_worker(admin):
    configure(admin, time_zone=None, escalation_policy="every_question", escalate_after_hours=1)
    q = asked_at(datetime.utcnow() - timedelta(hours=3))
    current_app.extensions["celery"].tasks["forum.tasks.care_run"].apply_async()
    for _ in range(200):
        db.session.rollback()
        if cases_for(q.id):
            break
        clock.sleep(0.1)
    assert len(cases_for(q.id)) == 1
    assert db.session.get(Question, q.id).id == q.id
