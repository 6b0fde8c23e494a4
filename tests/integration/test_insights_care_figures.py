"""The console's response-target, escalation, first-responder, self-service and content-gap figures."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from forum.extensions import db
from forum.models import Role, SearchGap, SelfServiceEvent, User, utcnow
from forum.services import insights, privacy, self_service
from forum.services.care import run
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user
from tests.integration import test_insights
from tests.integration.test_care_run import configure
from tests.integration.test_insight_rollups import _numbers, _roll_up

community = test_insights.community  # the same fixture: a small community with known timestamps
H = 3600


def test_within_target_manual_and_automatic_escalation_and_first_responders(app, community):
    admin = make_user(role=Role.ADMIN)
    configure(admin, time_zone=None, first_response_hours=3, escalation_policy="every_question",
              escalate_after_hours=1)
    with unit_of_work():  # 5 Nov: the question of 4 Nov, still waiting, is escalated by the care run
        assert run.run(datetime(2026, 11, 5, 12)).escalated == 1
    fig = insights.report(community, use_rollups=False).figure
    # First responses after 1 h, 2 h, 4 h, 10 h, 20 h and none: within 3 h for two of the six.
    assert fig("within_target").value == pytest.approx(2 / 6) and fig("within_target").weekly == [0.5, 0.0]
    assert fig("escalated_manual").value == pytest.approx(2 / 6)
    assert fig("escalated_auto").value == pytest.approx(1 / 6) and fig("escalated_auto").weekly == [0.25, 0.0]
    assert fig("escalated").value == pytest.approx(3 / 6)
    assert fig("staff_first_responses").value == pytest.approx(1 / 5)
    assert fig("member_first_responses").value == pytest.approx(4 / 5)
    _roll_up(app)
    assert _numbers(insights.report(community)) == _numbers(insights.report(community, use_rollups=False))


def _asked_at(when: datetime, product: str = "doorbell"):
    question = make_question(product=product)
    test_insights._set(type(question), question.id, created_at=when)
    return question


def test_the_target_counts_in_business_hours(app):
    admin = make_user(role=Role.ADMIN)
    # Berlin, Mon–Fri 09:00–17:00, 2 business hours: asked Friday 6 Nov 16:00 CET is due Monday 10:00 CET.
    configure(admin, "doorbell", time_zone="Europe/Berlin", working_days=[0, 1, 2, 3, 4], opens_at="09:00",
              closes_at="17:00", first_response_hours=2)
    friday = datetime(2026, 11, 6, 15)  # 16:00 CET
    in_time, late = _asked_at(friday), _asked_at(friday)
    _asked_at(friday)  # never answered
    for question, answered in ((in_time, datetime(2026, 11, 9, 8, 59)), (late, datetime(2026, 11, 9, 9, 1))):
        answer = make_answer(question)
        test_insights._set(type(answer), answer.id, created_at=answered)
    db.session.commit()
    scope = insights.scope_from({"from": "2026-11-02", "to": "2026-11-08", "product": "doorbell"})
    fig = insights.report(scope, use_rollups=False).figure
    assert fig("within_target").value == pytest.approx(1 / 3)  # the unanswered one is past its target too


def _searched_yesterday() -> None:
    """Move every self-service record's clock back a day, so its 24 hours are over."""
    for event in db.session.scalars(select(SelfServiceEvent)):
        event.created_at -= timedelta(hours=25)
    db.session.commit()


def test_self_service_searches_that_spared_a_question_against_those_asked_anyway(app, client, community):
    solved = db.session.scalar(select(test_insights.Question).where(
        test_insights.Question.accepted_answer_id.is_not(None)))
    spared, asker, idle = make_user(), make_user(), make_user()
    login(client, spared)
    assert client.get("/search?q=reset+schedule").status_code == 200
    client.get(f"/questions/{solved.id}", follow_redirects=True)  # a solved thread: may have self-served
    client.post("/logout")
    login(client, asker)
    client.get("/search?q=schedule+keeps+coming+back")
    client.get(f"/questions/{solved.id}", follow_redirects=True)
    make_question(asker)  # asked anyway, within 24 hours
    client.post("/logout")
    login(client, idle)
    client.get("/search?q=schedule")  # neither opened anything nor asked
    client.get("/search?q=schedule&page=2")  # later pages are not new searches
    assert db.session.scalar(select(db.func.count(SelfServiceEvent.id))) == 3
    fig = insights.report(insights.scope_from({"period": "7"})).figure
    assert fig("self_served").value == 0 and fig("asked_anyway").value == 1  # the spared search's 24 h aren't over
    _searched_yesterday()
    report = insights.report(insights.scope_from({"period": "7"}))
    fig = report.figure
    assert (fig("self_served").value, fig("asked_anyway").value, fig("self_service_rate").value) == (1, 1, 0.5)
    thermostat = insights.report(insights.scope_from({"period": "7", "product": "thermostat"})).figure
    assert thermostat("self_served").value == 1
    _roll_up(app, utcnow().date() - timedelta(days=7), utcnow().date() - timedelta(days=1))
    rolled = insights.report(insights.scope_from({"period": "7"}))
    assert rolled.rolled_days == 6 and _numbers(rolled) == _numbers(
        insights.report(insights.scope_from({"period": "7"}), use_rollups=False))


def test_member_ids_are_kept_only_while_they_can_change_the_outcome(app, client):
    member, leaving = make_user(), make_user()
    for user in (member, leaving):
        login(client, user)
        client.get("/search?q=schedule")
        client.post("/logout")
    privacy.delete_account(db.session.get(User, leaving.id), password="correct-horse-battery",
                           confirmation=privacy.CONFIRMATION)
    db.session.commit()
    assert set(db.session.scalars(select(SelfServiceEvent.user_id))) == {member.id, None}
    with unit_of_work():
        assert self_service.forget() == (0, 0)  # the window is still open
    _searched_yesterday()
    assert app.test_cli_runner().invoke(args=["insights", "rollup"]).exit_code == 0
    assert set(db.session.scalars(select(SelfServiceEvent.user_id))) == {None}
    db.session.execute(update(SelfServiceEvent).values(created_at=utcnow() - timedelta(days=91)))
    db.session.add(SearchGap(day=(utcnow() - timedelta(days=91)).date(), term="old", searches=3))
    db.session.commit()
    with unit_of_work():
        assert self_service.forget() == (0, 3)
    assert db.session.scalar(select(db.func.count(SelfServiceEvent.id))) == 0


def test_content_gaps_are_normalised_counted_and_shown_everywhere(app, client):
    for query in ("Order 1234567 WIFI xyzzy", "order 7654321 wifi   XYZZY", "quux frobnicate"):
        assert client.get("/search", query_string={"q": query}).status_code == 200
    client.get("/search", query_string={"q": "schedule"})
    make_question()
    client.get("/search", query_string={"q": "thermostat"})
    gaps = dict(db.session.execute(select(SearchGap.term, SearchGap.searches)).all())
    assert gaps == {"order wifi xyzzy": 2, "quux frobnicate": 1, "schedule": 1}
    assert not db.session.scalar(select(db.func.count(SelfServiceEvent.id)))  # visitors: no outcome records
    report = insights.report(insights.scope_from({"period": "7"}))
    assert report.figure("searches_without_results").value == 4
    section = next(s for s in report.sections if s.key == "content_gaps")
    assert section.extra["gaps"][:2] == [("order wifi xyzzy", 2), ("quux frobnicate", 1)]
    staff = make_user(role=Role.MODERATOR)
    api = client.get("/api/v1/insights?period=7", headers=test_insights._bearer(staff)).get_json()
    from_api = next(s for s in api["sections"] if s["key"] == "content_gaps")
    assert from_api["gaps"][0] == {"term": "order wifi xyzzy", "searches": 2}
    login(client, staff)
    csv_text = client.get("/mod/insights.csv?section=content_gaps&period=7").get_data(as_text=True)
    assert "content_gaps,search_without_results,order wifi xyzzy,count,2" in csv_text
    html = client.get("/mod/insights?period=7").get_data(as_text=True)
    assert 'data-gap="order wifi xyzzy">2<' in html and "1234567" not in html


def test_every_new_figure_has_its_definition_on_the_page(client, community):
    staff = make_user(role=Role.AGENT)
    login(client, staff)
    html = client.get(f"/mod/insights?{test_insights.PERIOD}").get_data(as_text=True)
    for key in ("within_target", "escalated_manual", "escalated_auto", "member_first_responses", "self_served",
                "asked_anyway", "self_service_rate", "searches_without_results"):
        assert f'<tr id="figure-{key}">' in html
        row = html.split(f'<tr id="figure-{key}">', 1)[1].split("</tr>", 1)[0]
        assert "<details class=\"insights-definition\">" in row
