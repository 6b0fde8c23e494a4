"""Build a large, deterministic community for the benchmarks through bulk inserts.

At --scale 1: 50,000 members, 200,000 questions, 1,000,000 answers, with tags, products,
votes and scores, accepted answers, comments, first revisions and a reputation ledger that
agrees with all of it (a JOINED entry per member, the vote and acceptance entries with the
daily cap applied in time order, cached totals from the ledger), so `flask reputation
verify` finds nothing to report. One question has exactly 50 answers (no other has more
than 40): the question page benchmark uses it.

Everything derives from --seed and a fixed timeline, so two runs build the same rows.
Texts come from a pool of generated paragraphs rendered once by the real sanitizer.

Run: `.venv/bin/python -m bench.seed [--scale 0.01]` writes instance/bench.sqlite3
(or --sqlite PATH); with DATABASE_URL set it fills that database instead, which is
EMPTIED first. The schema comes from the models (db.create_all), not from migrations.
"""

import argparse
import bisect
import os
import random
import shutil
import sys
import time
from array import array
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import text
from werkzeug.security import generate_password_hash

from forum import create_app
from forum.extensions import db
from forum.markup import render_markdown, render_plain
from forum.models import (
    Answer,
    Comment,
    Product,
    Question,
    ReputationEntry,
    Revision,
    Role,
    Tag,
    User,
    Vote,
    question_tags,
)
from reputation import rules
from reputation.events import PostKind, RepEvent
from reputation.events import Role as GrantRole

BATCH = 10_000
BASE = {"members": 50_000, "questions": 200_000, "answers": 1_000_000}
END = datetime(2026, 11, 1)            # the seeded timeline's last moment (fixed for determinism)
SPAN_SECONDS = 3 * 365 * 86_400        # three years of history
MAX_RANDOM_ANSWERS = 40                 # the benchmark question's 50 stay the largest thread
BENCH_ANSWERS = 50
PASSWORD = "peercare-bench"  # noqa: S105 - the documented password of every benchmark member
DEFAULT_SQLITE = os.path.join("instance", "bench.sqlite3")

PRODUCTS = [
    ("thermostat", "Northwind Thermostat", "thermostat",
     "The smart thermostat: wiring, schedules, heat pumps, room sensors."),
    ("mesh-router", "Northwind Mesh Wi-Fi", "mesh node",
     "Whole-home mesh Wi-Fi: placement, speed, port forwarding, DNS."),
    ("energy-app", "Northwind Energy App", "Energy app",
     "The mobile app: usage reports, bills, rate plans, notifications, the API."),
    ("smart-plug", "Northwind Smart Plug", "smart plug",
     "Plugs and power strips: schedules, energy monitoring, scenes."),
    ("doorbell", "Northwind Video Doorbell", "doorbell",
     "The video doorbell: chimes, motion zones, recordings, batteries."),
    ("leak-sensor", "Northwind Leak Sensor", "leak sensor",
     "Water leak and freeze sensors: placement, alerts, shut-off valves."),
    ("solar-gateway", "Northwind Solar Gateway", "solar gateway",
     "The solar and battery gateway: CT clamps, export limits, backup."),
    ("home-hub", "Northwind Home Hub", "hub",
     "The Zigbee/Thread hub: pairing, automations, Matter, local control."),
]
TAG_WORDS = [
    "wifi", "zigbee", "thread", "matter", "firmware", "wiring", "c-wire", "heat-pump", "schedule", "battery",
    "notifications", "api", "dns", "ipv6", "port-forwarding", "vpn", "ios", "android", "alexa", "google-home",
    "homekit", "energy", "billing", "rate-plan", "solar", "export-limit", "backup", "offline", "pairing",
    "reset", "update", "latency", "range", "mesh", "ethernet", "guest-network", "parental-controls",
    "motion-zones", "recordings", "chime", "privacy", "two-factor", "account", "automation", "scenes",
    "sensors", "humidity", "freeze", "valve", "installation", "warranty", "returns", "error-codes", "logs",
    "power", "breaker", "transformer", "voltage", "calibration", "geofencing", "away-mode", "eco-mode",
]
SYMPTOMS = [
    "keeps going offline", "shows error E{n}", "stopped reporting usage", "reboots every night",
    "loses its schedule after an update", "won't pair with the app", "drains the battery in a week",
    "reports the wrong temperature", "is slow since firmware {v}", "ignores the away mode",
    "drops off the network at {h} pm", "shows a blank screen", "double-counts the solar export",
    "sends duplicate notifications", "won't update past version {v}", "clicks but nothing happens",
]
ACTIONS = [
    "reset the {d} without losing my settings", "move the {d} to a new network", "export a year of data",
    "share access with my partner", "use the {d} without the cloud", "set a different schedule for weekends",
    "see which device uses the most power", "connect the {d} to a second hub", "turn off the status light",
    "get notified only once per event", "read the {d} values from a script", "calibrate the {d}",
]
CONTEXTS = [
    "after the last update", "since we moved", "in a two-storey house", "with an older boiler",
    "on a 5 GHz-only network", "behind a second router", "when the power flickers", "with two adults on the account",
    "in a detached garage", "on Android 14", "on iOS 18", "after replacing the batteries",
]
OPENERS = [
    "I have had the {d} for about {n} months and until now it worked fine.",
    "Since the last firmware update the {d} behaves differently.",
    "We installed the {d} ourselves following the quick start guide.",
    "This started {n} days ago and happens every evening.",
    "I searched the community first and found older threads, but none match exactly.",
    "My setup: {n} nodes, a fibre connection and about thirty devices.",
]
DETAILS = [
    "The status light blinks amber twice and then goes green again.",
    "The app says the device is online, but changes take minutes to arrive.",
    "Restarting the router helps for a day or two.",
    "The event log shows a reconnect every {n} minutes.",
    "I already tried a factory reset, which did not change anything.",
    "Signal strength in the app is around -{n} dBm.",
    "Support suggested moving the hub, which I did, without effect.",
    "It only happens when the heating is running.",
    "Other devices on the same network are fine.",
    "The readings jump by {n} percent for a few seconds.",
]
ASKS = [
    "Has anyone seen this, and what fixed it for you?",
    "Is this a known issue with the current firmware?",
    "What should I check next before I call an electrician?",
    "Is there a setting I am missing?",
    "Any idea where to look?",
]
ANSWER_LEADS = [
    "I had exactly the same problem with my {d}.",
    "This is usually the power supply, not the {d} itself.",
    "Check the firmware channel first: beta builds behave differently.",
    "The quickest fix I know is to re-pair the {d}.",
    "Two things cause this in my experience.",
    "Support told me this is fixed in version {v}.",
    "Before anything else, look at the event log.",
]
ANSWER_STEPS = [
    "Open the app, go to Settings, then Devices, and pick the {d}.",
    "Turn off the breaker for {n} seconds and turn it back on.",
    "Set the 2.4 GHz channel to 1, 6 or 11 and disable band steering.",
    "Remove the {d} from the app, hold the button for ten seconds, and add it again.",
    "Move the hub at least a metre away from the router.",
    "Switch the schedule to the new editor and save it once.",
    "Disable the battery optimisation for the app on your phone.",
    "Update the hub before the {d}; the order matters.",
    "Use the local API instead of the cloud one; it answers in milliseconds.",
]
ANSWER_CLOSERS = [
    "After that it has been stable for weeks.",
    "If that doesn't help, post the error code and I'll take another look.",
    "Worked for me and for two neighbours with the same model.",
    "It takes a day for the statistics to catch up, so give it time.",
    "Let us know how it goes.",
]
CODE_SNIPPETS = [
    "```\ncurl -s -H \"Authorization: Bearer $TOKEN\" https://hub.local/api/v1/{d}/status\n```",
    "```yaml\nschedule:\n  weekday: [\"06:30 20.5\", \"22:00 17\"]\n  weekend: [\"08:00 21\", \"23:00 17\"]\n```",
    "```python\nimport requests\nr = requests.get(\"https://hub.local/api/v1/readings\", timeout={n})\n"
    "print(r.json()[\"power_w\"])\n```",
    "```\nping -c {n} hub.local\n```",
]
COMMENTS = [
    "Which firmware version are you on?", "Same here since last week.", "Thanks, that fixed it for me too.",
    "Did you try a different power adapter?", "Can you post a screenshot of the event log?",
    "This worked, but I had to repeat it after the next update.", "Is your router in bridge mode?",
    "+1, following this thread.", "Great explanation, thank you!", "What region are you in?",
    "Support confirmed this is a known issue.", "Please add the model number to the question.",
]
FIRST = ["maria", "oliver", "tom", "priya", "jo", "nadia", "ben", "walt", "kenji", "sofia", "lars", "amira",
         "chen", "elena", "marco", "fatima", "ivan", "grace", "omar", "hana", "leo", "ines", "raj", "mia"]
LAST = ["k", "smith", "w", "r", "cooper", "h", "nguyen", "garcia", "m", "tinkers", "fix", "home", "b", "volt"]


def fill(template: str, rng: random.Random, device: str) -> str:
    return template.format(d=device, n=rng.randint(2, 90), v=f"{rng.randint(2, 6)}.{rng.randint(0, 19)}",
                           h=rng.randint(6, 11))


class Texts:
    """Pools of paragraphs, each rendered once by forum.markup, combined into post bodies."""

    def __init__(self, rng: random.Random, size: int = 1500) -> None:
        self.rng = rng
        devices = [p[2] for p in PRODUCTS]
        self.question_paras = [self._pair(self._question_para(rng, rng.choice(devices))) for _ in range(size)]
        self.answer_paras = [self._pair(self._answer_para(rng, rng.choice(devices))) for _ in range(size)]
        self.code = [self._pair(fill(c, rng, rng.choice(devices).replace(" ", "-"))) for c in CODE_SNIPPETS * 5]
        self.comments = [(c, render_plain(c)) for c in COMMENTS]

    @staticmethod
    def _pair(md: str) -> tuple[str, str]:
        return md, render_markdown(md)

    @staticmethod
    def _question_para(rng: random.Random, device: str) -> str:
        parts = [fill(rng.choice(OPENERS), rng, device)]
        parts += [fill(s, rng, device) for s in rng.sample(DETAILS, rng.randint(1, 3))]
        if rng.random() < 0.5:
            parts.append(rng.choice(ASKS))
        return " ".join(parts)

    @staticmethod
    def _answer_para(rng: random.Random, device: str) -> str:
        lead = fill(rng.choice(ANSWER_LEADS), rng, device)
        if rng.random() < 0.4:
            steps = "\n".join(f"{i}. {fill(s, rng, device)}"
                              for i, s in enumerate(rng.sample(ANSWER_STEPS, rng.randint(2, 4)), 1))
            return lead + "\n\n" + steps
        return " ".join([lead, *(fill(s, rng, device) for s in rng.sample(ANSWER_STEPS, rng.randint(1, 2))),
                         rng.choice(ANSWER_CLOSERS)])

    def body(self, pool: list[tuple[str, str]], low: int, high: int, code: float) -> tuple[str, str]:
        paras = self.rng.sample(pool, self.rng.randint(low, high))
        if self.rng.random() < code:
            paras.insert(self.rng.randint(1, len(paras)), self.rng.choice(self.code))
        return "\n\n".join(p[0] for p in paras), "\n".join(p[1] for p in paras)

    def title(self, device: str) -> str:
        rng = self.rng
        shape = rng.random()
        if shape < 0.45:
            title = f"{device[0].upper()}{device[1:]} {fill(rng.choice(SYMPTOMS), rng, device)} {rng.choice(CONTEXTS)}"
        elif shape < 0.8:
            title = f"How do I {fill(rng.choice(ACTIONS), rng, device)}?"
        else:
            title = f"My {device} {fill(rng.choice(SYMPTOMS), rng, device)}: what can I check?"
        return title[:150]


def chunks(rows, size: int = BATCH):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_rows(conn, table, rows: list[dict]) -> None:
    """Insert rows (dicts with the same keys) through the driver: COPY on PostgreSQL, executemany on SQLite.

    Core's executemany spends most of its time per value (bind processing, Python-side defaults),
    which at full scale took the ledger alone past half an hour. This does only what these tables
    need: the columns' scalar defaults for keys the rows leave out, and the SQLite dialect's own
    bind processors (its DateTime text format), so the stored values are the ones Core would write.
    """
    if not rows:
        return
    if not conn.in_transaction():
        conn.begin()  # so conn.commit() commits what the driver wrote
    keys = list(rows[0])
    defaults = [c for c in table.columns if c.name not in rows[0] and c.default is not None and c.default.is_scalar]
    extra = [getattr(c.default.arg, "value", c.default.arg) for c in defaults]  # enum defaults as their values
    names = keys + [c.name for c in defaults]
    columns = ", ".join(names)
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[k] for k in keys] + extra)
        return
    processors = [(i, p) for i, p in enumerate(table.c[n].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
                                               for n in keys) if p]
    values = []
    for row in rows:
        value = [row[k] for k in keys]
        for i, process in processors:
            value[i] = process(value[i])
        values.append(value + extra)
    placeholders = ", ".join("?" * len(names))
    driver.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({placeholders})", values)  # noqa: S608 - model names


def update_by_id(conn, table, column: str, pairs: list[tuple[int, int]]) -> None:
    """Set one integer column for many rows by id: one statement on PostgreSQL (unnest), executemany on SQLite."""
    if not pairs:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"UPDATE {table.name} SET {column} = v.value "  # noqa: S608 - model names
                          "FROM (SELECT unnest(CAST(:ids AS integer[])) AS id, "
                          "unnest(CAST(:values AS integer[])) AS value) v "
                          f"WHERE {table.name}.id = v.id"),
                     {"ids": [i for i, _ in pairs], "values": [v for _, v in pairs]})
        return
    if not conn.in_transaction():
        conn.begin()
    conn.connection.driver_connection.executemany(
        f"UPDATE {table.name} SET {column} = ? WHERE id = ?", [(v, i) for i, v in pairs])  # noqa: S608 - model names


def bulk(conn, table, rows) -> int:
    n = 0
    for batch in chunks(rows):
        insert_rows(conn, table, batch)
        n += len(batch)
    conn.commit()
    return n


def ts(seconds: float) -> datetime:
    return START + timedelta(seconds=int(seconds))


START = END - timedelta(seconds=SPAN_SECONDS)


class Community:
    """The plan of the community: compact arrays of who wrote what when, then rows from it."""

    def __init__(self, members: int, questions: int, answers: int, rng: random.Random) -> None:
        self.rng = rng
        self.n_members, self.n_questions, self.n_answers = members, questions, answers
        self.texts = Texts(rng)
        # Members join over the first two years (1% are there from the start); ids follow join time.
        founders = max(10, members // 100)
        joins = sorted(rng.uniform(0, SPAN_SECONDS * 2 / 3) for _ in range(members - founders))
        self.joined = array("d", [0.0] * founders + joins)
        # A few members write most posts: heavy-tailed weights over a random order of members.
        weights = [1 / (rank + 5) ** 0.9 for rank in range(members)]
        rng.shuffle(weights)
        self.cum = list(_accumulate(weights))

    def joined_by(self, t: float) -> int:
        return max(1, bisect.bisect_right(self.joined, t))

    def member_at(self, t: float, exclude: int = 0) -> int:
        """A member id (1-based) who had joined by time t, favouring active members."""
        rng = self.rng
        for _ in range(8):
            m = bisect.bisect_left(self.cum, rng.random() * self.cum[-1]) + 1
            if self.joined[m - 1] <= t and m != exclude:
                return m
        limit = self.joined_by(t)
        while True:
            m = rng.randint(1, limit)
            if m != exclude or limit == 1:
                return m

    def voter_at(self, t: float, taken: set) -> int:
        limit = self.joined_by(t)
        for _ in range(20):
            m = self.rng.randint(1, limit)
            if m not in taken:
                return m
        return 0

    def plan(self) -> None:
        rng = self.rng
        nq = self.n_questions
        # Questions: author and time (after the author joined), ids in time order.
        q_rows = []
        for _ in range(nq):
            author = self.member_at(SPAN_SECONDS)
            q_rows.append((rng.uniform(self.joined[author - 1], SPAN_SECONDS - 3600), author))
        q_rows.sort()
        self.q_time = array("d", (t for t, _ in q_rows))
        self.q_author = array("l", (a for _, a in q_rows))
        self.q_product = array("b", (rng.randrange(len(PRODUCTS)) for _ in range(nq)))
        self.bench_question = nq // 2 + 1
        # Answers per question: skewed popularity, about one in six never answered, at most 40 each.
        popularity = [0.0 if rng.random() < 0.1 else rng.gammavariate(2.0, 1.0) for _ in range(nq)]
        popularity[self.bench_question - 1] = 0.0
        cum = list(_accumulate(popularity))
        per_question = [0] * nq
        per_question[self.bench_question - 1] = BENCH_ANSWERS
        remaining = self.n_answers - BENCH_ANSWERS
        while remaining > 0:
            q = bisect.bisect_left(cum, rng.random() * cum[-1])
            if per_question[q] < MAX_RANDOM_ANSWERS and popularity[q] > 0:
                per_question[q] += 1
                remaining -= 1
        a_rows = []
        for q, k in enumerate(per_question):
            qt = self.q_time[q]
            for _ in range(k):
                t = min(SPAN_SECONDS - 60, qt + 60 + rng.expovariate(1 / 86_400))
                a_rows.append((t, q + 1, self.member_at(t, exclude=self.q_author[q])))
        a_rows.sort()
        self.a_time = array("d", (r[0] for r in a_rows))
        self.a_question = array("l", (r[1] for r in a_rows))
        self.a_author = array("l", (r[2] for r in a_rows))
        self.n_answers = len(a_rows)
        self.question_answers: dict[int, list[int]] = defaultdict(list)
        for a, q in enumerate(self.a_question, 1):
            self.question_answers[q].append(a)
        self._plan_votes()
        self._plan_accepts()

    def _plan_votes(self) -> None:
        """Votes on questions (about 2 each) and answers (about 1.5 each); 10% downvotes."""
        rng = self.rng
        votes = []  # (time, kind, post_id, voter, value)
        self.q_score = array("l", [0] * self.n_questions)
        self.a_score = array("l", [0] * self.n_answers)
        targets = [(PostKind.QUESTION, q + 1, self.q_time[q], self.q_author[q], 2.0) for q in range(self.n_questions)]
        targets += [(PostKind.ANSWER, a + 1, self.a_time[a], self.a_author[a], 1.5) for a in range(self.n_answers)]
        for kind, post_id, posted, author, mean in targets:
            n = min(60, int(rng.expovariate(1 / mean) * 1.2))
            taken = {author}
            for _ in range(n):
                t = min(SPAN_SECONDS - 1, posted + rng.expovariate(1 / (3 * 86_400)))
                voter = self.voter_at(t, taken)
                if not voter:
                    break
                taken.add(voter)
                value = -1 if rng.random() < 0.1 else 1
                votes.append((t, kind is PostKind.ANSWER, post_id, voter, value))
                scores = self.a_score if kind is PostKind.ANSWER else self.q_score
                scores[post_id - 1] += value
        votes.sort()
        self.votes = votes

    def _plan_accepts(self) -> None:
        """Askers accept an answer on 45% of answered questions, usually the best-scored one."""
        rng = self.rng
        self.accepted: dict[int, tuple[int, float]] = {}
        for q, answer_ids in self.question_answers.items():
            if rng.random() >= 0.45:
                continue
            if rng.random() < 0.7:
                a = max(answer_ids, key=lambda i: (self.a_score[i - 1], -i))
            else:
                a = rng.choice(answer_ids)
            t = min(SPAN_SECONDS - 1, self.a_time[a - 1] + rng.expovariate(1 / 43_200))
            self.accepted[q] = (a, t)

    # Rows -----------------------------------------------------------------------------

    def users(self, password_hash: str):
        rng = self.rng
        # Seeded members have confirmed their email (when the model tracks it), like members of a live site.
        confirmed = "email_confirmed_at" in User.__table__.c
        for i in range(1, self.n_members + 1):
            name = f"{rng.choice(FIRST)}_{rng.choice(LAST)}{i}"
            role = Role.ADMIN if i == 1 else (Role.MODERATOR if i <= 4 else Role.MEMBER)
            row = {"id": i, "username": name, "username_key": name.lower(), "email": f"member{i}@example.com",
                   "password_hash": password_hash, "role": role.value, "reputation": 1,
                   "about": "" if rng.random() < 0.6 else f"Customer since {2023 + rng.randint(0, 3)}.",
                   "auth_version": 1, "created_at": ts(self.joined[i - 1])}
            if confirmed:
                row["email_confirmed_at"] = row["created_at"]
            yield row

    def question_rows(self, tag_ids: list[int]):
        """Questions, their tag links and first revisions."""
        rng = self.rng
        tag_cum = list(_accumulate(1 / (r + 3) for r in range(len(tag_ids))))
        self.q_tags: dict[int, list[int]] = {}
        last_activity = {}
        for q in range(1, self.n_questions + 1):
            times = [self.q_time[q - 1], *(self.a_time[a - 1] for a in self.question_answers.get(q, ()))]
            if q in self.accepted:
                times.append(self.accepted[q][1])
            last_activity[q] = max(times)
        for q in range(1, self.n_questions + 1):
            product = PRODUCTS[self.q_product[q - 1]]
            md, html = self.texts.body(self.texts.question_paras, 1, 3, code=0.15)
            chosen = set()
            for _ in range(rng.randint(1, 4)):
                chosen.add(tag_ids[bisect.bisect_left(tag_cum, rng.random() * tag_cum[-1])])
            self.q_tags[q] = sorted(chosen)
            created = ts(self.q_time[q - 1])
            yield {"id": q, "title": self.texts.title(product[2]), "body_md": md, "body_html": html,
                   "author_id": self.q_author[q - 1], "product_id": self.q_product[q - 1] + 1,
                   "created_at": created, "edited_at": None, "last_activity_at": ts(last_activity[q]),
                   "view_count": int(rng.expovariate(1 / 120)) + len(self.question_answers.get(q, ())) * 7,
                   "score": self.q_score[q - 1], "answer_count": len(self.question_answers.get(q, ())),
                   "accepted_answer_id": None, "deleted_at": None, "deleted_by_id": None}

    def answer_rows(self):
        for a in range(1, self.n_answers + 1):
            md, html = self.texts.body(self.texts.answer_paras, 1, 3, code=0.2)
            yield {"id": a, "question_id": self.a_question[a - 1], "author_id": self.a_author[a - 1],
                   "body_md": md, "body_html": html, "score": self.a_score[a - 1],
                   "created_at": ts(self.a_time[a - 1]), "edited_at": None, "deleted_at": None,
                   "deleted_by_id": None}

    def comment_rows(self):
        """About 0.6 comments per question and 0.4 per answer, from members who had joined."""
        rng = self.rng
        texts = self.texts.comments
        posts = [(q, None, self.q_time[q - 1], 0.6) for q in range(1, self.n_questions + 1)]
        for a in range(1, self.n_answers + 1):
            posts.append((self.a_question[a - 1], a, self.a_time[a - 1], 0.4))
        rows = []
        for q, a, posted, mean in posts:
            while rng.random() < mean / (1 + mean):  # geometric: `mean` comments on average
                t = min(SPAN_SECONDS - 1, posted + rng.expovariate(1 / 7200))
                body, html = rng.choice(texts)
                rows.append((t, q, a, self.member_at(t), body, html))
        rows.sort(key=lambda r: r[0])
        for i, (t, q, a, author, body, html) in enumerate(rows, 1):
            yield {"id": i, "question_id": q, "answer_id": a, "author_id": author, "body": body,
                   "body_html": html, "created_at": ts(t), "deleted_at": None}

    def vote_rows(self):
        for i, (t, is_answer, post_id, voter, value) in enumerate(self.votes, 1):
            when = ts(t)
            yield {"id": i, "user_id": voter, "question_id": None if is_answer else post_id,
                   "answer_id": post_id if is_answer else None, "value": value, "created_at": when, "updated_at": when}

    def ledger_rows(self):
        """JOINED per member, then vote and acceptance entries in time order with the daily cap applied."""
        balance = [0] * (self.n_members + 1)
        earned_today: dict[tuple[int, int], int] = defaultdict(int)
        entry_id = 0

        def entry(user_id, event, amount, when, *, actor=None, question=None, answer=None):
            nonlocal entry_id
            entry_id += 1
            granted = rules.apply_cap(event, amount, earned_today[(user_id, int(when // 86_400))])
            if event in rules.CAPPED_EVENTS:
                earned_today[(user_id, int(when // 86_400))] += granted.delta
            balance[user_id] += granted.delta
            return {"id": entry_id, "user_id": user_id, "event": event.value, "amount": granted.amount,
                    "delta": granted.delta, "reason": granted.reason, "question_id": question, "answer_id": answer,
                    "actor_id": actor, "reverses_id": None, "created_at": ts(when)}

        for m in range(1, self.n_members + 1):
            yield entry(m, RepEvent.JOINED, rules.POINTS[RepEvent.JOINED], self.joined[m - 1])
        # Day boundaries are UTC days: START is midnight, so int(seconds // 86400) counts UTC days.
        happenings = [(t, 0, is_answer, post_id, voter, value) for t, is_answer, post_id, voter, value in self.votes]
        happenings += [(t, 1, True, a, self.q_author[q - 1], 0) for q, (a, t) in self.accepted.items()]
        happenings.sort()
        for t, what, is_answer, post_id, actor, value in happenings:
            if what == 0:
                kind = PostKind.ANSWER if is_answer else PostKind.QUESTION
                author = self.a_author[post_id - 1] if is_answer else self.q_author[post_id - 1]
                grants = rules.vote_grants(kind, value)
                keys = {"answer": post_id} if is_answer else {"question": post_id}
            else:
                author = self.a_author[post_id - 1]
                grants = rules.accept_grants(self_accept=author == actor)
                keys = {"answer": post_id}
            for grant in grants:
                subject = author if grant.role is GrantRole.AUTHOR else actor
                yield entry(subject, grant.event, grant.amount, t, actor=actor, **keys)
        self.balances = balance


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def scaled(scale: float) -> dict[str, int]:
    counts = {k: int(v * scale) for k, v in BASE.items()}
    counts["members"] = max(counts["members"], 60)
    counts["questions"] = max(counts["questions"], 20)
    counts["answers"] = max(counts["answers"], BENCH_ANSWERS + 20)
    return counts


def seed(app, scale: float, rng_seed: int, log=print) -> dict:
    """Empty the app's database, create the schema and fill it; returns counts and the benchmark ids."""
    counts = scaled(scale)
    rng = random.Random(rng_seed)
    t0 = time.perf_counter()

    def step(message: str) -> None:
        log(f"[{time.perf_counter() - t0:7.1f} s] {message}")

    with app.app_context():
        engine = db.engine
        db.drop_all()
        db.create_all()
        step(f"schema created on {engine.dialect.name}; planning {counts}")
        community = Community(counts["members"], counts["questions"], counts["answers"], rng)
        community.plan()
        step(f"planned {len(community.votes):,} votes, {len(community.accepted):,} accepted answers")
        password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                # A bulk load: no fsync per commit, and a page cache big enough for the random index inserts.
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
                conn.exec_driver_sql("PRAGMA cache_size=-1048576")
            bulk(conn, Product.__table__, [{"id": i, "slug": s, "name": n, "description": d}
                                           for i, (s, n, _, d) in enumerate(PRODUCTS, 1)])
            tag_names = list(TAG_WORDS) + [f"{p[0]}-{w}" for p in PRODUCTS for w in ("setup", "app", "hardware")]
            bulk(conn, Tag.__table__, [{"id": i, "name": n, "description": f"Questions about {n.replace('-', ' ')}."}
                                       for i, n in enumerate(tag_names, 1)])
            n_users = bulk(conn, User.__table__, community.users(password_hash))
            step(f"{n_users:,} members")

            revisions = []
            tag_links = []

            def questions():
                for row in community.question_rows(list(range(1, len(tag_names) + 1))):
                    q = row["id"]
                    tag_links.extend({"question_id": q, "tag_id": t} for t in community.q_tags[q])
                    revisions.append({"question_id": q, "answer_id": None, "number": 1, "author_id": row["author_id"],
                                      "created_at": row["created_at"], "comment": "", "title": row["title"],
                                      "tags": " ".join(tag_names[t - 1] for t in community.q_tags[q]),
                                      "body_md": row["body_md"]})
                    yield row
                    if len(revisions) >= BATCH:
                        insert_rows(conn, Revision.__table__, revisions)
                        revisions.clear()

            n_questions = bulk(conn, Question.__table__, questions())
            bulk(conn, Revision.__table__, revisions)
            revisions.clear()
            bulk(conn, question_tags, tag_links)
            step(f"{n_questions:,} questions, {len(tag_links):,} tag links")

            def answers():
                for row in community.answer_rows():
                    revisions.append({"question_id": None, "answer_id": row["id"], "number": 1,
                                      "author_id": row["author_id"], "created_at": row["created_at"], "comment": "",
                                      "title": None, "tags": None, "body_md": row["body_md"]})
                    yield row
                    if len(revisions) >= BATCH:
                        insert_rows(conn, Revision.__table__, revisions)
                        revisions.clear()

            n_answers = bulk(conn, Answer.__table__, answers())
            bulk(conn, Revision.__table__, revisions)
            step(f"{n_answers:,} answers with their first revisions")
            update_by_id(conn, Question.__table__, "accepted_answer_id",
                         [(q, a) for q, (a, _) in sorted(community.accepted.items())])
            conn.commit()
            n_comments = bulk(conn, Comment.__table__, community.comment_rows())
            n_votes = bulk(conn, Vote.__table__, community.vote_rows())
            step(f"{n_comments:,} comments, {n_votes:,} votes")
            n_entries = bulk(conn, ReputationEntry.__table__, community.ledger_rows())
            reputations = [(m, rules.balance(community.balances[m]))
                           for m in range(1, community.n_members + 1) if rules.balance(community.balances[m]) != 1]
            update_by_id(conn, User.__table__, "reputation", reputations)
            conn.commit()
            step(f"{n_entries:,} ledger entries; {len(reputations):,} members above 1 reputation")
            if engine.dialect.name == "postgresql":
                for table in ("products", "tags", "users", "questions", "answers", "comments", "votes",
                              "revisions", "reputation_entries"):
                    # Rows were inserted with explicit ids: move each sequence past them.
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                                      f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
                conn.commit()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        step("analyzed")
    return {"members": n_users, "questions": n_questions, "answers": n_answers, "comments": n_comments,
            "votes": n_votes, "ledger_entries": n_entries, "accepted": len(community.accepted),
            "bench_question_id": community.bench_question, "seconds": round(time.perf_counter() - t0, 1)}


def build_search_index(app, log=print) -> int | None:
    """Index the seeded threads the way `flask search reindex` does, when the app has search."""
    if app.extensions.get("search") is None:
        log("no search extension in this app: search index not built")
        return None
    from forum.search import indexing

    t0 = time.perf_counter()
    with app.app_context():
        total = indexing.rebuild(app.extensions["search"], batch_size=1000)
    log(f"[{time.perf_counter() - t0:7.1f} s] search index: {total:,} documents")
    return total


def search_index_dir(sqlite_path: str) -> str:
    """The Whoosh index folder beside the benchmark's SQLite file (PostgreSQL keeps its index in tables)."""
    return os.path.join(os.path.dirname(os.path.abspath(sqlite_path)), "bench-search-index")


def database_uri(sqlite_path: str) -> str | None:
    """None when DATABASE_URL is set (the app reads it), else the SQLite file's URI."""
    if os.environ.get("DATABASE_URL"):
        return None
    return "sqlite:///" + os.path.abspath(sqlite_path)


def bench_app(sqlite_path: str):
    settings = {"OUTBOX_SWEEP_SECONDS": 0, "SEARCH_INDEX_DIR": search_index_dir(sqlite_path)}
    uri = database_uri(sqlite_path)
    return create_app({**settings, "SQLALCHEMY_DATABASE_URI": uri} if uri else settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 50,000 members / 200,000 questions / 1,000,000 answers (e.g. 0.01)")
    parser.add_argument("--seed", type=int, default=20261101, help="random seed (same seed, same community)")
    parser.add_argument("--sqlite", default=DEFAULT_SQLITE, help="SQLite file when DATABASE_URL is not set")
    parser.add_argument("--verify", action="store_true", help="run the reputation verification afterwards")
    parser.add_argument("--search-index", action="store_true",
                        help="also build the search index (slow: ~1,300 documents/s on PostgreSQL, ~500/s Whoosh)")
    parser.add_argument("--search-index-only", action="store_true",
                        help="only (re)build the search index of an already seeded database")
    args = parser.parse_args()
    if args.search_index_only:
        shutil.rmtree(search_index_dir(args.sqlite), ignore_errors=True)
        build_search_index(bench_app(args.sqlite))
        return
    if not os.environ.get("DATABASE_URL"):
        os.makedirs(os.path.dirname(os.path.abspath(args.sqlite)), exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(args.sqlite + suffix):
                os.remove(args.sqlite + suffix)
    app = bench_app(args.sqlite)
    result = seed(app, args.scale, args.seed)
    if args.search_index:
        shutil.rmtree(search_index_dir(args.sqlite), ignore_errors=True)
        result["search_documents"] = build_search_index(app)
    for key, value in result.items():
        print(f"{key:18} {value:,}" if isinstance(value, int) else f"{key:18} {value}")
    if args.verify:
        from forum.services import verification

        with app.app_context():
            t0 = time.perf_counter()
            report = verification.verify()
        print(f"verify             {report.users:,} members, {report.events:,} entries, "
              f"{report.difference_count} differences ({time.perf_counter() - t0:.1f} s)")
        if not report.ok:
            for difference in report.differences[:10]:
                print("  " + difference.describe())
            sys.exit(1)


if __name__ == "__main__":
    main()
