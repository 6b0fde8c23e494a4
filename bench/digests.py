"""Benchmark a daily digest run: select the due members, build each digest and hand it to the mail transport.

Seeds MEMBERS members with mixed preferences (daily, weekly, off; time zones where it is
07:xx at the run and some where it is not; a few deleted accounts; following products, tags
and questions, or nothing) and POSTS new posts in the last day (questions and answers to
followed questions), then times what Celery beat and the workers do at Monday 07:05 in
Central Europe: `digests.due()` (the fan-out's selection, batched) and `digests.deliver_many()`
for every due member (claim the DigestDelivery row, build, render both parts, hand over).

Mail goes to the default transport (.eml files in a temporary folder) unless --smtp HOST:PORT
names a real server. Queries are counted per phase and reported per member; run it at two
sizes (--members 2500 and the default 10000) to see that they do not grow with members.
Run: `.venv/bin/python -m bench.digests [--members N] [--posts N]`; with DATABASE_URL set it
uses that database instead of a temporary SQLite file (the database is EMPTIED first).
"""

import argparse
import os
import random
import tempfile
import time
from datetime import datetime, timedelta

from sqlalchemy import event, func, insert, select

from forum import create_app
from forum.extensions import db
from forum.models import (
    Answer,
    DigestDelivery,
    Follow,
    MailSettings,
    Product,
    Question,
    Tag,
    User,
    question_tags,
)
from forum.services import digests
from forum.transaction import unit_of_work

RUN = datetime(2026, 3, 2, 6, 5)  # Monday 07:05 in Berlin, Paris, Madrid, Rome and Lagos
DUE_ZONES = ("Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Africa/Lagos")
OTHER_ZONES = ("America/New_York", "Asia/Tokyo", "UTC")
PRODUCTS, TAGS = 12, 60
BATCH = 5_000


def _chunks(rows: list, size: int = BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def seed(members: int, posts: int, rng: random.Random) -> dict[str, int]:
    """Bulk-insert the community; returns counts of what was made."""
    long_ago = RUN - timedelta(days=60)
    db.session.execute(insert(Product), [{"id": p, "slug": f"product-{p}", "name": f"Product {p}", "description": ""}
                                         for p in range(1, PRODUCTS + 1)])
    db.session.execute(insert(Tag), [{"id": t, "name": f"tag-{t}", "description": ""} for t in range(1, TAGS + 1)])
    password = "pbkdf2:sha256:1000$bench$" + "0" * 64
    for chunk in _chunks(list(range(1, members + 1))):
        db.session.execute(insert(User), [
            {"id": i, "username": f"member{i}", "username_key": f"member{i}", "email": f"member{i}@example.com",
             "password_hash": password, "role": "member", "reputation": 1, "about": "", "auth_version": 1,
             "created_at": long_ago, "deleted_at": long_ago if i % 97 == 0 else None} for i in chunk])
    # Older questions: some are followed (they get the new answers), some still wait for an answer.
    older = max(200, posts // 5)
    rows, tag_rows = [], []
    for q in range(1, older + 1):
        when = RUN - timedelta(days=rng.randint(2, 25), minutes=rng.randint(0, 1440))
        rows.append({"id": q, "title": f"Older question {q} about the heating schedule", "body_md": "body",
                     "body_html": "<p>body</p>", "author_id": rng.randint(1, members),
                     "product_id": rng.randint(1, PRODUCTS), "created_at": when, "last_activity_at": when,
                     "view_count": 0, "score": 0, "answer_count": 0})
    new_questions = posts * 7 // 10
    new_answers = posts - new_questions
    window_start = RUN - timedelta(hours=23)
    for q in range(older + 1, older + new_questions + 1):
        when = window_start + timedelta(seconds=rng.randint(0, 22 * 3600))
        rows.append({"id": q, "title": f"New question {q}: the display flickers after the update", "body_md": "body",
                     "body_html": "<p>body</p>", "author_id": rng.randint(1, members),
                     "product_id": rng.randint(1, PRODUCTS), "created_at": when, "last_activity_at": when,
                     "view_count": 0, "score": 0, "answer_count": 0})
    for chunk in _chunks(rows):
        db.session.execute(insert(Question), chunk)
    for q in range(1, older + new_questions + 1):
        for t in rng.sample(range(1, TAGS + 1), rng.randint(1, 3)):
            tag_rows.append({"question_id": q, "tag_id": t})
    for chunk in _chunks(tag_rows):
        db.session.execute(insert(question_tags), chunk)
    answered = rng.sample(range(1, older + 1), min(older, older // 2))
    answer_rows = []
    for a in range(1, new_answers + 1):
        when = window_start + timedelta(seconds=rng.randint(0, 22 * 3600))
        answer_rows.append({"id": a, "question_id": rng.choice(answered), "author_id": rng.randint(1, members),
                            "body_md": "answer", "body_html": "<p>answer</p>", "score": 0, "created_at": when})
    for chunk in _chunks(answer_rows):
        db.session.execute(insert(Answer), chunk)
    db.session.execute(Question.__table__.update().where(Question.id.in_(
        select(Answer.question_id))).values(answer_count=1))
    # Preferences: 45% daily, 15% weekly, 40% off; most in zones where it is 07:xx now.
    settings, follows = [], []
    for user_id in range(1, members + 1):
        roll = rng.random()
        digest = "daily" if roll < 0.45 else "weekly" if roll < 0.60 else "off"
        zone = rng.choice(DUE_ZONES) if rng.random() < 0.85 else rng.choice(OTHER_ZONES)
        settings.append({"user_id": user_id, "digest": digest, "time_zone": zone, "updated_at": long_ago})
        if rng.random() < 0.08:
            continue  # follows nothing
        for p in rng.sample(range(1, PRODUCTS + 1), rng.randint(0, 2)):
            follows.append({"user_id": user_id, "product_id": p, "created_at": long_ago})
        for t in rng.sample(range(1, TAGS + 1), rng.randint(0, 4)):
            follows.append({"user_id": user_id, "tag_id": t, "created_at": long_ago})
        for q in rng.sample(answered, rng.randint(0, 4)):
            follows.append({"user_id": user_id, "question_id": q, "created_at": long_ago})
    for chunk in _chunks(settings):
        db.session.execute(insert(MailSettings), chunk)
    for chunk in _chunks(follows):
        db.session.execute(insert(Follow), chunk)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return {"questions": older + new_questions, "new_questions": new_questions, "new_answers": new_answers,
            "follows": len(follows)}


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1


def run_once(members: int, posts: int, smtp: str | None, seed_value: int) -> dict:
    rng = random.Random(seed_value)
    workdir = tempfile.mkdtemp(prefix="bench-digests-")
    # LOG_LEVEL WARNING: the file transport logs a line per message, which would flood the output.
    config = {"MAIL_FOLDER": os.path.join(workdir, "mail"), "MAIL_SERVER": None, "OUTBOX_SWEEP_SECONDS": 0,
              "LOG_LEVEL": "WARNING"}
    if smtp:
        host, _, port = smtp.partition(":")
        config.update(MAIL_SERVER=host, MAIL_PORT=int(port or 25))
    if not os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(workdir, "bench.sqlite3")
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        made = seed(members, posts, rng)
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        t0 = time.perf_counter()
        batches = list(digests.due(RUN))
        due = [pair for batch in batches for pair in batch]
        select_s = time.perf_counter() - t0
        select_queries = counter.count
        db.session.rollback()
        counter.count = 0
        t0, c0 = time.perf_counter(), time.process_time()
        sent = 0
        for batch in batches:  # what the beat task's fan-out hands to one send_digest_batch task each
            user_ids = [user_id for user_id, _ in batch]
            with unit_of_work():  # what the send_digest_batch task does: one commit per batch
                sent += sum(1 for count in digests.deliver_many(user_ids, batch[0][1]).values() if count)
        deliver_s, deliver_cpu = time.perf_counter() - t0, time.process_time() - c0
        deliver_queries = counter.count
        event.remove(db.engine, "before_cursor_execute", counter)
        handled = db.session.scalar(select(func.count(DigestDelivery.id)))
        again = sum(len(b) for b in digests.due(RUN))
        dialect = db.engine.dialect.name
        folder = config["MAIL_FOLDER"]
        mail_files = len(os.listdir(folder)) if not smtp and os.path.isdir(folder) else None
    return {"members": members, "posts": posts, "due": len(due), "sent": sent, "handled": handled, "again": again,
            "select_s": select_s, "select_queries": select_queries, "deliver_s": deliver_s,
            "deliver_queries": deliver_queries, "deliver_cpu": deliver_cpu, "dialect": dialect,
            "mail_files": mail_files, **made}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--compare", type=int, default=2_500,
                        help="also run with this many members (0: skip) to compare queries per member")
    parser.add_argument("--smtp", metavar="HOST:PORT", help="hand mail to this SMTP server instead of files")
    args = parser.parse_args()
    sizes = [n for n in (args.compare, args.members) if n]
    results = [run_once(n, args.posts, args.smtp, 42) for n in sizes]
    print(f"database  {results[-1]['dialect']}; mail to {'SMTP ' + args.smtp if args.smtp else '.eml files'}")
    print(f"{'members':>8} {'due':>6} {'sent':>6} {'select':>9} {'q/member':>9} {'deliver':>9} {'q/member':>9}"
          f" {'cpu ms/member':>14} {'members/s':>10}")
    for r in results:
        total_s = r["select_s"] + r["deliver_s"]
        print(f"{r['members']:>8,} {r['due']:>6,} {r['sent']:>6,} {r['select_s']:>8.2f}s "
              f"{r['select_queries'] / max(1, r['due']):>9.3f} {r['deliver_s']:>8.2f}s "
              f"{r['deliver_queries'] / max(1, r['due']):>9.2f} {r['deliver_cpu'] / max(1, r['due']) * 1000:>14.1f}"
              f" {r['due'] / total_s:>10,.0f}")
        assert r["handled"] == r["due"] and r["again"] == 0, r
        if r["mail_files"] is not None:
            assert r["mail_files"] == r["sent"], r
    last = results[-1]
    print(f"posts in the window: {last['new_questions']:,} questions, {last['new_answers']:,} answers; "
          f"{last['follows']:,} follows; a second run finds {last['again']} due (each period once).")


if __name__ == "__main__":
    main()
