"""Signed webhooks: case events and community events go to the endpoints subscribed to them.

Each endpoint picks its event types (EVENT_TYPES): "case" is every case event (created,
escalated automatically, status changed, assigned, public update, internal note, update due);
the community ones are question.created, answer.created, answer.accepted, question.closed,
article.published and question.response_overdue (from the care run), sent only for public content.

The body is JSON with the event id (receivers dedupe by it) and a timestamp; the signature
follows the Standard Webhooks idea:

    X-PeerCare-Signature: sha256=<hex HMAC-SHA256 of "{id}.{timestamp}.{body}" with the endpoint secret>

A receiver recomputes it over the raw body, compares in constant time, and rejects
timestamps older than a few minutes, so a captured delivery can't be replayed later.
Deliveries run in the background with exponential backoff and end "delivered" or "failed"; any
error while sending counts as a failed attempt. An endpoint turned off receives nothing more: its
queued and retrying deliveries end "cancelled".
"""

import hashlib
import hmac
import json
import secrets
import time
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from forum import bulk
from forum.extensions import db
from forum.models import (
    Answer,
    Article,
    AuditLogEntry,
    Case,
    CaseEvent,
    DeliveryStatus,
    Question,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from forum.policy import Permission, require, visibility
from forum.services import outbound, outbox, profile_fields, settings, sso
from forum.services.errors import NotFound, ValidationFailed
from forum.services.events import Event, subscribe

CASE_EVENTS = "case"
RESPONSE_OVERDUE = "question.response_overdue"
EVENT_TYPES = {
    CASE_EVENTS: "Case events (created, escalated automatically, status changed, assigned, public update, "
                 "internal note, update due)",
    "question.created": "A question is asked",
    "answer.created": "A question gets an answer",
    "answer.accepted": "An answer is accepted",
    "question.closed": "A moderator closes a question",
    "article.published": "An answer is published as a knowledge article",
    RESPONSE_OVERDUE: "A question passes its product's first-response target without a first response",
}
SIGNATURE_HEADER = "X-PeerCare-Signature"
USER_AGENT = "PeerCare-Webhooks/1"
PRIVATE_ADDRESSES_ACTION = "webhooks.private_addresses"


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The signature header value for one delivery."""
    message = f"{event_id}.{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def check_event_types(chosen: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(chosen or []))
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if unknown or not chosen:
        raise ValidationFailed(_("Choose the events this endpoint receives."),
                               fields={"events": "One or more of: " + ", ".join(EVENT_TYPES)})
    return chosen


def add_endpoint(url: str, *, description: str, actor: User, events: list[str] | None = None,
                 ) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for some event types (case events when none are named); returns its secret once.

    Raises ValidationFailed (on the "url" field) for a URL that isn't http(s), or that names or
    resolves to an internal address the settings don't allow (forum/services/outbound.py).
    """
    require(actor, Permission.WEBHOOKS_MANAGE)
    chosen = check_event_types(events if events is not None else [CASE_EVENTS])
    try:
        url = outbound.check_url(url, allow_private=settings.webhook_private_addresses())
    except outbound.Refused as exc:
        raise ValidationFailed(_("Please give the endpoint's URL."), fields={"url": exc.message}) from None
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(url=url, secret=secret, description=(description or "").strip()[:200], events=chosen)
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def allow_private_addresses(allowed: bool, *, actor: User) -> None:
    """Let endpoints (and deliveries) use loopback and private addresses, for an on-premises CRM.

    Off by default: an admin's URL must not become a way to probe the internal network. Link-local,
    cloud-metadata, multicast and reserved addresses stay refused either way. Logged in the audit log.
    """
    from moderation import audit

    require(actor, Permission.WEBHOOKS_MANAGE)
    before = settings.webhook_private_addresses()
    settings.set_webhook_private_addresses(allowed)
    if before != bool(allowed):
        audit.log(PRIVATE_ADDRESSES_ACTION, actor, target=f"setting:{settings.WEBHOOK_PRIVATE_KEY}",
                  before={"allowed": before}, after={"allowed": bool(allowed)})


def private_addresses_allowed() -> bool:
    return settings.webhook_private_addresses()


def deactivate_endpoint(endpoint_id: int, *, actor: User) -> None:
    """Turn the endpoint off and cancel what is still queued for it (`deliver` checks again)."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(_("No such endpoint."))
    endpoint.active = False
    db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id,
        WebhookDelivery.status.in_((DeliveryStatus.PENDING, DeliveryStatus.RETRYING)),
    ).values(status=DeliveryStatus.CANCELLED))
    db.session.flush()


def _subscribed(event_type: str) -> list[WebhookEndpoint]:
    active = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)))
    return [e for e in active if event_type in (e.events or [CASE_EVENTS])]


def _queue(endpoints: list[WebhookEndpoint], **delivery) -> None:
    for endpoint in endpoints:
        row = WebhookDelivery(endpoint_id=endpoint.id, **delivery)
        db.session.add(row)
        db.session.flush()
        outbox.defer("webhook.deliver", delivery_id=row.id)


def fan_out(event: CaseEvent) -> None:
    """Queue the case event for every endpoint that takes case events (inside the case change's transaction)."""
    _queue(_subscribed(CASE_EVENTS), event_id=event.id)


def _iso(when) -> str | None:
    return when.isoformat(timespec="seconds") + "Z" if when else None


def _question_data(question: Question) -> dict:
    return {"id": question.id, "title": question.title, "product": question.product.slug,
            "tags": [t.name for t in question.tags], "author": question.author.username,
            "created_at": _iso(question.created_at), "state": "locked" if question.is_locked else (
                "closed" if question.is_closed else "open"),
            "close_reason": question.close_reason, "duplicate_of_id": question.duplicate_of_id,
            "accepted_answer_id": question.accepted_answer_id}


def _public(post) -> bool:
    return post is not None and visibility.is_public(post)


def community_event(event: Event, **ids: int | None) -> None:
    """A domain event that endpoints may subscribe to: snapshot its public data and queue it."""
    event_type, data = _community_data(event, ids)
    if event_type is None:
        return
    endpoints = _subscribed(event_type)
    if not endpoints:
        return
    key = data.get("answer", data.get("article", data.get("question")))["id"]
    body = {"id": f"evt_{event_type}_{key}", "type": event_type,
            "created_at": _iso(utcnow()), "data": data}
    _queue(endpoints, event_type=event_type, payload=body)


def _community_data(event: Event, ids: dict) -> tuple[str | None, dict]:
    question = db.session.get(Question, ids["question_id"]) if ids.get("question_id") else None
    if not _public(question):
        return None, {}
    if event is Event.QUESTION_ASKED:
        return "question.created", {"question": _question_data(question)}
    if event in (Event.ANSWER_POSTED, Event.ANSWER_ACCEPTED):
        answer = db.session.get(Answer, ids["answer_id"]) if ids.get("answer_id") else None
        if not _public(answer):
            return None, {}
        data = {"id": answer.id, "author": answer.author.username, "score": answer.score,
                "accepted": question.accepted_answer_id == answer.id, "created_at": _iso(answer.created_at)}
        return ("answer.created" if event is Event.ANSWER_POSTED else "answer.accepted"), {
            "question": _question_data(question), "answer": data}
    if event is Event.MODERATION_ACTION:
        entry = db.session.get(AuditLogEntry, ids["audit_id"]) if ids.get("audit_id") else None
        if entry is None or entry.action != "question.close":
            return None, {}
        return "question.closed", {"question": _question_data(question),
                                   "closed_at": _iso(question.closed_at)}
    if event is Event.ARTICLE_PUBLISHED:
        article = db.session.get(Article, ids["article_id"]) if ids.get("article_id") else None
        if article is None:
            return None, {}
        return "article.published", {"question": _question_data(question), "article": {
            "id": article.id, "title": article.title, "summary": article.summary, "answer_id": article.answer_id,
            "version": article.version, "published_at": _iso(article.published_at)}}
    return None, {}


def _queue_many(rows: list[dict]) -> None:
    """`_queue` for many deliveries at once: one insert, one outbox insert."""
    if not rows:
        return
    delivery_ids = [delivery_id for (delivery_id,) in bulk.insert_returning(WebhookDelivery, rows)]
    outbox.defer_many("webhook.deliver", [{"delivery_id": delivery_id} for delivery_id in delivery_ids])


def fan_out_many(event_ids: list[int]) -> None:
    """`fan_out` for many events at once (the care run): one query for the endpoints, one insert."""
    endpoints = [e.id for e in _subscribed(CASE_EVENTS)]
    if not event_ids:
        return
    _queue_many([{"endpoint_id": endpoint_id, "event_id": event_id}
                 for event_id in event_ids for endpoint_id in endpoints])


def response_overdue_many(due: dict[int, datetime]) -> None:
    """Queue `question.response_overdue` for these questions (id → when the first response was due).

    The care run's path, so a fixed number of statements for any number of questions: one for the
    endpoints and, when some subscribe, three to load the questions with their tags, author and
    product, and the two inserts. The caller has checked that the questions are public and waiting.
    """
    endpoints = [e.id for e in _subscribed(RESPONSE_OVERDUE)]
    if not endpoints or not due:
        return
    questions = db.session.scalars(select(Question).where(Question.id.in_(due)).options(
        selectinload(Question.tags), joinedload(Question.author), joinedload(Question.product)))
    sent_at = _iso(utcnow())
    bodies = [{"id": f"evt_{RESPONSE_OVERDUE}_{q.id}", "type": RESPONSE_OVERDUE, "created_at": sent_at,
               "data": {"question": _question_data(q), "waiting_since": _iso(q.created_at),
                        "response_due_at": _iso(due[q.id])}} for q in questions]
    _queue_many([{"endpoint_id": endpoint_id, "event_type": RESPONSE_OVERDUE, "payload": body}
                 for body in bodies for endpoint_id in endpoints])


def payload(event: CaseEvent) -> dict:
    case = db.session.get(Case, event.case_id)
    return {
        "id": f"evt_{event.id}",
        "type": event.kind,
        "created_at": event.created_at.isoformat(timespec="seconds") + "Z",
        "case": {"reference": case.reference, "status": case.status, "priority": case.priority,
                 "question_id": case.question_id, "customer_id": case.customer_id,
                 "assignee": case.assignee.username if case.assignee else None,
                 "sla_due_at": case.sla_due_at.isoformat(timespec="seconds") + "Z",
                 # What the customer told us (staff-only answers too: the CRM is the support side).
                 "customer_fields": profile_fields.webhook_fields(case.question_id),
                 "customer_segments": sso.segments(case.customer_id)},
        "data": event.data,
    }


def deliver(message: dict) -> None:
    """POST one event to one endpoint; a refused address, a timeout, a non-2xx answer (a redirect
    too: none is followed) or any error is a failed attempt, retried with backoff.

    Nothing is sent for an endpoint turned off since the event was queued. The address is checked
    again at every attempt: the setting or the name's DNS may have changed since the endpoint was saved.
    """
    delivery = db.session.get(WebhookDelivery, message["delivery_id"])
    if delivery is None or delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.CANCELLED):
        return
    if not delivery.endpoint.active:
        delivery.status = DeliveryStatus.CANCELLED
        db.session.flush()
        return
    if delivery.event_id is not None:
        content = payload(db.session.get(CaseEvent, delivery.event_id))
    else:
        content = delivery.payload
    body, headers = _signed(delivery.endpoint.secret, content)
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    try:
        status = _post(delivery.endpoint.url, body, headers)
    except outbound.Refused as exc:
        _failed(delivery, None, exc.message)
    except Exception as exc:  # a library error: a failed attempt like any other, not an escape from the backoff
        _failed(delivery, None, f"The request could not be sent ({type(exc).__name__}).")
    if not 200 <= status < 300:
        _failed(delivery, status, _answer(status))
    delivery.response_code = status
    delivery.status, delivery.delivered_at, delivery.last_error = DeliveryStatus.DELIVERED, utcnow(), None


def _signed(secret: str, content: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(content, separators=(",", ":"), sort_keys=True).encode()
    event_id, timestamp = content["id"], int(time.time())
    return body, {
        "Content-Type": "application/json", "User-Agent": USER_AGENT, "X-PeerCare-Event-Id": event_id,
        "X-PeerCare-Timestamp": str(timestamp), SIGNATURE_HEADER: sign(secret, event_id, timestamp, body),
    }


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    return outbound.post(url, body, headers, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"],
                         allow_private=settings.webhook_private_addresses())


def _answer(status: int) -> str:
    if 300 <= status < 400:
        return f"HTTP {status} (a redirect: webhooks follow none)"
    return f"HTTP {status}"


TEST_EVENT_TYPE = "webhook.test"


def send_test_event(endpoint_id: int, *, actor: User) -> str:
    """POST a signed `webhook.test` event to one endpoint now and say how it answered.

    The same body shape, headers, signature and address rules as a real delivery, so an admin can
    check the receiver's verification before any case happens; nothing is recorded or retried.
    Raises ValidationFailed with what went wrong when the endpoint doesn't answer 2xx.
    """
    require(actor, Permission.WEBHOOKS_MANAGE)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(_("No such endpoint."))
    if not endpoint.active:
        raise ValidationFailed(_("This endpoint is turned off: it receives nothing, test events included."))
    body, headers = _signed(endpoint.secret, {
        "id": f"evt_test_{secrets.token_hex(6)}", "type": TEST_EVENT_TYPE,
        "created_at": utcnow().isoformat(timespec="seconds") + "Z",
        "data": {"message": "A test event sent from PeerCare's webhook settings."}})
    try:
        status = _post(endpoint.url, body, headers)
    except outbound.Refused as exc:
        raise ValidationFailed(_("The test event could not be delivered to %(url)s: %(message)s",
                                 url=endpoint.url, message=exc.message)) from None
    except Exception as exc:  # a URL the HTTP library refuses: reported like any other failure
        raise ValidationFailed(_("The test event could not be sent to %(url)s (%(name)s).",
                                 url=endpoint.url, name=type(exc).__name__)) from None
    if not 200 <= status < 300:
        raise ValidationFailed(_("The test event was refused: %(url)s answered %(answer)s.",
                                 url=endpoint.url, answer=_answer(status)))
    return f"The test event was delivered: {endpoint.url} answered {status}."


def _failed(delivery: WebhookDelivery, code: int | None, error: str) -> None:
    """Ask the outbox to retry; the failed attempt is recorded after the delivery's rollback."""
    attempts, delivery_id = delivery.attempts, delivery.id

    def record() -> None:
        row = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
        row.attempts, row.response_code, row.last_error, row.last_attempt_at = attempts, code, error[:500], utcnow()
        row.status = DeliveryStatus.FAILED if attempts >= outbox.MAX_ATTEMPTS else DeliveryStatus.RETRYING
        db.session.flush()

    raise outbox.RetryLater(error, record=record)


def recent_deliveries(limit: int = 100) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def init_app(app) -> None:
    """Register the outbox handler that delivers webhook events, and subscribe community
    webhooks to the domain events they mirror."""
    outbox.handler("webhook.deliver", background=True)(deliver)
    subscribe(Event.QUESTION_ASKED, Event.ANSWER_POSTED, Event.ANSWER_ACCEPTED, Event.MODERATION_ACTION,
              Event.ARTICLE_PUBLISHED)(community_event)
