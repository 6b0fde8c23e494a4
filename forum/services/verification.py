"""Check reputation three ways: the cache against the ledger, and the ledger against first principles.

First principles are the facts in the database (current votes, accepted answers, bonuses)
run through the rules table; the ledger's `amount` column (what the rules said, before the
daily cap) must add up to the same. Every source is one aggregate query ordered by member,
streamed and merged, so the run is O(events) in time and constant in memory.
"""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Select, bindparam, case, func, literal, select, update
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import Answer, Article, Question, ReputationEntry, User, Vote
from forum.policy import visibility
from reputation import rules
from reputation.events import RepEvent

STREAM_BATCH = 2000
REPORT_LIMIT = 1000


@dataclass
class Difference:
    user_id: int
    username: str
    cached: int
    ledger_balance: int
    ledger_amount: int
    expected_amount: int

    def describe(self) -> str:
        problems = []
        if self.cached != self.ledger_balance:
            problems.append(f"cache {self.cached} ≠ ledger {self.ledger_balance}")
        if self.ledger_amount != self.expected_amount:
            problems.append(f"ledger rules total {self.ledger_amount} ≠ first principles {self.expected_amount}")
        return f"#{self.user_id} {self.username}: " + "; ".join(problems)


@dataclass
class Report:
    users: int = 0
    events: int = 0
    differences: list[Difference] = field(default_factory=list)
    difference_count: int = 0

    @property
    def ok(self) -> bool:
        return self.difference_count == 0


def _expected_sources() -> list[Select]:
    """(user_id, amount) per member from each kind of fact, each ordered by member."""
    up, down = rules.POINTS[RepEvent.QUESTION_UPVOTED], rules.POINTS[RepEvent.QUESTION_DOWNVOTED]
    aup, adown = rules.POINTS[RepEvent.ANSWER_UPVOTED], rules.POINTS[RepEvent.ANSWER_DOWNVOTED]
    thread = aliased(Question)
    accepted = aliased(Answer)
    sources = [
        select(User.id, literal(rules.POINTS[RepEvent.JOINED])),
        select(Question.author_id, func.sum(case((Vote.value == 1, up), else_=down)))
        .join(Vote, Vote.question_id == Question.id).where(visibility.live(Question)).group_by(Question.author_id),
        select(Answer.author_id, func.sum(case((Vote.value == 1, aup), else_=adown)))
        .join(Vote, Vote.answer_id == Answer.id).join(thread, thread.id == Answer.question_id)
        .where(visibility.live(Answer), visibility.live(thread)).group_by(Answer.author_id),
        select(Vote.user_id, func.count() * rules.POINTS[RepEvent.DOWNVOTE_CAST])
        .join(Answer, Answer.id == Vote.answer_id).join(thread, thread.id == Answer.question_id)
        .where(Vote.value == -1, visibility.live(Answer), visibility.live(thread)).group_by(Vote.user_id),
        select(accepted.author_id, func.count() * rules.POINTS[RepEvent.ANSWER_ACCEPTED])
        .select_from(Question).join(accepted, accepted.id == Question.accepted_answer_id)
        .where(visibility.live(Question), visibility.live(accepted), accepted.author_id != Question.author_id)
        .group_by(accepted.author_id),
        select(Question.author_id, func.count() * rules.POINTS[RepEvent.ACCEPT_GIVEN])
        .join(accepted, accepted.id == Question.accepted_answer_id)
        .where(visibility.live(Question), visibility.live(accepted), accepted.author_id != Question.author_id)
        .group_by(Question.author_id),
        select(ReputationEntry.user_id, func.sum(ReputationEntry.amount))
        .where(ReputationEntry.event == RepEvent.BONUS.value).group_by(ReputationEntry.user_id),
        select(Answer.author_id, func.count() * rules.POINTS[RepEvent.ANSWER_PUBLISHED])
        .join(Article, Article.answer_id == Answer.id).group_by(Answer.author_id),
        # Posts deleted as spam (and not undeleted) cost their author the rules' penalty each.
        select(Question.author_id, func.count() * rules.POINTS[RepEvent.POST_DELETED_AS_SPAM])
        .where(visibility.deleted_as_spam(Question)).group_by(Question.author_id),
        select(Answer.author_id, func.count() * rules.POINTS[RepEvent.POST_DELETED_AS_SPAM])
        .where(visibility.deleted_as_spam(Answer)).group_by(Answer.author_id),
    ]
    return [s.order_by(s.selected_columns[0]) for s in sources]


def _stream(conn, query: Select, tag: str) -> Iterator[tuple]:
    result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(query)
    for row in result:
        yield (row[0], tag, tuple(row[1:]))


def _per_user(with_expected: bool) -> Iterator[tuple[int, dict]]:
    """Merge the ordered streams into one record per member."""
    engine = db.engine
    connections = []
    try:
        streams = []

        def open_stream(query: Select, tag: str) -> None:
            conn = engine.connect()
            connections.append(conn)
            streams.append(_stream(conn, query, tag))

        open_stream(select(User.id, User.username, User.reputation).order_by(User.id), "user")
        open_stream(select(ReputationEntry.user_id, func.sum(ReputationEntry.delta),
                           func.sum(ReputationEntry.amount), func.count())
                    .group_by(ReputationEntry.user_id).order_by(ReputationEntry.user_id), "ledger")
        if with_expected:
            for query in _expected_sources():
                open_stream(query, "expected")
        for user_id, rows in groupby(heapq.merge(*streams, key=itemgetter(0)), key=itemgetter(0)):
            record = {"username": "?", "cached": 0, "delta": 0, "amount": 0, "events": 0, "expected": 0}
            for _, tag, values in rows:
                if tag == "user":
                    record["username"], record["cached"] = values
                elif tag == "ledger":
                    record["delta"], record["amount"], record["events"] = (int(v or 0) for v in values)
                else:
                    record["expected"] += int(values[0] or 0)
            yield user_id, record
    finally:
        for conn in connections:
            conn.close()


def verify() -> Report:
    """Compare every member's cache, ledger and first principles; report the differences."""
    report = Report()
    for user_id, r in _per_user(with_expected=True):
        report.users += 1
        report.events += r["events"]
        balance = rules.balance(r["delta"])
        if r["cached"] != balance or r["amount"] != r["expected"]:
            report.difference_count += 1
            if len(report.differences) < REPORT_LIMIT:
                report.differences.append(Difference(user_id, r["username"], r["cached"], balance,
                                                     r["amount"], r["expected"]))
    return report


def recompute(batch: int = 1000) -> int:
    """Set every cached reputation to its ledger balance; returns how many were wrong."""
    pending: list[dict] = []
    repaired = 0
    statement = update(User).where(User.id == bindparam("uid")).values(reputation=bindparam("rep"))
    for user_id, r in _per_user(with_expected=False):
        balance = rules.balance(r["delta"])
        if r["cached"] != balance:
            pending.append({"uid": user_id, "rep": balance})
        if len(pending) >= batch:
            repaired += _flush(statement, pending)
    repaired += _flush(statement, pending)
    return repaired


def _flush(statement, pending: list[dict]) -> int:
    if not pending:
        return 0
    n = len(pending)
    with db.engine.begin() as conn:
        conn.execute(statement, pending)
    pending.clear()
    return n
