"""CPU time per page, in-process, beside a floor: what each page costs a worker, visitor and member.

Wall-clock latency on a shared machine mostly measures the other processes; the CPU time this
process spends serving one request through Flask's test client barely moves with them. For
each page this runs a few warm-up requests, then `--repeat` timed ones, and reports the
median of `time.process_time()` per request (and the 10%-trimmed mean beside it), the HTML
size and the SQL statements per request, for a visitor (the anonymous page cache off, so
every request renders) and for a signed-in member. The floor is `bench/floor.py`'s `/posts`:
a bare Flask + Jinja page rendering 50 posts (about 47 KB) from memory, measured the same way
in the same process; every page is also given as a multiple of it.

Pages: a question with 20 answers, the question with 50 answers, home, the busiest tag, a
product, and `/search?q=firmware+update` (Whoosh on SQLite, PostgreSQL search with
DATABASE_URL, when the seeded database has a search index).

Run after `.venv/bin/python -m bench.seed --scale 0.05 --search-index` (the same --sqlite or
DATABASE_URL):

    .venv/bin/python -m bench.pages [--sqlite instance/bench.sqlite3] [--repeat 200] [--only question]
"""

import argparse
import os
import re
import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import event, func, select

from bench.floor import app as floor_app
from bench.http import machine, missing_columns
from bench.seed import DEFAULT_SQLITE, PASSWORD, bench_app, database_uri
from forum.extensions import db
from forum.models import Product, Question, Tag, User, question_tags
from forum.urls import slugify

SEARCH_PATH = "/search?q=firmware+update"


@dataclass
class Timing:
    median_ms: float
    trimmed_ms: float
    size: int
    queries: float


@dataclass
class Page:
    name: str
    path: str
    visitor: Timing | None = None
    member: Timing | None = None
    notes: list[str] = field(default_factory=list)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1


def trimmed_mean(values: list[float], share: float = 0.1) -> float:
    cut = int(len(values) * share)
    kept = sorted(values)[cut:len(values) - cut] or values
    return sum(kept) / len(kept)


def time_page(client, path: str, repeat: int, warmup: int, counter: QueryCounter | None = None) -> Timing:
    """CPU ms per request for one path through a test client (raises on anything but 200)."""
    size = 0
    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        size = len(response.data)
    samples = []
    queries = 0
    for _ in range(repeat):
        before = counter.count if counter else 0
        start = time.process_time()
        response = client.get(path)
        body = response.data  # the whole body is produced inside the timed part
        samples.append((time.process_time() - start) * 1000)
        queries += (counter.count - before) if counter else 0
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        size = len(body)
    return Timing(statistics.median(samples), trimmed_mean(samples), size, queries / repeat)


def pages_for(app) -> tuple[list[Page], dict]:
    """The measured pages, from the seeded data; and facts about the community."""
    backend = app.extensions.get("search")
    with app.app_context():
        def question_with(answers: int):
            return db.session.execute(
                select(Question.id, Question.title)
                .where(Question.answer_count == answers, Question.deleted_at.is_(None))
                .order_by(Question.id).limit(1)).first()

        q20, q50 = question_with(20), question_with(50)
        if q50 is None or q20 is None:
            raise SystemExit("no questions with 20 and 50 answers: run `python -m bench.seed --scale 0.05` first")
        tag = db.session.scalar(
            select(Tag.name).join(question_tags, question_tags.c.tag_id == Tag.id)
            .group_by(Tag.id, Tag.name).order_by(func.count().desc(), Tag.name).limit(1))
        product = db.session.scalar(select(Product.slug).order_by(Product.id).limit(1))
        member = db.session.execute(select(User.username, User.reputation).where(User.role == "member")
                                    .order_by(User.id).limit(1)).first()
        facts = {"questions": db.session.scalar(select(func.count(Question.id))),
                 "member": member.username, "member_reputation": member.reputation,
                 "dialect": db.engine.dialect.name,
                 "documents": backend.count() if backend is not None else 0,
                 "backend": backend.name if backend is not None else "none"}
    pages = [
        Page("question, 20 answers", f"/questions/{q20.id}/{slugify(q20.title)}"),
        Page("question, 50 answers", f"/questions/{q50.id}/{slugify(q50.title)}"),
        Page("home", "/"),
        Page(f"tag page [{tag}]", f"/tags/{tag}"),
        Page(f"product page [{product}]", f"/products/{product}"),
    ]
    if facts["documents"]:
        pages.append(Page(f"search ({facts['documents']:,} documents, {facts['backend']})", SEARCH_PATH))
    return pages, facts


def sign_in(client, username: str) -> None:
    """Sign in through the real login form, CSRF token included."""
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form)
    data = {"login": username, "password": PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    if response.status_code not in (302, 303):
        raise SystemExit(f"could not sign in as {username}: {response.status_code}")


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×"


def report(pages: list[Page], floor: Timing) -> str:
    lines = ["| page | visitor CPU ms | × floor | member CPU ms | × floor | HTML visitor → member "
             "| member ÷ visitor | queries visitor / member |",
             "|---|---:|---:|---:|---:|---:|---:|---:|",
             f"| floor: 50 posts from memory (`bench/floor.py`) | {floor.median_ms:.2f} | 1.0× | — | — "
             f"| {floor.size / 1000:.0f} KB | — | 0 |"]
    for page in pages:
        v, m = page.visitor, page.member
        lines.append(f"| {page.name} | {v.median_ms:.2f} | {ratio(v.median_ms, floor.median_ms)} "
                     f"| {m.median_ms:.2f} | {ratio(m.median_ms, floor.median_ms)} "
                     f"| {v.size / 1000:.0f} KB → {m.size / 1000:.0f} KB | {m.size / v.size:.2f} "
                     f"| {v.queries:.0f} / {m.queries:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="the seeded SQLite file when DATABASE_URL is not set")
    parser.add_argument("--repeat", type=int, default=200, help="timed requests per page and reader")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page and reader first")
    parser.add_argument("--only", help="measure only pages whose name contains this text (and the floor)")
    args = parser.parse_args()
    uri = database_uri(args.sqlite)
    if uri and not os.path.exists(args.sqlite):
        raise SystemExit(f"{args.sqlite} does not exist: run `python -m bench.seed --scale 0.05 --search-index`")
    # Read by create_app: no page cache (every visitor request renders) and no request log
    # lines on the terminal (their cost is a filtered INFO record, kept in the timing).
    os.environ.update(FORUM_ANONYMOUS_PAGE_CACHE_SECONDS="0", FORUM_LOG_LEVEL="WARNING")
    app = bench_app(args.sqlite)
    missing = missing_columns(app)
    if missing:
        raise SystemExit("the models changed after seeding; the database lacks " + ", ".join(missing)
                         + ": run `python -m bench.seed` again")
    pages, facts = pages_for(app)
    if args.only:
        pages = [p for p in pages if args.only in p.name]
    load_before = os.getloadavg()
    floor = time_page(floor_app.test_client(), "/posts", args.repeat, args.warmup)
    counter = QueryCounter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
    visitor = app.test_client()
    member = app.test_client()
    sign_in(member, facts["member"])
    for page in pages:
        page.visitor = time_page(visitor, page.path, args.repeat, args.warmup, counter)
        page.member = time_page(member, page.path, args.repeat, args.warmup, counter)
        if b"Sign in" in member.get(page.path).data:
            raise SystemExit(f"{page.path} was not served to a signed-in member")
        print(f"  {page.name:45} visitor {page.visitor.median_ms:7.2f} ms  member {page.member.median_ms:7.2f} ms",
              flush=True)
    load_after = os.getloadavg()
    print()
    print(f"machine: {machine()}")
    print(f"database: {facts['dialect']}, {facts['questions']:,} questions; search: {facts['backend']}, "
          f"{facts['documents']:,} documents; member: {facts['member']} ({facts['member_reputation']:,} reputation)")
    print(f"CPU ms per request: median of {args.repeat} requests after {args.warmup} warm-up ones "
          f"(time.process_time through the test client); page cache off")
    print(f"load average (1/5/15 min): {' / '.join(f'{x:.1f}' for x in load_before)} before, "
          f"{' / '.join(f'{x:.1f}' for x in load_after)} after")
    print()
    print(report(pages, floor))
    print()
    print("trimmed means (10% each side), visitor / member ms: " + "; ".join(
        f"{p.name} {p.visitor.trimmed_ms:.2f} / {p.member.trimmed_ms:.2f}" for p in pages)
        + f"; floor {floor.trimmed_ms:.2f}")


if __name__ == "__main__":
    main()
