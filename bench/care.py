"""Benchmark one care run: 100,000 open questions across 8 products with different business
hours, 10,000 of them past their product's escalation threshold (and so past its first-response
target, half of it); the others are within both.

The first run must escalate exactly those 10,000 (one case each, routed to the products' agents,
customers and agents notified, audit log and case history written) and announce them as
response overdue (one notice each), and the second must find nothing to do. Queries are counted
per run and compared at two sizes (--questions and --compare) to show
that finding the work does not grow with the number of questions. On PostgreSQL the run's
backend CPU time is reported beside this process's ("db cpu"): on a loaded machine their sum is
what the wall clock would be on a quiet one.
Run: `.venv/bin/python -m bench.care [--questions N] [--due N]`; with DATABASE_URL set it uses
that database instead of a temporary SQLite file (the database is EMPTIED first).
"""

import argparse
import os
import random
import tempfile
import time
from datetime import datetime, timedelta

from sqlalchemy import event, func, insert, select, text

from forum import create_app
from forum.extensions import db
from forum.models import Case, Product, ProductAgent, ProductCare, Question, ResponseOverdue, User
from forum.services.care import hours, run, targets
from forum.transaction import unit_of_work

RUN = datetime(2026, 11, 30, 14, 5)  # a Monday afternoon in Europe, morning in the Americas
PRODUCTS = [  # (time zone or None for 24 × 7, working days, opens, closes, escalate after N business hours)
    ("Europe/Berlin", [0, 1, 2, 3, 4], "09:00", "17:00", 8),
    ("America/New_York", [0, 1, 2, 3, 4], "08:00", "18:00", 4),
    ("Asia/Tokyo", [0, 1, 2, 3, 4, 5], "09:00", "19:00", 12),
    (None, [0, 1, 2, 3, 4, 5, 6], "00:00", "24:00", 24),
    ("Australia/Sydney", [0, 1, 2, 3, 4], "09:00", "17:30", 2),
    ("America/Los_Angeles", [1, 2, 3, 4, 5], "07:00", "15:00", 16),
    ("Asia/Kolkata", [0, 1, 2, 3, 4], "10:00", "18:00", 6),
    ("Europe/London", [0, 1, 2, 3, 4], "09:00", "24:00", 40),
]
MEMBERS, AGENTS_PER_PRODUCT = 5_000, 3
BATCH = 5_000


def _chunks(rows: list, size: int = BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def seed(questions: int, due: int, rng: random.Random) -> None:
    long_ago = RUN - timedelta(days=400)
    password = "!bench"  # noqa: S105 - an unusable marker, like accounts made by single sign-on
    users = [{"id": i, "username": f"member{i}", "username_key": f"member{i}", "email": f"member{i}@example.com",
              "password_hash": password, "role": "member", "reputation": 1, "about": "", "auth_version": 1,
              "created_at": long_ago, "display_name": "", "locale": ""} for i in range(1, MEMBERS + 1)]
    agent_ids = list(range(MEMBERS + 1, MEMBERS + 1 + len(PRODUCTS) * AGENTS_PER_PRODUCT))
    users += [{"id": i, "username": f"agent{i}", "username_key": f"agent{i}", "email": f"agent{i}@example.com",
               "password_hash": password, "role": "agent", "reputation": 1, "about": "", "auth_version": 1,
               "created_at": long_ago, "display_name": "", "locale": ""} for i in agent_ids]
    for chunk in _chunks(users):
        db.session.execute(insert(User), chunk)
    db.session.execute(insert(Product), [{"id": p, "slug": f"product-{p}", "name": f"Product {p}", "description": ""}
                                         for p in range(1, len(PRODUCTS) + 1)])
    care_rows, agent_rows = [], []
    for p, (zone, days, opens, closes, after) in enumerate(PRODUCTS, start=1):
        care_rows.append({"product_id": p, "time_zone": zone, "working_days": days, "opens_at": opens,
                          "closes_at": closes, "holidays": ["2026-12-25"], "first_response_hours": after // 2 or 1,
                          "escalation_policy": "every_question", "escalate_after_hours": after,
                          "escalation_priority": "normal", "update_cadence": {}, "updated_at": long_ago})
        for n in range(AGENTS_PER_PRODUCT):
            agent_rows.append({"product_id": p, "user_id": agent_ids[(p - 1) * AGENTS_PER_PRODUCT + n],
                               "assigned_at": long_ago + timedelta(minutes=n)})
    db.session.execute(insert(ProductCare), care_rows)
    db.session.execute(insert(ProductAgent), agent_rows)
    db.session.flush()
    cutoffs = {pid: hours.subtract_business_time(care.hours, RUN, care.escalate_after)
               for pid, care in targets.all_targets().items()}
    response_cutoffs = {pid: hours.subtract_business_time(care.hours, RUN, care.first_response)
                        for pid, care in targets.all_targets().items()}
    rows = []
    for q in range(1, questions + 1):
        product = (q % len(PRODUCTS)) + 1
        cutoff = cutoffs[product]
        if q <= due:  # waited past the threshold: asked up to two weeks before the cutoff
            when = cutoff - timedelta(minutes=rng.randint(1, 14 * 24 * 60))
        else:  # not yet, not even past the first-response target: asked after its cutoff
            cutoff = response_cutoffs[product]
            when = cutoff + timedelta(seconds=rng.randint(60, max(61, int((RUN - cutoff).total_seconds()) - 1)))
        rows.append({"id": q, "title": f"Question {q}: the display flickers after the update", "body_md": "body",
                     "body_html": "<p>body</p>", "author_id": rng.randint(1, MEMBERS), "product_id": product,
                     "created_at": when, "last_activity_at": when, "view_count": 0, "score": 0,
                     "answer_count": 0, "deleted_as_spam": False})
    for chunk in _chunks(rows):
        db.session.execute(insert(Question), chunk)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds a PostgreSQL backend process has used so far (it runs on this machine), or 0."""
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_run(counter: Counter) -> tuple[float, float, float, int, int, int]:
    """Wall-clock, this process's CPU seconds, the database server's CPU seconds for this session
    (PostgreSQL; 0 on SQLite, whose work is in this process), queries, escalations and
    response-overdue notices of one run (commit included). On a loaded machine the wall clock
    stretches; the two CPU figures add up to what a quiet machine's wall clock would be."""
    with unit_of_work():
        pid = db.session.scalar(text("SELECT pg_backend_pid()")) if db.engine.dialect.name == "postgresql" else None
        counter.count = 0
        t0, c0, s0 = time.perf_counter(), time.process_time(), _backend_cpu(pid)
        report = run.run(RUN)
    return (time.perf_counter() - t0, time.process_time() - c0, _backend_cpu(pid) - s0, counter.count,
            report.escalated, len(report.overdue))


def run_once(questions: int, due: int, seed_value: int = 16) -> dict:
    workdir = tempfile.mkdtemp(prefix="bench-care-")
    config = {"OUTBOX_SWEEP_SECONDS": 0, "LOG_LEVEL": "WARNING", "MAIL_FOLDER": os.path.join(workdir, "mail"),
              "CARE_RUN_LIMIT": max(20_000, due)}
    if not os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(workdir, "bench.sqlite3")
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed(questions, due, random.Random(seed_value))
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        first_s, first_cpu, first_db, first_q, escalated, overdue = timed_run(counter)
        second_s, second_cpu, second_db, second_q, again, overdue_again = timed_run(counter)
        event.remove(db.engine, "before_cursor_execute", counter)
        cases = db.session.scalar(select(func.count(Case.id)))
        threads = db.session.scalar(select(func.count(func.distinct(Case.question_id))))
        wrong = db.session.scalar(select(func.count(Case.id)).where(Case.question_id > due))
        notices = db.session.scalar(select(func.count()).select_from(ResponseOverdue))
        wrong += db.session.scalar(select(func.count()).select_from(ResponseOverdue).where(
            ResponseOverdue.question_id > due))
        dialect = db.engine.dialect.name
    return {"questions": questions, "due": due, "escalated": escalated, "cases": cases, "threads": threads,
            "wrong": wrong, "again": again + overdue_again, "overdue": overdue, "notices": notices,
            "first_s": first_s, "first_cpu": first_cpu, "first_db": first_db, "first_q": first_q,
            "second_s": second_s, "second_cpu": second_cpu, "second_db": second_db, "second_q": second_q,
            "dialect": dialect}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--compare", type=int, default=25_000,
                        help="also run with this many questions (same number due; 0: skip)")
    args = parser.parse_args()
    sizes = [n for n in (args.compare, args.questions) if n]
    results = [run_once(n, args.due) for n in sizes]
    print(f"database  {results[-1]['dialect']}")
    print(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"{'questions':>10} {'due':>7} {'escalated':>10} {'overdue':>8} {'1st run':>9} {'cpu':>8} {'db cpu':>8}"
          f" {'queries':>8} {'2nd run':>9} {'cpu':>8} {'db cpu':>8} {'queries':>8}")
    for r in results:
        print(f"{r['questions']:>10,} {r['due']:>7,} {r['escalated']:>10,} {r['overdue']:>8,} {r['first_s']:>8.2f}s"
              f" {r['first_cpu']:>7.2f}s {r['first_db']:>7.2f}s {r['first_q']:>8,} {r['second_s']:>8.2f}s"
              f" {r['second_cpu']:>7.2f}s {r['second_db']:>7.2f}s {r['second_q']:>8,}")
        assert r["escalated"] == r["due"] == r["cases"] == r["threads"] == r["overdue"] == r["notices"], r
        assert r["wrong"] == 0 and r["again"] == 0, r


if __name__ == "__main__":
    main()
