"""Moderators delete a member's account at the member's request: checked, audit-logged, final."""

import html

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import ApiToken, AuditLogEntry, Role, User
from forum.services import accounts, tokens
from forum.services.errors import NotAllowed
from moderation import account_deletion
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_moderator, make_question, make_user

REASON = "Asked by email, support ticket 4411"


def audit_entries() -> list[AuditLogEntry]:
    return list(db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == "account.delete")))


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_moderator_deletes_a_member_account_with_an_audit_entry_and_the_member_cannot_use_it(app, client):
    member = make_user("leaving_member", email="leaving@example.com")
    question = make_question(member)
    make_answer(question)
    api = {"Authorization": f"Bearer {tokens.create_token(member, 'script')}"}
    member_session = app.test_client()
    login(member_session, member)
    assert member_session.get("/settings").status_code == 200

    mod = make_moderator()
    login(client, mod)
    shown = page(client.get(f"/mod/members/{member.id}"))
    assert "Delete this account" in shown and "Type DELETE to confirm" in shown
    r = client.post(f"/mod/members/{member.id}/delete", data={"reason": REASON, "confirmation": "DELETE"},
                    follow_redirects=True)
    assert r.status_code == 200
    assert "The account is deleted" in page(r)

    db.session.expire_all()
    gone = db.session.get(User, member.id)
    assert gone.deleted_at is not None
    assert "leaving" not in gone.email and gone.username != "leaving_member"
    [entry] = audit_entries()
    assert entry.actor_id == mod.id and entry.subject_id == member.id and entry.target == f"user:{member.id}"
    assert entry.reason == REASON
    assert entry.before == {"username": "leaving_member"} and entry.after is None
    assert "leaving@example.com" not in str(entry.before)

    assert member_session.get("/settings").status_code == 302  # the session is over
    assert client.get("/api/v1/me", headers=api).status_code == 401
    assert db.session.scalar(select(func.count(ApiToken.id)).where(ApiToken.user_id == member.id)) == 0
    assert accounts.authenticate("leaving_member", PASSWORD) is None
    assert accounts.authenticate("leaving@example.com", PASSWORD) is None
    assert db.session.get(type(question), question.id).deleted_at is None  # content stays

    audit_page = page(client.get("/mod/audit", query_string={"action": "account.delete"}))
    assert "deleted a member's account at their request" in audit_page and REASON in audit_page
    assert "This account was deleted" in page(client.get(f"/mod/members/{member.id}"))
    again = client.post(f"/mod/members/{member.id}/delete", data={"reason": REASON, "confirmation": "DELETE"},
                        follow_redirects=True)
    assert "already deleted" in page(again)
    assert len(audit_entries()) == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"reason": "", "confirmation": "DELETE"}, "5–500 characters"),
    ({"reason": REASON, "confirmation": "delete"}, "Type DELETE to confirm"),
    ({"reason": REASON}, "Type DELETE to confirm"),
])
def test_a_reason_and_the_typed_confirmation_are_required(client, data, message):
    member = make_user()
    login(client, make_moderator())
    r = client.post(f"/mod/members/{member.id}/delete", data=data, follow_redirects=True)
    assert message in page(r)
    db.session.expire_all()
    assert db.session.get(User, member.id).deleted_at is None
    assert audit_entries() == []


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AGENT, Role.ADMIN])
def test_staff_accounts_cannot_be_deleted_this_way(client, role):
    staff = make_user(role=role)
    login(client, make_moderator())
    assert "can't be deleted here" in page(client.get(f"/mod/members/{staff.id}"))
    r = client.post(f"/mod/members/{staff.id}/delete", data={"reason": REASON, "confirmation": "DELETE"},
                    follow_redirects=True)
    assert "Staff accounts can't be deleted here" in page(r)
    db.session.expire_all()
    assert db.session.get(User, staff.id).deleted_at is None
    assert audit_entries() == []


def test_a_moderator_cannot_delete_their_own_account_this_way():
    mod = make_moderator()
    with pytest.raises(NotAllowed, match="use Settings → Your data"):
        account_deletion.delete_account(mod.id, moderator=mod, reason=REASON, confirmation="DELETE")
    assert db.session.get(User, mod.id).deleted_at is None
    assert audit_entries() == []


def test_members_and_agents_cannot_delete_accounts(client):
    member = make_user()
    for actor in (make_user(reputation_points=5000), make_user(role=Role.AGENT)):
        with pytest.raises(NotAllowed):
            account_deletion.delete_account(member.id, moderator=actor, reason=REASON, confirmation="DELETE")
        login(client, actor)
        assert client.post(f"/mod/members/{member.id}/delete",
                           data={"reason": REASON, "confirmation": "DELETE"}).status_code == 403
        client.post("/logout")
    assert db.session.get(User, member.id).deleted_at is None
    assert audit_entries() == []

