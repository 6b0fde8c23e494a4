"""Issue 14, finding 9: suspended and unconfirmed members are refused through the one permission function."""

from datetime import timedelta

from forum.extensions import db
from forum.models import CaseStatus, Role, User, utcnow
from moderation import escalation, suspensions
from tests.conftest import login
from tests.factories import make_question, make_user


def _suspend(member: User) -> None:
    suspensions.suspend(member.id, moderator=make_user(role=Role.MODERATOR), until=utcnow() + timedelta(days=3),
                        reason="cooling off")
    db.session.commit()


def test_finding9_a_suspended_member_cannot_save_their_public_profile(client):
    member = make_user()
    login(client, member)
    _suspend(member)
    r = client.post("/settings/profile", data={"about": "Visit my totally legit site", "display_name": "Support Team"})
    assert r.status_code == 403
    db.session.expire_all()
    member = db.session.get(User, member.id)
    assert member.about == "" and member.display_name == ""


def test_finding9_a_suspended_asker_cannot_reopen_their_case_from_the_thread(client):
    agent = make_user(role=Role.AGENT)
    asker = make_user()
    question = make_question(author=asker)
    case = escalation.escalate(question.id, actor=agent).case
    escalation.transition(case, CaseStatus.RESOLVED, actor=agent,
                          summary="Reset the hub and re-paired the thermostat; it holds the schedule now.")
    db.session.commit()
    login(client, asker)
    _suspend(asker)
    client.post(f"/questions/{question.id}/case-response", data={"response": "reopen"})
    db.session.expire_all()
    assert escalation.latest_case_for(question.id).status == CaseStatus.RESOLVED


def test_finding9_an_unconfirmed_member_cannot_suggest_edits(app, client):
    question = make_question()
    member = make_user(reputation_points=60)
    login(client, member)
    app.config["REQUIRE_EMAIL_CONFIRMATION"] = True
    try:
        r = client.post(f"/questions/{question.id}/suggest-edit", data={
            "title": question.title, "tags": "schedule", "comment": "typo",
            "body": question.body_md + " Firmware 4.2.4."}, follow_redirects=True)
        assert "confirm your email address" in r.get_data(as_text=True)
        from forum.models import SuggestedEdit

        assert db.session.scalar(db.select(db.func.count(SuggestedEdit.id))) == 0
    finally:
        app.config["REQUIRE_EMAIL_CONFIRMATION"] = False
