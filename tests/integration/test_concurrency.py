"""Many members voting on one post at the same moment lose nothing (SQLite and PostgreSQL)."""


from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, User, Vote
from forum.services import ledger, verification, votes
from reputation.events import PostKind
from tests.concurrent import at_once
from tests.factories import make_answer, make_question, make_user

VOTERS = 32


def test_concurrent_voters_keep_score_ledger_and_cache_consistent():
    q = make_question()
    answer = make_answer(q)
    voter_ids = [make_user(reputation_points=200).id for _ in range(VOTERS)]
    answer_id, author_id = answer.id, answer.author_id

    def job_for(i: int):
        def job():
            voter = db.session.get(User, voter_ids[i])
            value = -1 if i % 2 == 0 else 1
            votes.vote(voter, PostKind.ANSWER, answer_id, value)
            votes.vote(voter, PostKind.ANSWER, answer_id, value)  # a double click changes nothing
            if i % 8 == 1:
                votes.vote(voter, PostKind.ANSWER, answer_id, 0)
        return job

    assert at_once([job_for(i) for i in range(VOTERS)]) == [None] * VOTERS
    db.session.expire_all()
    vote_sum = db.session.scalar(select(func.coalesce(func.sum(Vote.value), 0)).where(Vote.answer_id == answer_id))
    # Half vote down, a few up-then-retract, the rest up: 16 upvotes ever cast stay under the daily
    # cap of 200, so the expected total doesn't depend on the order the votes landed in.
    downs, retracted = VOTERS // 2, VOTERS // 8
    assert vote_sum == (VOTERS - downs - retracted) - downs
    assert db.session.get(Answer, answer_id).score == vote_sum
    author = db.session.get(User, author_id)
    assert author.reputation == max(1, ledger.ledger_total(author_id))
    assert ledger.ledger_total(author_id) == 1 + 10 * (VOTERS - downs - retracted) - 2 * downs
    assert verification.verify().ok


def test_one_member_racing_themself_gets_one_vote():
    q = make_question()
    voter_id = make_user(reputation_points=200).id

    def job():
        votes.vote(db.session.get(User, voter_id), PostKind.QUESTION, q.id, 1)

    assert at_once([job] * 8) == [None] * 8
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Vote.id)).where(Vote.question_id == q.id)) == 1
    assert db.session.get(type(q), q.id).score == 1
    assert verification.verify().ok
