"""One filter for everything a request carries, before any view sees it.

PostgreSQL refuses NUL characters in text and no database driver can store a lone UTF-16
surrogate (JSON's "\\ud800"), so a value carrying either would fail deep inside a query as a
500; bidirectional-override characters in a title or a name make it read differently from what
it is. Such a request is refused here with a 400 (a JSON error under /api/, the error page
elsewhere). JSON bodies are parsed here once, with a bound on nesting, and the API's writes only
take an object.
"""

import re

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from forum.parse import MAX_ID

# NUL, and the surrogate halves that only a JSON escape can produce.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Left-to-right/right-to-left embeddings, overrides and isolates (not the harmless marks).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Fields that name something (a post's title, a member, a token): shown alone, often in lists.
NAME_FIELDS = frozenset({"title", "name", "username", "display_name", "login"})
MAX_JSON_DEPTH = 32
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def refusal(field: str, value: str) -> str | None:
    """Why `value`, sent as `field`, can't be accepted, or None."""
    if _UNSTORABLE.search(value):
        return f"“{field}” contains a character that can't be stored (NUL or a lone surrogate)."
    if field in NAME_FIELDS and _BIDI_CONTROLS.search(value):
        return f"“{field}” contains text-direction control characters."
    return None


def _check(field: str, value: str) -> None:
    problem = refusal(field, field) or refusal(field, value)
    if problem:
        abort(400, problem)


def _check_json(data) -> None:
    """Walk the parsed body without recursion: every key and string, and how deep it nests."""
    pending = [(data, "body", 1)]
    while pending:
        value, field, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            abort(400, f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(value, str):
            _check(field, value)
        elif isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
            abort(400, f"“{field}” is a number too large to be an id or a count.")
        elif isinstance(value, dict):
            for key, item in value.items():
                _check(key, key)
                pending.append((item, key, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, field, depth + 1) for item in value)


def _parsed_json():
    try:
        return request.get_json(silent=True)
    except RecursionError:
        abort(400, f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")


def check_request() -> None:
    for field, value in (request.view_args or {}).items():
        if isinstance(value, str):
            _check(field, value)
        elif isinstance(value, int) and value > MAX_ID:
            abort(404)  # no row has that id (see IdConverter)
    for source in (request.args, request.form):
        for field, value in source.items(multi=True):
            _check(field, value)
    if request.is_json and request.get_data(cache=True):
        data = _parsed_json()
        _check_json(data)
        if request.path.startswith("/api/") and request.method in WRITE_METHODS and not isinstance(data, dict):
            abort(400, "Send a JSON object with Content-Type: application/json.")


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: ASCII digits only (never "²").

    An id too large for the id columns still matches here and is refused with a 404 by
    `check_request`: a converter that refused it would make Werkzeug answer 405 wherever the
    same path has a route for another method.
    """

    regex = r"[0-9]{1,19}"


def init_app(app: Flask) -> None:
    """Install the id converter (before any blueprint adds a route) and the request check."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request)


__all__ = ["MAX_JSON_DEPTH", "NAME_FIELDS", "init_app", "refusal"]
