"""Benchmark reputation verification and the vote use case at scale.

Seeds MEMBERS members and about EVENTS ledger events (joins, votes and acceptances that
agree with the votes table) through bulk inserts, then times `verify` over everything and
single calls of the vote service. Run: `.venv/bin/python -m bench.reputation [--members N]`;
set DATABASE_URL to run it on PostgreSQL (the database is emptied first).
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert, select

from forum import create_app
from forum.extensions import db
from forum.models import Answer, Product, Question, ReputationEntry, User, Vote, utcnow
from forum.services import verification, votes
from forum.transaction import unit_of_work
from reputation import rules
from reputation.events import PostKind, RepEvent

BATCH = 20_000


def _chunks(rows, size=BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def seed(members: int, questions: int, answers: int, vote_count: int, rng: random.Random) -> int:
    now = utcnow()
    start = now - timedelta(days=365)
    db.session.execute(insert(Product), [{"id": 1, "slug": "bench", "name": "Bench", "description": ""}])
    password = "pbkdf2:sha256:1000$bench$" + "0" * 64
    for chunk in _chunks(list(range(1, members + 1))):
        db.session.execute(insert(User), [
            {"id": i, "username": f"user{i}", "username_key": f"user{i}", "email": f"user{i}@example.com",
             "password_hash": password, "role": "member", "reputation": 1, "about": "", "auth_version": 1,
             "created_at": start} for i in chunk])
    q_author = {q: rng.randint(1, members) for q in range(1, questions + 1)}
    db.session.execute(insert(Question), [
        {"id": q, "title": f"Question {q} about the thermostat", "body_md": "body", "body_html": "<p>body</p>",
         "author_id": a, "product_id": 1, "created_at": start, "last_activity_at": start, "view_count": 0,
         "score": 0, "answer_count": 0} for q, a in q_author.items()])
    a_author = {}
    a_question = {}
    for a in range(1, answers + 1):
        a_question[a] = rng.randint(1, questions)
        author = rng.randint(1, members)
        while author == q_author[a_question[a]]:
            author = rng.randint(1, members)
        a_author[a] = author
    for chunk in _chunks(list(a_author)):
        db.session.execute(insert(Answer), [
            {"id": a, "question_id": a_question[a], "author_id": a_author[a], "body_md": "answer body",
             "body_html": "<p>answer body</p>", "score": 0, "created_at": start} for a in chunk])
    entries = [{"user_id": u, "event": RepEvent.JOINED.value, "amount": 1, "delta": 1, "created_at": start}
               for u in range(1, members + 1)]
    seen = set()
    vote_rows = []
    scores: dict[int, int] = {}
    while len(vote_rows) < vote_count:
        a = rng.randint(1, answers)
        voter = rng.randint(1, members)
        if voter == a_author[a] or (voter, a) in seen:
            continue
        seen.add((voter, a))
        value = -1 if rng.random() < 0.1 else 1
        when = start + timedelta(seconds=rng.randint(0, 365 * 86400))
        vote_rows.append({"user_id": voter, "answer_id": a, "value": value, "created_at": when, "updated_at": when})
        scores[a] = scores.get(a, 0) + value
        for grant in rules.vote_grants(PostKind.ANSWER, value):
            subject = a_author[a] if grant.role.value == "author" else voter
            entries.append({"user_id": subject, "event": grant.event.value, "amount": grant.amount,
                            "delta": grant.amount, "answer_id": a, "actor_id": voter, "created_at": when})
    accepted = {}
    for a in rng.sample(range(1, answers + 1), answers // 6):
        q = a_question[a]
        if q in accepted:
            continue
        accepted[q] = a
        for grant in rules.accept_grants(self_accept=False):
            subject = a_author[a] if grant.role.value == "author" else q_author[q]
            entries.append({"user_id": subject, "event": grant.event.value, "amount": grant.amount,
                            "delta": grant.amount, "answer_id": a, "actor_id": q_author[q], "created_at": now})
    for chunk in _chunks(vote_rows):
        db.session.execute(insert(Vote), chunk)
    for chunk in _chunks(entries):
        db.session.execute(insert(ReputationEntry), [
            {"question_id": None, "answer_id": None, "actor_id": None, "reason": None, "reverses_id": None, **e}
            for e in chunk])
    for q, a in accepted.items():
        db.session.execute(Question.__table__.update().where(Question.id == q).values(accepted_answer_id=a))
    for a, score in scores.items():
        db.session.execute(Answer.__table__.update().where(Answer.id == a).values(score=score))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # Fresh bulk loads have no planner statistics until autovacuum gets to them.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    verification.recompute()
    return len(entries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--votes-timed", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(42)
    workdir = tempfile.mkdtemp(prefix="bench-rep-")
    uri = None if os.environ.get("DATABASE_URL") else "sqlite:///" + os.path.join(workdir, "bench.sqlite3")
    # Votes re-index their thread: keep that index in the work folder, not the app's instance/search-index.
    config = {"SEARCH_INDEX_DIR": os.path.join(workdir, "search-index"), "OUTBOX_SWEEP_SECONDS": 0}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": uri} if uri else config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        vote_count = int((args.events - args.members) / 1.1)
        t0 = time.perf_counter()
        n_events = seed(args.members, args.members // 5, args.members // 2, vote_count, rng)
        seeded = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = verification.verify()
        verify_s = time.perf_counter() - t0
        assert report.ok, [d.describe() for d in report.differences[:5]]

        high = list(db.session.scalars(select(User).where(User.reputation >= 150).limit(args.votes_timed)))
        answer_ids = list(db.session.scalars(select(Answer.id).limit(5000)))
        timings = []
        for voter in high:
            answer_id = rng.choice(answer_ids)
            t0 = time.perf_counter()
            try:
                with unit_of_work():  # what the vote view does: the vote and its commit
                    votes.vote(voter, PostKind.ANSWER, answer_id, rng.choice((1, -1)))
            except Exception:  # noqa: S112 - a refused vote (say, on a locked thread) is not timed
                continue
            timings.append((time.perf_counter() - t0) * 1000)
        dialect = db.engine.dialect.name
    print(f"database          {dialect}")
    print(f"members           {args.members:,}")
    print(f"ledger events     {n_events:,} (seeded in {seeded:.1f} s)")
    print(f"verify            {verify_s:.2f} s  = {n_events / verify_s:,.0f} events/s, "
          f"{report.difference_count} differences")
    if timings:
        print(f"vote (service)    p50 {statistics.median(timings):.2f} ms, "
              f"p95 {statistics.quantiles(timings, n=20)[-1]:.2f} ms over {len(timings)} votes")


if __name__ == "__main__":
    main()
