"""The audit log: one writer, append-only at every layer, filterable in the console."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from forum.extensions import db
from forum.models import AuditLogEntry, utcnow
from forum.models.moderation import SQLITE_TRIGGER, AppendOnlyViolation
from forum.transaction import transactional
from moderation import actions, audit
from tests.conftest import login
from tests.factories import make_moderator, make_product, make_question, make_user

ROOT = Path(__file__).resolve().parents[2]


@transactional
def an_entry() -> AuditLogEntry:
    q = make_question()
    actions.lock_thread(q.id, moderator=make_moderator(), note="heated")
    return db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "question.lock"))


def test_only_the_audit_module_writes_entries():
    writers = [p.relative_to(ROOT).as_posix() for folder in ("forum", "moderation") for p in (ROOT / folder).rglob("*.py")
               if re.search(r"(?<!class )AuditLogEntry\(", p.read_text())]
    assert writers == ["moderation/audit.py"]
    assert [n for n in dir(audit) if any(w in n.lower() for w in ("update", "delete", "remove", "edit", "purge"))] == []


def test_the_orm_refuses_to_change_an_entry():
    entry = an_entry()
    entry.reason = "rewritten history"
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLogEntry, entry.id))
    with pytest.raises(AppendOnlyViolation):
        db.session.commit()
    db.session.rollback()
    for statement in (update(AuditLogEntry).values(reason="x"), delete(AuditLogEntry),
                      update(AuditLogEntry.__table__).values(reason="x"), delete(AuditLogEntry.__table__)):
        with pytest.raises(AppendOnlyViolation):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.get(AuditLogEntry, entry.id).reason == "heated"


def test_the_database_refuses_raw_updates():
    entry = an_entry()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(text("UPDATE audit_log_entries SET reason = 'x' WHERE id = :id"), {"id": entry.id})
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("DELETE FROM audit_log_entries WHERE id = :id"), {"id": entry.id})
        db.session.rollback()
    assert db.session.get(AuditLogEntry, entry.id).reason == "heated"


def test_filters_by_actor_action_target_and_date():
    first, second = make_moderator("alice_mod"), make_moderator("bob_mod")
    q1, q2 = make_question(), make_question()
    actions.lock_thread(q1.id, moderator=first)
    actions.close_question(q2.id, moderator=second, reason="off_topic")
    actions.lock_thread(q2.id, moderator=second)
    old = audit.log("question.unlock", first, target=f"question:{q1.id}")
    old_id = old.id
    db.session.commit()
    # Entries can't be changed, so age one the way only a test may: with the trigger briefly off.
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER audit_log_entries_no_update"))
        db.session.execute(text("UPDATE audit_log_entries SET created_at = :t WHERE id = :id"),
                           {"t": utcnow() - timedelta(days=10), "id": old_id})
        db.session.execute(text(SQLITE_TRIGGER))
    else:
        db.session.execute(text("ALTER TABLE audit_log_entries DISABLE TRIGGER audit_log_entries_append_only"))
        db.session.execute(text("UPDATE audit_log_entries SET created_at = :t WHERE id = :id"),
                           {"t": utcnow() - timedelta(days=10), "id": old_id})
        db.session.execute(text("ALTER TABLE audit_log_entries ENABLE TRIGGER audit_log_entries_append_only"))
    db.session.commit()

    def actions_for(**kwargs) -> list[str]:
        return [e.action for e in audit.entries(audit.parse_filters(**kwargs)).items]

    assert actions_for(actor="alice_mod") == ["question.lock", "question.unlock"]  # the unlock is 10 days old
    assert actions_for(actor="BOB_MOD", action="question.lock") == ["question.lock"]
    assert actions_for(target=f"question:{q2.id}") == ["question.lock", "question.close"]
    today = utcnow().date().isoformat()
    assert "question.unlock" not in actions_for(since=today)
    assert actions_for(until=(utcnow() - timedelta(days=5)).date().isoformat()) == ["question.unlock"]
    assert actions_for(actor="nobody-like-this") == []
    assert audit.actions_in_use() == ["question.close", "question.lock", "question.unlock"]


def test_the_audit_page_filters_and_explains_bad_dates(client):
    q = make_question()
    mod = make_moderator()
    actions.close_question(q.id, moderator=mod, reason="needs_detail", note="please add the model number")
    login(client, mod)
    page = client.get(f"/mod/audit?action=question.close&target=question:{q.id}").get_data(as_text=True)
    assert "please add the model number" in page and "question.close" in page
    r = client.get("/mod/audit?since=yesterday")
    assert r.status_code == 422 and "YYYY-MM-DD" in r.get_data(as_text=True)
    r = client.get("/mod/audit?since=2026-02-01&until=2026-01-01")
    assert r.status_code == 422


def test_every_console_action_lands_in_the_audit_log(client):
    member = make_user()
    q, other = make_question(member), make_question()
    make_product("mesh-router", "Northwind Mesh Wi-Fi")
    mod = make_moderator()
    login(client, mod)
    until = (utcnow() + timedelta(days=3)).date().isoformat()
    for url, data in [
        (f"/mod/questions/{q.id}/close", {"reason": "off_topic"}),
        (f"/mod/questions/{q.id}/reopen", {}),
        (f"/mod/questions/{q.id}/lock", {}),
        (f"/mod/questions/{q.id}/unlock", {}),
        (f"/mod/questions/{q.id}/move", {"product": "mesh-router"}),
        (f"/mod/questions/{other.id}/merge", {"into": str(q.id)}),
        (f"/mod/question/{q.id}/delete", {"back": "/mod/"}),
        (f"/mod/question/{q.id}/undelete", {"back": "/mod/"}),
        (f"/mod/members/{member.id}/suspend", {"until": until, "reason": "Spam links again"}),
        (f"/mod/members/{member.id}/unsuspend", {}),
        ("/mod/settings/words", {"phrase": "giveaway", "action": "review"}),
    ]:
        assert client.post(url, data=data).status_code == 302, url
    logged = {e.action for e in db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.actor_id == mod.id))}
    assert logged == {"question.close", "question.reopen", "question.lock", "question.unlock", "question.move",
                      "question.merge",
                      "post.delete", "post.undelete", "member.suspend", "member.unsuspend", "watched_word.add"}


def test_the_audit_page_names_actions_and_targets_in_the_readers_language(client):
    q = make_question()
    mod = make_moderator()
    actions.close_question(q.id, moderator=mod, reason="needs_detail", note="please add the model number")
    login(client, mod)
    english = client.get("/mod/audit").get_data(as_text=True)
    french = client.get("/mod/audit", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    german = client.get("/mod/audit", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "closed a question" in english and "closed a question" not in french
    assert "a fermé une question" in french
    assert "hat eine Frage geschlossen" in german and f"Frage {q.id}" in german
