"""Case satisfaction surveys: asked on resolution, answered by POST from signed single-use links, private comments."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import CaseSurvey, Notification, Role
from forum.services import notifications, preferences, privacy, satisfaction
from forum.transaction import transactional, unit_of_work
from moderation import escalation
from tests.conftest import login
from tests.factories import PASSWORD, make_question, make_user
from tests.integration.test_mail import settle

RATING_LINK = re.compile(r"^(\d) - .*: (http\S+)$", re.M)


@pytest.fixture
def agent():
    return make_user(role=Role.AGENT)


@transactional
def resolved_case(agent, asker=None):
    question = make_question(asker or make_user(), title="Thermostat loses its schedule every night")
    case = escalation.escalate(question.id, actor=agent, priority="high").case
    escalation.transition(case, "resolved", actor=agent, summary="Firmware 4.2 fixes the schedule; update it.")
    return case


@transactional
def opted_in_asker():
    asker = make_user()
    preferences.update_choices(asker, digest="off", time_zone="UTC", email_kinds={"case_survey"})
    return asker


def email_links(mailbox, asker) -> dict[int, str]:
    settle()
    [message] = mailbox.wait_for(1, to=asker.email)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")

    links = {int(n): url for n, url in RATING_LINK.findall(text)}
    assert sorted(links) == [1, 2, 3, 4, 5]
    return {n: urlsplit(url).path + "?" + urlsplit(url).query for n, url in links.items()}


def test_resolving_asks_once_in_app_and_by_email_when_opted_in(agent, mailbox):
    asker = opted_in_asker()
    case = resolved_case(agent, asker)
    survey = satisfaction.survey_of_case(case.id)
    assert (survey.customer_id, survey.rating, survey.expires_at - survey.sent_at) == (asker.id, None, timedelta(days=7))
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == asker.id,
                                                           Notification.kind == "case_survey")).all()
    assert "How satisfied are you" in notifications.describe(note) and note.message == "case.survey"
    links = email_links(mailbox, asker)
    [message] = mailbox.messages(to=asker.email)
    assert message["Subject"] == f"{case.reference}: How satisfied are you with the help you got?"
    assert message["List-Unsubscribe"]
    assert "/satisfaction/" in links[5]
    # Re-opening and resolving again asks nothing more: one survey per case.
    with unit_of_work():
        escalation.transition(case, "open", actor=agent)
    with unit_of_work():
        escalation.transition(case, "resolved", actor=agent, summary="Replaced the unit under warranty.")
    assert db.session.scalar(select(func.count(CaseSurvey.id))) == 1


def test_no_survey_email_without_opting_in_but_the_notification_arrives(agent, mailbox):
    asker = make_user()
    resolved_case(agent, asker)
    settle()
    assert mailbox.messages() == []
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == "case_survey")) == 1


def test_the_link_shows_a_preselected_rating_and_only_the_post_records(client, agent, mailbox):
    asker = opted_in_asker()
    case = resolved_case(agent, asker)
    links = email_links(mailbox, asker)
    assert client.get(links[4]).status_code == 302  # a mail scanner (no session) is sent to sign in
    login(client, asker)
    page = client.get(links[4])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'value="4" checked', html) and not re.search(r'value="5" checked', html)
    assert satisfaction.survey_of_case(case.id).rating is None  # GET records nothing
    done = client.post(links[4].split("?")[0], data={"rating": "4", "comment": "Quick and friendly."})
    assert done.status_code == 302
    db.session.expire_all()
    survey = satisfaction.survey_of_case(case.id)
    assert (survey.rating, survey.comment) == (4, "Quick and friendly.")
    # The same link can't record a second time…
    again = client.post(links[2].split("?")[0], data={"rating": "2"})
    assert again.status_code == 410
    assert "used already" in again.get_data(as_text=True)
    db.session.expire_all()
    assert satisfaction.survey_of_case(case.id).rating == 4
    # …but the signed-in asker can change the rating from the notification for 7 days.
    changed = client.post(f"/questions/{case.question_id}/satisfaction", data={"rating": "5", "comment": ""})
    assert changed.status_code == 302
    db.session.expire_all()
    assert satisfaction.survey_of_case(case.id).rating == 5


def emailed(agent, mailbox):
    """A resolved case whose asker got the survey email, and that email's links by rating."""
    asker = opted_in_asker()
    case = resolved_case(agent, asker)
    return asker, case, email_links(mailbox, asker)


def assert_refused_everywhere(client, case, link: str, status: int) -> None:
    """The link's page, its POST and the in-app survey all refuse, and nothing is recorded."""
    assert client.get(link).status_code == status
    assert client.post(link.split("?")[0], data={"rating": "3"}).status_code == status
    assert client.post(f"/questions/{case.question_id}/satisfaction", data={"rating": "3"}).status_code == status
    db.session.expire_all()
    assert satisfaction.survey_of_case(case.id).rating is None


def test_another_member_cannot_use_the_link(client, agent, mailbox):
    _asker, case, links = emailed(agent, mailbox)
    login(client, make_user())
    assert_refused_everywhere(client, case, links[1], 403)


def test_links_and_changes_stop_after_seven_days(client, agent, mailbox):
    asker, case, links = emailed(agent, mailbox)
    survey = satisfaction.survey_of_case(case.id)
    survey.sent_at -= timedelta(days=7, minutes=1)
    survey.expires_at -= timedelta(days=7, minutes=1)
    db.session.commit()
    login(client, asker)
    assert_refused_everywhere(client, case, links[3], 410)


def test_a_tampered_link_is_refused(client, agent, mailbox):
    asker, _case, links = emailed(agent, mailbox)
    login(client, asker)
    path = links[5].split("?")[0]
    assert client.get(path[:-3] + "xyz").status_code == 404
    assert client.post(path[:-3] + "xyz", data={"rating": "5"}).status_code == 404


@pytest.mark.parametrize("bad", ["0", "6", "x", "", "4.5", "-1"])
def test_bad_ratings_get_a_clear_error(client, agent, mailbox, bad):
    asker, case, links = emailed(agent, mailbox)
    login(client, asker)
    response = client.post(links[5].split("?")[0], data={"rating": bad})
    assert response.status_code == 422
    assert "Choose 1 (very dissatisfied) to 5 (very satisfied)." in response.get_data(as_text=True)
    db.session.expire_all()
    survey = satisfaction.survey_of_case(case.id)
    assert survey.rating is None and survey.link_nonce is not None  # the link still works after a mistake
    assert client.get(links[5].replace("rating=5", f"rating={bad}")).status_code == 200


def test_comments_are_for_staff_only(client, agent):
    asker = make_user()
    case = resolved_case(agent, asker)
    login(client, asker)
    client.post(f"/questions/{case.question_id}/satisfaction", data={"rating": "2", "comment": "Took nine days."})
    client.post("/logout")
    thread = client.get(f"/questions/{case.question_id}", follow_redirects=True).get_data(as_text=True)
    assert "Took nine days." not in thread
    login(client, make_user(reputation_points=5000))
    assert "Took nine days." not in client.get(f"/questions/{case.question_id}", follow_redirects=True).get_data(as_text=True)
    assert client.get(f"/cases/{case.reference}").status_code == 403
    client.post("/logout")
    login(client, agent)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Took nine days." in page and "Rated <strong>2 of 5</strong>" in page


def test_ratings_are_exported_and_anonymised_on_deletion(client, agent):
    asker = make_user()
    case = resolved_case(agent, asker)
    survey = satisfaction.survey_of_case(case.id)
    satisfaction.record(survey, asker, 5, "Lovely")
    db.session.commit()
    exported = privacy.export(asker)["satisfaction"]
    assert exported["case_ratings"] == [{"case": case.reference, "rating": 5, "comment": "Lovely",
                                         "rated_at": exported["case_ratings"][0]["rated_at"],
                                         "asked_at": exported["case_ratings"][0]["asked_at"]}]
    privacy.delete_account(asker, password=PASSWORD, confirmation="DELETE")
    db.session.expire_all()
    survey = satisfaction.survey_of_case(case.id)
    assert (survey.customer_id, survey.comment, survey.rating) == (None, "", 5)
