"""The reputation ledger end to end: cap, reversals, badges, verification, leaderboards."""

import pytest
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import BadgeAward, ReputationEntry, User
from forum.services import acceptance, ledger, reputation, settings, verification, votes
from forum.services.errors import NotAllowed
from reputation import rules
from reputation.events import PostKind, RepEvent
from tests.factories import make_answer, make_question, make_user


def _voters(n: int) -> list[User]:
    return [make_user(reputation_points=200) for _ in range(n)]


def test_every_member_starts_with_a_joined_entry():
    user = make_user()
    entries = list(db.session.scalars(select(ReputationEntry).where(ReputationEntry.user_id == user.id)))
    assert [(e.event, e.delta) for e in entries] == [(RepEvent.JOINED.value, 1)]
    assert user.reputation == 1


def test_daily_cap_records_capped_entries_and_reversal_returns_only_what_was_granted():
    author = make_user()
    answers_ = [make_answer(make_question(), author) for _ in range(3)]
    voters = _voters(9)
    for voter in voters:
        for answer in answers_:
            votes.vote(voter, PostKind.ANSWER, answer.id, 1)
    db.session.refresh(author)
    assert author.reputation == 1 + rules.DAILY_VOTE_CAP
    capped = list(db.session.scalars(select(ReputationEntry).where(
        ReputationEntry.user_id == author.id, ReputationEntry.reason == rules.CAPPED)))
    assert len(capped) == 27 - 20
    assert all(e.delta == 0 and e.amount == 10 for e in capped)
    # Retracting a capped vote takes back nothing; the history still shows the reversal.
    last_capped = capped[-1]
    votes.vote(db.session.get(User, last_capped.actor_id), PostKind.ANSWER, last_capped.answer_id, 0)
    reversal = db.session.scalar(select(ReputationEntry).where(ReputationEntry.reverses_id == last_capped.id))
    assert (reversal.delta, reversal.amount) == (0, -10)
    db.session.refresh(author)
    assert author.reputation == 201
    assert verification.verify().ok


def test_cap_does_not_apply_to_accepts():
    author = make_user()
    for voter in _voters(20):
        votes.vote(voter, PostKind.ANSWER, make_answer(make_question(), author).id, 1)
    q = make_question()
    acceptance.accept_answer(make_answer(q, author).id, q.author)
    db.session.refresh(author)
    assert author.reputation == 1 + 200 + 15


def test_vote_changes_append_reversals_and_never_update_entries():
    q = make_question()
    voter = _voters(1)[0]
    votes.vote(voter, PostKind.QUESTION, q.id, 1)
    votes.vote(voter, PostKind.QUESTION, q.id, -1)
    votes.vote(voter, PostKind.QUESTION, q.id, 0)
    rows = list(db.session.scalars(select(ReputationEntry).where(ReputationEntry.question_id == q.id)
                                   .order_by(ReputationEntry.id)))
    assert [(r.event, r.delta, r.reverses_id is not None) for r in rows] == [
        ("question.upvoted", 10, False), ("question.upvoted", -10, True),
        ("question.downvoted", -2, False), ("question.downvoted", 2, True)]
    db.session.refresh(q.author)
    assert q.author.reputation == 1


def test_reputation_floor_is_one_but_ledger_keeps_the_truth():
    q = make_question()
    a = make_answer(q)
    for voter in [make_user(reputation_points=200) for _ in range(3)]:
        votes.vote(voter, PostKind.ANSWER, a.id, -1)
    db.session.refresh(a.author)
    assert a.author.reputation == 1
    assert ledger.ledger_total(a.author.id) == -5


def test_badges_are_awarded_once_per_reason():
    q = make_question()
    a1, a2 = make_answer(q), make_answer(q)
    voters = _voters(11)
    for voter in voters:
        votes.vote(voter, PostKind.ANSWER, a1.id, 1)
    votes.vote(voters[0], PostKind.ANSWER, a1.id, 0)
    votes.vote(voters[0], PostKind.ANSWER, a1.id, 1)
    acceptance.accept_answer(a1.id, q.author)
    acceptance.accept_answer(a2.id, q.author)
    acceptance.accept_answer(a1.id, q.author)
    awards = {(b.user_id, b.badge, b.source) for b in db.session.scalars(select(BadgeAward))}
    assert (a1.author_id, "nice_answer", f"answer:{a1.id}") in awards
    assert (a1.author_id, "solution", f"answer:{a1.id}") in awards
    assert (a2.author_id, "solution", f"answer:{a2.id}") in awards
    assert (q.author_id, "first_question", "") in awards
    assert (q.author_id, "first_accept", "") in awards
    assert (voters[0].id, "first_vote", "") in awards
    counts = db.session.execute(select(BadgeAward.user_id, BadgeAward.badge, func.count())
                                .group_by(BadgeAward.user_id, BadgeAward.badge, BadgeAward.source)).all()
    assert all(n == 1 for _, _, n in counts)


def test_helper_badge_after_ten_accepted_answers():
    helper = make_user()
    for _ in range(10):
        q = make_question()
        acceptance.accept_answer(make_answer(q, helper).id, q.author)
    assert db.session.scalar(select(BadgeAward.id).where(BadgeAward.user_id == helper.id,
                                                         BadgeAward.badge == "helper"))


def test_verify_finds_a_tampered_cache_and_recompute_repairs_it():
    q = make_question()
    votes.vote(_voters(1)[0], PostKind.QUESTION, q.id, 1)
    assert verification.verify().ok
    db.session.execute(update(User).where(User.id == q.author_id).values(reputation=999))
    db.session.commit()
    report = verification.verify()
    assert report.difference_count == 1
    assert report.differences[0].user_id == q.author_id
    assert "cache 999" in report.differences[0].describe()
    assert verification.recompute() == 1
    assert verification.verify().ok


def test_verify_finds_a_ledger_that_disagrees_with_the_votes():
    q = make_question()
    votes.vote(_voters(1)[0], PostKind.QUESTION, q.id, 1)
    db.session.add(ReputationEntry(user_id=q.author_id, event=RepEvent.QUESTION_UPVOTED.value, amount=10,
                                   delta=10, question_id=q.id))
    db.session.commit()
    ledger.refresh_cache([q.author_id])
    db.session.commit()
    report = verification.verify()
    assert [d.user_id for d in report.differences] == [q.author_id]
    assert "first principles 11" in report.differences[0].describe()


def test_privileges_follow_admin_thresholds_and_new_community_mode():
    q = make_question()
    newbie = make_user()
    with pytest.raises(NotAllowed, match=r"Voting up needs 15 reputation"):
        votes.vote(newbie, PostKind.QUESTION, q.id, 1)
    settings.set_reputation_settings({}, True)
    assert votes.vote(newbie, PostKind.QUESTION, q.id, 1) == 1
    settings.set_reputation_settings({"vote_up": 1}, False)
    assert votes.vote(make_user(), PostKind.QUESTION, q.id, 1) == 2


def test_leaderboards_by_period_and_product():
    q = make_question(product="thermostat")
    other = make_question(product="mesh-router")
    star = make_answer(q)
    votes.vote(_voters(1)[0], PostKind.ANSWER, star.id, 1)
    acceptance.accept_answer(star.id, q.author)
    elsewhere = make_answer(other)
    votes.vote(_voters(1)[0], PostKind.ANSWER, elsewhere.id, 1)
    week = reputation.leaderboard("week")
    assert week[0] == (star.author, 25)
    by_product = reputation.leaderboard("month", product="mesh-router")
    assert by_product == [(elsewhere.author, 10)]
    assert reputation.leaderboard("all")[0][1] >= 200


def test_history_links_entries_to_their_threads():
    q = make_question()
    a = make_answer(q)
    votes.vote(_voters(1)[0], PostKind.ANSWER, a.id, 1)
    page = reputation.history(a.author_id)
    assert page.total == 2
    first = page.items[0]
    assert (first.entry.event, first.question_id, first.title) == ("answer.upvoted", q.id, q.title)
    days = reputation.group_by_day(page.items)
    assert days[0][1] == 11
