"""Daily rollups: the console, CSV and API read full days from them and report exactly the live numbers."""

import csv
import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select, update

from forum.extensions import db
from forum.models import (
    Answer,
    InsightMemberDay,
    InsightRollup,
    InsightRollupDay,
    Question,
    Role,
    User,
    utcnow,
)
from forum.services import insight_facts, insights, privacy
from tests.conftest import login
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.integration import test_insights
from tests.integration.test_insights import NOV, PERIOD, _bearer, _set, asked

community = test_insights.community  # the same fixture: a small community with known timestamps
FIRST, LAST = date(2026, 10, 18), date(2026, 11, 14)  # the previous period and the period


def _roll_up(app, first: date = FIRST, last: date = LAST) -> None:
    runner = app.test_cli_runner()
    day = first
    while day <= last:
        result = runner.invoke(args=["insights", "rollup", "--day", day.isoformat()])
        assert result.exit_code == 0, result.output
        day += timedelta(days=1)


def _numbers(report: insights.Report) -> dict:
    return {f.key: (f.value, f.previous, f.weekly) for s in report.sections for f in s.figures}


def test_rolled_up_figures_equal_the_live_ones(app, community):
    live = insights.report(community, use_rollups=False)
    assert live.live_days == 14
    _roll_up(app)
    rolled = insights.report(community)
    assert (rolled.rolled_days, rolled.live_days) == (14, 0)
    assert _numbers(rolled) == _numbers(live)
    assert rolled.figure("first_response_median").value == 4 * 3600
    assert rolled.figure("first_response_p90").weekly[1] == 10 * 3600 + 0.9 * 10 * 3600
    assert next(s for s in rolled.sections if s.key == "satisfaction").extra["distribution"] == {
        1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    one_product = insights.scope_from({"from": "2026-11-01", "to": "2026-11-14", "product": "thermostat"})
    assert _numbers(insights.report(one_product)) == _numbers(insights.report(one_product, use_rollups=False))


def test_console_csv_and_api_report_the_live_numbers_from_rollups(app, client, community):
    expected = {f.key: f.value for s in insights.report(community, use_rollups=False).sections for f in s.figures}
    _roll_up(app)
    manager = make_user(role=Role.MODERATOR)
    api = client.get(f"/api/v1/insights?{PERIOD}", headers=_bearer(manager)).get_json()
    assert {f["key"]: f["value"] for s in api["sections"] for f in s["figures"]} == expected
    login(client, manager)
    rows = list(csv.reader(io.StringIO(client.get(f"/mod/insights.csv?{PERIOD}").get_data(as_text=True))))
    assert {r[1]: float(r[4]) if r[4] else None for r in rows[1:]} == {
        k: float(v) if v is not None else None for k, v in expected.items()}
    html = client.get(f"/mod/insights?{PERIOD}").get_data(as_text=True)
    shown = dict(re.findall(r'data-figure="([a-z0-9_]+)">([^<]*)<', html))
    assert shown["first_response_median"] == "4 h 0 min" and shown["solved_7d"] == "50.0%"
    assert "14 days from the daily rollup" in html


def test_full_days_come_from_the_rollup_until_it_is_rerun(app, community):
    _roll_up(app)
    waiting = db.session.scalar(select(Question).where(Question.answer_count == 0))
    make_answer(waiting)  # a late first answer to the question of 4 Nov
    db.session.commit()
    assert insights.report(community).figure("unanswered").value == insights.report(
        community, use_rollups=False).figure("unanswered").value + 1 / 6
    rows = db.session.scalar(select(func.count(InsightRollup.id)))
    _roll_up(app, date(2026, 11, 4), date(2026, 11, 4))
    assert db.session.scalar(select(func.count(InsightRollup.id))) == rows  # replaced, not added
    assert insights.report(community).figure("unanswered").value == 0


def test_today_is_always_live(app):
    today = utcnow().date()
    make_question()
    old = make_question()
    db.session.execute(update(Question).where(Question.id == old.id).values(
        created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["insights", "rollup", "--days", "6"]).exit_code == 0
    report = insights.report(insights.scope_from({"period": "7"}))
    assert (report.rolled_days, report.live_days) == (6, 1)
    assert report.figure("questions_asked").value == 2
    refused = runner.invoke(args=["insights", "rollup", "--day", today.isoformat()])
    assert refused.exit_code != 0 and "Only a day that is over can be rolled up." in refused.output
    assert db.session.get(InsightRollupDay, today) is None


def test_bad_days_are_clear_errors(app):
    runner = app.test_cli_runner()
    for args in (["--day", "2026-02-30"], ["--day", "yesterday"], ["--days", "0"],
                 ["--day", "2026-11-01", "--days", "2"]):
        result = runner.invoke(args=["insights", "rollup", *args])
        assert result.exit_code == 2, (args, result.output)


def test_a_rollup_of_an_older_version_is_read_live(app, community):
    _roll_up(app)
    db.session.execute(update(InsightRollupDay).values(version=insight_facts.VERSION - 1))
    db.session.commit()
    report = insights.report(community)
    assert (report.rolled_days, report.live_days) == (0, 14)


def test_the_nightly_task_rolls_up_the_last_days(app, community):
    days = app.config["INSIGHTS_ROLLUP_DAYS"]
    task = app.extensions["celery"].tasks["forum.tasks.rollup_insights"]  # this app's, run in this process
    assert task.apply().result == days
    today = utcnow().date()
    assert set(db.session.scalars(select(InsightRollupDay.day))) == {
        today - timedelta(days=i) for i in range(1, days + 1)}


def test_a_tag_filter_is_live(app, community):
    _roll_up(app)
    tagged = insights.report(insights.scope_from({"from": "2026-11-01", "to": "2026-11-14", "tag": "schedule"}))
    assert (tagged.rolled_days, tagged.live_days) == (0, 14)
    assert tagged.figure("questions_asked").value == 6


def test_reading_rollups_takes_fewer_queries_and_does_not_grow(app, community, count_queries):
    insights.report(community, use_rollups=False)
    live = count_queries.count
    _roll_up(app)
    count_queries.count = 0
    insights.report(community)
    rolled = count_queries.count
    for day in range(1, 14):
        make_answer(asked(day))
    db.session.commit()
    _roll_up(app)
    count_queries.count = 0
    insights.report(community)
    assert count_queries.count == rolled < live


def _member_ids(column) -> list[int]:
    return [m for packed in db.session.scalars(select(column)) for m in insight_facts.unpack(packed)]


def test_contributors_come_from_the_member_days_with_the_live_numbers(app, community):
    first_asker, last_answerer, earlier_asker = (
        db.session.scalar(select(Question.author_id).order_by(Question.created_at).offset(1).limit(1)),
        db.session.scalar(select(Answer.author_id).order_by(Answer.created_at.desc()).limit(1)),
        db.session.scalar(select(Question.author_id).order_by(Question.created_at).limit(1)))
    _set(User, first_asker, created_at=NOV)
    _set(User, last_answerer, created_at=NOV + timedelta(days=3))
    _set(User, earlier_asker, created_at=NOV - timedelta(days=12))
    db.session.commit()
    live = insights.report(community, use_rollups=False)
    _roll_up(app)
    rolled = insights.report(community)
    fig = rolled.figure
    assert (fig("active_members").value, fig("active_members").weekly, fig("active_members").previous) == (
        11, [7, 4], 2)
    assert (fig("new_members").value, fig("new_members").weekly, fig("new_members").previous) == (2, [1, 1], 1)
    assert fig("top10_accepted_share").value == 1.0
    assert _numbers(rolled) == _numbers(live)
    assert db.session.scalar(select(func.count()).select_from(InsightMemberDay)) > 0
    assert len(_member_ids(InsightMemberDay.accepted)) == 2  # the two accepted answers of questions asked then


def test_a_deleted_account_leaves_the_member_days(app, community):
    _roll_up(app)
    helper = db.session.get(User, db.session.scalar(
        select(Answer.author_id).join(Question, Question.accepted_answer_id == Answer.id)
        .order_by(Question.created_at).limit(1)))
    assert helper.id in _member_ids(InsightMemberDay.active)
    assert helper.id in _member_ids(InsightMemberDay.accepted)
    exported = privacy.export(helper)["health_console_activity"]
    assert exported == [{"day": "2026-11-01", "product_id": exported[0]["product_id"], "active": True,
                         "accepted_answers": 1}]
    privacy.delete_account(helper, password=PASSWORD, confirmation=privacy.CONFIRMATION)
    db.session.commit()
    assert helper.id not in _member_ids(InsightMemberDay.active)
    assert helper.id not in _member_ids(InsightMemberDay.accepted)
    assert sorted(_member_ids(InsightMemberDay.accepted))[0] == 0  # the answer still counts, as nobody's
    rolled = insights.report(community)
    assert (rolled.rolled_days, rolled.live_days) == (14, 0)
    fig = rolled.figure
    assert (fig("active_members").value, fig("active_members").weekly) == (10, [6, 4])
    assert fig("top10_accepted_share").value == 0.5  # 1 of the 2 accepted answers has a ranked author
    assert _numbers(rolled) == _numbers(insights.report(community, use_rollups=False))
    _roll_up(app)  # re-rolling after the deletion writes the same
    assert helper.id not in _member_ids(InsightMemberDay.active) + _member_ids(InsightMemberDay.accepted)
    assert _numbers(insights.report(community)) == _numbers(rolled)
