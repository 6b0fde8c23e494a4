"""Response overdue: a question still without a first response when its product's first-response
target passes is announced once, as the `question.response_overdue` webhook event, so a CRM or a
team chat hears about it before the escalation threshold (if any) opens a case.

A `ResponseOverdue` row per question (its primary key) records the announcement: a question
waits for its first response only once, from when it was asked, so re-runs and racing runs send
nothing twice. Deleted, hidden, closed and locked questions are never announced, nor questions of
products without a first-response target.

Like the escalation sweep, finding the work takes one query per product with a target (the
business-hours cutoff is computed in Python: the target has passed exactly when the question
was asked at or before `subtract_business_time(now, target)`), and writing it a fixed number of
statements per batch.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select

from forum import bulk
from forum.extensions import db
from forum.models import Product, Question, ResponseOverdue, utcnow
from forum.policy import visibility
from forum.services import webhooks
from forum.services.care import first_response, hours, targets


@dataclass(frozen=True)
class Overdue:
    question_id: int
    title: str
    product_name: str
    due_at: datetime


def due_notices(now: datetime, *, limit: int) -> list[Overdue]:
    """Waiting questions past their product's first-response target and not yet announced,
    oldest first, at most `limit`."""
    found: list[Overdue] = []
    names = dict(db.session.execute(select(Product.id, Product.name)).all())
    for product_id, care in sorted(targets.all_targets().items()):
        if care.first_response is None or len(found) >= limit:
            continue
        cutoff = hours.subtract_business_time(care.hours, now, care.first_response)
        query = (select(Question.id, Question.title, Question.created_at)
                 .where(Question.product_id == product_id, Question.created_at <= cutoff,
                        visibility.public_questions(), Question.closed_at.is_(None),
                        Question.locked_at.is_(None),
                        ~exists().where(ResponseOverdue.question_id == Question.id),
                        first_response.waiting_clause())
                 .order_by(Question.created_at, Question.id).limit(limit - len(found)))
        found += [Overdue(question_id, title, names[product_id],
                          hours.add_business_time(care.hours, asked, care.first_response))
                  for question_id, title, asked in db.session.execute(query)]
    return found


def announce(items: list[Overdue]) -> list[Overdue]:
    """Record these lapses and queue their webhook events (flushes only); returns those announced.

    A question a racing run announced first is left out (ON CONFLICT DO NOTHING on the question).
    """
    if not items:
        return []
    notified_at = utcnow()
    recorded = {question_id for (question_id,) in bulk.insert_returning(
        ResponseOverdue, [{"question_id": item.question_id, "due_at": item.due_at, "notified_at": notified_at}
                          for item in items], ["question_id"], conflict_index=["question_id"])}
    announced = [item for item in items if item.question_id in recorded]
    webhooks.response_overdue_many({item.question_id: item.due_at for item in announced})
    return announced
