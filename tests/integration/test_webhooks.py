"""Case webhooks against real local HTTP receivers: signatures checked independently, retries, failure.

The receivers listen on 127.0.0.1, a loopback address webhooks refuse unless an admin allows private
addresses: each test that sends to one turns that setting on (`with_private_addresses`)."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from forum import tasks
from forum.extensions import db
from forum.models import WebhookDelivery
from forum.services import outbox, webhooks
from forum.services.errors import NotAllowed, ValidationFailed
from forum.transaction import unit_of_work
from moderation import escalation
from tests.broker import broker_down
from tests.factories import make_question, make_user


class Receiver:
    """A tiny HTTP server recording what it receives; `status`, `delay` and `headers` set its behaviour."""

    def __init__(self, status: int = 200, delay: float = 0.0, headers: dict[str, str] | None = None) -> None:
        self.received: list[dict] = []
        self.status, self.delay, self.headers = status, delay, headers or {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def with_private_addresses(admin):
    """Allow loopback and private addresses (the receivers are on 127.0.0.1), as an admin would for an on-premises CRM."""
    with unit_of_work():
        webhooks.allow_private_addresses(True, actor=admin)
    return admin


def independent_check(secret: str, headers: dict, body: bytes) -> bool:
    """What a CRM would do: recompute HMAC-SHA256 over "{id}.{timestamp}.{body}" and compare (headers lowercased)."""
    expected = hmac.new(secret.encode(), f"{headers['x-peercare-event-id']}.{headers['x-peercare-timestamp']}.".encode()
                        + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + expected, headers["x-peercare-signature"])


def _deliver_all() -> None:
    """Background deliveries run from the sweep (in-process) or the worker (services suite)."""
    outbox.sweep()
    db.session.expire_all()


def test_every_case_event_is_delivered_signed(receiver):
    admin, agent = with_private_addresses(make_user(role="admin")), make_user(role="agent")
    with unit_of_work():
        _, secret = webhooks.add_endpoint(receiver.url, description="CRM", actor=admin)
    q = make_question()
    with unit_of_work():
        case = escalation.escalate(q.id, actor=agent, priority="high", note="internal detail").case
    with unit_of_work():
        escalation.assign(case, agent.username, actor=agent)
    with unit_of_work():
        escalation.post_update(case, "We're on it.", public=True, actor=agent)
    with unit_of_work():
        escalation.transition(case, "resolved", actor=agent, summary="Fixed with firmware 4.3.1.")
    _deliver_all()
    types = [json.loads(r["body"])["type"] for r in receiver.received]
    assert types[0] == "case.created"
    assert set(types) >= {"case.created", "case.internal_note", "case.assigned", "case.public_update",
                          "case.status_changed"}
    for request in receiver.received:
        assert independent_check(secret, request["headers"], request["body"])
        payload = json.loads(request["body"])
        assert payload["id"] == request["headers"]["x-peercare-event-id"]
        assert payload["case"]["reference"] == case.reference
        assert abs(int(request["headers"]["x-peercare-timestamp"]) - time.time()) < 120
    tampered = dict(receiver.received[0]["headers"], **{"x-peercare-timestamp": "1"})
    assert not independent_check(secret, tampered, receiver.received[0]["body"])
    assert not independent_check("wrong-secret", receiver.received[0]["headers"], receiver.received[0]["body"])
    statuses = {d.status for d in db.session.scalars(select(WebhookDelivery))}
    assert statuses == {"delivered"}


def test_failing_endpoint_is_retried_then_marked_failed_without_blocking_the_request(app):
    failing = Receiver(status=500)
    try:
        admin, agent = with_private_addresses(make_user(role="admin")), make_user(role="agent")
        with unit_of_work():
            webhooks.add_endpoint(failing.url, description="broken CRM", actor=admin)
        with broker_down(app), unit_of_work():  # this test is the only deliverer
            case = escalation.escalate(make_question().id, actor=agent).case
        assert case.id is not None  # the escalation committed, whatever the endpoint does
        delivery = db.session.scalar(select(WebhookDelivery))
        message = db.session.scalar(select(outbox.OutboxMessage).where(outbox.OutboxMessage.kind == "webhook.deliver"))
        for _ in range(outbox.MAX_ATTEMPTS + 1):
            tasks.attempt_delivery(message.id)
            db.session.expire_all()
        delivery = db.session.get(WebhookDelivery, delivery.id)
        assert delivery.status == "failed"
        assert delivery.response_code == 500
        assert delivery.attempts == outbox.MAX_ATTEMPTS
        assert len(failing.received) == outbox.MAX_ATTEMPTS
    finally:
        failing.close()


def test_timeouts_count_as_failures(app):
    slow = Receiver(delay=1.5)
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 0.3
    try:
        admin, agent = with_private_addresses(make_user(role="admin")), make_user(role="agent")
        with unit_of_work():
            webhooks.add_endpoint(slow.url, description="slow", actor=admin)
        with broker_down(app), unit_of_work():  # this test is the only deliverer
            escalation.escalate(make_question().id, actor=agent)
        message = db.session.scalar(select(outbox.OutboxMessage).where(outbox.OutboxMessage.kind == "webhook.deliver"))
        assert isinstance(tasks.attempt_delivery(message.id), outbox.RetryLater)
        db.session.expire_all()
        delivery = db.session.scalar(select(WebhookDelivery))
        assert delivery.status == "retrying"
        assert "timed out" in delivery.last_error.lower() or "timeout" in delivery.last_error.lower()
    finally:
        app.config["WEBHOOK_TIMEOUT_SECONDS"] = 5
        slow.close()


def test_only_admins_manage_endpoints(client):
    from tests.conftest import login

    with pytest.raises(NotAllowed), unit_of_work():
        webhooks.add_endpoint("https://crm.example.com/x", description="", actor=make_user(role="agent"))
    admin = make_user(role="admin")
    with pytest.raises(webhooks.ValidationFailed), unit_of_work():
        webhooks.add_endpoint("ftp://nope", description="", actor=admin)
    login(client, make_user(role="moderator"))
    assert client.get("/admin/webhooks").status_code == 403


def test_endpoints_receive_only_the_community_events_they_subscribe_to(receiver):
    from forum.services import acceptance
    from moderation import actions, knowledge
    from tests.factories import make_answer, make_moderator

    admin = with_private_addresses(make_user(role="admin"))
    with unit_of_work():
        _, secret = webhooks.add_endpoint(receiver.url, description="community", actor=admin, events=[
            "question.created", "answer.created", "answer.accepted", "question.closed", "article.published"])
    other = Receiver()
    try:
        with unit_of_work():
            webhooks.add_endpoint(other.url, description="cases only", actor=admin)
        q = make_question()
        a = make_answer(q)
        with unit_of_work():
            acceptance.accept_answer(a.id, q.author)
        moderator = make_moderator()
        with unit_of_work():
            knowledge.publish_answer(q.id, answer_id=a.id, actor=moderator)
        duplicate = make_question()
        with unit_of_work():
            actions.close_question(duplicate.id, moderator=moderator, reason="duplicate", duplicate_of=q.id)
        _deliver_all()
        bodies = sorted((json.loads(r["body"]) for r in receiver.received), key=lambda b: b["id"])
        assert sorted(b["type"] for b in bodies) == sorted([
            "question.created", "answer.created", "answer.accepted", "article.published", "question.created",
            "question.closed"])
        by_type = {b["type"]: b for b in bodies}
        for request in receiver.received:
            assert independent_check(secret, request["headers"], request["body"])
            assert json.loads(request["body"])["id"] == request["headers"]["x-peercare-event-id"]
        assert by_type["answer.accepted"]["data"]["answer"]["id"] == a.id
        assert by_type["answer.accepted"]["data"]["answer"]["accepted"] is True
        assert by_type["article.published"]["data"]["article"]["answer_id"] == a.id
        closed = by_type["question.closed"]["data"]["question"]
        assert (closed["id"], closed["duplicate_of_id"], closed["state"]) == (duplicate.id, q.id, "closed")
        assert other.received == []
    finally:
        other.close()
    with pytest.raises(ValidationFailed):
        webhooks.add_endpoint(receiver.url, description="nothing", actor=admin, events=["question.deleted"])
