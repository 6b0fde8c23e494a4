"""The review queue: what lands in it, each decision, and exactly-once handling under concurrency."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import (
    Answer,
    AuditLogEntry,
    Flag,
    Question,
    ReputationEntry,
    ReviewItem,
    ReviewKind,
    Revision,
    SuggestedEdit,
    User,
    utcnow,
)
from forum.services import answers, verification
from forum.services.errors import Conflict, NotAllowed, ValidationFailed
from forum.transaction import unit_of_work
from moderation import flags, queue, review, suggestions
from moderation.review import Decision
from reputation.events import PostKind
from tests.concurrent import at_once
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_moderator, make_question, make_user


def open_items(kind: ReviewKind) -> list[ReviewItem]:
    return list(db.session.scalars(select(ReviewItem).where(ReviewItem.kind == kind.value,
                                                            ReviewItem.handled_at.is_(None))))


def flagged(post, kind: str = "answer", n: int = 1) -> ReviewItem:
    for _ in range(n):
        flags.flag(kind, post.id, actor=make_user(reputation_points=20), reason="spam")
    column = ReviewItem.answer_id if kind == "answer" else ReviewItem.question_id
    return db.session.scalar(select(ReviewItem).where(ReviewItem.kind.in_(["flagged", "hidden"]), column == post.id,
                                                      ReviewItem.handled_at.is_(None)))


def tomorrow() -> str:
    return (utcnow() + timedelta(days=2)).date().isoformat()


def test_first_posts_of_new_members_are_queued_once():
    newcomer = make_user()
    q = make_question(newcomer)
    make_question(newcomer)
    veteran = make_user(reputation_points=100)
    make_answer(q, veteran)
    items = open_items(ReviewKind.FIRST_POST)
    assert [(i.question_id, i.author_id) for i in items] == [(q.id, newcomer.id)]


def test_dismissing_flags_unhides_the_post_and_declines_the_flags():
    a = make_answer(make_question())
    item = flagged(a, n=3)
    assert item.kind == ReviewKind.HIDDEN
    mod = make_moderator()
    review.handle(item.id, Decision("dismissed", note="It is a real answer"), moderator=mod)
    db.session.expire_all()
    assert db.session.get(Answer, a.id).hidden_at is None
    assert {f.status for f in db.session.scalars(select(Flag))} == {"declined"}
    handled = db.session.get(ReviewItem, item.id)
    assert (handled.outcome, handled.handled_by_id, handled.note) == ("dismissed", mod.id, "It is a real answer")
    assert {e.action for e in db.session.scalars(select(AuditLogEntry))} >= {"review.handle", "post.unhide"}


def test_deleting_from_the_queue_deletes_and_closes_the_posts_other_items():
    newcomer = make_user()
    a = make_answer(make_question(make_user(reputation_points=100)), newcomer)
    item = flagged(a)
    assert len(open_items(ReviewKind.FIRST_POST)) == 1
    review.handle(item.id, Decision("deleted"), moderator=make_moderator())
    db.session.expire_all()
    assert db.session.get(Answer, a.id).deleted_at is not None
    assert open_items(ReviewKind.FIRST_POST) == []
    assert {f.status for f in db.session.scalars(select(Flag))} == {"helpful"}
    assert db.session.scalar(select(AuditLogEntry.id).where(AuditLogEntry.action == "post.delete",
                                                            AuditLogEntry.target == f"answer:{a.id}"))


def test_spam_from_the_queue_costs_100_and_verification_agrees():
    spammer = make_user(reputation_points=150)
    a = make_answer(make_question(), spammer)
    item = flagged(a)
    review.handle(item.id, Decision("spam"), moderator=make_moderator())
    db.session.expire_all()
    assert db.session.get(User, spammer.id).reputation == 51
    assert db.session.get(Answer, a.id).deleted_as_spam is True
    assert verification.verify().ok


def test_editing_from_the_queue_makes_a_revision_by_the_moderator():
    a = make_answer(make_question())
    item = flagged(a, n=3)
    mod = make_moderator()
    review.handle(item.id, Decision("edited", body="Hold the menu button for ten seconds, then clear the schedule."),
                  moderator=mod)
    db.session.expire_all()
    answer = db.session.get(Answer, a.id)
    assert answer.body_md.startswith("Hold the menu button") and answer.hidden_at is None
    revision = db.session.scalar(select(Revision).where(Revision.answer_id == a.id).order_by(Revision.number.desc()))
    assert revision.author_id == mod.id and "moderator edit" in revision.comment


def test_suspending_the_author_from_the_queue():
    a = make_answer(make_question())
    item = flagged(a)
    with pytest.raises(ValidationFailed):
        review.handle(item.id, Decision("suspended", until="2001-01-01", suspension_reason="Spam links"),
                      moderator=make_moderator())
    assert db.session.get(ReviewItem, item.id).handled_at is None  # refused before the claim
    review.handle(item.id, Decision("suspended", until=tomorrow(), suspension_reason="Posting spam links"),
                  moderator=make_moderator())
    db.session.expire_all()
    author = db.session.get(User, a.author_id)
    assert author.is_suspended and author.suspension_reason == "Posting spam links"
    assert db.session.get(Answer, a.id).deleted_at is not None


def test_decisions_that_do_not_fit_the_item_are_refused():
    q = make_question()
    comment = make_comment(q)
    flags.flag("comment", comment.id, actor=make_user(reputation_points=20), reason="rude")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.comment_id == comment.id))
    with pytest.raises(Conflict, match="isn't possible"):
        review.handle(item.id, Decision("spam"), moderator=make_moderator())
    with pytest.raises(ValidationFailed):
        review.handle(item.id, Decision("launch"), moderator=make_moderator())
    with pytest.raises(NotAllowed):
        review.handle(item.id, Decision("deleted"), moderator=make_user(reputation_points=5000))


def test_the_second_moderator_is_told_who_handled_it():
    item = flagged(make_answer(make_question()))
    first, second = make_moderator("first_mod"), make_moderator("second_mod")
    review.handle(item.id, Decision("dismissed"), moderator=first)
    with pytest.raises(Conflict, match="Already handled by first_mod"):
        review.handle(item.id, Decision("deleted"), moderator=second)


@pytest.mark.parametrize("outcomes", [("deleted", "deleted"), ("spam", "dismissed"), ("dismissed", "spam")])
def test_two_moderators_at_once_act_exactly_once(outcomes):
    spammer = make_user(reputation_points=300)
    a = make_answer(make_question(), spammer)
    item_id = flagged(a).id
    moderator_ids = [make_moderator(f"racer_{n}_{outcomes[n]}").id for n in range(2)]

    def job_for(n: int):
        def job():
            review.handle(item_id, Decision(outcomes[n]), moderator=db.session.get(User, moderator_ids[n]))
            return outcomes[n]
        return job

    results = at_once([job_for(0), job_for(1)])
    done = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(done) == 1 and len(refused) == 1, results
    db.session.expire_all()
    item = db.session.get(ReviewItem, item_id)
    winner = db.session.get(User, item.handled_by_id)
    assert item.outcome == done[0]
    assert f"Already handled by {winner.username}" in refused[0].message
    handles = db.session.scalar(select(func.count(AuditLogEntry.id)).where(AuditLogEntry.action == "review.handle"))
    assert handles == 1
    penalties = db.session.scalar(select(func.count(ReputationEntry.id)).where(
        ReputationEntry.event == "post.deleted_as_spam"))
    assert penalties == (1 if done[0] == "spam" else 0)
    assert verification.verify().ok


def test_many_moderators_on_many_items_each_item_once():
    item_ids = [flagged(make_answer(make_question())).id for _ in range(4)]
    moderator_ids = [make_moderator().id for _ in range(4)]

    def job_for(mod_id: int):
        def job():
            outcome = []
            for item_id in item_ids:
                try:
                    review.handle(item_id, Decision("deleted"), moderator=db.session.get(User, mod_id))
                    outcome.append(item_id)
                except Conflict:
                    db.session.rollback()
            return outcome
        return job

    results = at_once([job_for(m) for m in moderator_ids])
    assert all(isinstance(r, list) for r in results), results
    assert sorted(i for r in results for i in r) == sorted(item_ids)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Answer.id)).where(Answer.deleted_at.is_not(None))) == 4
    assert verification.verify().ok


def test_members_below_the_edit_privilege_suggest_and_a_moderator_approves(client):
    q = make_question()
    editor = make_user(reputation_points=60)
    login(client, editor)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert f"/questions/{q.id}/suggest-edit" in page
    assert client.get(f"/questions/{q.id}/edit").status_code == 403
    r = client.post(f"/questions/{q.id}/suggest-edit", data={
        "title": q.title, "tags": "schedule", "comment": "added the firmware version",
        "body": q.body_md + " Firmware 4.2.4."}, follow_redirects=True)
    assert "waiting for a moderator" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Question, q.id).body_md == q.body_md  # not applied yet
    item = open_items(ReviewKind.SUGGESTED_EDIT)[0]
    r = client.post(f"/questions/{q.id}/suggest-edit", data={"title": q.title, "tags": "schedule",
                                                             "body": q.body_md + " More."}, follow_redirects=True)
    assert "already has a suggested edit" in r.get_data(as_text=True)
    mod = make_moderator()
    review.handle(item.id, Decision("approved"), moderator=mod)
    db.session.expire_all()
    assert db.session.get(Question, q.id).body_md.endswith("Firmware 4.2.4.")
    revision = db.session.scalar(select(Revision).where(Revision.question_id == q.id).order_by(Revision.number.desc()))
    assert revision.author_id == mod.id and editor.username in revision.comment
    assert db.session.scalar(select(SuggestedEdit.status)) == "approved"


def test_a_stale_suggestion_is_refused_and_can_be_rejected():
    a = make_answer(make_question())
    with unit_of_work():
        suggestion = suggestions.suggest_edit(PostKind.ANSWER, a.id, actor=make_user(reputation_points=60),
                                              body="Hold the menu button for ten seconds, then press clear twice.")
    with unit_of_work():
        answers.edit_answer(a.id, a.author, body="Hold the menu button for fifteen seconds, then clear it.")
    item = open_items(ReviewKind.SUGGESTED_EDIT)[0]
    moderator = make_moderator()
    with pytest.raises(ValidationFailed, match="edited after this suggestion"), unit_of_work():
        review.handle(item.id, Decision("approved"), moderator=moderator)  # the claim rolls back with it
    with unit_of_work():
        review.handle(item.id, Decision("dismissed"), moderator=moderator)
    db.session.expire_all()
    assert db.session.get(SuggestedEdit, suggestion.id).status == "rejected"
    assert db.session.get(Answer, a.id).body_md.startswith("Hold the menu button for fifteen")


def test_members_who_can_edit_do_not_suggest():
    q = make_question()
    with pytest.raises(NotAllowed, match="edit this post directly"):
        suggestions.suggest_edit(PostKind.QUESTION, q.id, actor=q.author, body=q.body_md + " more")
    with pytest.raises(NotAllowed, match="edit this post directly"):
        suggestions.suggest_edit(PostKind.QUESTION, q.id, actor=make_user(reputation_points=2000),
                                 body=q.body_md + " more")
    with pytest.raises(ValidationFailed, match="doesn't change anything"):
        suggestions.suggest_edit(PostKind.QUESTION, q.id, actor=make_user(reputation_points=60), body=q.body_md)


def test_the_console_works_a_flag_end_to_end(client):
    a = make_answer(make_question())
    item = flagged(a, n=3)
    mod = make_moderator()
    login(client, mod)
    page = client.get(f"/mod/queue/{item.id}").get_data(as_text=True)
    assert a.body_md in page and "Delete as spam" in page
    r = client.post(f"/mod/queue/{item.id}", data={"outcome": "spam", "note": "link farm"}, follow_redirects=True)
    assert "done" in r.get_data(as_text=True)
    r = client.post(f"/mod/queue/{item.id}", data={"outcome": "dismissed"}, follow_redirects=True)
    assert f"Already handled by {mod.username}" in r.get_data(as_text=True)
    assert queue.counts()[ReviewKind.HIDDEN] == 0
