"""The "Send test event" button on the webhook settings: a signed event, sent now, and the answer shown."""

import json

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import WebhookDelivery
from forum.services import webhooks
from tests.conftest import login
from tests.factories import make_user
from tests.integration.test_webhooks import Receiver, independent_check, with_private_addresses


@pytest.fixture
def admin():
    return with_private_addresses(make_user(role="admin"))


def test_the_test_event_is_signed_like_a_real_one_and_the_answer_is_shown(client, admin):
    receiver = Receiver()
    try:
        endpoint, secret = webhooks.add_endpoint(receiver.url, description="CRM", actor=admin)
        login(client, admin)
        settings = client.get("/admin/webhooks").get_data(as_text=True)
        assert f'action="/admin/webhooks/{endpoint.id}/test"' in settings and "Send test event" in settings
        r = client.post(f"/admin/webhooks/{endpoint.id}/test", follow_redirects=True)
        assert f"The test event was delivered: {receiver.url} answered 200." in r.get_data(as_text=True)
        [request] = receiver.received
        assert json.loads(request["body"])["type"] == "webhook.test"
        assert independent_check(secret, request["headers"], request["body"])
        assert db.session.scalar(select(func.count(WebhookDelivery.id))) == 0  # a test is not an event: nothing recorded or retried
    finally:
        receiver.close()


def test_a_refusing_endpoint_is_reported_not_raised(client, admin):
    receiver = Receiver(status=500)
    try:
        endpoint, _ = webhooks.add_endpoint(receiver.url, description="broken", actor=admin)
        login(client, admin)
        r = client.post(f"/admin/webhooks/{endpoint.id}/test", follow_redirects=True)
        assert r.status_code == 200 and "answered HTTP 500" in r.get_data(as_text=True)
    finally:
        receiver.close()
    dead, _ = webhooks.add_endpoint(receiver.url, description="gone", actor=admin)
    r = client.post(f"/admin/webhooks/{dead.id}/test", follow_redirects=True)
    assert "could not be delivered" in r.get_data(as_text=True)


def test_only_admins_send_test_events(client, admin):
    endpoint, _ = webhooks.add_endpoint("http://127.0.0.1:9/hooks", description="x", actor=admin)
    login(client, make_user(role="moderator"))
    assert client.post(f"/admin/webhooks/{endpoint.id}/test").status_code == 403
