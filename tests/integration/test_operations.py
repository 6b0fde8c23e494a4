"""Operations: request ids, JSON log lines, liveness and readiness with per-check results."""

import json
import logging
import re
import sys

import pytest
from flask import current_app

from forum.logging import JsonFormatter, RequestIdFilter, configure_root
from tests.broker import unreachable_celery

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def _json_logs():
    """The app's JSON logging, as every process has it. (Tests that run Alembic in-process go
    through its fileConfig, which swaps the root handlers; production runs migrations apart.)"""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_root("json", "INFO")
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_well_formed_request_id_from_the_proxy_is_echoed(client):
    response = client.get("/healthz/live", headers={"X-Request-ID": "edge-7f3a.b_9:42"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "edge-7f3a.b_9:42"


def test_a_missing_or_malformed_request_id_is_replaced_by_a_fresh_one(client):
    first = client.get("/healthz/live").headers["X-Request-ID"]
    second = client.get("/healthz/live").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second) and first != second
    for hostile in ("two words", "x" * 129, '"}{"level": "forged', "évian", "id\\nnext"):
        echoed = client.get("/healthz/live", headers={"X-Request-ID": hostile}).headers["X-Request-ID"]
        assert HEX_ID.fullmatch(echoed)


def test_every_request_writes_one_json_line_with_its_id(client, capsys):
    capsys.readouterr()
    response = client.get("/questions?sort=newest", headers={"X-Request-ID": "req-lines-1"})
    assert response.status_code == 200
    lines = [entry for entry in _json_lines(capsys.readouterr().err) if entry.get("logger") == "forum.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "req-lines-1"
    assert line["level"] == "INFO"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/questions", 200)
    assert isinstance(line["duration_ms"], float)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])


def test_links_with_secrets_log_their_route_not_the_token(client, capsys):
    capsys.readouterr()
    for path in ("/password/reset/SECRET-reset-token", "/unsubscribe/SECRET-unsubscribe-token"):
        client.get(path, headers={"X-Request-ID": "secret-path"})
    logged = capsys.readouterr().err
    lines = [entry for entry in _json_lines(logged) if entry.get("request_id") == "secret-path"]
    assert [entry["path"] for entry in lines] == ["/password/reset/<token>", "/unsubscribe/<token>"]
    assert "SECRET" not in logged


def test_log_lines_are_json_objects_with_fields_and_errors():
    try:
        1 / 0  # noqa: B018 - raise a real exception to format
    except ZeroDivisionError:
        record = logging.getLogger("forum.test").makeRecord(
            "forum.test", logging.ERROR, __file__, 1, "card %s declined", ("4242",), sys.exc_info(),
            extra={"case": "CASE-000123", "attempt": 2})
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "card 4242 declined"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "forum.test"
    assert entry["request_id"] is None  # outside a request
    assert entry["case"] == "CASE-000123" and entry["attempt"] == 2
    assert "ZeroDivisionError" in entry["error"]


def test_liveness_needs_nothing_but_the_process(client):
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readiness_reports_each_check(client):
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    eager = current_app.extensions["celery"].conf.task_always_eager
    assert body["checks"]["broker"] == {"status": "skipped" if eager else "ok"}
    expected_search = "ok" if current_app.extensions.get("search") is not None else "skipped"
    assert body["checks"]["search"] == {"status": expected_search}
    assert client.get("/healthz").get_json() == body


def test_readiness_is_503_while_the_broker_is_unreachable_and_logs_why_under_the_request_id(client, capsys):
    app = current_app._get_current_object()
    working = app.extensions["celery"]
    unreachable = unreachable_celery()
    capsys.readouterr()
    app.extensions["celery"] = unreachable
    try:
        response = client.get("/healthz/ready", headers={"X-Request-ID": "probe-503"})
    finally:
        app.extensions["celery"] = working
        unreachable.close()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "failed"
    assert "127.0.0.1" not in json.dumps(body) and "redis" not in json.dumps(body)  # no connection details
    mine = [entry for entry in _json_lines(capsys.readouterr().err) if entry.get("request_id") == "probe-503"]
    assert any(e["level"] == "WARNING" and e.get("check") == "broker" for e in mine)
    assert any(e.get("logger") == "forum.request" and e.get("status") == 503 for e in mine)
    assert client.get("/healthz/ready").status_code == 200
