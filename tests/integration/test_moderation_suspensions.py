"""Suspensions: a suspended member reads but can't write, by session or API token, and is told until when and why."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditLogEntry, Role, Suspension, User, utcnow
from forum.policy import Permission, can, refusal
from forum.services import answers, comments, questions, tokens, votes
from forum.services.errors import Conflict, NotAllowed, ValidationFailed
from moderation import flags, suspensions
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_moderator, make_question, make_user

REASON = "Repeated advertising in answers"


def in_days(n: int) -> str:
    return (utcnow() + timedelta(days=n)).date().isoformat()


def suspended_member(**overrides) -> User:
    member = make_user(reputation_points=3000, **overrides)
    suspensions.suspend(member.id, moderator=make_moderator(), until=in_days(7), reason=REASON)
    return db.session.get(User, member.id)


def test_every_write_permission_is_refused_with_the_end_date_and_reason():
    member = suspended_member()
    q = make_question()
    until = member.suspended_until.strftime("%Y-%m-%d")
    for perm in Permission:
        message = refusal(member, perm, q)
        assert message is not None and until in message and REASON in message, perm
    assert not can(member, "question:ask")


def test_the_services_refuse_a_suspended_member():
    member = suspended_member()
    q = make_question()
    a = make_answer(q)
    attempts = [
        lambda: questions.ask(member, title="A question from a suspended member", body="x" * 40, tags="schedule",
                              product="thermostat"),
        lambda: answers.post_answer(q.id, member, body="An answer from a suspended member, refused."),
        lambda: comments.post_comment(member, PostKind.QUESTION, q.id, body="A comment, refused"),
        lambda: votes.vote(member, PostKind.ANSWER, a.id, 1),
        lambda: flags.flag("answer", a.id, actor=member, reason="spam"),
        lambda: questions.edit_question(q.id, member, body=q.body_md + " edited"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match="suspended until"):
            attempt()


def test_a_suspended_member_reads_but_cannot_post_on_the_web(client):
    member = suspended_member()
    q = make_question()
    login(client, member)
    page = client.get(f"/questions/{q.id}", follow_redirects=True)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your account is suspended until" in text and REASON in text
    assert f'action="/questions/{q.id}/answers"' not in text  # no answer form
    r = client.post(f"/questions/{q.id}/answers", data={"body": "Trying to answer while suspended, refused."})
    assert r.status_code == 403
    assert REASON in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(q), q.id).answer_count == 0


def test_api_tokens_of_a_suspended_member_refuse_writes_but_read(client):
    member = suspended_member()
    headers = {"Authorization": f"Bearer {tokens.create_token(member, 'crm')}"}
    q = make_question()
    assert client.get(f"/api/v1/questions/{q.id}", headers=headers).status_code == 200
    r = client.post(f"/api/v1/questions/{q.id}/answers", headers=headers,
                    json={"body": "An answer through the API while suspended."})
    assert r.status_code == 403
    assert "suspended until" in r.get_json()["error"]["message"] and REASON in r.get_json()["error"]["message"]


def test_suspension_input_is_checked():
    member = make_user()
    mod = make_moderator()
    for until in ("", "yesterday", "2001-01-01", utcnow().date().isoformat(), "2200-01-01"):
        with pytest.raises(ValidationFailed) as exc:
            suspensions.suspend(member.id, moderator=mod, until=until, reason=REASON)
        assert "until" in exc.value.fields, until
    with pytest.raises(ValidationFailed) as exc:
        suspensions.suspend(member.id, moderator=mod, until=in_days(3), reason="  ")
    assert "reason" in exc.value.fields
    with pytest.raises(NotAllowed, match="yourself"):
        suspensions.suspend(mod.id, moderator=mod, until=in_days(3), reason=REASON)
    with pytest.raises(NotAllowed, match="Staff"):
        suspensions.suspend(make_user(role=Role.AGENT).id, moderator=mod, until=in_days(3), reason=REASON)
    with pytest.raises(NotAllowed):
        suspensions.suspend(member.id, moderator=make_user(reputation_points=9000), until=in_days(3), reason=REASON)


def test_resuspending_replaces_and_unsuspending_restores_writing():
    member = suspended_member()
    mod = make_moderator()
    suspensions.suspend(member.id, moderator=mod, until=in_days(30), reason="Kept advertising after a warning")
    rows = list(db.session.scalars(select(Suspension).where(Suspension.user_id == member.id).order_by(Suspension.id)))
    assert len(rows) == 2 and rows[0].lifted_at is not None and rows[1].lifted_at is None
    suspensions.unsuspend(member.id, moderator=mod, reason="appeal")
    with pytest.raises(Conflict, match="not suspended"):
        suspensions.unsuspend(member.id, moderator=mod)
    member = db.session.get(User, member.id)
    assert not member.is_suspended
    answers.post_answer(make_question().id, member, body="Back to helping people after the suspension.")
    assert [e.action for e in db.session.scalars(select(AuditLogEntry).where(
        AuditLogEntry.target == f"user:{member.id}").order_by(AuditLogEntry.id))] == [
        "member.suspend", "member.suspend", "member.unsuspend"]


def test_an_expired_suspension_no_longer_refuses():
    member = suspended_member()
    member.suspended_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert refusal(member, Permission.QUESTION_ASK) is None


def test_suspend_and_unsuspend_from_the_member_page_and_the_api(client):
    member = make_user()
    mod = make_moderator()
    login(client, mod)
    r = client.post(f"/mod/members/{member.id}/suspend", data={"until": in_days(5), "reason": REASON},
                    follow_redirects=True)
    assert "The member is suspended." in r.get_data(as_text=True)
    r = client.post(f"/mod/members/{member.id}/suspend", data={"until": "2001-01-01", "reason": REASON},
                    follow_redirects=True)
    assert "Pick a date after today." in r.get_data(as_text=True)
    headers = {"Authorization": f"Bearer {tokens.create_token(mod, 'api')}"}
    assert client.delete(f"/api/v1/users/{member.id}/suspension", headers=headers).status_code == 204
    r = client.post(f"/api/v1/users/{member.id}/suspension", headers=headers, json={"until": in_days(2),
                                                                                     "reason": REASON})
    assert r.status_code == 201 and r.get_json()["reason"] == REASON
    assert db.session.get(User, member.id).is_suspended
