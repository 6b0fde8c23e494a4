"""What README promises members earn: reviewing first posts and suggested edits (500) and voting
to close (3,000), through the services and through the pages (CSRF POST forms)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import AuditLogEntry, CloseVote, Question, ReviewItem, ReviewKind, Revision, SuggestedEdit
from forum.services import settings
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.transaction import unit_of_work
from moderation import actions, close_votes, community_review, suggestions
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_answer, make_moderator, make_question, make_user

REVIEWER, VOTER = 500, 3000


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def _reviewer(points: int = REVIEWER):
    return make_user(reputation_points=points - 1)


def _first_post_item(question) -> ReviewItem:
    return db.session.scalar(select(ReviewItem).where(ReviewItem.question_id == question.id,
                                                      ReviewItem.kind == ReviewKind.FIRST_POST.value))


def _suggest(question):
    return suggestions.suggest_edit(PostKind.QUESTION, question.id, actor=make_user(reputation_points=60),
                                    body=question.body_md + " Also: firmware 2.1 fixes it.", comment="firmware")


# --- the review queue -----------------------------------------------------------------------

def test_members_with_the_privilege_review_first_posts():
    newcomer = make_user()
    q = make_question(newcomer)
    reviewer = _reviewer()
    listed = community_review.open_items(reviewer).items
    assert [i.question_id for i in listed] == [q.id]
    with unit_of_work():
        item = community_review.decide(listed[0].id, reviewer=reviewer, outcome="approved", note="fine")
    assert (item.handled_by_id, item.outcome) == (reviewer.id, "approved")
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "review.handle"))
    assert entry.actor_id == reviewer.id and entry.after["by"] == "community review"
    assert community_review.open_items(reviewer).total == 0


def test_below_the_threshold_or_on_moderator_queues_review_is_refused():
    q = make_question(make_user())
    item = _first_post_item(q)
    with pytest.raises(NotAllowed, match=r"Reviewing posts needs 500 reputation"):
        community_review.open_items(_reviewer(499))
    with pytest.raises(NotAllowed):
        community_review.decide(item.id, reviewer=_reviewer(499), outcome="approved")
    reviewer = _reviewer()
    with pytest.raises(ValidationFailed):
        community_review.decide(item.id, reviewer=reviewer, outcome="deleted")  # destructive: moderators only
    from moderation import flags

    flags.flag("question", q.id, actor=make_user(reputation_points=20), reason="spam")
    flagged = db.session.scalar(select(ReviewItem).where(ReviewItem.kind == ReviewKind.FLAGGED.value))
    with pytest.raises(NotFound):
        community_review.decide(flagged.id, reviewer=reviewer, outcome="dismissed")


def test_nobody_reviews_their_own_post_and_the_threshold_in_force_applies():
    newcomer = make_user()
    item = _first_post_item(make_question(newcomer))
    settings.set_reputation_settings({"review_queue": 1}, False)  # an admin lets everyone review
    with pytest.raises(NotAllowed, match="own"):
        community_review.decide(item.id, reviewer=newcomer, outcome="approved")
    assert community_review.open_items(newcomer).total == 0
    assert community_review.open_items(make_user()).total == 1


def test_a_reviewer_approves_a_suggested_edit_into_a_revision():
    q = make_question(make_user(reputation_points=100))
    suggestion = _suggest(q)
    reviewer = _reviewer()
    item = next(i for i in community_review.open_items(reviewer).items if i.kind == ReviewKind.SUGGESTED_EDIT.value)
    with unit_of_work():
        community_review.decide(item.id, reviewer=reviewer, outcome="approved")
    db.session.expire_all()
    assert db.session.get(SuggestedEdit, suggestion.id).status == "approved"
    assert "firmware 2.1" in db.session.get(Question, q.id).body_md
    latest = db.session.scalars(select(Revision).where(Revision.question_id == q.id)
                                .order_by(Revision.number.desc())).first()
    assert latest.author_id == reviewer.id and "suggested edit by" in latest.comment


def test_a_reviewer_rejects_a_suggested_edit():
    q = make_question(make_user(reputation_points=100))
    suggestion = _suggest(q)
    reviewer = _reviewer()
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.suggested_edit_id == suggestion.id))
    with unit_of_work():
        community_review.decide(item.id, reviewer=reviewer, outcome="dismissed")
    assert db.session.get(SuggestedEdit, suggestion.id).status == "rejected"
    with pytest.raises(Conflict, match="Already handled"):
        community_review.decide(item.id, reviewer=_reviewer(), outcome="approved")


def test_the_review_page_lists_and_decides_with_a_csrf_form(client):
    q = make_question(make_user())
    reviewer = _reviewer()
    login(client, reviewer)
    page = client.get("/review")
    assert page.status_code == 200 and q.title in page.get_data(as_text=True)
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert "Review</a>" in client.get("/").get_data(as_text=True)
    item = _first_post_item(q)
    r = client.post(f"/review/{item.id}", data={"outcome": "approved"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReviewItem, item.id).handled_by_id == reviewer.id
    client.post("/logout")
    login(client, _reviewer(499))
    assert client.get("/review").status_code == 403


def test_review_refuses_a_post_without_csrf(app, client, csrf_on):
    item = _first_post_item(make_question(make_user()))
    login(client, _reviewer())
    assert client.post(f"/review/{item.id}", data={"outcome": "approved"}).status_code == 400


# --- close votes -----------------------------------------------------------------------------

def _vote(question, reason="off_topic", voter=None, **extra):
    with unit_of_work():
        return close_votes.vote_to_close(question.id, voter=voter or _reviewer(VOTER), reason=reason, **extra)


def test_three_votes_close_with_the_most_voted_reason_and_the_audit_log_says_so():
    q = make_question()
    voters = [_reviewer(VOTER) for _ in range(3)]
    assert _vote(q, "needs_detail", voters[0]) is False
    assert _vote(q, "off_topic", voters[1]) is False
    assert _vote(q, "off_topic", voters[2]) is True
    db.session.expire_all()
    closed = db.session.get(Question, q.id)
    assert closed.is_closed and closed.close_reason == "off_topic" and closed.closed_by_id is None
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "question.close"))
    assert entry.actor_id is None and entry.reason == close_votes.COMMUNITY_VOTE
    assert entry.after["by"] == "community vote" and entry.after["voters"] == [v.username for v in voters]
    assert entry.after["votes"] == {"needs_detail": 1, "off_topic": 2}
    assert db.session.scalar(select(CloseVote.id).where(CloseVote.question_id == q.id)) is None


def test_a_tie_goes_to_the_reason_voted_first_and_duplicates_name_their_original():
    original = make_question()
    q = make_question()
    _vote(q, "duplicate", duplicate_of=str(original.id))
    _vote(q, "off_topic")
    _vote(q, "needs_detail")
    db.session.expire_all()
    closed = db.session.get(Question, q.id)
    assert (closed.close_reason, closed.duplicate_of_id) == ("duplicate", original.id)


def test_votes_expire_after_14_days():
    q = make_question()
    old = _reviewer(VOTER)
    _vote(q, voter=old)
    _vote(q)
    db.session.execute(CloseVote.__table__.update().where(CloseVote.voter_id == old.id)
                       .values(created_at=CloseVote.created_at - timedelta(days=15)))
    db.session.commit()
    assert close_votes.standing(q, None).votes == 1
    assert _vote(q) is False  # only two count: the expired one was removed
    assert _vote(q, voter=old) is True  # its voter may vote again, and this third vote closes


def test_close_votes_need_the_privilege_a_reason_and_one_vote_each():
    q = make_question()
    with pytest.raises(NotAllowed, match=r"Voting to close needs 3000 reputation"):
        _vote(q, voter=_reviewer(VOTER - 1))
    voter = _reviewer(VOTER)
    with pytest.raises(ValidationFailed):
        _vote(q, "because", voter)
    with pytest.raises(ValidationFailed):
        _vote(q, "duplicate", voter)  # no original named
    _vote(q, voter=voter)
    with pytest.raises(Conflict):
        _vote(q, voter=voter)
    with unit_of_work():
        close_votes.retract(q.id, voter=voter)
    assert close_votes.standing(q, voter).votes == 0
    settings.set_reputation_settings({}, True)  # "new community": 3,000 ÷ 10
    _vote(q, voter=_reviewer(300))


def test_closed_or_locked_questions_take_no_votes_and_a_moderator_close_clears_them():
    q = make_question()
    _vote(q)
    mod = make_moderator()
    with unit_of_work():
        actions.lock_thread(q.id, moderator=mod)
    with pytest.raises(NotAllowed, match="locked"):
        _vote(q)
    with unit_of_work():
        actions.unlock_thread(q.id, moderator=mod)
        actions.close_question(q.id, moderator=mod, reason="off_topic")
    with pytest.raises(NotAllowed, match="already closed"):
        _vote(q)
    with unit_of_work():
        actions.reopen_question(q.id, moderator=mod)
    assert close_votes.standing(q, None).votes == 0


def test_the_thread_page_offers_close_votes_to_those_who_may(client):
    q = make_question()
    login(client, make_user())
    assert "Vote to close" not in client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    client.post("/logout")
    voters = [_reviewer(VOTER) for _ in range(3)]
    for n, voter in enumerate(voters):
        login(client, voter)
        html = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
        assert f"{n} of 3 close votes" in html and f'action="/questions/{q.id}/close-votes"' in html
        r = client.post(f"/questions/{q.id}/close-votes", data={"reason": "needs_detail"})
        assert r.status_code == 302
        client.post("/logout")
    db.session.expire_all()
    assert db.session.get(Question, q.id).close_reason == "needs_detail"
    login(client, _reviewer(VOTER))
    r = client.post(f"/questions/{q.id}/close-votes", data={"reason": "needs_detail"}, follow_redirects=True)
    assert "already closed" in r.get_data(as_text=True)


def test_a_close_vote_needs_csrf(client, csrf_on):
    q = make_question()
    login(client, _reviewer(VOTER))
    assert client.post(f"/questions/{q.id}/close-votes", data={"reason": "off_topic"}).status_code == 400


def test_a_voter_withdraws_from_the_page(client):
    q = make_question()
    voter = _reviewer(VOTER)
    login(client, voter)
    client.post(f"/questions/{q.id}/close-votes", data={"reason": "off_topic"})
    assert "Withdraw my close vote" in client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    client.post(f"/questions/{q.id}/close-votes/retract")
    assert close_votes.standing(q, voter).votes == 0


def test_an_answer_in_review_is_listed_with_its_thread():
    q = make_question(make_user(reputation_points=100))
    a = make_answer(q, make_user())
    items = community_review.open_items(_reviewer()).items
    assert [(i.question_id, i.answer_id) for i in items] == [(q.id, a.id)]
