"""Issue 14, finding 5: webhooks reach no internal address, neither when saved nor at delivery, and
the delivery log tells nothing about the internal network."""

import ipaddress

import pytest
from sqlalchemy import select

from forum import tasks
from forum.extensions import db
from forum.models import AuditLogEntry, OutboxMessage, WebhookDelivery
from forum.services import outbound, webhooks
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from moderation import escalation
from tests.broker import broker_down
from tests.conftest import login
from tests.factories import make_question, make_user
from tests.integration.test_webhooks import Receiver, with_private_addresses

INTERNAL = ["http://127.0.0.1:8080/hooks", "http://127.1/hooks", "http://0x7f000001/", "http://2130706433/",
            "http://0177.0.0.1/", "http://[::1]:8080/", "http://[::ffff:127.0.0.1]/", "http://localhost:5000/",
            "http://LOCALHOST./", "http://10.0.0.5/crm", "http://192.168.1.20/", "http://172.16.0.1/",
            "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://100.100.100.200/",
            "http://0.0.0.0:22/", "https://[fe80::1]/"]
ALWAYS_REFUSED = ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://0.0.0.0:22/",
                  "https://[fe80::1]/", "http://224.0.0.1/"]


@pytest.fixture
def admin():
    return make_user(role="admin")


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused_when_saved(admin, url):
    with pytest.raises(ValidationFailed) as refused, unit_of_work():
        webhooks.add_endpoint(url, description="probe", actor=admin)
    assert "refused" in refused.value.fields["url"]


@pytest.mark.parametrize("url", ALWAYS_REFUSED)
def test_metadata_and_link_local_addresses_stay_refused_when_private_ones_are_allowed(admin, url):
    with_private_addresses(admin)
    with pytest.raises(ValidationFailed) as refused, unit_of_work():
        webhooks.add_endpoint(url, description="probe", actor=admin)
    assert refused.value.fields["url"] == outbound.ALWAYS_REFUSED


def test_the_settings_page_refuses_on_the_field_and_offers_the_private_address_switch(client, admin):
    login(client, admin)
    r = client.post("/admin/webhooks", data={"url": "http://127.1:6379/", "events": ["case"]})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'<p class="field-error" id="webhook-url-error">{outbound.PRIVATE_REFUSED}</p>' in page.replace("&#39;", "'")
    assert "Allow private addresses (on-premises CRM)" in page
    assert 'name="allow_private" checked' not in page  # off by default
    assert not webhooks.private_addresses_allowed()

    client.post("/admin/webhooks/private-addresses", data={"allow_private": "on"})
    assert webhooks.private_addresses_allowed()
    assert 'name="allow_private" checked' in client.get("/admin/webhooks").get_data(as_text=True)
    assert client.post("/admin/webhooks", data={"url": "http://10.0.0.5/crm", "events": ["case"]}).status_code == 200
    assert client.post("/admin/webhooks", data={"url": "http://169.254.169.254/", "events": ["case"]}).status_code == 422
    [entry] = db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.action == webhooks.PRIVATE_ADDRESSES_ACTION))
    assert (entry.actor_id, entry.after) == (admin.id, {"allowed": True})

    client.post("/admin/webhooks/private-addresses", data={})
    assert not webhooks.private_addresses_allowed()
    login(client, make_user(role="moderator"))
    assert client.post("/admin/webhooks/private-addresses", data={"allow_private": "on"}).status_code == 403
    assert not webhooks.private_addresses_allowed()


def _attempt_all(app, agent) -> list[WebhookDelivery]:
    with broker_down(app), unit_of_work():  # this test is the only deliverer
        escalation.escalate(make_question().id, actor=agent)
    for message_id in db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "webhook.deliver")):
        tasks.attempt_delivery(message_id)
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_deliveries_to_internal_addresses_are_refused_and_the_log_does_not_scan_ports(app, client, admin):
    receiver = Receiver()
    try:
        port = receiver.server.server_address[1]
        with_private_addresses(admin)
        with unit_of_work():  # saved while allowed; the setting is turned off again before anything is sent
            for url in (receiver.url, f"http://localhost:{port}/hooks", f"http://0x7f000001:{port}/hooks",
                        "http://127.0.0.1:1/closed-port"):
                webhooks.add_endpoint(url, description="internal", actor=admin)
        with unit_of_work():
            webhooks.allow_private_addresses(False, actor=admin)
        deliveries = _attempt_all(app, make_user(role="agent"))
        assert receiver.received == []
        assert len(deliveries) == 4
        # An open port and a closed one read the same: no status, one fixed sentence.
        assert {(d.status, d.response_code, d.last_error) for d in deliveries} == {
            ("retrying", None, outbound.PRIVATE_REFUSED)}
        login(client, admin)
        page = client.get("/admin/webhooks").get_data(as_text=True)
        assert "Errno" not in page and "refused]" not in page.lower() and "ConnectionRefusedError" not in page

        endpoint = db.session.scalar(select(webhooks.WebhookEndpoint).where(webhooks.WebhookEndpoint.url == receiver.url))
        r = client.post(f"/admin/webhooks/{endpoint.id}/test", follow_redirects=True)
        assert "could not be delivered" in r.get_data(as_text=True) and receiver.received == []
    finally:
        receiver.close()


def _resolving(monkeypatch, answers: dict[str, list[str]]) -> None:
    """The DNS answers our resolver boundary gets for these names (other names resolve as usual)."""
    real = outbound.resolve

    def resolve(host: str, port: int):
        if host in answers:
            return [ipaddress.ip_address(a) for a in answers[host]]
        return real(host, port)

    monkeypatch.setattr(outbound, "resolve", resolve)


def _crm_on_loopback(receiver: Receiver, admin, monkeypatch, path: str) -> int:
    """An endpoint named crm.invalid, resolving (at our resolver boundary) to the receiver's 127.0.0.1."""
    port = receiver.server.server_address[1]
    _resolving(monkeypatch, {"crm.invalid": ["127.0.0.1"]})
    with_private_addresses(admin)
    with unit_of_work():
        webhooks.add_endpoint(f"http://crm.invalid:{port}{path}", description="CRM", actor=admin)
    return port


def test_every_address_a_name_resolves_to_is_checked(app, admin, monkeypatch):
    receiver = Receiver()
    try:
        port = _crm_on_loopback(receiver, admin, monkeypatch, "/hooks")
        with unit_of_work():
            webhooks.allow_private_addresses(False, actor=admin)
        _resolving(monkeypatch, {"crm.invalid": ["93.184.216.34", "127.0.0.1"]})  # one public answer isn't enough
        [delivery] = _attempt_all(app, make_user(role="agent"))
        assert (delivery.status, delivery.last_error) == ("retrying", outbound.PRIVATE_REFUSED)
        assert receiver.received == []
        with pytest.raises(ValidationFailed), unit_of_work():
            webhooks.add_endpoint(f"http://crm.invalid:{port}/other", description="CRM", actor=admin)
    finally:
        receiver.close()


def test_the_connection_goes_to_the_checked_address_and_the_host_header_keeps_the_name(app, admin, monkeypatch):
    receiver = Receiver()
    try:
        # The system resolver knows no ".invalid" name: delivering at all proves the request went to the
        # address our check saw, not to whatever a second lookup (or a rebinding DNS server) would answer.
        port = _crm_on_loopback(receiver, admin, monkeypatch, "/hooks?source=peercare")
        [delivery] = _attempt_all(app, make_user(role="agent"))
        assert (delivery.status, delivery.response_code) == ("delivered", 200)
        [request] = receiver.received
        assert request["headers"]["host"] == f"crm.invalid:{port}"
    finally:
        receiver.close()


def test_redirects_are_failed_attempts_and_are_not_followed(app, admin):
    target = Receiver()
    redirecting = Receiver(status=302, headers={"Location": target.url})
    try:
        with_private_addresses(admin)
        with unit_of_work():
            webhooks.add_endpoint(redirecting.url, description="moved", actor=admin)
        [delivery] = _attempt_all(app, make_user(role="agent"))
        assert len(redirecting.received) == 1 and target.received == []
        assert (delivery.status, delivery.response_code) == ("retrying", 302)
        assert "redirect" in delivery.last_error
    finally:
        redirecting.close()
        target.close()
