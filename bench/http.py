"""Serve the seeded community with gunicorn and measure pages with wrk.

Starts `gunicorn -w 2 wsgi:app` on 127.0.0.1 against the database `bench/seed.py` built, and
`gunicorn -w 2 bench.floor:app` (a bare Flask route rendering a static template: the floor),
then runs wrk (Debian's `wrk`, a separate process) against each page in turn and prints
req/s, p50 and p99 with each page's throughput as a fraction of the floor's.

Pages: the home list, a question with 50 answers, a tag page, a product page, the JSON API
question and list; search, feeds and the knowledge base only when the running app has
those routes (read from its URL map; otherwise a note says they were skipped).

Run: `.venv/bin/python -m bench.http [--connections 16] [--duration 15]` after
`.venv/bin/python -m bench.seed`; the same DATABASE_URL or --sqlite as the seed.
"""

import argparse
import http.cookiejar
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, inspect, select

from bench.seed import DEFAULT_SQLITE, PASSWORD, bench_app, database_uri, search_index_dir
from forum.extensions import db
from forum.models import Product, Question, Tag, User, question_tags
from forum.urls import slugify

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUESTION_TARGET, LIST_TARGET, P99_TARGET_MS = 0.40, 0.50, 100.0
USER_AGENT = "peercare-bench/1"


@dataclass
class Page:
    name: str
    path: str
    kind: str  # "floor", "question", "list", "feed" or "other": decides the target
    result: dict | None = None
    member: bool = False  # requested with a signed-in member's session cookie
    floor_rps: float = 0.0  # the floor measured right beside this page (best of its runs)

    @property
    def target(self) -> float | None:
        return {"question": QUESTION_TARGET, "list": LIST_TARGET, "feed": LIST_TARGET}.get(self.kind)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode} before serving {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def start_gunicorn(target: str, port: int, workers: int, env: dict, log) -> subprocess.Popen:
    command = [os.path.join(os.path.dirname(sys.executable), "gunicorn"), "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", target]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log,  # noqa: S603 - our own gunicorn
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def run_wrk(url: str, connections: int, duration: int, threads: int, cookie: str | None = None) -> dict:
    """One wrk run; req/s, p50/p99 latency from wrk's --latency distribution, and error counts."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if cookie:
        # The same User-Agent as at sign-in: "strong" session protection ends a session whose client changes.
        command[1:1] = ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603 - wrk from PATH
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "requests": requests,
            "non2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def missing_columns(app) -> list[str]:
    """Columns the models have and the seeded database lacks (the models changed after seeding)."""
    with app.app_context():
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names())
        missing = []
        for table in db.metadata.sorted_tables:
            if table.name not in tables:
                missing.append(f"{table.name} (table)")
                continue
            present = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in present]
    return missing


def pages_for(app) -> tuple[list[Page], list[str], dict]:
    """The pages to measure, built from the seeded data and the app's URL map; and what was skipped."""
    with app.app_context():
        member = db.session.scalar(select(User.username).where(User.role == "member").order_by(User.id).limit(1))
        question = db.session.execute(
            select(Question.id, Question.title).where(Question.answer_count == 50, Question.deleted_at.is_(None))
            .order_by(Question.id).limit(1)).first()
        if question is None:
            raise SystemExit("no question with 50 answers: run `python -m bench.seed` first")
        tag = db.session.scalar(
            select(Tag.name).join(question_tags, question_tags.c.tag_id == Tag.id)
            .group_by(Tag.id, Tag.name).order_by(func.count().desc()).limit(1))
        product = db.session.scalar(select(Product.slug).order_by(Product.id).limit(1))
        counts = {"questions": db.session.scalar(select(func.count(Question.id)))}
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    pages = [
        Page("floor (static template)", "/", "floor"),
        Page("home list", "/", "list"),
        Page("question, 50 answers", f"/questions/{question.id}/{slugify(question.title)}", "question"),
        Page(f"tag page [{tag}]", f"/tags/{tag}", "list"),
        Page(f"product page [{product}]", f"/products/{product}", "list"),
        Page("question, 50 answers, signed in", f"/questions/{question.id}/{slugify(question.title)}", "other",
             member=True),
        Page("API question (JSON)", f"/api/v1/questions/{question.id}", "other"),
        Page("API question list (JSON)", "/api/v1/questions", "other"),
    ]
    skipped = []
    search = [r for r in rules.values() if r.rule == "/search"]
    backend = app.extensions.get("search")
    with app.app_context():
        indexed = backend.count() if backend is not None else 0
    if not search:
        skipped.append("search: no /search route in this app")
    elif not indexed:
        skipped.append("search: the seeded database has no search index (bench.seed --search-index builds one)")
    else:
        pages.append(Page(f"search ({indexed:,} documents)", "/search?q=firmware+update", "list"))
    feed = None
    if "feeds.show" in rules:  # the latest-questions feed, when the feeds module names it "questions"
        with app.test_request_context():
            feed = url_for("feeds.show", name="questions", fmt="rss")
    else:
        plain = sorted(r.rule for r in rules.values() if not r.arguments and not r.rule.startswith("/api/")
                       and re.search(r"feed|\.rss$|\.atom$", r.rule))
        feed = plain[0] if plain else None
    if feed:
        pages.append(Page("RSS feed, latest questions", feed, "feed"))
    else:
        skipped.append("RSS feed: no feed route in this app")
    if "knowledge.index" in rules:
        pages.append(Page("knowledge base list", rules["knowledge.index"].rule, "list"))
    counts["member"] = member
    return pages, skipped, counts


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        memory = "unknown memory"
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, Python {platform.python_version()}, {platform.system()}"


def table(pages: list[Page], connections: int) -> str:
    lines = [f"| page | path | req/s | p50 ms | p99 ms | floor beside it, req/s | of floor "
             f"| target ({connections} connections) |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for page in pages:
        r = page.result
        ratio = r["rps"] / page.floor_rps
        if page.kind == "floor":
            verdict = "—"
        elif page.target is None:
            verdict = "(no target)"
        else:
            ok = ratio >= page.target and (page.kind != "question" or r["p99"] <= P99_TARGET_MS)
            verdict = (f"≥ {page.target:.0%}" + (f", p99 ≤ {P99_TARGET_MS:.0f} ms" if page.kind == "question" else "")
                       + (": met" if ok else ": MISSED"))
        errors = f" ({r['non2xx']} non-2xx!)" if r["non2xx"] else ""
        lines.append(f"| {page.name}{errors} | `{page.path}` | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} "
                     f"| {page.floor_rps:,.0f} | {ratio:.0%} | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="the seeded SQLite file when DATABASE_URL is not set")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per page")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load per page before measuring")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (leave the CPUs to gunicorn)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, the same for the floor")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs per page; the best one counts (other processes on the machine add noise)")
    parser.add_argument("--only", help="measure only pages whose name contains this text (and the floor)")
    parser.add_argument("--page-cache", type=int, default=10,
                        help="a second pass with ANONYMOUS_PAGE_CACHE_SECONDS set to this (0: no second pass)")
    args = parser.parse_args()
    # Stop the servers on SIGTERM too (background jobs of a shell ignore Ctrl-C's SIGINT).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    uri = database_uri(args.sqlite)
    if uri and not os.path.exists(args.sqlite):
        raise SystemExit(f"{args.sqlite} does not exist: run `python -m bench.seed` first")
    app = bench_app(args.sqlite)
    missing = missing_columns(app)
    if missing:
        raise SystemExit("the models changed after seeding; the database lacks " + ", ".join(missing)
                         + ": run `python -m bench.seed` again (or add the columns as the new migration does)")
    pages, skipped, counts = pages_for(app)
    if args.only:
        pages = [p for p in pages if p.kind == "floor" or args.only in p.name]
    base_env = dict(os.environ, SECRET_KEY="bench-" + "x" * 40, PYTHONPATH=ROOT)
    if uri:
        base_env["DATABASE_URL"] = uri
        base_env["SEARCH_INDEX_DIR"] = search_index_dir(args.sqlite)
    base_env.pop("CELERY_BROKER_URL", None)  # reads defer nothing; keep the benchmark free of a broker
    with app.app_context():
        dialect = db.engine.dialect.name
    caches = [0, args.page_cache] if args.page_cache else [0]
    tables = []
    for seconds in caches:
        label = f"anonymous page cache {seconds} s" if seconds else "no page cache (the default)"
        print(f"== {label}", flush=True)
        env = dict(base_env, ANONYMOUS_PAGE_CACHE_SECONDS=str(seconds))
        measured = [Page(p.name, p.path, p.kind, member=p.member) for p in pages]
        load_before = os.getloadavg()[0]
        measure(measured, env, args, counts["member"])
        label += f" (1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
        tables.append((label, table(measured, args.connections)))
    print()
    print(f"machine: {machine()}")
    print(f"database: {dialect}, {counts['questions']:,} questions; gunicorn -w {args.workers} (sync workers) "
          f"for the app and the floor; wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
          f"after {args.warmup} s of warm-up; best of {args.repeat} runs per page, each run after a run of the floor")
    for label, text in tables:
        print()
        print(f"### {label}")
        print()
        print(text)
    print()
    for note in skipped:
        print(f"skipped: {note}")


def sign_in(base: str, username: str) -> str:
    """Sign in through the login form (CSRF token and all); returns the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(base + "/login", timeout=30) as response:
        token = re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode()).group(1)
    form = {"login": username, "password": PASSWORD, "csrf_token": token}
    login = urllib.request.Request(base + "/login", data=urllib.parse.urlencode(form).encode())  # noqa: S310 - local
    opener.open(login, timeout=30)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise SystemExit(f"could not sign in as {username}")
    return cookie


def measure(pages: list[Page], env: dict, args, member: str) -> None:
    # The servers' output (JSON request lines included) of this pass, for a look afterwards.
    log_path = os.path.join(ROOT, "instance", f"bench-gunicorn-cache{env['ANONYMOUS_PAGE_CACHE_SECONDS']}.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    log = open(log_path, "wb")  # noqa: SIM115 - closed in the finally below, after the servers stop
    product_port, floor_port = free_port(), free_port()
    servers = []
    try:
        servers.append(start_gunicorn("bench.floor:app", floor_port, args.workers, env, log))
        servers.append(start_gunicorn("wsgi:app", product_port, args.workers, env, log))
        wait_until_up(f"http://127.0.0.1:{floor_port}/", servers[0])
        wait_until_up(f"http://127.0.0.1:{product_port}/healthz/live", servers[1])
        cookie = sign_in(f"http://127.0.0.1:{product_port}", member) if any(p.member for p in pages) else None
        floor_url = f"http://127.0.0.1:{floor_port}/"
        for page in pages:
            port = floor_port if page.kind == "floor" else product_port
            url = f"http://127.0.0.1:{port}{page.path}"
            page_cookie = cookie if page.member else None
            request = urllib.request.Request(url, headers={"Cookie": page_cookie, "User-Agent": USER_AGENT}
                                             if page_cookie else {})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local server
                if response.status != 200:
                    raise SystemExit(f"{url} answered {response.status}")
                if page.member and b"Sign in" in response.read():
                    raise SystemExit(f"{url} was not served to a signed-in member")
            if args.warmup:
                run_wrk(url, args.connections, args.warmup, args.threads, page_cookie)
            # Each run of the page is preceded by a run of the floor, so that the ratio compares
            # the two under the same load from whatever else the machine is doing.
            runs, floors = [], []
            for _ in range(max(1, args.repeat)):
                if page.kind != "floor":
                    floors.append(run_wrk(floor_url, args.connections, args.duration, args.threads))
                runs.append(run_wrk(url, args.connections, args.duration, args.threads, page_cookie))
            page.result = max(runs, key=lambda r: r["rps"])
            page.floor_rps = max(r["rps"] for r in floors or runs)
            print(f"  {page.name:34} {page.result['rps']:8,.0f} req/s  p50 {page.result['p50']:6.1f} ms  "
                  f"p99 {page.result['p99']:6.1f} ms  (floor beside it {page.floor_rps:,.0f} req/s)", flush=True)
    finally:
        for server in servers:
            stop(server)
        log.close()


if __name__ == "__main__":
    main()
