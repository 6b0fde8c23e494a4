"""Resident memory of one web process after a mixed load, search included.

A gunicorn worker is one process serving requests one at a time; this process plays one: it
builds the app on a seeded community and serves, through Flask's test client, a mixed load of
the pages `bench/pages.py` measures (visitor and signed-in member), 40 different searches
(words, phrases, OR and exclusions, filters, sorts, deeper pages, typos that take the "did you
mean" path) and similar-question lookups, several rounds over. It prints the resident set
size (VmRSS, split into anonymous memory and mapped files) after start-up, after each round,
and the peak (VmHWM). Run it on two communities, the second with twice the documents, to see
whether memory grows with the index:

    .venv/bin/python -m bench.seed --scale 0.05 --sqlite /tmp/pcb/b05.sqlite3 --search-index
    .venv/bin/python -m bench.seed --scale 0.1 --sqlite /tmp/pcb/b10.sqlite3 --search-index
    .venv/bin/python -m bench.memory --sqlite /tmp/pcb/b05.sqlite3
    .venv/bin/python -m bench.memory --sqlite /tmp/pcb/b10.sqlite3
"""

import argparse
import os
import urllib.parse

from bench.pages import pages_for, sign_in
from bench.seed import DEFAULT_SQLITE, bench_app, database_uri

SEARCHES = [
    "firmware update", "wifi", "schedule reset", "battery drains", "pairing", "offline", "error codes",
    '"factory reset"', "hub OR router -mesh", "zigbee hub offline", "thermostat wiring", "c-wire",
    "notifications duplicate", "solar export", "doorbell chime", "leak sensor alert", "api token",
    "away mode", "geofencing", "reboots every night", "blank screen", "power supply", "event log",
    "local api", "band steering", "breaker", "heat pump", "calibrate", "firmwre", "thermostatt",
]
OPTIONS = ["", "&sort=newest", "&sort=votes", "&page=2", "&product=thermostat", "&tag=wifi", "&kind=answer",
           "&solved=1", "&page=3&sort=newest", ""]
SIMILAR = ["Thermostat keeps going offline after the last update", "How do I reset the hub without losing my settings?",
           "My smart plug won't pair with the app", "Doorbell drains the battery in a week",
           "Leak sensor shows error E42", "Solar gateway double-counts the solar export"]


def memory() -> dict[str, int]:
    """This process's VmRSS, RssAnon, RssFile and VmHWM in kB (Linux)."""
    wanted = {"VmRSS", "RssAnon", "RssFile", "VmHWM"}
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, rest = line.partition(":")
            if name in wanted:
                values[name] = int(rest.split()[0])
    return values


def show(label: str) -> dict[str, int]:
    m = memory()
    print(f"{label:28} RSS {m['VmRSS'] / 1024:7.1f} MB (anonymous {m['RssAnon'] / 1024:6.1f}, "
          f"files {m['RssFile'] / 1024:6.1f}); peak {m['VmHWM'] / 1024:7.1f} MB", flush=True)
    return m


def get(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="the seeded SQLite file when DATABASE_URL is not set")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    if database_uri(args.sqlite) and not os.path.exists(args.sqlite):
        raise SystemExit(f"{args.sqlite} does not exist: run `python -m bench.seed --search-index` first")
    os.environ.update(FORUM_ANONYMOUS_PAGE_CACHE_SECONDS="0", FORUM_LOG_LEVEL="WARNING")
    app = bench_app(args.sqlite)
    pages, facts = pages_for(app)
    print(f"database {facts['dialect']}, {facts['questions']:,} questions; search {facts['backend']}, "
          f"{facts['documents']:,} documents")
    show("after start-up")
    visitor, member = app.test_client(), app.test_client()
    get(visitor, "/")
    show("after the first page")
    sign_in(member, facts["member"])
    get(visitor, "/search?q=firmware+update")
    show("after the first search")
    for round_number in range(1, args.rounds + 1):
        for page in pages:
            get(visitor, page.path)
            get(member, page.path)
        for i, words in enumerate(SEARCHES):
            query = urllib.parse.quote_plus(words)
            get(visitor if i % 2 else member, f"/search?q={query}{OPTIONS[(i + round_number) % len(OPTIONS)]}")
        for title in SIMILAR:
            get(member, "/api/v1/search/similar?" + urllib.parse.urlencode({"title": title}))
        show(f"after round {round_number}")
    print(f"load: {args.rounds} rounds of {len(pages)} pages × 2 readers, {len(SEARCHES)} searches, "
          f"{len(SIMILAR)} similar lookups")


if __name__ == "__main__":
    main()
