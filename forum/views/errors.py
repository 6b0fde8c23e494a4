"""Friendly error pages for the web and JSON errors (README, "JSON API") under /api/."""

import time

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from forum.services.errors import ServiceError

MESSAGES = {
    400: _l("The request didn't make sense to us."),
    401: _l("Please sign in first."),
    403: _l("You don't have permission to do that."),
    404: _l("We couldn't find that page."),
    405: _l("That action isn't available this way."),
    413: _l("That was too large to accept (the limit is 1 MB per request)."),
    422: _l("Some of what you sent isn't valid."),
    429: _l("Too many requests. Please slow down."),
    500: _l("Something went wrong on our side. It has been logged."),
}
UNTRUSTED_HOST = "This server doesn't answer for that host name."
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 422: "validation_failed", 429: "rate_limited", 500: "server_error"}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    # The human message in the reader's language (a lazy string until here); the code never changes.
    body = {"error": {"code": code or CODES.get(status, "error"), "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


FALLBACK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error {code}</title></head>
<body><main><h1>Error {code}</h1><p>{message}</p><p><a href="/">Back to the community</a></p></main></body></html>"""


def _page(status: int, message: str):
    """The friendly error page; a bare one when the layout itself can't render (e.g. database down)."""
    try:
        return render_template("errors/error.html", code=status, message=message), status
    except Exception:
        current_app.logger.exception("error page could not render")
        return FALLBACK_PAGE.format(code=status, message=escape(message)), status


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        message = _("Your form expired or was sent from another site (CSRF check failed). "
                    "Please go back, reload the page and try again.")
        if wants_json():
            return json_error(400, message, code="csrf_failed")
        return _page(400, message)

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        if wants_json():
            return json_error(exc.status, exc.message, exc.fields, exc.code)
        return _page(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, SecurityError):  # a Host outside TRUSTED_HOSTS: no URL can be built, so no layout
            return json_error(400, UNTRUSTED_HOST) if wants_json() else (
                FALLBACK_PAGE.format(code=400, message=UNTRUSTED_HOST), 400)
        status = exc.code or 500
        message = exc.description if exc.description and status in (400, 403, 404) and not _generic(exc) else (
            str(MESSAGES.get(status, exc.name)))
        response = make_response(json_error(status, message) if wants_json() else _page(status, message))
        if status == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        if status == 429 and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(_retry_after())
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error(500, MESSAGES[500])
        return _page(500, str(MESSAGES[500]))


def _retry_after() -> int:
    """Seconds until the breached limit resets (Flask-Limiter knows which one it was)."""
    from forum.security import limiter

    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)


def _generic(exc: HTTPException) -> bool:
    """Werkzeug's stock descriptions are technical; ours are kinder."""
    return exc.description == type(exc).description or isinstance(exc, InternalServerError)
