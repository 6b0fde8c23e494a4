"""Support cases: escalate a thread the community couldn't solve, work it, resolve it back to the thread.

Every change appends a CaseEvent (what webhooks deliver to the company's CRM) and an audit-log
entry; public updates and status changes reach the customer on their thread and by notification.
Internal notes stay on the case: no public page, feed, search index, digest or public API shows them.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum import bulk
from forum.extensions import db
from forum.markup import render_markdown
from forum.models import (
    Activity,
    Case,
    CaseEvent,
    CaseEventKind,
    CasePriority,
    CaseStatus,
    CaseUpdate,
    CaseUpdateKind,
    Question,
    User,
    utcnow,
)
from forum.parse import parse_id
from forum.policy import Permission, require, roles, visibility
from forum.services import notifications, posts, satisfaction, webhooks
from forum.services.errors import Conflict, MissingReference, NotAllowed, NotFound, StateConflict, ValidationFailed
from forum.transaction import savepoint
from moderation import sla

NOTE_MAX = 10_000
SUMMARY_MIN = 10

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.NEW: frozenset({CaseStatus.OPEN, CaseStatus.WAITING, CaseStatus.RESOLVED}),
    CaseStatus.OPEN: frozenset({CaseStatus.WAITING, CaseStatus.RESOLVED}),
    CaseStatus.WAITING: frozenset({CaseStatus.OPEN, CaseStatus.RESOLVED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.OPEN}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}


class CaseExists(Conflict):
    """A second escalation of a thread that already has an active case."""

    def __init__(self, case: Case) -> None:
        super().__init__(f"This thread is already escalated as {case.reference}.")
        self.case = case


@dataclass(frozen=True)
class Escalation:
    case: Case
    created: bool


def require_case_staff(user: User | None) -> None:
    require(user, Permission.CASE_WORK)


def _parse_priority(priority: str) -> CasePriority:
    try:
        return CasePriority(priority)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown priority."),
                               fields={"priority": _("Use low, normal, high or urgent.")}) from exc


def _event(case: Case, kind: CaseEventKind, actor: User | None, **data) -> CaseEvent:
    event = CaseEvent(case_id=case.id, kind=kind.value, actor_id=actor.id if actor else None, data=data)
    db.session.add(event)
    db.session.flush()
    webhooks.fan_out(event)
    return event


def record_event(case: Case, kind: CaseEventKind, actor: User | None, **data) -> CaseEvent:
    """Append an event to the case's history (and to the webhooks), for other case features."""
    return _event(case, kind, actor, **data)


def _audit(actor: User | None, action: str, case: Case, reason: str = "", before: dict | None = None,
           after: dict | None = None) -> None:
    from moderation import audit

    audit.log(action, actor, target=case.reference, reason=reason, before=before, after=after,
              question_id=case.question_id)


def active_case_for(question_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.active_question_id == question_id))


def latest_case_for(question_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.question_id == question_id).order_by(Case.id.desc()).limit(1))


def escalate(question_id: int, *, actor: User, priority: str = "normal", note: str = "") -> Escalation:
    """Open a case for a thread, or return the one already active (created=False).

    Refuses deleted threads. Two racing escalations end with one case: the unique
    active_question_id decides, and the loser gets the winner's case.
    """
    require_case_staff(actor)
    level = _parse_priority(priority)
    if note and len(note) > NOTE_MAX:
        raise ValidationFailed(_("The note is too long."), fields={"note": f"At most {NOTE_MAX:,} characters."})
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(_("No such question."))
    if not visibility.is_live(question):
        raise StateConflict(_("A deleted thread can't be escalated: undelete it first."))
    if question.is_hidden:
        raise StateConflict(_("This thread is hidden pending review (spam or abuse flags); review it first."))
    existing = active_case_for(question.id)
    if existing is not None:
        raise CaseExists(existing)
    now = utcnow()
    case = Case(question_id=question.id, active_question_id=question.id, customer_id=question.author_id,
                product_id=question.product_id, priority=level.value, status=CaseStatus.NEW.value,
                created_by_id=actor.id, created_at=now, updated_at=now,
                sla_due_at=sla.due_at(level.value, now, current_app.config["CASE_SLA_TARGETS"]))
    try:
        with savepoint():
            db.session.add(case)
            db.session.flush()
    except IntegrityError:
        winner = active_case_for(question_id)
        if winner is None:
            raise
        raise CaseExists(winner) from None
    _event(case, CaseEventKind.CREATED, actor, priority=case.priority, question_id=question.id)
    _route(case, actor)
    if note.strip():
        update = _add_update(case, actor, note.strip(), public=False, kind="note")
        _event(case, CaseEventKind.INTERNAL_NOTE, actor, update_id=update.id, body=update.body)
    _audit(actor, "case.escalate", case, reason=f"priority {case.priority}", after={"question_id": question.id})
    _notify_customer(case, "case.escalated", title=question.title[:80], reference=case.reference)
    db.session.flush()
    return Escalation(case, True)


def escalate_automatically_many(items: list[tuple[Question, str, str]], *, now: datetime) -> dict[int, Case]:
    """`escalate_automatically` for a batch of (question, priority, product name), in a fixed number of
    statements per batch: the care run's path. Questions that already have an active case are left
    out (ON CONFLICT DO NOTHING on the unique active_question_id). Returns the new cases by question id.
    """
    if not items:
        return {}
    from forum.services.care import routing

    router = routing.Router({q.product_id for q, _p, _n in items})
    targets = current_app.config["CASE_SLA_TARGETS"]
    rows, names = [], {}
    for question, priority, product_name in items:
        level = _parse_priority(priority)
        names[question.id] = product_name
        rows.append({"question_id": question.id, "active_question_id": question.id,
                     "customer_id": question.author_id, "product_id": question.product_id, "priority": level.value,
                     "status": CaseStatus.NEW.value, "created_by_id": None, "created_at": now, "updated_at": now,
                     "sla_due_at": sla.due_at(level.value, now, targets),
                     "assignee_id": router.pick(question.product_id)})
    ids = [case_id for (case_id,) in bulk.insert_returning(Case, rows, conflict_index=["active_question_id"])]
    cases = {c.question_id: c for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}
    usernames = dict(db.session.execute(select(User.id, User.username).where(
        User.id.in_({c.assignee_id for c in cases.values() if c.assignee_id}))).all())
    events, audits, notes = [], [], []
    for question_id, case in sorted(cases.items()):
        reason = f"escalated automatically (policy of product {names[question_id]})"
        events += [{"case_id": case.id, "kind": CaseEventKind.CREATED.value, "data": {
                       "priority": case.priority, "question_id": question_id, "automatic": True}},
                   {"case_id": case.id, "kind": CaseEventKind.AUTO_ESCALATED.value, "data": {
                       "priority": case.priority, "question_id": question_id, "reason": reason}}]
        audits.append({"target": case.reference, "reason": reason, "after": {"question_id": question_id}})
        notes.append({"user_id": case.customer_id, "kind": "case_update", "question_id": question_id,
                      "message": "case.auto_escalated"})
        if case.assignee_id:
            events.append({"case_id": case.id, "kind": CaseEventKind.ASSIGNED.value, "data": {
                "before": None, "after": usernames.get(case.assignee_id), "routed": True}})
            notes.append({"user_id": case.assignee_id, "kind": "case_assigned", "question_id": question_id,
                          "message": "case.assigned", "params": {"reference": case.reference}})
    for event in events:
        event["created_at"] = now
    event_ids = [event_id for (event_id,) in bulk.insert_returning(CaseEvent, events)]
    webhooks.fan_out_many(event_ids)
    from moderation import audit

    audit.log_many("case.auto_escalate", None, audits)
    notifications.notify_many(notes)
    return cases


def _route(case: Case, actor: User | None) -> None:
    """A new case goes to the product's least busy agent who isn't away (none: it stays unassigned)."""
    from forum.services.care import routing

    agent_id = routing.pick_agent(case.product_id)
    if agent_id is None:
        return
    case.assignee_id = agent_id
    db.session.flush()
    username = db.session.scalar(select(User.username).where(User.id == agent_id))
    _event(case, CaseEventKind.ASSIGNED, actor, before=None, after=username, routed=True)
    notifications.notify(agent_id, "case_assigned", actor_id=actor.id if actor else None,
                         question_id=case.question_id, message="case.assigned", params={"reference": case.reference})


def get_case(reference: str, *, viewer: User | None) -> Case:
    require_case_staff(viewer)
    number = reference.upper().removeprefix("CASE-")
    case = db.session.get(Case, parse_id(number)) if parse_id(number) is not None else None
    if case is None:
        raise NotFound(_("No case %(reference)s.", reference=reference[:20]))
    return case


def _add_update(case: Case, author: User, body: str, *, public: bool, kind: str) -> CaseUpdate:
    update = CaseUpdate(case_id=case.id, author_id=author.id, public=public, kind=kind, body=body,
                        body_html=render_markdown(body))
    db.session.add(update)
    db.session.flush()
    return update


def transition(case: Case, new_status: str, *, actor: User, summary: str | None = None) -> Case:
    """Move a case along its workflow; a resolution needs a summary, which is posted to the thread."""
    require_case_staff(actor)
    try:
        target = CaseStatus(new_status)
    except ValueError as exc:
        raise ValidationFailed(_("Unknown status “%(new_status)s”.", new_status=str(new_status)[:30]),
                               fields={"status": _("Use new, open, waiting_on_customer, resolved or closed.")}) from exc
    current = CaseStatus(case.status)
    if target == current:
        return case
    if target not in TRANSITIONS[current]:
        raise StateConflict(_("A case that is “%(current)s” can't become “%(target)s”.",
                              current=current.label, target=target.label),
                               fields={"status": "Allowed next: " + ", ".join(sorted(TRANSITIONS[current]))})
    if target is CaseStatus.RESOLVED:
        if not summary or len(summary.strip()) < SUMMARY_MIN:
            raise ValidationFailed(_("Resolving needs a resolution summary for the customer."),
                                   fields={"summary": f"At least {SUMMARY_MIN} characters, posted to the thread."})
        case.resolution_summary = summary.strip()
        case.resolved_at = utcnow()
        _add_update(case, actor, case.resolution_summary, public=True, kind="resolution")
        _touch_thread(case, Activity.RESOLVED, actor)
    _apply_status(case, target, actor)
    if target is CaseStatus.RESOLVED:
        satisfaction.request_survey(case)
    db.session.flush()
    return case


def _apply_status(case: Case, target: CaseStatus, actor: User) -> None:
    before = case.status
    if target is CaseStatus.CLOSED:
        case.closed_at, case.active_question_id = utcnow(), None
    elif before == CaseStatus.CLOSED:
        other = active_case_for(case.question_id)
        if other is not None and other.id != case.id:
            raise CaseExists(other)
        case.closed_at, case.active_question_id = None, case.question_id
    case.status = target.value
    case.updated_at = utcnow()
    _mark_solved(case, target, actor)
    _event(case, CaseEventKind.STATUS_CHANGED, actor, before=before, after=target.value)
    _audit(actor, "case.status", case, before={"status": before}, after={"status": target.value})
    _notify_customer(case, f"case.status.{target.value}", title=case.question.title[:80])


def _mark_solved(case: Case, target: CaseStatus, actor: User) -> None:
    """The thread is solved by support exactly while the asker's acceptance closed its case."""
    if target is CaseStatus.CLOSED and actor.id == case.customer_id:
        case.question.solved_by_support_at = utcnow()
    elif target is not CaseStatus.CLOSED:
        case.question.solved_by_support_at = None


def _touch_thread(case: Case, kind: Activity, actor: User) -> None:
    """What support and the asker say on a case is activity on its public thread (the Active list)."""
    posts.touch(case.question, kind, actor)


REPLY_MIN = 2


def customer_reply(question_id: int, body: str, *, customer: User) -> CaseUpdate:
    """Post the asker's reply to support on the thread's case (a message to support, not an answer).

    Only the asker may reply, and only while the case is not closed; a case waiting on the
    customer goes back to open, as the ball is in support's court again. Flushes; the caller commits.
    """
    case = latest_case_for(question_id)
    require(customer, Permission.CASE_RESPOND, case)
    if case.status == CaseStatus.CLOSED:
        raise StateConflict(_("This case is closed: ask a new question if you need more help."))
    body = (body or "").replace("\x00", "").strip()
    if not REPLY_MIN <= len(body) <= NOTE_MAX:
        raise ValidationFailed(_("Please write your reply."), fields={"body": f"{REPLY_MIN}–{NOTE_MAX:,} characters."})
    update = _add_update(case, customer, body, public=True, kind=CaseUpdateKind.CUSTOMER_REPLY.value)
    case.updated_at = utcnow()
    if case.status == CaseStatus.WAITING:
        _apply_status(case, CaseStatus.OPEN, customer)
    _touch_thread(case, Activity.ASKER_REPLIED, customer)
    _event(case, CaseEventKind.CUSTOMER_REPLY, customer, update_id=update.id, body=body)
    _audit(customer, "case.customer_reply", case)
    if case.assignee_id:
        notifications.notify(case.assignee_id, "case_update", actor_id=customer.id, question_id=case.question_id,
                             message="case.customer_reply", params={"reference": case.reference})
    db.session.flush()
    return update


def assign(case: Case, assignee_username: str | None, *, actor: User) -> Case:
    """Give the case to an agent (or nobody)."""
    require_case_staff(actor)
    assignee = None
    if assignee_username:
        assignee = db.session.scalar(select(User).where(User.username == assignee_username))
        if assignee is None or not roles.is_support(assignee):
            raise MissingReference(_("No agent has that username: cases go to agents, moderators or admins."),
                                   fields={"assignee": _("Choose an agent, moderator or admin.")})
    before = case.assignee.username if case.assignee else None
    if (assignee.id if assignee else None) == case.assignee_id:
        return case
    case.assignee = assignee
    case.updated_at = utcnow()
    _event(case, CaseEventKind.ASSIGNED, actor, before=before, after=assignee.username if assignee else None)
    _audit(actor, "case.assign", case, before={"assignee": before},
           after={"assignee": assignee.username if assignee else None})
    db.session.flush()
    return case


def set_priority(case: Case, priority: str, *, actor: User) -> Case:
    """Change the priority; the SLA deadline is recomputed from when the case was opened."""
    require_case_staff(actor)
    level = _parse_priority(priority)
    if level.value == case.priority:
        return case
    before = case.priority
    case.priority = level.value
    case.sla_due_at = sla.due_at(level.value, case.created_at, current_app.config["CASE_SLA_TARGETS"])
    case.updated_at = utcnow()
    _event(case, CaseEventKind.PRIORITY_CHANGED, actor, before=before, after=level.value)
    _audit(actor, "case.priority", case, before={"priority": before}, after={"priority": level.value})
    db.session.flush()
    return case


def post_update(case: Case, body: str, *, public: bool, actor: User) -> CaseUpdate:
    """Add a public update (shown on the thread as a staff reply) or an internal note."""
    require_case_staff(actor)
    body = (body or "").replace("\x00", "").strip()
    if not 2 <= len(body) <= NOTE_MAX:
        raise ValidationFailed(_("Please write the update."), fields={"body": f"2–{NOTE_MAX:,} characters."})
    update = _add_update(case, actor, body, public=public, kind="update" if public else "note")
    case.updated_at = utcnow()
    if public:
        _touch_thread(case, Activity.SUPPORT_REPLIED, actor)
    if public and case.status == CaseStatus.NEW:
        _apply_status(case, CaseStatus.OPEN, actor)
    _event(case, CaseEventKind.PUBLIC_UPDATE if public else CaseEventKind.INTERNAL_NOTE, actor, update_id=update.id,
           body=body)
    _audit(actor, "case.update" if public else "case.note", case)
    if public:
        _notify_customer(case, "case.update", reference=case.reference)
    db.session.flush()
    return update


def customer_response(question_id: int, *, customer: User, accept: bool) -> Case:
    """The asker accepts the resolution (the case closes) or reopens it."""
    case = latest_case_for(question_id)
    if case is None:
        raise NotAllowed(_("Only the person who asked can respond to this case."))
    require(customer, Permission.CASE_RESPOND, case)
    if case.status != CaseStatus.RESOLVED:
        raise ValidationFailed(_("This case isn't waiting for your answer to a resolution."))
    _apply_status(case, CaseStatus.CLOSED if accept else CaseStatus.OPEN, customer)
    if accept:
        _touch_thread(case, Activity.SOLVED, customer)
    db.session.flush()
    return case


def _notify_customer(case: Case, message: str, **params: str) -> None:
    """Tell the asker about their case (in-app, and by email if they opted in), in their language."""
    notifications.notify(case.customer_id, "case_update", question_id=case.question_id, message=message,
                         params=params)
