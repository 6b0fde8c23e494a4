"""The Q&A use cases through the real services and database."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Question, ReputationEntry, Revision, Vote
from forum.services import acceptance, answers, comments, ledger, questions, votes
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from reputation.events import PostKind
from tests.factories import make_answer, make_product, make_question, make_tags, make_user


def test_ask_keeps_first_revision_and_renders_markdown():
    make_product()
    make_tags("error-codes", "firmware")
    author = make_user()
    q = questions.ask(author, title="Why does my thermostat say E42?", body="It shows **E42** after the update.\n\n```\nfw 2.1.0\n```",
                      tags="error-codes firmware", product="thermostat")
    assert "<strong>E42</strong>" in q.body_html
    assert [t.name for t in q.tags] == ["error-codes", "firmware"]
    rev = db.session.scalar(select(Revision).where(Revision.question_id == q.id))
    assert rev.number == 1 and rev.title == q.title and rev.tags == "error-codes firmware"


@pytest.mark.parametrize(("field", "kwargs"), [
    ("title", {"title": "too short"}),
    ("title", {"title": "x" * 151}),
    ("body", {"body": "short"}),
    ("body", {"body": "y" * 30_001}),
    ("tags", {"tags": ""}),
    ("tags", {"tags": "a b c d e f"}),
    ("tags", {"tags": "<script>"}),
    ("product", {"product": "nope"}),
])
def test_ask_rejects_bad_fields_with_a_message_each(field, kwargs):
    make_product()
    good = {"title": "How do I pair the mesh satellite?", "body": "The satellite blinks amber and never pairs.",
            "tags": "mesh", "product": "thermostat"}
    with pytest.raises(ValidationFailed) as exc:
        questions.ask(make_user(), **{**good, **kwargs})
    assert field in exc.value.fields
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_edit_adds_revision_and_only_author_or_privileged_may_edit():
    q = make_question()
    questions.edit_question(q.id, q.author, body="A much better body with far more detail about it.", comment="detail")
    assert db.session.scalar(select(func.max(Revision.number)).where(Revision.question_id == q.id)) == 2
    with pytest.raises(NotAllowed, match="2000"):
        questions.edit_question(q.id, make_user(), body="Someone else's rewrite of this question body.")


def test_votes_change_score_and_reputation_through_the_ledger():
    q = make_question()
    a = make_answer(q)
    voter = make_user(reputation_points=200)
    assert votes.vote(voter, PostKind.ANSWER, a.id, 1) == 1
    assert a.author.reputation == 11
    assert votes.vote(voter, PostKind.ANSWER, a.id, 1) == 1  # idempotent
    assert votes.vote(voter, PostKind.ANSWER, a.id, -1) == -1
    db.session.refresh(a.author)
    db.session.refresh(voter)
    assert a.author.reputation == 1  # 1 - 2 floored at 1
    assert ledger.ledger_total(a.author.id) == -1
    assert voter.reputation == 200  # 201 - 1 for downvoting an answer
    assert votes.vote(voter, PostKind.ANSWER, a.id, 0) == 0
    db.session.refresh(voter)
    assert voter.reputation == 201
    assert db.session.scalar(select(func.count(Vote.id))) == 0
    assert votes.vote(voter, PostKind.ANSWER, a.id, 0) == 0  # retracting nothing is a no-op


def test_self_vote_refused_and_privileges_enforced():
    q = make_question()
    with pytest.raises(NotAllowed, match="own post"):
        votes.vote(q.author, PostKind.QUESTION, q.id, 1)
    newbie = make_user()
    with pytest.raises(NotAllowed, match="15 reputation"):
        votes.vote(newbie, PostKind.QUESTION, q.id, 1)
    with pytest.raises(NotAllowed, match="125 reputation"):
        votes.vote(make_user(reputation_points=20), PostKind.QUESTION, q.id, -1)


def test_accept_change_and_unaccept_by_asker_only():
    q = make_question()
    first, second = make_answer(q), make_answer(q)
    with pytest.raises(NotAllowed):
        acceptance.accept_answer(first.id, first.author)
    acceptance.accept_answer(first.id, q.author)
    assert first.author.reputation == 16 and q.author.reputation == 3
    acceptance.accept_answer(second.id, q.author)
    db.session.refresh(first.author)
    db.session.refresh(q.author)
    assert first.author.reputation == 1 and second.author.reputation == 16 and q.author.reputation == 3
    acceptance.unaccept_answer(second.id, q.author)
    db.session.refresh(q.author)
    db.session.refresh(second.author)
    assert q.accepted_answer_id is None and q.author.reputation == 1 and second.author.reputation == 1


def test_self_accept_earns_no_reputation():
    q = make_question()
    own = answers.post_answer(q.id, q.author, body="I found it myself: reset the hub from the app.")
    acceptance.accept_answer(own.id, q.author)
    assert q.accepted_answer_id == own.id and q.author.reputation == 1


def test_deleting_a_post_reverses_its_reputation_and_undelete_restores_it():
    q = make_question()
    a = make_answer(q)
    voter = make_user(reputation_points=200)
    mod = make_user(role="moderator")
    votes.vote(voter, PostKind.ANSWER, a.id, 1)
    answers.delete_answer(a.id, a.author)
    db.session.refresh(a.author)
    assert a.author.reputation == 1
    with pytest.raises(NotFound):
        votes.vote(voter, PostKind.ANSWER, a.id, 0)
    answers.undelete_answer(a.id, mod)
    db.session.refresh(a.author)
    assert a.author.reputation == 11
    assert db.session.scalar(select(func.count(ReputationEntry.id)).where(ReputationEntry.answer_id == a.id)) == 3


def test_author_cannot_delete_question_with_accepted_answer():
    q = make_question()
    a = make_answer(q)
    acceptance.accept_answer(a.id, q.author)
    with pytest.raises(NotAllowed):
        questions.delete_question(q.id, q.author)


def test_comments_need_privilege_except_on_own_thread():
    q = make_question()
    a = make_answer(q)
    comments.post_comment(q.author, PostKind.ANSWER, a.id, body="Thanks, trying it now.")
    comments.post_comment(a.author, PostKind.ANSWER, a.id, body="Let me know if it works.")
    with pytest.raises(NotAllowed, match="50 reputation"):
        comments.post_comment(make_user(), PostKind.QUESTION, q.id, body="Have you tried turning it off?")
    c = comments.post_comment(make_user(reputation_points=60), PostKind.QUESTION, q.id,
                              body="See https://example.com/help <script>x</script>")
    assert 'rel="nofollow ugc noopener"' in c.body_html and "<script" not in c.body_html


def test_answer_counts_follow_answers():
    q = make_question()
    a = make_answer(q)
    make_answer(q)
    db.session.refresh(q)
    assert q.answer_count == 2
    answers.delete_answer(a.id, a.author)
    db.session.refresh(q)
    assert q.answer_count == 1
    assert db.session.scalar(select(func.count(Answer.id))) == 2
