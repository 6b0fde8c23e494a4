"""Update cadence: a case whose last public update (or, before any, its opening) is older than its
priority's cadence, counted in the product's business hours, is "update due". Its agent is told
once per lapse: a `CadenceReminder(case, lapsed_after)` row, unique, records that the lapse
that began after that update was announced, so re-runs and racing runs remind nobody twice.

Cases waiting on the customer, resolved or closed owe no update.
"""

from datetime import datetime

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import CadenceReminder, Case, CaseEventKind, CaseStatus, CaseUpdate, CaseUpdateKind, utcnow
from forum.services import notifications
from forum.services.care import hours, targets
from forum.transaction import savepoint

OWING = (CaseStatus.NEW.value, CaseStatus.OPEN.value)


def _last_public_update():
    """The last public update from support: the customer's own replies don't answer the customer."""
    return (select(CaseUpdate.case_id, func.max(CaseUpdate.created_at).label("at"))
            .where(CaseUpdate.public.is_(True), CaseUpdate.kind != CaseUpdateKind.CUSTOMER_REPLY.value)
            .group_by(CaseUpdate.case_id).subquery())


def _lapse_conditions(now: datetime):
    """(condition per product and priority) for cases whose cadence has lapsed by `now`."""
    last = _last_public_update()
    since = func.coalesce(last.c.at, Case.created_at)
    conditions = []
    for product_id, care in targets.all_targets().items():
        for priority, span in care.cadence.items():
            cutoff = hours.subtract_business_time(care.hours, now, span)
            conditions.append((Case.product_id == product_id) & (Case.priority == priority) & (since <= cutoff))
    return last, since, conditions


def lapsed(now: datetime | None = None, *, case_ids: list[int] | None = None) -> list[tuple[Case, datetime]]:
    """Cases that owe their customer an update, with when the lapse began (one query)."""
    now = now or utcnow()
    last, since, conditions = _lapse_conditions(now)
    if not conditions:
        return []
    query = (select(Case, since).outerjoin(last, last.c.case_id == Case.id)
             .where(Case.status.in_(OWING), or_(*conditions)).order_by(Case.id))
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return list(db.session.execute(query).tuples())


def lapsed_cases(now: datetime | None = None) -> list[Case]:
    return [case for case, _since in lapsed(now)]


def update_due_ids(case_ids: list[int], now: datetime | None = None) -> set[int]:
    """Which of these cases are "update due" (the marker in /cases)."""
    if not case_ids:
        return set()
    return {case.id for case, _since in lapsed(now, case_ids=case_ids)}


def remind(now: datetime | None = None) -> list[Case]:
    """Tell each lapsed case's agent once per lapse (flushes only); returns the cases reminded."""
    from moderation.escalation import record_event

    found = lapsed(now)
    if not found:
        return []
    pairs = [(case.id, since) for case, since in found]
    done = set(db.session.execute(select(CadenceReminder.case_id, CadenceReminder.lapsed_after)
                                  .where(tuple_(CadenceReminder.case_id, CadenceReminder.lapsed_after).in_(pairs)))
               .tuples())
    reminded = []
    for case, since in found:
        if (case.id, since) in done:
            continue
        try:
            with savepoint():
                db.session.add(CadenceReminder(case_id=case.id, lapsed_after=since, notified_at=utcnow()))
                db.session.flush()
        except IntegrityError:
            continue  # a racing run reminded this lapse
        record_event(case, CaseEventKind.UPDATE_DUE, None, since=since.isoformat() + "Z", priority=case.priority)
        if case.assignee_id is not None:
            notifications.notify(case.assignee_id, "case_update_due", question_id=case.question_id,
                                 message="case.update_due", params={"reference": case.reference})
        reminded.append(case)
    return reminded
