"""Issue 14, finding 6: a turned-off endpoint receives nothing more, and an error while sending is a
failed attempt that backs off to "failed" (it used to escape the attempt and come back every sweep)."""

from datetime import timedelta

from sqlalchemy import select

from forum import tasks
from forum.extensions import db
from forum.models import DeliveryStatus, OutboxMessage, WebhookDelivery, WebhookEndpoint, utcnow
from forum.services import outbox, webhooks
from forum.transaction import unit_of_work
from moderation import escalation
from tests.broker import broker_down
from tests.conftest import login
from tests.factories import make_question, make_user
from tests.integration.test_webhooks import Receiver, with_private_addresses


def _queued_delivery(app, agent):
    with broker_down(app), unit_of_work():  # this test is the only deliverer
        case = escalation.escalate(make_question().id, actor=agent).case
    delivery = db.session.scalar(select(WebhookDelivery))
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "webhook.deliver"))
    return case, delivery, message


def _attempt_now(message_id: int) -> None:
    """Attempt the message as if its backoff had passed."""
    db.session.get(OutboxMessage, message_id).available_at = utcnow()
    db.session.commit()
    tasks.attempt_delivery(message_id)
    db.session.expire_all()


def test_a_turned_off_endpoint_receives_nothing_more_not_even_what_was_retrying(app, client):
    receiver = Receiver(status=500)
    try:
        admin, agent = with_private_addresses(make_user(role="admin")), make_user(role="agent")
        with unit_of_work():
            endpoint, _ = webhooks.add_endpoint(receiver.url, description="CRM", actor=admin)
        case, delivery, message = _queued_delivery(app, agent)
        tasks.attempt_delivery(message.id)
        assert len(receiver.received) == 1
        db.session.expire_all()
        assert db.session.get(WebhookDelivery, delivery.id).status == DeliveryStatus.RETRYING
        with broker_down(app), unit_of_work():
            escalation.post_update(case, "Still on it.", public=True, actor=agent)
        queued = db.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.kind == "webhook.deliver", OutboxMessage.id != message.id)).all()
        assert queued

        login(client, admin)
        page = client.get("/admin/webhooks").get_data(as_text=True)
        assert f'action="/admin/webhooks/{endpoint.id}/deactivate"' in page
        with broker_down(app):
            client.post(f"/admin/webhooks/{endpoint.id}/deactivate", data={"csrf_token": "x"})
        receiver.status = 200
        db.session.expire_all()
        assert set(db.session.scalars(select(WebhookDelivery.status))) == {DeliveryStatus.CANCELLED}
        # A row the deactivation missed (queued meanwhile) is caught at delivery.
        db.session.get(WebhookDelivery, delivery.id).status = DeliveryStatus.RETRYING
        db.session.commit()
        for message_id in [message.id, *queued]:
            _attempt_now(message_id)
        assert len(receiver.received) == 1  # nothing after "Turn off"
        statuses = set(db.session.scalars(select(WebhookDelivery.status)))
        assert statuses == {DeliveryStatus.CANCELLED}
        assert "Cancelled (endpoint turned off)" in client.get("/admin/webhooks").get_data(as_text=True)
        r = client.post(f"/admin/webhooks/{endpoint.id}/test", follow_redirects=True)
        assert "turned off" in r.get_data(as_text=True) and len(receiver.received) == 1
    finally:
        receiver.close()


def test_an_error_while_sending_is_a_failed_attempt_that_backs_off_to_failed(app):
    receiver = Receiver()
    try:
        with_private_addresses(make_user(role="admin"))
        agent = make_user(role="agent")
        with unit_of_work():
            # Saved before URLs were checked this strictly: the HTTP library refuses a space in the path.
            db.session.add(WebhookEndpoint(url=receiver.url + "/a b", secret="whsec_x", description="old"))
        _, delivery, message = _queued_delivery(app, agent)
        before = utcnow()
        failure = tasks.attempt_delivery(message.id)
        assert isinstance(failure, outbox.RetryLater)
        db.session.expire_all()
        delivery = db.session.get(WebhookDelivery, delivery.id)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.RETRYING, 1)
        assert delivery.last_error
        message = db.session.get(OutboxMessage, message.id)
        assert message.attempts == 1 and message.available_at >= before + timedelta(seconds=9)  # backoff, not the next sweep
        for _ in range(outbox.MAX_ATTEMPTS + 2):
            _attempt_now(message.id)
        delivery = db.session.get(WebhookDelivery, delivery.id)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, outbox.MAX_ATTEMPTS)
        assert db.session.get(OutboxMessage, message.id).failed_at is not None
        assert receiver.received == []
    finally:
        receiver.close()


def test_an_unexpected_error_in_any_outbox_handler_counts_as_an_attempt(app, monkeypatch):
    def broken(payload: dict) -> None:
        raise KeyError("surprise")

    monkeypatch.setitem(outbox._handlers, "test.broken", broken)
    with broker_down(app), unit_of_work():
        message_id = outbox.defer("test.broken").id
    assert isinstance(tasks.attempt_delivery(message_id), outbox.RetryLater)
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message_id)
    assert message.attempts == 1 and "KeyError" in message.last_error and message.available_at > utcnow()
