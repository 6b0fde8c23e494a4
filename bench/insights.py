"""Benchmark the community health console: the page, the CSV and the API over 90 days of a seeded community.

Needs a database built by `bench.seed` (its timeline ends 2026-11-01, so the measured period is
the 90 days up to 31 Oct 2026). The seed has no support cases, surveys or flags, so this adds
them once (marked by the bench agent's account): a case for every 40th question of the last
120 days, resolved after a few hours to days, half of them rated, and a "did this help?" vote
on every 10th accepted answer, so every table of the console has work to do.

It also gives every product a first-response target (8 business hours, Berlin office hours), so
the "answered within the target" figure has its business-hours arithmetic to do.

First it times rolling up one day (the busiest of the period) and then rolls up every day of the
period and of the previous period (what the nightly task and `flask insights rollup` write), and
times `report()` read live (no rollups) against read from the rollups. Each surface is then
requested through the real app (a signed-in moderator, a staff API token), reading the rollups,
timed in wall-clock ms, best and median of --repeat runs after one warm-up, with the SQL
statements per request. Run:
  .venv/bin/python -m bench.insights --sqlite /tmp/pcb/bench.sqlite3
  DATABASE_URL=postgresql://… .venv/bin/python -m bench.insights
"""

import argparse
import os
import random
import re
import statistics
import time
from datetime import date, datetime, timedelta

from sqlalchemy import Date, event, func, insert, select

FROM, TO = "2026-08-03", "2026-10-31"
PASSWORD = "bench-insights-password"  # noqa: S105 - the benchmark account on a throwaway database


def _add_support_work(rng: random.Random) -> dict:
    """Cases, surveys and helpful votes on the seeded questions (once; a second run finds them)."""
    from forum.extensions import db
    from forum.models import Answer, Case, CaseSurvey, HelpfulVote, Question, Role, User
    from forum.services import accounts

    agent = db.session.scalar(select(User).where(User.username == "bench_insights_agent"))
    if agent is None:
        agent = accounts.register("bench_insights_agent", "bench-agent@example.com", PASSWORD, role=Role.MODERATOR)
    if db.session.scalar(select(func.count(Case.id))):
        return {"cases": db.session.scalar(select(func.count(Case.id)))}
    since = datetime(2026, 11, 1) - timedelta(days=120)
    rows = db.session.execute(select(Question.id, Question.author_id, Question.product_id, Question.created_at)
                              .where(Question.created_at >= since, Question.id % 40 == 0)).all()
    cases, surveys = [], []
    for i, (question_id, author_id, product_id, created) in enumerate(rows, start=1):
        opened = created + timedelta(hours=rng.randint(1, 48))
        resolved = opened + timedelta(minutes=rng.randint(30, 7 * 24 * 60))
        cases.append({"id": i, "question_id": question_id, "active_question_id": None, "customer_id": author_id,
                      "product_id": product_id, "priority": "normal", "status": "closed", "created_by_id": agent.id,
                      "sla_due_at": opened + timedelta(days=3), "resolution_summary": "Resolved in the benchmark.",
                      "created_at": opened, "updated_at": resolved, "resolved_at": resolved,
                      "closed_at": resolved + timedelta(hours=1)})
        rated = i % 2 == 0
        surveys.append({"case_id": i, "customer_id": author_id, "product_id": product_id, "link_nonce": None,
                        "sent_at": resolved, "expires_at": resolved + timedelta(days=7),
                        "rating": rng.randint(1, 5) if rated else None, "comment": "",
                        "rated_at": resolved + timedelta(hours=2) if rated else None})
    if cases:
        db.session.execute(insert(Case), cases)
        db.session.execute(insert(CaseSurvey), surveys)
    accepted = db.session.execute(select(Question.accepted_answer_id, Answer.created_at)
                                  .join(Answer, Answer.id == Question.accepted_answer_id)
                                  .where(Question.created_at >= since, Question.accepted_answer_id % 10 == 0)).all()
    voters = db.session.scalars(select(User.id).where(User.role == "member").order_by(User.id).limit(200)).all()
    votes = [{"user_id": voters[i % len(voters)], "answer_id": answer_id, "helpful": rng.random() < 0.8,
              "created_at": when + timedelta(days=1), "updated_at": when + timedelta(days=1)}
             for i, (answer_id, when) in enumerate(accepted)]
    if votes:
        db.session.execute(insert(HelpfulVote), votes)
    db.session.commit()
    return {"cases": len(cases), "helpful_votes": len(votes)}


def _add_targets() -> None:
    """Berlin office hours and an 8-business-hour first-response target for every product (once)."""
    from forum.extensions import db
    from forum.models import Product, ProductCare

    for product_id in db.session.scalars(select(Product.id)):
        if db.session.get(ProductCare, product_id) is None:
            db.session.add(ProductCare(product_id=product_id, time_zone="Europe/Berlin", working_days=[0, 1, 2, 3, 4],
                                       opens_at="09:00", closes_at="17:00", holidays=[], first_response_hours=8,
                                       escalation_policy="off", escalate_after_hours=8, escalation_priority="normal",
                                       update_cadence={}))
    db.session.commit()


def _rollups(counter: list[int]) -> dict:
    """Time one day's rollup (the busiest of the period), then roll up the period and the one before."""
    from forum.extensions import db
    from forum.models import Question
    from forum.services import insight_facts

    first, last = date.fromisoformat(FROM), date.fromisoformat(TO)
    day_col = func.date(Question.created_at) if db.engine.dialect.name == "sqlite" else func.cast(
        Question.created_at, Date)
    busiest, asked = db.session.execute(
        select(day_col, func.count()).where(Question.created_at >= datetime.combine(first, datetime.min.time()),
                                            Question.created_at < datetime.combine(last, datetime.min.time()))
        .group_by(day_col).order_by(func.count().desc()).limit(1)).one()
    busiest = busiest if isinstance(busiest, date) else date.fromisoformat(busiest)
    before = counter[0]
    start, start_cpu = time.perf_counter(), time.process_time()
    insight_facts.rollup_day(busiest)
    db.session.commit()
    one = ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000, counter[0] - before)
    start = time.perf_counter()
    day, days = first - (last - first) - timedelta(days=1), 0
    while day <= last:
        insight_facts.rollup_day(day)
        db.session.commit()
        day, days = day + timedelta(days=1), days + 1
    return {"busiest_day": busiest.isoformat(), "busiest_asked": asked, "one_day": one, "all_days": days,
            "all_days_s": time.perf_counter() - start}


def _report_ms(scope, use_rollups: bool, counter: list[int]) -> tuple:
    from forum.services import insights

    insights.report(scope, use_rollups=use_rollups)  # warm-up
    before = counter[0]
    start, start_cpu = time.perf_counter(), time.process_time()
    report = insights.report(scope, use_rollups=use_rollups)
    return ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000, counter[0] - before,
            report)


def _time(client, path: str, repeat: int, counter: list[int], **kwargs) -> tuple:
    """Best and median wall ms, median CPU ms (this process; the database's own work is in wall only
    on PostgreSQL), statements and bytes of one request, after a warm-up."""
    response = client.get(path, **kwargs)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
    wall, cpu, queries = [], [], 0
    for _ in range(repeat):
        before = counter[0]
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, **kwargs)
        body = response.data
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        queries = counter[0] - before
    return min(wall), statistics.median(wall), statistics.median(cpu), queries, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default="instance/bench.sqlite3", help="the seeded SQLite file (no DATABASE_URL)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = "sqlite:///" + os.path.abspath(args.sqlite)
    os.environ.setdefault("FORUM_ANONYMOUS_PAGE_CACHE_SECONDS", "0")
    from forum import create_app
    from forum.extensions import db
    from forum.models import Answer, Question, User
    from forum.services import insights, tokens

    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    counter = [0]

    def count(*_args) -> None:
        counter[0] += 1

    with app.app_context():
        db.create_all()  # tables added since the database was seeded (bench.seed builds from the models)
        event.listen(db.engine, "before_cursor_execute", count)
        facts = {"dialect": db.engine.dialect.name, "questions": db.session.scalar(select(func.count(Question.id))),
                 "answers": db.session.scalar(select(func.count(Answer.id)))}
        facts.update(_add_support_work(random.Random(17)))
        _add_targets()
        agent = db.session.scalar(select(User).where(User.username == "bench_insights_agent"))
        token = tokens.create_token(agent, "bench")
        db.session.commit()
        facts.update(_rollups(counter))
        scope = insights.scope_from({"from": FROM, "to": TO})
        live_ms, live_cpu, live_queries, live = _report_ms(scope, False, counter)
        rolled_ms, rolled_cpu, rolled_queries, report = _report_ms(scope, True, counter)
        same = all(a.value == b.value and a.weekly == b.weekly and a.previous == b.previous
                   for sa, sb in zip(live.sections, report.sections, strict=True)
                   for a, b in zip(sa.figures, sb.figures, strict=True))
        facts["questions_in_period"] = report.figure("questions_asked").value
        facts["median_first_response_s"] = report.figure("first_response_median").value
        facts["within_target"] = report.figure("within_target").value
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"login": "bench_insights_agent", "password": PASSWORD})
        query = f"from={FROM}&to={TO}"
        one_ms, one_cpu, one_queries = facts["one_day"]
        rows = [(f"rollup of one day ({facts['busiest_day']}, {facts['busiest_asked']} asked)", one_ms, one_ms,
                 one_cpu, one_queries, None),
                ("report() live, no rollups (before)", live_ms, live_ms, live_cpu, live_queries, None),
                ("report() from rollups (after)", rolled_ms, rolled_ms, rolled_cpu, rolled_queries, None)]
        for label, path, kwargs in (
                ("console page /mod/insights, 90 days", f"/mod/insights?{query}", {}),
                ("CSV /mod/insights.csv, 90 days", f"/mod/insights.csv?{query}", {}),
                ("API /api/v1/insights, 90 days", f"/api/v1/insights?{query}",
                 {"headers": {"Authorization": f"Bearer {token}"}}),
                ("console page, 90 days, one product", f"/mod/insights?{query}&product=thermostat", {})):
            rows.append((label, *_time(client, path, args.repeat, counter, **kwargs)))
    print(f"rolled up {facts['all_days']} days (period and previous period) in {facts['all_days_s']:.1f} s; "
          f"live and rolled-up figures identical: {same}")
    print(f"database: {facts['dialect']}, {facts['questions']:,} questions, {facts['answers']:,} answers; "
          f"{facts['questions_in_period']:,} questions asked {FROM}..{TO}; cases added: {facts.get('cases')}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'surface':44} {'best ms':>8} {'median ms':>10} {'CPU ms':>7} {'queries':>8} {'bytes':>9}")
    for label, best, median, cpu, queries, size in rows:
        print(f"{label:44} {best:8.0f} {median:10.0f} {cpu:7.0f} {queries if queries is not None else '':>8} "
              f"{size if size is not None else '':>9}")
    print(re.sub(r"\s+", " ", f"median time to first response in the period: {facts['median_first_response_s']} s; "
                              f"answered within the target: {facts['within_target']}"))


if __name__ == "__main__":
    main()
