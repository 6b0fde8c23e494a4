"""The care run: announce questions past their product's first-response target
(`question.response_overdue`), escalate questions waiting past its escalation threshold, remind
agents whose customers are due an update, offer waiting questions to members who can help.

Celery beat runs it every 5 minutes (`forum.tasks.care_run`); without a broker, cron runs
`flask care run`. A run is one unit of work that first inserts its `CareRun` row (and, on
PostgreSQL, takes a transaction-scoped advisory lock), so racing runs take turns: the second
finds nothing left to do. The unique active case per thread stays the last line of defence.

Work per run is bounded (`CARE_RUN_LIMIT` escalations and as many overdue notices, the rest wait
for the next run) and the
number of queries to find the work does not grow with the number of questions: one query per
product with a policy (its business-hours cutoff is computed in Python: a question is past the
threshold exactly when it was asked at or before `subtract_business_time(now, threshold)`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, select, text
from sqlalchemy.orm import aliased

from forum.extensions import db
from forum.models import CareRun, Case, EscalationPolicy, Product, Question, utcnow
from forum.policy import visibility
from forum.services.care import cadence, first_response, hours, offers, overdue, targets
from forum.services.care.overdue import Overdue

BATCH = 500  # escalations written per set of bulk statements
LOCK_KEY = 16_016  # pg_advisory_xact_lock key of the care run


@dataclass(frozen=True)
class Due:
    question_id: int
    title: str
    product_name: str
    priority: str


@dataclass
class RunReport:
    as_of: datetime
    dry_run: bool
    escalations: list[tuple[Due, str | None]] = field(default_factory=list)  # (question, case reference)
    reminders: list[tuple[int, str]] = field(default_factory=list)  # (case id, reference)
    overdue: list[Overdue] = field(default_factory=list)  # announced (or, dry, to announce)
    offers: int = 0

    @property
    def escalated(self) -> int:
        return sum(1 for _due, ref in self.escalations if ref)


def _serialize_runs() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def due_escalations(now: datetime, *, limit: int) -> list[Due]:
    """Questions past their product's escalation threshold, oldest first, at most `limit`."""
    found: list[Due] = []
    products = {p.id: p.name for p in db.session.scalars(select(Product))}
    for product_id, care in sorted(targets.all_targets().items()):
        if care.policy is EscalationPolicy.OFF or len(found) >= limit:
            continue
        cutoff = hours.subtract_business_time(care.hours, now, care.escalate_after)
        query = (select(Question.id, Question.title)
                 .where(Question.product_id == product_id, Question.created_at <= cutoff,
                        visibility.public_questions(), Question.closed_at.is_(None),
                        Question.locked_at.is_(None), ~exists().where(Case.question_id == Question.id),
                        first_response.waiting_clause()))
        if care.policy is EscalationPolicy.FIRST_QUESTION:
            earlier = aliased(Question)
            query = query.where(~exists().where(earlier.author_id == Question.author_id,
                                                earlier.product_id == Question.product_id, earlier.id < Question.id))
        for question_id, title in db.session.execute(
                query.order_by(Question.created_at, Question.id).limit(limit - len(found))):
            found.append(Due(question_id, title, products[product_id], care.escalation_priority))
    return found


def run(now: datetime | None = None, *, dry_run: bool = False, limit: int | None = None) -> RunReport:
    """One care run as of `now` (default: the current time). Call it inside a unit of work."""
    from moderation import escalation

    now = now or utcnow()
    limit = limit if limit is not None else current_app.config["CARE_RUN_LIMIT"]
    report = RunReport(now, dry_run)
    if not dry_run:
        record = CareRun(as_of=now, started_at=utcnow())
        db.session.add(record)
        db.session.flush()  # the first write: racing runs on SQLite queue here
        _serialize_runs()
    due = due_escalations(now, limit=limit)
    lapsed = overdue.due_notices(now, limit=limit)
    if dry_run:
        report.escalations = [(item, None) for item in due]
        report.overdue = lapsed
        report.reminders = [(c.id, c.reference) for c in cadence.lapsed_cases(now)]
        return report
    for start in range(0, len(due), BATCH):
        chunk = due[start:start + BATCH]
        loaded = {q.id: q for q in db.session.scalars(
            select(Question).where(Question.id.in_([d.question_id for d in chunk])))}
        cases = escalation.escalate_automatically_many(
            [(loaded[d.question_id], d.priority, d.product_name) for d in chunk], now=now)
        report.escalations += [(d, cases[d.question_id].reference if d.question_id in cases else None)
                               for d in chunk]
    for start in range(0, len(lapsed), BATCH):
        report.overdue += overdue.announce(lapsed[start:start + BATCH])
    report.reminders = [(c.id, c.reference) for c in cadence.remind(now)]
    report.offers = offers.offer_waiting(now)
    record.escalated, record.reminded, record.offered = report.escalated, len(report.reminders), report.offers
    record.overdue = len(report.overdue)
    db.session.flush()
    return report
