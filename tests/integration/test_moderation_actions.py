"""Moderator actions on threads and posts, their effects, their bad-input messages and their audit entries."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import Answer, AuditLogEntry, Comment, Question, ReputationEntry, User
from forum.services import acceptance, answers, comments, questions, tokens, verification, votes
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from moderation import actions
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_moderator, make_product, make_question, make_user


def audit_actions(target: str) -> list[str]:
    return list(db.session.scalars(select(AuditLogEntry.action).where(AuditLogEntry.target == target)
                                   .order_by(AuditLogEntry.id)))


def test_close_reopen_with_reasons_and_clear_messages():
    q = make_question()
    mod = make_moderator()
    with pytest.raises(ValidationFailed) as unknown:
        actions.close_question(q.id, moderator=mod, reason="boring")
    assert "reason" in unknown.value.fields
    actions.close_question(q.id, moderator=mod, reason="off_topic", note="Not about our products")
    with pytest.raises(Conflict, match=r"already closed \(Off-topic\)"):
        actions.close_question(q.id, moderator=mod, reason="needs_detail")
    with pytest.raises(NotAllowed, match="closed"):
        answers.post_answer(q.id, make_user(), body="Here is an answer that should not be accepted now.")
    actions.reopen_question(q.id, moderator=mod)
    with pytest.raises(Conflict, match="open already"):
        actions.reopen_question(q.id, moderator=mod)
    answers.post_answer(q.id, make_user(), body="Now the thread takes answers again, good.")
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "question.close"))
    assert (entry.actor_id, entry.reason, entry.subject_id) == (mod.id, "Not about our products", q.author_id)
    assert entry.after["reason"] == "off_topic"
    assert audit_actions(f"question:{q.id}") == ["question.close", "question.reopen"]


def test_duplicate_target_must_be_a_different_existing_public_question():
    q, other = make_question(), make_question()
    mod = make_moderator()
    # Unreadable refs are invalid (422), itself conflicts (409), a missing question is not found (404).
    for bad, error in ((None, ValidationFailed), ("", ValidationFailed), ("abc", ValidationFailed), (q.id, Conflict),
                       (999_999, NotFound)):
        with pytest.raises(error) as exc:
            actions.close_question(q.id, moderator=mod, reason="duplicate", duplicate_of=bad)
        assert "duplicate_of" in exc.value.fields
    questions.delete_question(other.id, other.author)
    with pytest.raises(NotFound):
        actions.close_question(q.id, moderator=mod, reason="duplicate", duplicate_of=other.id)
    target = make_question()
    actions.close_question(q.id, moderator=mod, reason="duplicate", duplicate_of=f"http://x/questions/{target.id}/slug")
    assert db.session.get(Question, q.id).duplicate_of_id == target.id


def test_a_closed_duplicate_links_its_target_on_the_thread(client):
    q, target = make_question(), make_question(title="The original question about schedules")
    actions.close_question(q.id, moderator=make_moderator(), reason="duplicate", duplicate_of=target.id)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "as a duplicate of" in page and "The original question about schedules" in page


def test_lock_refuses_answers_comments_and_votes_until_unlocked():
    q = make_question()
    a = make_answer(q)
    mod = make_moderator()
    actions.lock_thread(q.id, moderator=mod)
    with pytest.raises(Conflict, match="already locked"):
        actions.lock_thread(q.id, moderator=mod)
    voter = make_user(reputation_points=200)
    for attempt in (lambda: answers.post_answer(q.id, voter, body="An answer to a locked thread, refused."),
                    lambda: comments.post_comment(q.author, PostKind.QUESTION, q.id, body="A comment on my own"),
                    lambda: votes.vote(voter, PostKind.ANSWER, a.id, 1)):
        with pytest.raises(NotAllowed, match="locked"):
            attempt()
    actions.unlock_thread(q.id, moderator=mod)
    assert votes.vote(voter, PostKind.ANSWER, a.id, 1) == 1
    assert audit_actions(f"question:{q.id}") == ["question.lock", "question.unlock"]


def test_move_to_another_product():
    q = make_question()
    router = make_product("mesh-router", "Northwind Mesh Wi-Fi")
    mod = make_moderator()
    with pytest.raises(ValidationFailed, match="already in"):
        actions.move_question(q.id, "thermostat", moderator=mod)
    with pytest.raises(ValidationFailed):
        actions.move_question(q.id, "toaster", moderator=mod)
    actions.move_question(q.id, "mesh-router", moderator=mod)
    assert db.session.get(Question, q.id).product_id == router.id
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "question.move"))
    assert (entry.before, entry.after) == ({"product": "thermostat"}, {"product": "mesh-router"})


def test_merge_moves_answers_and_comments_and_unaccepts_without_breaking_reputation():
    source, target = make_question(), make_question()
    kept = make_answer(source)
    accepted = make_answer(source)
    acceptance.accept_answer(accepted.id, source.author)
    comments.post_comment(accepted.author, PostKind.ANSWER, accepted.id, body="Glad it worked for you.")
    make_answer(target)
    before = db.session.get(User, accepted.author_id).reputation
    actions.merge_question(source.id, target.id, moderator=make_moderator(), note="same problem")
    db.session.expire_all()
    assert {a.question_id for a in db.session.scalars(select(Answer).where(Answer.id.in_([kept.id, accepted.id])))} == {
        target.id}
    assert db.session.scalar(select(Comment.question_id).where(Comment.answer_id == accepted.id)) == target.id
    merged = db.session.get(Question, source.id)
    assert (merged.close_reason, merged.duplicate_of_id, merged.accepted_answer_id) == ("duplicate", target.id, None)
    assert (merged.answer_count, db.session.get(Question, target.id).answer_count) == (0, 3)
    assert db.session.get(User, accepted.author_id).reputation == before - 15
    assert verification.verify().ok
    assert audit_actions(f"question:{source.id}") == ["question.merge"]
    with pytest.raises(Conflict):
        actions.merge_question(target.id, target.id, moderator=make_moderator())


def test_delete_as_spam_costs_100_undelete_gives_it_back_and_verify_agrees():
    spammer = make_user(reputation_points=30)
    q = make_question(spammer)
    voter = make_user(reputation_points=200)
    votes.vote(voter, PostKind.QUESTION, q.id, 1)
    assert db.session.get(User, spammer.id).reputation == 41
    mod = make_moderator()
    actions.delete_as_spam("question", q.id, moderator=mod, reason="advertising")
    db.session.expire_all()
    assert db.session.get(User, spammer.id).reputation == 1  # 31 - 100, floored at 1
    penalty = db.session.scalar(select(ReputationEntry).where(ReputationEntry.event == "post.deleted_as_spam"))
    assert (penalty.user_id, penalty.delta, penalty.actor_id, penalty.question_id) == (spammer.id, -100, mod.id, q.id)
    assert verification.verify().ok
    with pytest.raises(ValidationFailed, match="already deleted"):
        actions.delete_as_spam("question", q.id, moderator=mod)
    actions.undelete_post("question", q.id, moderator=mod, reason="appeal accepted")
    db.session.expire_all()
    assert db.session.get(User, spammer.id).reputation == 41
    assert db.session.get(Question, q.id).deleted_as_spam is False
    assert verification.verify().ok
    assert audit_actions(f"question:{q.id}") == ["post.delete_spam", "post.undelete"]


def test_spam_answer_then_plain_undelete_from_the_thread_page_also_restores(client):
    a = make_answer(make_question(), make_user(reputation_points=200))
    mod = make_moderator()
    actions.delete_as_spam("answer", a.id, moderator=mod)
    login(client, mod)
    client.post(f"/answers/{a.id}/undelete")
    db.session.expire_all()
    assert db.session.get(User, a.author_id).reputation == 201
    assert verification.verify().ok


def test_moderators_cannot_spam_their_own_posts_and_comments_are_not_spam():
    mod = make_moderator()
    q = make_question(mod)
    with pytest.raises(NotAllowed):
        actions.delete_as_spam("question", q.id, moderator=mod)
    with pytest.raises(ValidationFailed):
        actions.delete_as_spam("comment", 1, moderator=mod)


def test_staff_edits_and_deletes_on_the_thread_pages_are_audit_logged(client):
    q = make_question()
    a = make_answer(q)
    mod = make_moderator()
    login(client, mod)
    client.post(f"/answers/{a.id}/edit", data={"body": "A clearer answer: hold the menu button ten seconds.",
                                                "comment": "clarity"})
    client.post(f"/answers/{a.id}/delete")
    assert audit_actions(f"answer:{a.id}") == ["post.edit", "post.delete"]
    questions.edit_question(q.id, q.author, body=q.body_md + " (author's own edit is not a moderator action)")
    assert audit_actions(f"question:{q.id}") == []


def test_console_thread_actions_through_the_web(client):
    q, other = make_question(), make_question()
    a = make_answer(q)
    login(client, make_moderator())
    assert client.get(f"/mod/questions/{q.id}").status_code == 200
    r = client.post(f"/mod/questions/{q.id}/close", data={"reason": "duplicate", "duplicate_of": str(q.id)},
                    follow_redirects=True)
    assert "Choose a different question." in r.get_data(as_text=True)
    r = client.post(f"/mod/questions/{q.id}/close", data={"reason": "duplicate", "duplicate_of": str(other.id)},
                    follow_redirects=True)
    assert "The question is closed." in r.get_data(as_text=True)
    r = client.post(f"/mod/questions/{q.id}/lock", follow_redirects=True)
    assert "The thread is locked." in r.get_data(as_text=True)
    r = client.post(f"/mod/answer/{a.id}/spam", data={"back": f"/mod/questions/{q.id}"}, follow_redirects=True)
    assert "Deleted as spam" in r.get_data(as_text=True)
    r = client.post(f"/mod/answer/{a.id}/spam", data={"back": "https://evil.example/"})
    assert r.headers["Location"].endswith("/mod/")
    assert client.get(f"/mod/answer/{a.id}/spam").status_code == 405


def test_moderator_api_close_lock_and_audit(client):
    q = make_question()
    headers = {"Authorization": f"Bearer {tokens.create_token(make_moderator(), 'api')}"}
    r = client.post(f"/api/v1/questions/{q.id}/close", headers=headers, json={"reason": "needs_detail"})
    assert r.status_code == 200 and r.get_json()["closed"] is True
    r = client.post(f"/api/v1/questions/{q.id}/close", headers=headers, json={"reason": "needs_detail"})
    assert r.status_code == 409 and "already closed" in r.get_json()["error"]["message"]
    assert client.post(f"/api/v1/questions/{q.id}/lock", headers=headers).get_json()["locked"] is True
    assert client.post(f"/api/v1/questions/{q.id}/reopen", headers=headers).get_json()["closed"] is False
    r = client.get(f"/api/v1/mod/audit?target=question:{q.id}", headers=headers).get_json()
    assert [e["action"] for e in r["items"]] == ["question.reopen", "question.lock", "question.close"]
