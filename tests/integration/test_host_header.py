"""Issue 14, finding 16: the Host header a client sends decides no absolute link (SITE_URL does), and
with TRUSTED_HOSTS set an unknown host answers 400, not 500."""

import logging

import pytest

from forum.config import trusted_hosts
from forum.extensions import db
from tests.factories import make_question

EVIL = {"Host": "evil.example"}


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://community.example/help")
    question = make_question(title="Thermostat loses its schedule")
    db.session.commit()
    return question


def test_feeds_link_to_site_url_whatever_the_host_header(client, site):
    for kind in ("rss", "atom"):
        body = client.get(f"/feeds/questions.{kind}", headers=EVIL).get_data(as_text=True)
        assert f"https://community.example/help/questions/{site.id}/thermostat-loses-its-schedule" in body
        assert f"https://community.example/help/feeds/questions.{kind}" in body  # rel="self"
        assert "evil.example" not in body
    about = client.get("/feeds/about?feed=/feeds/questions.rss", headers=EVIL).get_data(as_text=True)
    assert "https://community.example/help/feeds/questions.rss" in about and "evil.example" not in about


def test_the_api_and_its_openapi_servers_link_to_site_url(client, site):
    document = client.get("/api/v1/openapi.json", headers=EVIL).get_json()
    assert document["servers"] == [{"url": "https://community.example/help/api/v1"}]
    listing = client.get("/api/v1/questions", headers=EVIL)
    assert listing.status_code == 200
    [item] = listing.get_json()["items"]
    assert item["url"] == f"https://community.example/help/questions/{site.id}/thermostat-loses-its-schedule"
    detail = client.get(f"/api/v1/questions/{site.id}", headers=EVIL).get_data(as_text=True)
    assert "https://community.example/help/" in detail and "evil.example" not in detail


def test_an_untrusted_host_answers_400_without_a_traceback(app, client, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["community.example", ".peercare.example"])
    caplog.set_level(logging.INFO)
    for path in ("/", "/feeds/questions.rss", "/questions/1", "/no/such/page"):
        r = client.get(path, headers=EVIL)
        assert r.status_code == 400 and "doesn't answer for that host name" in r.get_data(as_text=True)
    api = client.get("/api/v1/questions", headers=EVIL)
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "bad_request"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert client.get("/", headers={"Host": "community.example"}).status_code == 200
    assert client.get("/", headers={"Host": "eu.peercare.example:8443"}).status_code == 200


def test_trusted_hosts_come_from_the_environment():
    assert trusted_hosts({}) is None
    assert trusted_hosts({"TRUSTED_HOSTS": " community.example, .peercare.example ,"}) == [
        "community.example", ".peercare.example"]
