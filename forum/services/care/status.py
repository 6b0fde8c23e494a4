"""What a thread and a question list say about the wait for a first response.

The view asks `thread_status(question, viewer)` and `waiting_markers(questions)` and the
templates only show the sentence and times they return. Due times are given in the reader's
time zone (Settings → Notifications and email; UTC for visitors).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from babel.dates import format_datetime
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, tuple_

from forum.extensions import db
from forum.models import Case, EscalationPolicy, MailSettings, Question, User, utcnow
from forum.policy import visibility
from forum.services import preferences
from forum.services.care import first_response, hours, targets


def duration_text(span: timedelta) -> str:
    """"45 min", "3 h", "2 h 10 min", "3 d 4 h": the wait at a glance.

    Each unit is a plural entry of its own (languages inflect "3 h" by the count); two units are
    joined by one entry whose order and separator each language chooses ("2 h 10 min", "2 h, 10 min").
    """
    minutes = max(int(span.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours_, minutes = divmod(minutes, 60)
    if days:
        larger = ngettext("%(num)d d", "%(num)d d", days)
        smaller = hours_ and ngettext("%(num)d h", "%(num)d h", hours_)
    elif hours_:
        larger, smaller = ngettext("%(num)d h", "%(num)d h", hours_), minutes and ngettext(
            "%(num)d min", "%(num)d min", minutes)
    else:
        larger, smaller = ngettext("%(num)d min", "%(num)d min", minutes), ""
    return _("%(larger)s %(smaller)s", larger=larger, smaller=smaller) if smaller else larger


def reader_zone(viewer: User | None) -> str:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return "UTC"
    settings = db.session.get(MailSettings, viewer.id)
    return settings.time_zone if settings is not None and settings.time_zone else "UTC"


def local_text(moment: datetime, zone_name: str) -> str:
    """"Mon 30 Nov, 10:00 CET": a due time in the reader's zone, the day and month in their language."""
    local = moment.replace(tzinfo=UTC).astimezone(preferences.zone(zone_name))
    return f"{format_datetime(local, 'EEE dd MMM, HH:mm', locale=str(get_locale() or 'en'))} {local.tzname()}"


def _is_first_question(question: Question) -> bool:
    earlier = exists().where(Question.author_id == question.author_id, Question.product_id == question.product_id,
                             Question.id < question.id)
    return not db.session.scalar(select(earlier))


def escalation_applies(question: Question, care: targets.CareTargets, *, has_case: bool | None = None) -> bool:
    """Whether the product's policy would escalate this question if it kept waiting."""
    if care.policy is EscalationPolicy.OFF:
        return False
    if not visibility.is_public(question) or question.is_closed or question.is_locked:
        return False
    if has_case is None:
        has_case = bool(db.session.scalar(select(exists().where(Case.question_id == question.id))))
    if has_case:
        return False
    return care.policy is EscalationPolicy.EVERY_QUESTION or _is_first_question(question)


@dataclass(frozen=True)
class WaitStatus:
    waiting: bool
    waiting_since: datetime | None
    first_response_at: datetime | None
    response_due_at: datetime | None
    escalation_due_at: datetime | None
    text: str
    due_text: str = ""


def wait_status(question: Question, *, zone_name: str | None = "UTC", now: datetime | None = None,
                responded: datetime | None = None, known: bool = False,
                has_case: bool | None = None) -> WaitStatus:
    """The wait for `question`; `known` means `responded` was already worked out by the caller.

    `zone_name` None is looked up lazily by the caller's `zone` callback only when a due time is shown.
    """
    now = now or utcnow()
    care = targets.targets_of(question.product)
    if not known:
        responded = first_response.first_response_at(question.id)
    response_due = (hours.add_business_time(care.hours, question.created_at, care.first_response)
                    if care.first_response else None)
    if responded is not None:
        return WaitStatus(False, None, responded, response_due, None,
                          _("First answer in %(wait)s", wait=duration_text(responded - question.created_at)))
    escalation_due = (hours.add_business_time(care.hours, question.created_at, care.escalate_after)
                      if escalation_applies(question, care, has_case=has_case) else None)
    text = _("Waiting for a first answer · %(wait)s", wait=duration_text(now - question.created_at))
    due_text = ""
    if escalation_due is not None:
        amount = int(care.escalate_after.total_seconds() // 3600)
        steps_in = (ngettext("support steps in after %(num)d business hour",
                             "support steps in after %(num)d business hours", amount) if care.hours is not None
                    else ngettext("support steps in after %(num)d hour", "support steps in after %(num)d hours",
                                  amount))
        text += " · " + steps_in
        due_text = _("by %(time)s", time=local_text(escalation_due, zone_name or "UTC"))
    elif response_due is not None:
        due_text = _("we aim to answer by %(time)s", time=local_text(response_due, zone_name or "UTC"))
    return WaitStatus(True, question.created_at, None, response_due, escalation_due, text, due_text)


def thread_status(thread, viewer: User | None) -> WaitStatus | None:
    """The chip for the thread page (from the loaded thread: one query for the product's targets,
    one more for the reader's time zone when a due time is shown); None for deleted or closed questions."""
    question = thread.question
    if not visibility.is_live(question) or question.is_closed:
        return None
    if thread.case is None:
        responded = first_response.first_response_among(question, thread.answers)
    else:  # an earlier, closed case may have answered first: ask the database
        responded = first_response.first_response_at(question.id)
    status = wait_status(question, zone_name=None, responded=responded, known=True,
                         has_case=thread.case is not None)
    if status.due_text and viewer is not None:
        zone_name = reader_zone(viewer)
        if zone_name != "UTC":
            status = wait_status(question, zone_name=zone_name, responded=responded, known=True,
                                 has_case=thread.case is not None)
    return status


def waiting_markers(questions: list[Question], *, now: datetime | None = None) -> dict[int, str]:
    """For the questions of a list still waiting for a first response: how long (one query)."""
    live = [q for q in questions if not q.is_closed and visibility.is_live(q)]
    if not live:
        return {}
    ids = set(db.session.scalars(select(Question.id).where(Question.id.in_([q.id for q in live]),
                                                           first_response.waiting_clause())))
    now = now or utcnow()
    return {q.id: duration_text(now - q.created_at) for q in live if q.id in ids}


def timings(questions: list[Question]) -> dict[int, dict[str, datetime | None]]:
    """For the API: first_response_at, waiting_since, response_due_at, escalation_due_at per question
    (None where they don't apply), for any number of questions in a fixed number of queries."""
    if not questions:
        return {}
    ids = [q.id for q in questions]
    care_by_product = targets.all_targets()
    responded = first_response.first_responses(ids)
    with_case = set(db.session.scalars(select(Case.question_id).where(Case.question_id.in_(ids))))
    firsts: set[int] = set()
    first_only = [q for q in questions
                  if care_by_product.get(q.product_id) and care_by_product[q.product_id].policy
                  is EscalationPolicy.FIRST_QUESTION]
    if first_only:
        pairs = {(q.author_id, q.product_id) for q in first_only}
        firsts = set(db.session.scalars(
            select(func.min(Question.id)).where(tuple_(Question.author_id, Question.product_id).in_(pairs))
            .group_by(Question.author_id, Question.product_id)))
    result = {}
    for q in questions:
        care = care_by_product.get(q.product_id) or targets.resolve(None, q.product_id)
        answered_at = responded.get(q.id)
        live = visibility.is_live(q) and not q.is_closed
        waiting = answered_at is None and live
        applies = (waiting and care.escalates and q.id not in with_case and visibility.is_public(q) and not q.is_locked
                   and (care.policy is EscalationPolicy.EVERY_QUESTION or q.id in firsts))
        result[q.id] = {
            "first_response_at": answered_at,
            "waiting_since": q.created_at if waiting else None,
            "response_due_at": (hours.add_business_time(care.hours, q.created_at, care.first_response)
                                if care.first_response and live else None),
            "escalation_due_at": hours.add_business_time(care.hours, q.created_at, care.escalate_after)
            if applies else None,
        }
    return result
