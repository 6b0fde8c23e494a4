"""Cases and knowledge: every refusal says why, and repeating a change changes nothing."""

from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import ArticleVersion, CaseEvent, Question, Tag
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from moderation import account_deletion, escalation, knowledge, sla
from tests.factories import make_answer, make_question, make_user


@pytest.fixture
def agent():
    return make_user(role="agent")


@pytest.fixture
def moderator():
    return make_user(role="moderator")


def _events(case) -> int:
    return db.session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id))


def test_escalation_refuses_bad_priority_long_note_missing_and_hidden_threads(agent):
    q = make_question()
    with pytest.raises(ValidationFailed) as exc:
        escalation.escalate(q.id, actor=agent, priority="whenever")
    assert "priority" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        escalation.escalate(q.id, actor=agent, note="x" * (escalation.NOTE_MAX + 1))
    assert "note" in exc.value.fields
    with pytest.raises(NotFound):
        escalation.escalate(999_999, actor=agent)
    db.session.execute(update(Question).where(Question.id == q.id).values(hidden_at=datetime(2026, 11, 1)))
    db.session.commit()
    with pytest.raises(Conflict, match="hidden pending review"):
        escalation.escalate(q.id, actor=agent)


def test_repeating_a_status_assignee_or_priority_adds_no_event(agent):
    case = escalation.escalate(make_question().id, actor=agent, priority="normal").case
    escalation.assign(case, agent.username, actor=agent)
    before = _events(case)
    escalation.transition(case, "new", actor=agent)
    escalation.assign(case, agent.username, actor=agent)
    escalation.set_priority(case, "normal", actor=agent)
    assert _events(case) == before
    escalation.set_priority(case, "urgent", actor=agent)
    assert case.priority == "urgent" and _events(case) == before + 1


def test_cases_go_only_to_staff_and_updates_need_text(agent):
    case = escalation.escalate(make_question().id, actor=agent).case
    member = make_user()
    for username in (member.username, "nobody-by-this-name"):
        with pytest.raises(NotFound) as exc:
            escalation.assign(case, username, actor=agent)
        assert "assignee" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        escalation.post_update(case, " \x00 ", public=True, actor=agent)
    assert "body" in exc.value.fields


def test_a_closed_case_cannot_reopen_while_another_is_active(agent):
    q = make_question()
    first = escalation.escalate(q.id, actor=agent).case
    escalation.transition(first, "resolved", actor=agent, summary="Reset the base plate; fixed.")
    escalation.transition(first, "closed", actor=agent)
    second = escalation.escalate(q.id, actor=agent).case
    with pytest.raises(escalation.CaseExists) as exc:
        escalation.transition(first, "open", actor=agent)
    assert exc.value.case.id == second.id


def test_the_asker_answers_only_a_resolution(agent):
    q = make_question()
    escalation.escalate(q.id, actor=agent)
    with pytest.raises(ValidationFailed, match="isn't waiting"):
        escalation.customer_response(q.id, customer=q.author, accept=True)


def test_sla_targets_weekends_and_bad_settings():
    saturday = datetime(2026, 11, 21, 10, 0)
    assert sla.due_at("high", saturday) == datetime(2026, 11, 23, 10, 0)  # the next business day: Monday
    assert sla.due_at("high", saturday, {"high": "0bd"}) == datetime(2026, 11, 23, 10, 0)  # never at the weekend
    with pytest.raises(ValueError, match="not like 4h"):
        sla.due_at("urgent", saturday, {"urgent": "soon"})


def test_publishing_refuses_wrong_threads_and_answers_and_bad_fields(moderator):
    q, other = make_question(), make_question()
    a = make_answer(q)
    with pytest.raises(NotFound) as exc:
        knowledge.publish_answer(q.id, answer_id=make_answer(other).id, actor=moderator)
    assert "answer_id" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator, title="ab")
    assert "title" in exc.value.fields
    db.session.execute(update(Question).where(Question.id == q.id).values(deleted_at=datetime(2026, 11, 1)))
    db.session.commit()
    with pytest.raises(NotFound):
        knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator)


def test_articles_take_new_tags_change_state_once_and_list_by_product_and_tag(moderator):
    q = make_question(product="meter")
    article = knowledge.publish_answer(q.id, answer_id=make_answer(q).id, actor=moderator,
                                       tags=["meter-reading", "billing"])
    assert {t.name for t in article.tags} == {"meter-reading", "billing"}
    assert db.session.scalar(select(Tag.id).where(Tag.name == "meter-reading"))
    with pytest.raises(NotAllowed):
        knowledge.set_state(article.id, "archived", actor=make_user())
    versions = db.session.scalar(select(func.count(ArticleVersion.id)))
    knowledge.set_state(article.id, "published", actor=moderator)
    assert db.session.scalar(select(func.count(ArticleVersion.id))) == versions
    knowledge.set_state(article.id, "draft", actor=moderator)
    db.session.execute(update(type(article)).where(type(article).id == article.id).values(published_at=None))
    db.session.commit()
    knowledge.set_state(article.id, "published", actor=moderator)
    assert article.published_at is not None
    assert [a.id for a in knowledge.list_articles(product_id=q.product_id).items] == [article.id]
    assert knowledge.list_articles(product_id=make_question(product="router").product_id).items == []
    assert [a.id for a in knowledge.list_articles(tag="billing").items] == [article.id]
    with pytest.raises(NotFound):
        knowledge.list_articles(tag="no-such-tag")


def test_deleting_an_unknown_member_is_not_found(moderator):
    with pytest.raises(NotFound):
        account_deletion.delete_account(999_999, moderator=moderator, reason="Asked by email", confirmation="DELETE")
