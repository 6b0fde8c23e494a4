"""Benchmark search at 100,000 posts: index build time and query latency, Whoosh and PostgreSQL.

Generates a deterministic community (seeded random; common words, a support-forum
vocabulary and an 8,000-word long tail, each Zipf-distributed, plus model numbers and error
codes), bulk-inserts it, then for each backend
times `flask search reindex`'s rebuild and 200 mixed searches through the search service
(words, phrases, OR, exclusions, filters, sorts, deeper pages, misspellings that take the
"did you mean" path) plus similar-question lookups. Run:

    .venv/bin/python -m bench.search [--posts 100000] [--queries 200]

With DATABASE_URL pointing at PostgreSQL (the database is emptied first) both backends are
measured; on SQLite only Whoosh is. Targets: Whoosh p95 ≤ 50 ms, PostgreSQL p95 ≤ 30 ms.
"""

import argparse
import itertools
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from forum import create_app
from forum.extensions import db
from forum.models import Answer, Product, Question, Tag, User, question_tags, utcnow
from forum.search import indexing, service
from forum.search.postgres_backend import PostgresBackend
from forum.search.whoosh_backend import WhooshBackend

BATCH = 5_000
PRODUCTS = [("thermostat", "Northwind Thermostat"), ("hub", "Northwind Hub"), ("camera", "Northwind Camera"),
            ("doorbell", "Northwind Doorbell"), ("app", "Northwind App")]
DOMAIN = """
schedule battery wifi firmware update display router password account notification sensor temperature humidity
boiler radiator valve zone geofence bluetooth pairing reset heating cooling fan filter calibration offset mode
eco away holiday vacation program setpoint screen backlight brightness button menu settings network connection
signal channel frequency modem internet cloud server login email alert alarm siren motion detection recording
storage subscription video stream resolution night vision microphone speaker chime doorbell transformer
voltage wiring terminal relay furnace pump compressor thermostat hub camera lock keypad code fingerprint guest
invite user permission widget shortcut integration voice assistant automation scene trigger routine sunrise
sunset timezone clock daylight energy report consumption usage history graph export import backup restore
migration installer bracket mount plate adapter cable charger power outage restart reboot crash freeze lag
delay latency timeout error warning message prompt dialog permissions location gps phone tablet android iphone
browser desktop windows mac linux version release beta rollback downgrade changelog support warranty
replacement return shipping invoice
""".split()  # noqa: SIM905 - a word list reads best as prose
VERBS = """
reset drops fails shows stops connects reboots syncs freezes crashes disconnects blinks beeps loses keeps
ignores updates installs pairs reports changes displays forgets turns heats cools
""".split()  # noqa: SIM905 - a word list reads best as prose
COMMON = """
the a to and of i it is in my on that this for with but not after when have was be can does do how why what at
from after again only every day night since still then just also there
""".split()  # noqa: SIM905 - a word list reads best as prose
SOLUTIONS = ["Hold the reset button for ten seconds", "Update the firmware from the settings menu",
             "Move the hub closer to the router", "Replace the batteries with lithium ones",
             "Set a fixed channel on your router", "Reinstall the app and sign in again",
             "Check the wiring at the terminal block", "Turn off eco mode during the holiday program"]


def _long_tail(size: int = 8000) -> list[str]:
    """The rest of a real forum's vocabulary: thousands of rarer words (pronounceable, deterministic)."""
    rng = random.Random(7)
    onsets = "b c d f g h k l m n p r s t v w z br cl dr fl gr pl st tr".split()  # noqa: SIM905
    vowels, codas = "aeiou", "nrstlmk"
    words: dict[str, None] = {}
    while len(words) < size:
        syllables = rng.randint(2, 4)
        words["".join(rng.choice(onsets) + rng.choice(vowels) + (rng.choice(codas) if rng.random() < .4 else "")
                      for _ in range(syllables))] = None
    return list(words)


LONG_TAIL = _long_tail()
_WEIGHTS: dict[int, list[float]] = {}


def zipf_words(rng: random.Random, vocabulary: list[str], n: int) -> list[str]:
    weights = _WEIGHTS.get(len(vocabulary))
    if weights is None:
        weights = _WEIGHTS[len(vocabulary)] = list(
            itertools.accumulate(1 / (rank + 1) ** 1.0 for rank in range(len(vocabulary))))
    return rng.choices(vocabulary, cum_weights=weights, k=n)


def sentence(rng: random.Random, words: int) -> str:
    """Common words about 45% of the time, the support vocabulary 35%, the long tail 20%."""
    vocab = DOMAIN + VERBS
    picked = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.45:
            picked.append(rng.choice(COMMON))
        elif roll < 0.80:
            picked.append(zipf_words(rng, vocab, 1)[0])
        else:
            picked.append(zipf_words(rng, LONG_TAIL, 1)[0])
    if rng.random() < 0.15:
        picked.insert(rng.randrange(len(picked)), f"E{rng.randint(10, 99)}")
    if rng.random() < 0.1:
        picked.insert(rng.randrange(len(picked)), f"T-{rng.randint(1000, 9999)}")
    return " ".join(picked).capitalize() + "."


def title(rng: random.Random) -> str:
    noun, other = zipf_words(rng, DOMAIN, 2)
    verb = rng.choice(VERBS)
    patterns = [f"{noun.capitalize()} {verb} after the {other} update",
                f"How do I fix the {noun} when it {verb}?",
                f"{noun.capitalize()} {verb} every night since changing the {other}",
                f"Why does my {noun} show an error with the {other}?"]
    return rng.choice(patterns)[:150]


def seed(posts: int, rng: random.Random) -> dict:
    """Bulk-insert about `posts` posts (30% questions, 70% answers); returns counts."""
    now = utcnow()
    start = now - timedelta(days=3 * 365)
    question_count = posts * 3 // 10
    answer_count = posts - question_count
    db.session.execute(insert(Product), [{"id": i + 1, "slug": s, "name": n, "description": ""}
                                         for i, (s, n) in enumerate(PRODUCTS)])
    tag_names = sorted(set(DOMAIN))[:120]
    db.session.execute(insert(Tag), [{"id": i + 1, "name": t, "description": ""} for i, t in enumerate(tag_names)])
    password = "pbkdf2:sha256:1000$bench$" + "0" * 64
    members = 2000
    db.session.execute(insert(User), [
        {"id": i, "username": f"user{i}", "username_key": f"user{i}", "email": f"user{i}@example.com",
         "password_hash": password, "role": "member", "reputation": 1, "about": "", "auth_version": 1,
         "created_at": start} for i in range(1, members + 1)])
    questions, links = [], []
    for q in range(1, question_count + 1):
        body = " ".join(sentence(rng, rng.randint(8, 22)) for _ in range(rng.randint(2, 6)))
        when = start + timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
        questions.append({"id": q, "title": title(rng), "body_md": body, "body_html": f"<p>{body}</p>",
                          "author_id": rng.randint(1, members), "product_id": rng.randint(1, len(PRODUCTS)),
                          "created_at": when, "last_activity_at": when, "view_count": 0,
                          "score": max(-3, int(rng.expovariate(0.4)) - 1), "answer_count": 0,
                          "deleted_at": now if rng.random() < 0.02 else None})
        for tag_id in rng.sample(range(1, len(tag_names) + 1), rng.randint(1, 3)):
            links.append({"question_id": q, "tag_id": tag_id})
    for i in range(0, len(questions), BATCH):
        db.session.execute(insert(Question), questions[i:i + BATCH])
    for i in range(0, len(links), BATCH):
        db.session.execute(insert(question_tags), links[i:i + BATCH])
    answers, accepted = [], {}
    for a in range(1, answer_count + 1):
        q = rng.randint(1, question_count)
        body = rng.choice(SOLUTIONS) + ". " + " ".join(sentence(rng, rng.randint(6, 18))
                                                       for _ in range(rng.randint(1, 4)))
        answers.append({"id": a, "question_id": q, "author_id": rng.randint(1, members), "body_md": body,
                        "body_html": f"<p>{body}</p>", "score": max(-2, int(rng.expovariate(0.3)) - 1),
                        "created_at": questions[q - 1]["created_at"] + timedelta(hours=rng.randint(1, 500)),
                        "deleted_at": now if rng.random() < 0.02 else None})
        if q not in accepted and rng.random() < 0.35:
            accepted[q] = a
    for i in range(0, len(answers), BATCH):
        db.session.execute(insert(Answer), answers[i:i + BATCH])
    for q, a in accepted.items():
        db.session.execute(Question.__table__.update().where(Question.id == q).values(accepted_answer_id=a))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return {"questions": question_count, "answers": answer_count, "accepted": len(accepted)}


def mixed_queries(rng: random.Random, n: int) -> list[dict]:
    """A deterministic mix of what people type, with filters, sorts and pages."""
    tags = sorted(set(DOMAIN))[:120]
    queries = []
    for i in range(n):
        a, b, c = zipf_words(rng, DOMAIN, 3)
        kind = i % 10
        if kind in (0, 1):
            q = a
        elif kind in (2, 3):
            q = f"{a} {b}"
        elif kind == 4:
            q = f"{a} {rng.choice(VERBS)} {b}"
        elif kind == 5:
            q = f'"{rng.choice(SOLUTIONS).lower().split()[0]} {rng.choice(SOLUTIONS).lower().split()[1]}"'
        elif kind == 6:
            q = f"{a} OR {b} -{c}"
        elif kind == 7:
            q = f"E{rng.randint(10, 99)} {a}"
        elif kind == 8:
            word = a if len(a) > 5 else "thermostat"
            pos = rng.randrange(1, len(word) - 1)
            q = word[:pos] + word[pos + 1:] + word[pos]  # a transposition typo: often the "did you mean" path
        else:
            q = f"how do i {a} the {b}"
        options: dict = {}
        if rng.random() < 0.25:
            options["product"] = rng.choice(PRODUCTS)[0]
        if rng.random() < 0.15:
            options["tag"] = rng.choice(tags)
        if rng.random() < 0.15:
            options["kind"] = rng.choice(["question", "answer"])
        if rng.random() < 0.15:
            options["solved"] = True
        if rng.random() < 0.3:
            options["sort"] = rng.choice(["newest", "votes"])
        if rng.random() < 0.15:
            options["page"] = rng.randint(2, 5)
        queries.append({"q": q, **options})
    return queries


def _server_cpu_ms() -> float | None:
    """CPU time the PostgreSQL backend serving this session has used (Linux, server on this machine), in ms.

    Wall-clock latencies on a shared machine mostly measure the queue for a core; the server's own
    CPU time per search is what the query costs.
    """
    if db.engine.dialect.name != "postgresql":
        return None
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e6
    except OSError:
        return None


def measure(backend, queries: list[dict], titles: list[str]) -> dict:
    for q in queries[:10]:  # warm caches and open searchers, as a running server has
        service.search(backend, q["q"], **{k: v for k, v in q.items() if k != "q"})
    timings, cpu, server, empty, suggested = [], [], [], 0, 0
    for q in queries:
        s0 = _server_cpu_ms() if backend.name == "postgresql" else None
        t0, c0 = time.perf_counter(), time.process_time()
        page = service.search(backend, q["q"], per_page=20, **{k: v for k, v in q.items() if k != "q"})
        timings.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        s1 = _server_cpu_ms() if s0 is not None else None
        if s1 is not None:
            server.append(s1 - s0)
        empty += page.total == 0
        suggested += page.suggestion is not None
        db.session.rollback()
    similar, similar_server = [], []
    for t in titles:
        s0 = _server_cpu_ms() if backend.name == "postgresql" else None
        t0 = time.perf_counter()
        service.similar(backend, t)
        similar.append((time.perf_counter() - t0) * 1000)
        s1 = _server_cpu_ms() if s0 is not None else None
        if s1 is not None:
            similar_server.append(s1 - s0)
        db.session.rollback()
    if server:
        servers = {"server_p50": statistics.median(server), "server_p95": statistics.quantiles(server, n=20)[-1],
                   "similar_server_p50": statistics.median(similar_server),
                   "similar_server_p95": statistics.quantiles(similar_server, n=20)[-1]}
    else:
        servers = {}
    return {**servers, "p50": statistics.median(timings), "p95": statistics.quantiles(timings, n=20)[-1],
            "cpu_p50": statistics.median(cpu), "cpu_p95": statistics.quantiles(cpu, n=20)[-1],
            "max": max(timings), "empty": empty, "suggested": suggested,
            "similar_p50": statistics.median(similar), "similar_p95": statistics.quantiles(similar, n=20)[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--backends", default="whoosh,postgresql",
                        help="Comma-separated; PostgreSQL is measured only on a PostgreSQL database.")
    parser.add_argument("--reuse", action="store_true",
                        help="PostgreSQL only: keep the community (and the index, if built) that an earlier run of "
                             "the same --posts and --seed left in the database; a kept index's build is not measured")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="bench-search-")
    on_postgres = bool(os.environ.get("DATABASE_URL"))
    config = {"SEARCH_BACKEND": "whoosh", "SEARCH_INDEX_DIR": os.path.join(workdir, "index")}
    if not on_postgres:
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(workdir, "bench.sqlite3")
    app = create_app(config)
    with app.app_context():
        reuse = args.reuse and on_postgres and db.inspect(db.engine).has_table("search_documents") and \
            bool(db.session.scalar(select(func.count(Question.id))))
        indexed = reuse and bool(db.session.scalar(text("SELECT count(*) FROM search_documents")))
        if reuse:
            counts = {"questions": db.session.scalar(select(func.count(Question.id))),
                      "answers": db.session.scalar(select(func.count(Answer.id))),
                      "accepted": db.session.scalar(select(func.count(Question.accepted_answer_id)))}
            seeded = 0.0
        else:
            db.drop_all()
            db.create_all()
            t0 = time.perf_counter()
            counts = seed(args.posts, rng)
            seeded = time.perf_counter() - t0
        queries = mixed_queries(random.Random(args.seed + 1), args.queries)
        titles = [title(random.Random(args.seed + 2 + i)) for i in range(50)]
        wanted = set(args.backends.split(","))
        backends = [WhooshBackend(config["SEARCH_INDEX_DIR"], write_timeout=60)] if "whoosh" in wanted else []
        if db.engine.dialect.name == "postgresql" and "postgresql" in wanted:
            backends.append(PostgresBackend())
        print(f"database          {db.engine.dialect.name}")
        print(f"posts             {counts['questions']:,} questions + {counts['answers']:,} answers "
              f"({counts['accepted']:,} accepted; ~2% deleted), seeded in {seeded:.1f} s")
        print(f"queries           {len(queries)} mixed (seed {args.seed}), 50 similar-title lookups")
        for backend in backends:
            t0 = time.perf_counter()
            rebuilt = not (indexed and backend.name == "postgresql")
            documents = indexing.rebuild(backend, batch_size=1000) if rebuilt else backend.count()
            db.session.commit()  # what `flask search reindex` does: the searches below roll back after each
            built = time.perf_counter() - t0
            if backend.name == "postgresql":
                size = db.session.scalar(text("SELECT pg_total_relation_size('search_documents')"))
            else:
                size = sum(os.path.getsize(os.path.join(backend.directory, f)) for f in os.listdir(backend.directory))
            result = measure(backend, queries, titles)
            print(f"\n[{backend.name}]")
            if rebuilt:
                print(f"index build       {built:.1f} s for {documents:,} documents ({documents / built:,.0f} docs/s), "
                      f"{size / 1e6:.0f} MB")
            else:
                print(f"index build       reused ({documents:,} documents, {size / 1e6:.0f} MB)")
            print(f"search            p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
                  f"max {result['max']:.1f} ms ({result['empty']} empty, {result['suggested']} with a suggestion)")
            print(f"  this process    CPU p50 {result['cpu_p50']:.1f} ms, p95 {result['cpu_p95']:.1f} ms "
                  "(all of Whoosh's work; PostgreSQL's happens in the server)")
            print(f"similar           p50 {result['similar_p50']:.1f} ms, p95 {result['similar_p95']:.1f} ms")
            if "server_p50" in result:
                print(f"  server CPU      search p50 {result['server_p50']:.1f} ms, p95 {result['server_p95']:.1f} ms; "
                      f"similar p50 {result['similar_server_p50']:.1f} ms, p95 {result['similar_server_p95']:.1f} ms "
                      "(the PostgreSQL backend's own CPU time per call)")
            print(f"load average      {' / '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs "
                  "(wall-clock figures stretch when the machine is shared)")
            backend.close()
        if not on_postgres:
            print("\n(PostgreSQL not measured: set DATABASE_URL to a PostgreSQL database to include it.)")


if __name__ == "__main__":
    main()
