"""Structured logs: one JSON object per line, each line of a request carrying its request id.

The request id comes from a proxy's X-Request-ID header when it is well formed (1–128
characters of letters, digits and ``._:-``), otherwise a fresh one is generated; it is echoed
in the response's X-Request-ID header and added to every log line written while the request
is handled. One "request" line per request (LOG_REQUESTS) gives method, path, status and
duration. LOG_FORMAT=text gives plain lines for a human at a terminal; LOG_LEVEL sets the
level. Celery's worker and beat logs use the same JSON lines.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if REQUEST_ID_RE.fullmatch(offered) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being handled (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, extra fields, error."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def make_handler(fmt: str = "json") -> logging.Handler:
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    handler.addFilter(RequestIdFilter())
    handler.peercare = True
    return handler


def configure_root(fmt: str, level: str) -> None:
    """Install one PeerCare handler on the root logger (again: replace it, never add a second)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "peercare", False)]:
        root.removeHandler(handler)
    root.addHandler(make_handler(fmt))
    root.setLevel(level)


def _celery_logging(logger=None, **_kwargs) -> None:
    """Celery's after_setup_logger/after_setup_task_logger: give its handlers our format and filter."""
    fmt = _settings.get("format", "json")
    for handler in (logger or logging.getLogger()).handlers:
        handler.setFormatter(make_handler(fmt).formatter)
        handler.addFilter(RequestIdFilter())


_settings: dict[str, str] = {}
request_log = logging.getLogger("forum.request")


def logged_path() -> str:
    """The request path for the log, with secrets left out.

    Reset, confirmation and unsubscribe links carry their token in the path; logs are read by
    more people than the mailbox, so those requests log the route ("/password/reset/<token>").
    """
    if "token" in (request.view_args or {}) and request.url_rule is not None:
        return request.url_rule.rule
    return request.path


def init_app(app: Flask) -> None:
    """Configure logging from LOG_FORMAT / LOG_LEVEL and wire request ids into the app."""
    fmt = str(app.config.get("LOG_FORMAT", "json")).lower()
    _settings["format"] = fmt
    configure_root(fmt, str(app.config.get("LOG_LEVEL", "INFO")).upper())
    from celery.signals import after_setup_logger, after_setup_task_logger

    after_setup_logger.connect(_celery_logging, weak=False, dispatch_uid="peercare-json-logs")
    after_setup_task_logger.connect(_celery_logging, weak=False, dispatch_uid="peercare-json-task-logs")

    @app.before_request
    def _start_request() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def _finish_request(response):
        response.headers[REQUEST_ID_HEADER] = request_id()
        if app.config.get("LOG_REQUESTS", True):
            started = g.get("request_started")
            path = logged_path()
            request_log.info(
                "%s %s %s", request.method, path, response.status_code,
                extra={"method": request.method, "path": path, "status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
                       "remote_addr": request.remote_addr},
            )
        return response
