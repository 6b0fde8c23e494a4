"""The entry point owns the transaction: use cases compose in one unit of work, whatever their order.

Before services stopped committing, the first use case of a block was saved by its own
commit, so a later failure left half the work behind, and its mail and webhooks went out.
"""

import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import (
    Answer,
    AuditLogEntry,
    Case,
    OutboxMessage,
    Question,
    ReputationEntry,
    ReviewItem,
    Tag,
    Vote,
)
from forum.services import outbox, preferences, votes, webhooks
from forum.transaction import savepoint, unit_of_work
from moderation import actions, escalation, flags, review
from reputation.events import PostKind
from tests.factories import make_answer, make_moderator, make_question, make_user
from tests.integration.test_webhooks import Receiver, with_private_addresses


class Boom(Exception):
    """A failure after the use cases ran (a later step of the same request)."""


def _fail_after(*steps) -> None:
    """Run the steps in one unit of work, then fail as a later step of the same request would."""
    with unit_of_work():
        for step in steps:
            step()
        raise Boom


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _settle(timeout: float = 10.0) -> None:
    """Hand over whatever the outbox still holds and wait for it, so nothing sent late is missed."""
    outbox.sweep()
    deadline = time.monotonic() + timeout
    while outbox.pending_count() and time.monotonic() < deadline:
        time.sleep(0.05)
        db.session.rollback()


def _lock(question_id, moderator):
    actions.lock_thread(question_id, moderator=moderator, note="heated")


def _spam(answer_id, moderator):
    actions.delete_as_spam("answer", answer_id, moderator=moderator, reason="pills")


@pytest.mark.parametrize("order", ["lock-then-spam", "spam-then-lock"])
def test_two_moderator_actions_compose_in_either_order_and_commit_together(order):
    q = make_question()
    a = make_answer(q)
    moderator = make_moderator()
    steps = [lambda: _lock(q.id, moderator), lambda: _spam(a.id, moderator)]
    with unit_of_work():
        for step in steps if order == "lock-then-spam" else reversed(steps):
            step()
    db.session.expire_all()
    assert db.session.get(Question, q.id).locked_at is not None
    assert db.session.get(Answer, a.id).deleted_at is not None
    assert sorted(db.session.scalars(select(AuditLogEntry.action))) == ["post.delete_spam", "question.lock"]


@pytest.mark.parametrize("order", ["lock-then-spam", "spam-then-lock"])
def test_two_moderator_actions_roll_back_together_in_either_order(order):
    q = make_question()
    a = make_answer(q)
    moderator = make_moderator()
    ledger_before = _count(ReputationEntry)
    steps = [lambda: _lock(q.id, moderator), lambda: _spam(a.id, moderator)]
    with pytest.raises(Boom):
        _fail_after(*(steps if order == "lock-then-spam" else reversed(steps)))
    assert db.session.get(Question, q.id).locked_at is None
    assert db.session.get(Answer, a.id).deleted_at is None
    assert _count(AuditLogEntry) == 0
    assert _count(ReputationEntry) == ledger_before  # the −100 for spam is gone with the rest


def test_nested_units_of_work_join_the_outer_one():
    q = make_question()
    voter = make_user(reputation_points=200)
    def inner() -> None:
        with unit_of_work():  # e.g. a view calling a helper that opens its own
            votes.vote(voter, PostKind.QUESTION, q.id, 1)
        assert _count(Vote) == 1  # flushed, not yet committed

    with pytest.raises(Boom):
        _fail_after(inner)
    assert _count(Vote) == 0
    assert db.session.get(Question, q.id).score == 0


def test_a_review_decision_and_a_failing_later_step_leave_the_item_open():
    """review.handle used to need the Q&A service to run last, because it committed."""
    a = make_answer(make_question())
    flaggers = [make_user(reputation_points=20) for _ in range(3)]
    for flagger in flaggers:
        with unit_of_work():
            flags.flag("answer", a.id, actor=flagger, reason="spam")
    item = db.session.scalar(select(ReviewItem).where(ReviewItem.answer_id == a.id, ReviewItem.handled_at.is_(None)))
    moderator = make_moderator()
    with pytest.raises(Boom):
        _fail_after(lambda: review.handle(item.id, review.Decision("deleted", note="spam"), moderator=moderator))
    db.session.expire_all()
    assert db.session.get(ReviewItem, item.id).handled_at is None
    assert db.session.get(Answer, a.id).deleted_at is None
    with unit_of_work():
        review.handle(item.id, review.Decision("deleted", note="spam"), moderator=moderator)
    db.session.expire_all()
    assert db.session.get(ReviewItem, item.id).handled_at is not None
    assert db.session.get(Answer, a.id).deleted_at is not None


def test_a_rolled_back_unit_of_work_sends_no_mail_and_no_webhook(mailbox):
    receiver = Receiver()
    try:
        admin, agent = with_private_addresses(make_user(role="admin")), make_user(role="agent")
        with unit_of_work():
            webhooks.add_endpoint(receiver.url, description="CRM", actor=admin)
        asker = make_user()
        with unit_of_work():
            preferences.update_choices(asker, digest="off", time_zone="UTC", email_kinds={"answer"})
        q = make_question(asker)
        _settle()
        before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
        def recorded() -> None:
            assert _count(OutboxMessage, OutboxMessage.id > before) >= 2  # recorded with the change...

        with pytest.raises(Boom):
            _fail_after(lambda: make_answer(q),  # the asker would get an email
                        lambda: escalation.escalate(q.id, actor=agent, note="internal"),  # the CRM: case.created
                        recorded)
        _settle()
        assert _count(OutboxMessage, OutboxMessage.id > before) == 0  # ...and discarded with it
        assert _count(Case) == 0
        assert mailbox.messages() == []
        assert receiver.received == []
        # The same work committed does send both.
        with unit_of_work():
            make_answer(q)
            escalation.escalate(q.id, actor=agent, note="internal")
        _settle()
        assert len(mailbox.wait_for(1, to=asker.email)) == 1
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.received
    finally:
        receiver.close()


def test_side_effects_wait_for_the_outermost_commit(mailbox):
    asker = make_user()
    with unit_of_work():
        preferences.update_choices(asker, digest="off", time_zone="UTC", email_kinds={"answer"})
    q = make_question(asker)
    with unit_of_work():
        with unit_of_work():
            make_answer(q)
        outbox.sweep()  # reads committed rows only: the answer's email isn't one yet
        time.sleep(0.3)
        assert mailbox.messages() == []  # the inner block ended; nothing is committed yet
    _settle()
    assert len(mailbox.wait_for(1, to=asker.email)) == 1


def _add_tag(name: str) -> None:
    db.session.add(Tag(name=name))
    db.session.flush()


def test_a_savepoint_undoes_only_its_own_part():
    with unit_of_work():
        db.session.add(Tag(name="kept"))
        db.session.flush()
        with pytest.raises(IntegrityError), savepoint():
            _add_tag("kept")  # a unique-key race lost
        db.session.add(Tag(name="after"))
    assert sorted(db.session.scalars(select(Tag.name))) == ["after", "kept"]


def test_a_savepoint_first_in_the_transaction_still_rolls_back_with_it():
    """On SQLite the savepoint must not open (and its release end) a transaction of its own."""
    def in_savepoint() -> None:
        with savepoint():
            _add_tag("inside")

    with pytest.raises(Boom):
        _fail_after(in_savepoint)
    assert _count(Tag) == 0
