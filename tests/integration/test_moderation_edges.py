"""Edges of moderation: racing flaggers, suggestion pages, refused decisions, missing things."""

import threading
from datetime import date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Flag, Question, ReviewItem, ReviewKind, Role, User, utcnow
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.transaction import unit_of_work
from moderation import console, flags, review, settings, spam, suggestions, suspensions
from moderation.review import Decision
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_moderator, make_question, make_tags, make_user


def test_racing_flaggers_open_one_item_and_hide_the_post_once():
    app = current_app._get_current_object()
    a = make_answer(make_question())
    flagger_ids = [make_user(reputation_points=20).id for _ in range(6)]
    barrier = threading.Barrier(len(flagger_ids))
    errors: list[BaseException] = []

    def flag(user_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    flags.flag("answer", a.id, actor=db.session.get(User, user_id), reason="spam")
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=flag, args=(uid,)) for uid in flagger_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    db.session.expire_all()
    items = list(db.session.scalars(select(ReviewItem).where(ReviewItem.answer_id == a.id,
                                                             ReviewItem.kind != ReviewKind.FIRST_POST)))
    assert len(items) == 1 and items[0].kind == ReviewKind.HIDDEN
    assert db.session.scalar(select(func.count(Flag.id)).where(Flag.review_item_id == items[0].id)) == 6
    assert db.session.get(Answer, a.id).hidden_at is not None


def test_a_suggestion_shows_as_a_diff_and_the_moderator_can_correct_it_before_applying(client):
    q = make_question()
    make_tags("firmware")
    suggestions.suggest_edit(PostKind.QUESTION, q.id, actor=make_user(reputation_points=60),
                             title=q.title, tags="schedule firmware", body=q.body_md + " Firmware 4.2.4.",
                             comment="version")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.SUGGESTED_EDIT))
    login(client, make_moderator())
    page = client.get(f"/mod/queue/{item.id}").get_data(as_text=True)
    assert '<span class="add">+' in page and "tags: schedule firmware" in page
    r = client.post(f"/mod/queue/{item.id}", data={"outcome": "edited", "title": q.title, "tags": "schedule firmware",
                                                  "body": q.body_md + " Firmware 4.2.4 (checked)."})
    assert r.status_code == 302
    db.session.expire_all()
    question = db.session.get(Question, q.id)
    assert question.body_md.endswith("(checked).") and [t.name for t in question.tags] == ["firmware", "schedule"]


def test_suggesting_an_answer_edit_on_the_web(client):
    a = make_answer(make_question())
    login(client, make_user(reputation_points=60))
    assert client.get(f"/answers/{a.id}/suggest-edit").status_code == 200
    r = client.post(f"/answers/{a.id}/suggest-edit", data={"body": "short"})
    assert r.status_code == 422
    r = client.post(f"/answers/{a.id}/suggest-edit", data={"body": a.body_md + " Then restart it.",
                                                           "comment": "added the last step"})
    assert r.status_code == 302
    assert db.session.scalar(select(ReviewItem.detail).where(ReviewItem.kind == ReviewKind.SUGGESTED_EDIT)) == (
        "added the last step")
    client.post("/logout")
    login(client, a.author)
    assert client.get(f"/answers/{a.id}/suggest-edit").status_code == 403  # the author edits directly


def test_decisions_refused_before_anything_happens():
    mod = make_moderator()
    a = make_answer(make_question(mod))
    flags.flag("answer", a.id, actor=make_user(reputation_points=20), reason="rude")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED))
    with pytest.raises(ValidationFailed, match="corrected text"):
        review.handle(item.id, Decision("edited", body="  "), moderator=mod)
    with pytest.raises(NotFound):
        review.handle(999_999, Decision("deleted"), moderator=mod)
    staff_post = make_answer(make_question(), make_user(role=Role.AGENT))
    flags.flag("answer", staff_post.id, actor=make_user(reputation_points=20), reason="rude")
    staff_item = db.session.scalar(select(ReviewItem).where(ReviewItem.answer_id == staff_post.id,
                                                            ReviewItem.kind == ReviewKind.FLAGGED))
    with pytest.raises(NotAllowed, match="Staff"):
        review.handle(staff_item.id, Decision("suspended", until="2099-01-01", suspension_reason="Rude replies"),
                      moderator=mod)
    review.handle(item.id, Decision("deleted"), moderator=mod)
    with pytest.raises(Conflict, match="Already handled"):
        review.handle(item.id, Decision("no-such-outcome"), moderator=mod)  # handled items answer that first


def test_own_post_spam_is_refused_in_the_queue():
    mod = make_moderator()
    a = make_answer(make_question(), mod)
    flags.flag("answer", a.id, actor=make_user(reputation_points=20), reason="spam")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED))
    with pytest.raises(ValidationFailed, match="your own post"):
        review.handle(item.id, Decision("spam"), moderator=mod)


def test_deleted_targets_can_only_be_dismissed():
    q = make_question()
    a = make_answer(q)
    flags.flag("answer", a.id, actor=make_user(reputation_points=20), reason="spam")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED))
    from forum.services import answers

    answers.delete_answer(a.id, a.author)
    with pytest.raises(ValidationFailed, match="already deleted"):
        review.handle(item.id, Decision("deleted"), moderator=make_moderator())
    review.handle(item.id, Decision("dismissed"), moderator=make_moderator())


def test_missing_things_are_404_pages(client):
    login(client, make_moderator())
    for path in ("/mod/members/999999", "/mod/questions/999999", "/mod/queue/999999", "/mod/queue?kind=nonsense"):
        assert client.get(path).status_code in (404, 422), path
    r = client.post("/mod/members/999999/suspend", data={"until": "2099-01-01", "reason": "Spam links"},
                    follow_redirects=True)
    assert "No such member." in r.get_data(as_text=True)
    assert console.find_members("   ") == []


def test_member_record_counts_flags_raised_and_their_outcomes():
    reporter = make_user(reputation_points=20)
    first, second = make_answer(make_question()), make_answer(make_question())
    flags.flag("answer", first.id, actor=reporter, reason="spam")
    flags.flag("answer", second.id, actor=reporter, reason="rude")
    mod = make_moderator()
    items = list(db.session.scalars(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED)
                                    .order_by(ReviewItem.id)))
    review.handle(items[0].id, Decision("deleted"), moderator=mod)
    review.handle(items[1].id, Decision("dismissed"), moderator=mod)
    record = console.member_record(reporter.id)
    assert (record.flags_raised.raised, record.flags_raised.helpful, record.flags_raised.declined) == (2, 1, 1)
    with pytest.raises(NotFound):
        console.member_record(999_999)


def test_suspension_dates_as_dates_and_datetimes():
    tomorrow = utcnow() + timedelta(days=1)
    assert suspensions.parse_until(tomorrow.date() + timedelta(days=1)) == datetime.combine(
        tomorrow.date() + timedelta(days=1), datetime.min.time())
    assert suspensions.parse_until(tomorrow) == tomorrow
    assert suspensions.parse_until(f"{tomorrow:%Y-%m-%d %H:%M}") == tomorrow.replace(second=0, microsecond=0)
    with pytest.raises(ValidationFailed):
        suspensions.parse_until(date(2001, 1, 1))
    with pytest.raises(NotFound):
        suspensions.suspend(999_999, moderator=make_moderator(), until=tomorrow, reason="Spam links")


def test_watched_word_and_threshold_edges():
    mod = make_moderator()
    with pytest.raises(NotFound):
        spam.remove_watched_word(999_999, actor=mod)
    admin = make_user(role=Role.ADMIN)
    assert settings.update(settings.thresholds(), actor=admin) == settings.thresholds()  # nothing changed, no entry
    settings.update({**settings.thresholds(), "new_member_links_per_post": 5}, actor=admin)
    settings.update({**settings.thresholds(), "new_member_links_per_post": 1}, actor=admin)
    assert settings.thresholds()["new_member_links_per_post"] == 1


def test_demo_seeding_lifts_the_new_member_limits_for_its_context():
    newcomer = make_user()
    spam.lift_new_member_limits()
    for n in range(5):
        make_question(newcomer, title=f"Demo question number {n} about schedules")


def test_console_post_actions_check_their_target():
    from moderation import actions

    q = make_question()
    a = make_answer(q)
    comment = make_comment(a)
    mod = make_moderator()
    with pytest.raises(Conflict, match="not locked"):
        actions.unlock_thread(q.id, moderator=mod)
    with pytest.raises(ValidationFailed, match="not deleted"):
        actions.undelete_post("answer", a.id, moderator=mod)
    with pytest.raises(ValidationFailed, match="Only questions and answers"):
        actions.undelete_post("comment", comment.id, moderator=mod)
    assert actions.delete_post("comment", comment.id, moderator=mod, reason="off-topic chatter") == q.id
    with pytest.raises(ValidationFailed, match="already deleted"):
        actions.delete_post("comment", comment.id, moderator=mod)
    with pytest.raises(NotFound):
        flags.flag("comment", comment.id, actor=make_user(reputation_points=20), reason="spam")
    with pytest.raises(NotFound):
        flags.get_target("tag", 1, viewer=mod)
    actions.delete_post("answer", a.id, moderator=mod)
    actions.undelete_post("answer", a.id, moderator=mod)
    actions.delete_post("question", q.id, moderator=mod)
    with pytest.raises(ValidationFailed, match="undelete it first"):
        actions.lock_thread(q.id, moderator=mod)
    with pytest.raises(ValidationFailed, match="keep the note short"):
        flags.flag("answer", make_answer(make_question()).id, actor=make_user(reputation_points=20),
                   reason="attention", text="x" * 600)


def test_question_items_edit_and_answer_suggestions_apply():
    mod = make_moderator()
    q = make_question()
    flags.flag("question", q.id, actor=make_user(reputation_points=20), reason="rude")
    flags.flag("question", q.id, actor=make_user(reputation_points=20), reason="attention",
               text="Also the title shouts, please check.")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED))
    review.handle(item.id, Decision("edited", title="A calmer title about the schedule reset", tags="schedule",
                                    body=q.body_md), moderator=mod)
    assert db.session.get(Question, q.id).title == "A calmer title about the schedule reset"
    a = make_answer(make_question())
    suggestions.suggest_edit(PostKind.ANSWER, a.id, actor=make_user(reputation_points=60),
                             body=a.body_md + " Then restart it.")
    suggestion_item = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.SUGGESTED_EDIT))
    assert suggestions.diff(suggestion_item.suggested_edit)[-1] == ("add", "+" + a.body_md + " Then restart it.")
    review.handle(suggestion_item.id, Decision("approved"), moderator=mod)
    assert db.session.get(Answer, a.id).body_md.endswith("Then restart it.")


def test_system_actions_filter_as_system():
    from moderation import audit

    q = make_question()
    for _ in range(3):
        flags.flag("question", q.id, actor=make_user(reputation_points=20), reason="spam")
    assert [e.action for e in audit.entries(audit.parse_filters(actor="system")).items] == ["post.hide"]
