"""Threads solved by support: the asker accepted a case's resolution, so the thread is solved
(lists, the Unanswered filter and feed, counts, search's "accepted" filter, the API), and the asker
talks to support on the thread without posting an answer."""

import pytest

from forum.extensions import db
from forum.models import Answer, CaseUpdate
from forum.services import queries
from forum.services.care import first_response
from moderation import escalation
from tests.conftest import login
from tests.factories import make_question, make_user

RESOLUTION = "Replaced the faulty base plate; the readings are right again."


@pytest.fixture
def agent():
    return make_user(role="agent")


def solved_thread(agent, title="Thermostat reads three degrees too warm"):
    q = make_question(title=title)
    case = escalation.escalate(q.id, actor=agent).case
    escalation.transition(case, "resolved", actor=agent, summary=RESOLUTION)
    escalation.customer_response(q.id, customer=q.author, accept=True)
    return q, case


def summary_of(page: str, title: str) -> str:
    """The list item of the question titled `title`."""
    at = page.index(title)
    end = page.find('<li class="q-summary">', at)
    return page[page.rfind('<li class="q-summary">', 0, at):end if end != -1 else None]


def titles(sort: str) -> list[str]:
    return [q.title for q in queries.list_questions(sort, per_page=100).items]


def test_an_accepted_resolution_solves_the_thread_everywhere(client, agent):
    q, _case = solved_thread(agent)
    open_q = make_question(title="Schedule forgets the weekend programme")
    assert first_response.is_solved(q.id)
    assert q.title not in titles("unanswered") and open_q.title in titles("unanswered")
    assert queries.list_questions("unanswered", per_page=100).total == 1
    listing = client.get("/?sort=active").get_data(as_text=True)
    assert "Solved by support" in summary_of(listing, q.title)
    assert "Solved by support" not in summary_of(listing, open_q.title)
    unanswered = client.get("/?sort=unanswered").get_data(as_text=True)
    assert q.title not in unanswered and open_q.title in unanswered
    feed = client.get("/feeds/unanswered.rss").get_data(as_text=True)
    assert q.title not in feed and open_q.title in feed
    api = client.get("/api/v1/questions?sort=unanswered").get_json()
    assert [i["title"] for i in api["items"]] == [open_q.title]
    detail = client.get(f"/api/v1/questions/{q.id}").get_json()
    assert detail["solved"] is True and detail["solved_by_support"] is True
    thread = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Solved by support" in thread
    assert "Solution from support" in thread and RESOLUTION in thread


def test_search_counts_support_solutions_as_solved(client, agent):
    q, _case = solved_thread(agent, title="Humidity sensor drifts after the update")
    hits = client.get("/api/v1/search?q=humidity&accepted=true").get_json()["items"]
    assert [h["title"] for h in hits] == [q.title]
    assert hits[0]["has_accepted_answer"] is True


def test_reopening_the_case_makes_the_thread_unsolved_again(agent):
    q, case = solved_thread(agent)
    escalation.transition(case, "open", actor=agent)
    db.session.refresh(q)
    assert not q.is_solved_by_support and not first_response.is_solved(q.id)
    assert q.title in titles("unanswered")


def test_a_case_closed_by_staff_is_not_solved_by_support(agent):
    q = make_question()
    case = escalation.escalate(q.id, actor=agent).case
    escalation.transition(case, "resolved", actor=agent, summary=RESOLUTION)
    escalation.transition(case, "closed", actor=agent)
    db.session.refresh(q)
    assert not q.is_solved_by_support
    assert q.title in titles("unanswered")


def test_support_resolutions_and_replies_move_the_thread_up_the_active_list(agent):
    older = make_question(title="Display dims at night on its own")
    newer = make_question(title="Wi-Fi pairing fails on the second floor")
    assert titles("active")[:2] == [newer.title, older.title]
    case = escalation.escalate(older.id, actor=agent).case
    escalation.post_update(case, "Could you tell us the firmware version?", public=True, actor=agent)
    assert titles("active")[:2] == [older.title, newer.title]


def test_the_asker_replies_to_support_on_the_thread_without_answering(client, agent):
    q = make_question()
    case = escalation.escalate(q.id, actor=agent).case
    escalation.transition(case, "waiting_on_customer", actor=agent)
    login(client, q.author)
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Reply to the support team" in page
    r = client.post(f"/questions/{q.id}/support-reply", data={"body": "Firmware 4.2.1, bought in March."})
    assert r.status_code == 302 and r.headers["Location"].endswith("#support-reply")
    db.session.refresh(case)
    db.session.refresh(q)
    assert case.status == "open"  # the ball is back in support's court
    assert q.answer_count == 0 and db.session.scalar(db.select(db.func.count(Answer.id))) == 0
    reply = db.session.scalar(db.select(CaseUpdate).where(CaseUpdate.kind == "customer_reply"))
    assert reply.public and reply.author_id == q.author_id
    thread = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Reply from the asker" in thread and "Firmware 4.2.1, bought in March." in thread
    assert "Your reply is sent to the support team." in thread
    assert first_response.first_response_at(q.id) is None  # the asker's own words are no response
    staff = client.get(f"/cases/{case.reference}")
    assert staff.status_code == 403
    login(client, agent)
    assert "Reply from the customer" in client.get(f"/cases/{case.reference}").get_data(as_text=True)


def test_only_the_asker_replies_to_support_and_not_on_a_closed_case(client, agent):
    q = make_question()
    case = escalation.escalate(q.id, actor=agent).case
    login(client, make_user())
    page = client.get(f"/questions/{q.id}", follow_redirects=True).get_data(as_text=True)
    assert "Reply to the support team" not in page
    r = client.post(f"/questions/{q.id}/support-reply", data={"body": "Me too, same problem here."},
                    follow_redirects=True)
    assert "Only the person who asked" in r.get_data(as_text=True)
    login(client, q.author)
    r = client.post(f"/questions/{q.id}/support-reply", data={"body": " "}, follow_redirects=True)
    assert r.status_code == 200 and "2–10,000 characters" in r.get_data(as_text=True)
    escalation.transition(case, "resolved", actor=agent, summary=RESOLUTION)
    escalation.transition(case, "closed", actor=agent)
    r = client.post(f"/questions/{q.id}/support-reply", data={"body": "One more thing about it."},
                    follow_redirects=True)
    assert "This case is closed" in r.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(CaseUpdate.id)).where(CaseUpdate.kind == "customer_reply")) == 0
