"""The Active list says what was active: "answered 2 hours ago by …", "modified …", support's
replies and resolutions; and the demo's spread-out threads say the same as their posts."""

import random
import re

from forum.extensions import db
from forum.models import Answer, utcnow
from forum.services import questions
from moderation import escalation
from tests.factories import make_answer, make_question, make_user


def summary_of(page: str, title: str) -> str:
    at = page.index(title)
    ends = [e for e in (page.find('<li class="q-summary">', at), page.find("</ol>", at)) if e != -1]
    return re.sub(r"\s+", " ", page[page.rfind('<li class="q-summary">', 0, at):min(ends)])


def activity(client, title: str) -> str:
    item = summary_of(client.get("/?sort=active").get_data(as_text=True), title)
    return re.sub(r"<[^>]+>", "", item[item.index('class="q-summary__activity"'):].split("</span>", 1)[0] + "</span>")


def test_the_active_list_says_who_did_what(client):
    q = make_question(title="Schedule resets itself after a power cut")
    assert re.search(r">asked (just now|\d+ mins? ago)$", activity(client, q.title))
    helper = make_user("ana_helps")
    make_answer(q, helper)
    assert re.search(r"answered (just now|\d+ mins? ago) by ana_helps", activity(client, q.title))
    questions.edit_question(q.id, q.author, title=q.title, body=q.body_md + " It is a T2 on firmware 4.2.",
                            tags=" ".join(t.name for t in q.tags))
    assert re.search(rf"modified (just now|\d+ mins? ago) by {q.author.username}", activity(client, q.title))


def test_support_replies_and_resolutions_are_activity(client):
    q = make_question(title="Energy report is empty for November")
    agent = make_user("sam_agent", role="agent")
    case = escalation.escalate(q.id, actor=agent).case
    escalation.post_update(case, "We are looking at the November import.", public=True, actor=agent)
    assert "support replied" in activity(client, q.title) and "by sam_agent" in activity(client, q.title)
    escalation.transition(case, "resolved", actor=agent, summary="Re-imported November; the report is complete.")
    assert "resolved by support" in activity(client, q.title)
    escalation.customer_response(q.id, customer=q.author, accept=True)
    assert "solution accepted" in activity(client, q.title)
    assert f"by {q.author.username}" in activity(client, q.title)


def test_other_lists_keep_saying_when_it_was_asked(client):
    q = make_question(title="Hub LED blinks purple twice")
    make_answer(q, make_user("ben_answers"))
    item = summary_of(client.get("/?sort=newest").get_data(as_text=True), q.title)
    assert "asked " in item and "answered " not in item


def test_the_demo_thread_activity_is_its_latest_answer_and_never_in_the_future():
    from forum.services import demo

    threads = []
    for n in range(4):
        q = make_question(title=f"Demo thread number {n} about the schedule")
        for _ in range(n):
            make_answer(q)
        threads.append(q)
    demo._spread_over_time(random.Random(3), threads)
    now = utcnow()
    for q in threads:
        db.session.refresh(q)
        answers = list(db.session.scalars(db.select(Answer).where(Answer.question_id == q.id)))
        assert q.created_at <= q.last_activity_at <= now
        assert all(q.created_at < a.created_at <= now for a in answers)
        if answers:
            latest = max(answers, key=lambda a: a.created_at)
            assert (q.last_activity_at, q.last_activity_kind, q.last_activity_by_id) == (
                latest.created_at, "answered", latest.author_id)
        else:
            assert (q.last_activity_at, q.last_activity_kind) == (q.created_at, "asked")
