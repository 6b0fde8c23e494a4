"""Signed webhooks: every case event goes to each configured endpoint (README, "Support cases and the knowledge base").

The body is JSON with the event id (receivers dedupe by it) and a timestamp; the signature
follows the Standard Webhooks idea:

    X-PeerCare-Signature: sha256=<hex HMAC-SHA256 of "{id}.{timestamp}.{body}" with the endpoint secret>

A receiver recomputes it over the raw body, compares in constant time, and rejects
timestamps older than a few minutes, so a captured delivery can't be replayed later.
Deliveries run in the background with exponential backoff and end "delivered" or "failed".
"""

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import insert, select

from forum.extensions import db
from forum.models import Case, CaseEvent, User, WebhookDelivery, WebhookEndpoint, utcnow
from forum.policy import Permission, require
from forum.services import outbox, profile_fields, sso
from forum.services.errors import NotFound, ValidationFailed

SIGNATURE_HEADER = "X-PeerCare-Signature"
USER_AGENT = "PeerCare-Webhooks/1"


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The signature header value for one delivery."""
    message = f"{event_id}.{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def add_endpoint(url: str, *, description: str, actor: User) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret (shown to the admin once)."""
    require(actor, Permission.WEBHOOKS_MANAGE)
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1/bad"
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise ValidationFailed("Please give the endpoint's URL.", fields={"url": "An http(s) URL, e.g. https://crm.example.com/hooks/peercare"})
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(url=url, secret=secret, description=(description or "").strip()[:200])
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def deactivate_endpoint(endpoint_id: int, *, actor: User) -> None:
    require(actor, Permission.WEBHOOKS_MANAGE)
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("No such endpoint.")
    endpoint.active = False
    db.session.flush()


def fan_out(event: CaseEvent) -> None:
    """Queue the event for every active endpoint (inside the case change's transaction)."""
    for endpoint in db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))):
        delivery = WebhookDelivery(endpoint_id=endpoint.id, event_id=event.id)
        db.session.add(delivery)
        db.session.flush()
        outbox.defer("webhook.deliver", delivery_id=delivery.id)


def fan_out_many(event_ids: list[int]) -> None:
    """`fan_out` for many events at once (the care run): one query when no endpoint is active."""
    endpoints = list(db.session.scalars(select(WebhookEndpoint.id).where(WebhookEndpoint.active.is_(True))))
    if not endpoints or not event_ids:
        return
    delivery_ids = list(db.session.scalars(insert(WebhookDelivery).returning(WebhookDelivery.id), [
        {"endpoint_id": endpoint_id, "event_id": event_id} for event_id in event_ids for endpoint_id in endpoints]))
    outbox.defer_many("webhook.deliver", [{"delivery_id": delivery_id} for delivery_id in delivery_ids])


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
    """POST one event to one endpoint; a timeout or non-2xx answer is retried with backoff."""
    delivery = db.session.get(WebhookDelivery, message["delivery_id"])
    if delivery is None or delivery.status == "delivered":
        return
    event = db.session.get(CaseEvent, delivery.event_id)
    body = json.dumps(payload(event), separators=(",", ":"), sort_keys=True).encode()
    event_id, timestamp = f"evt_{event.id}", int(time.time())
    headers = {
        "Content-Type": "application/json", "User-Agent": USER_AGENT, "X-PeerCare-Event-Id": event_id,
        "X-PeerCare-Timestamp": str(timestamp),
        SIGNATURE_HEADER: sign(delivery.endpoint.secret, event_id, timestamp, body),
    }
    # The URL was validated as http(s) when the admin registered the endpoint.
    request = urllib.request.Request(delivery.endpoint.url, data=body, method="POST", headers=headers)  # noqa: S310
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    try:
        timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked http(s) URL
            delivery.response_code = response.status
    except urllib.error.HTTPError as exc:
        _failed(delivery, exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        _failed(delivery, None, f"{type(exc).__name__}: {exc}")
    delivery.status, delivery.delivered_at, delivery.last_error = "delivered", utcnow(), None


def _failed(delivery: WebhookDelivery, code: int | None, error: str) -> None:
    """Ask the outbox to retry; the failed attempt is recorded after the delivery's rollback."""
    attempts, delivery_id = delivery.attempts, delivery.id

    def record() -> None:
        row = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
        row.attempts, row.response_code, row.last_error, row.last_attempt_at = attempts, code, error[:500], utcnow()
        row.status = "failed" if attempts >= outbox.MAX_ATTEMPTS else "retrying"
        db.session.flush()

    raise outbox.RetryLater(error, record=record)


def recent_deliveries(limit: int = 100) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)))


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def init_app(app) -> None:
    """Register the outbox handler that delivers webhook events."""
    outbox.handler("webhook.deliver", background=True)(deliver)
