"""The health console's figures on a small community with known timestamps: exact medians, p90s and rates."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from forum.extensions import db
from forum.models import Answer, Case, CaseSurvey, HelpfulVote, Question, Role, User
from forum.services import acceptance, insights, satisfaction
from forum.services.errors import NotFound, ValidationFailed
from moderation import escalation
from tests.factories import make_answer, make_question, make_user

H = 3600
NOV = datetime(2026, 11, 1)


def at(day: int, hour: int = 10) -> datetime:
    return NOV + timedelta(days=day - 1, hours=hour)


def _set(model, row_id: int, **values) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(**values))


def asked(day: int, asker=None, **kwargs) -> Question:
    question = make_question(asker, **kwargs)
    _set(Question, question.id, created_at=at(day))
    return question


def answered(question: Question, after_seconds: int, author=None) -> Answer:
    answer = make_answer(question, author)
    created = db.session.get(Question, question.id).created_at
    _set(Answer, answer.id, created_at=created + timedelta(seconds=after_seconds))
    return answer


def case_for(question: Question, agent: User, *, opened: datetime, resolved: datetime, due: datetime,
             rating: int | None, closed: bool = False) -> Case:
    case = escalation.escalate(question.id, actor=agent, priority="high").case
    escalation.transition(case, "resolved", actor=agent, summary="Fixed with the firmware update 4.2.")
    if rating is not None:
        survey = satisfaction.survey_of_case(case.id)
        satisfaction.record(survey, question.author, rating)
    if closed:
        escalation.customer_response(question.id, customer=question.author, accept=True)
    _set(Case, case.id, created_at=opened, resolved_at=resolved, sla_due_at=due,
         closed_at=resolved + timedelta(hours=1) if closed else None)
    db.session.execute(update(CaseSurvey).where(CaseSurvey.case_id == case.id).values(sent_at=resolved))
    db.session.commit()
    return case


@pytest.fixture
def community():
    """Two weeks (1–14 Nov 2026) of questions with known response times, and one question the week before."""
    agent = make_user(role=Role.AGENT)
    q1 = asked(1)
    answered(q1, 600, author=db.session.get(User, q1.author_id))  # the asker's own answer is no response
    a1 = answered(q1, 1 * H)
    q2 = asked(2)
    a2 = answered(q2, 2 * H, author=agent)
    q3 = asked(3)
    answered(q3, 4 * H)
    asked(4)  # never answered
    q5 = asked(8)
    answered(q5, 10 * H)
    q6 = asked(9)
    deleted = answered(q6, 1 * H)
    _set(Answer, deleted.id, deleted_at=at(9, 12))
    answered(q6, 20 * H)
    q0 = asked(-10)  # 22 Oct: the previous period
    answered(q0, 1800)
    db.session.commit()
    acceptance.accept_answer(a1.id, q1.author)
    acceptance.accept_answer(a2.id, q2.author)
    case_for(q3, agent, opened=at(3, 12), resolved=at(4, 12), due=at(5), rating=5, closed=True)
    case_for(q5, agent, opened=at(8, 12), resolved=at(12, 12), due=at(9), rating=2)
    for member, helpful in ((make_user(), True), (make_user(), False)):
        satisfaction.vote_helpful(member, "answer", a1.id, helpful)
    db.session.execute(update(HelpfulVote).values(updated_at=at(6)))
    db.session.commit()
    return insights.scope_from({"from": "2026-11-01", "to": "2026-11-14"})


def test_exact_response_times_rates_and_previous_period(community):
    report = insights.report(community)
    fig = report.figure
    assert fig("questions_asked").value == 6 and fig("questions_asked").weekly == [4, 2]
    # Responses after 1 h, 2 h, 4 h, 10 h, 20 h: median rank 2, p90 rank 3.6.
    assert fig("first_response_median").value == 4 * H
    assert fig("first_response_p90").value == 10 * H + 0.6 * 10 * H
    assert fig("first_response_median").weekly == [2 * H, 15 * H]
    assert fig("first_response_p90").weekly == [pytest.approx(2 * H + 0.8 * 2 * H), 10 * H + 0.9 * 10 * H]
    assert (fig("first_response_median").previous, fig("first_response_p90").previous) == (1800, 1800)
    assert fig("without_first_response").value == pytest.approx(1 / 6)
    assert fig("without_first_response").weekly == [0.25, 0.0]
    assert fig("unanswered").value == pytest.approx(1 / 6)
    assert fig("solved_7d").value == 0.5 and fig("solved_30d").value == 0.5
    assert fig("solved_7d").weekly == [0.75, 0.0]
    assert fig("escalated").value == pytest.approx(2 / 6)
    assert fig("staff_first_responses").value == pytest.approx(1 / 5)
    assert fig("questions_asked").previous == 1 and fig("unanswered").previous == 0


def test_case_resolution_csat_and_helpful(community):
    fig = insights.report(community).figure
    assert fig("cases_opened").value == 2 and fig("cases_opened").weekly == [1, 1]
    assert fig("resolution_median").value == (24 * H + 96 * H) / 2
    assert fig("resolution_p90").value == pytest.approx(24 * H + 0.9 * 72 * H)
    assert fig("resolved_in_sla").value == 0.5
    assert fig("csat_average").value == 3.5 and fig("csat_response_rate").value == 1.0
    assert fig("csat_average").weekly == [5.0, 2.0]
    section = next(s for s in insights.report(community).sections if s.key == "satisfaction")
    assert section.extra["distribution"] == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert fig("helpful_answers").value == 0.5 and fig("helpful_articles").value is None


def test_contributors_and_filters(community):
    fig = insights.report(community).figure
    # Week 1: four askers, two answerers and the agent (q1's asker answering herself is one member);
    # week 2: two askers and two answerers (the deleted answer's author doesn't count); before: two.
    assert fig("active_members").value == 11 and fig("active_members").weekly == [7, 4]
    assert fig("active_members").previous == 2
    assert fig("new_members").value == 0  # every account was created today, after the period
    assert fig("top10_accepted_share").value == 1.0 and fig("top10_accepted_share").previous is None
    other = make_question(product="doorbell")
    _set(Question, other.id, created_at=at(2))
    db.session.commit()
    everything = insights.report(insights.scope_from({"from": "2026-11-01", "to": "2026-11-14"})).figure
    assert everything("questions_asked").value == 7
    only = insights.report(insights.scope_from({"from": "2026-11-01", "to": "2026-11-14", "product": "doorbell"}))
    assert only.figure("questions_asked").value == 1 and only.figure("first_response_median").value is None
    tagged = insights.report(insights.scope_from({"from": "2026-11-01", "to": "2026-11-14", "tag": "schedule"}))
    assert tagged.figure("questions_asked").value == 7


@pytest.mark.parametrize(("args", "error"), [
    ({"period": "14"}, ValidationFailed), ({"from": "2026-13-01"}, ValidationFailed),
    ({"from": "2026-11-10", "to": "2026-11-01"}, ValidationFailed), ({"from": "2024-01-01", "to": "2026-01-01"},
                                                                     ValidationFailed),
    ({"product": "nope"}, NotFound), ({"tag": "nope"}, NotFound)])
def test_bad_scopes_are_clear_errors(args, error):
    with pytest.raises(error):
        insights.scope_from(args)


def test_the_query_count_does_not_grow_with_the_community(community, count_queries):
    insights.report(community)
    small = count_queries.count
    for day in range(1, 14):
        answered(asked(day), 3 * H)
    db.session.commit()
    count_queries.count = 0
    insights.report(community)
    assert count_queries.count == small <= 40


PERIOD = "from=2026-11-01&to=2026-11-14"


def _bearer(user) -> dict:
    from forum.services import tokens

    return {"Authorization": f"Bearer {tokens.create_token(user, 'insights')}"}


def test_console_csv_and_api_report_the_same_numbers(client, community):
    import csv
    import io
    import re

    from tests.conftest import login

    manager = make_user(role=Role.MODERATOR)
    report = insights.report(community)
    expected = {f.key: f.value for s in report.sections for f in s.figures}
    api = client.get(f"/api/v1/insights?{PERIOD}", headers=_bearer(manager)).get_json()
    from_api = {f["key"]: f["value"] for s in api["sections"] for f in s["figures"]}
    assert from_api == expected
    assert api["scope"]["from"] == "2026-11-01" and api["scope"]["previous"]["from"] == "2026-10-18"
    ttfr = next(f for s in api["sections"] for f in s["figures"] if f["key"] == "first_response_median")
    assert ttfr["weekly"] == [{"week_start": "2026-11-01", "value": 2 * H}, {"week_start": "2026-11-08", "value": 15 * H}]
    login(client, manager)
    rows = list(csv.reader(io.StringIO(client.get(f"/mod/insights.csv?{PERIOD}").get_data(as_text=True))))
    assert rows[0][:6] == ["section", "figure", "label", "unit", "value", "previous"]
    from_csv = {r[1]: r[4] for r in rows[1:]}
    assert from_csv["first_response_median"] == str(4.0 * H) and from_csv["first_response_p90"] == str(57600.0)
    assert {k: float(v) if v else None for k, v in from_csv.items()} == {
        k: float(v) if v is not None else None for k, v in expected.items()}
    only = list(csv.reader(io.StringIO(client.get(f"/mod/insights.csv?section=support&{PERIOD}").get_data(as_text=True))))
    assert {r[0] for r in only[1:]} == {"support"}
    page = client.get(f"/mod/insights?{PERIOD}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = dict(re.findall(r'data-figure="([a-z0-9_]+)">([^<]*)<', html))
    assert shown["first_response_median"] == "4 h 0 min" and shown["first_response_p90"] == "16 h 0 min"
    assert shown["solved_7d"] == "50.0%" and shown["csat_average"] == "3.50" and shown["questions_asked"] == "6"
    assert html.count('class="insights-chart" src="data:image/svg+xml;base64,') >= 15
    assert "Weekly trend of time to first response, median: 01 Nov 2 h 0 min, 08 Nov 15 h 0 min." in html


def test_console_is_for_moderators_agents_and_admins(client):
    from tests.conftest import login

    member = make_user(reputation_points=10_000)
    assert client.get("/mod/insights").status_code == 403
    assert client.get("/api/v1/insights").status_code == 401
    assert client.get("/api/v1/insights", headers=_bearer(member)).status_code == 403
    login(client, member)
    assert client.get("/mod/insights").status_code == 403
    assert client.get("/mod/insights.csv").status_code == 403
    for role in (Role.AGENT, Role.MODERATOR, Role.ADMIN):
        staff = make_user(role=role)
        assert client.get("/api/v1/insights?period=7", headers=_bearer(staff)).status_code == 200
        client.post("/logout")
        login(client, staff)
        assert client.get("/mod/insights?period=90").status_code == 200


def test_bad_filters_are_clear_4xx_on_every_surface(client):
    from tests.conftest import login

    agent = make_user(role=Role.AGENT)
    for query, status in (("period=x", 422), ("from=yesterday", 422), ("product=nope", 404)):
        assert client.get(f"/api/v1/insights?{query}", headers=_bearer(agent)).status_code == status
    # Any two calendar dates name a period for an API client, and the answer says which one was used.
    for query, used in (("from=2026-11-10&to=2026-11-01", ("2026-11-01", "2026-11-11")),
                        ("from=2024-01-01&to=2026-11-30", ("2025-11-30", "2026-12-01")),
                        ("to=2026-11-30&period=7", ("2026-11-24", "2026-12-01")),
                        ("from=0001-01-01&to=0001-01-05", ("1900-01-01", "1900-01-02"))):
        answer = client.get(f"/api/v1/insights?{query}", headers=_bearer(agent))
        assert answer.status_code == 200, query
        assert (answer.get_json()["scope"]["from"], answer.get_json()["scope"]["to"]) == used, query
    login(client, agent)
    page = client.get("/mod/insights?period=x")
    assert page.status_code == 422 and "Choose the last 7, 30 or 90 days." in page.get_data(as_text=True)
    assert client.get("/mod/insights.csv?from=2026-02-30").status_code == 422
    assert client.get("/mod/insights.csv?section=nope").status_code == 400


def test_the_page_and_api_query_count_is_bounded(client, community, count_queries):
    from tests.conftest import login

    agent = make_user(role=Role.AGENT)
    login(client, agent)
    client.get(f"/mod/insights?{PERIOD}")  # the session's first page also refreshes the member's session row
    count_queries.count = 0
    assert client.get(f"/mod/insights?{PERIOD}").status_code == 200
    page_queries = count_queries.count
    for day in range(1, 14):
        answered(asked(day), 3 * H)
    db.session.commit()
    client.get(f"/mod/insights?{PERIOD}")  # the test's commits expired the member the page loads
    count_queries.count = 0
    client.get(f"/mod/insights?{PERIOD}")
    assert count_queries.count == page_queries <= 50
