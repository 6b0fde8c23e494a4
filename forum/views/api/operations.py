"""Each API operation is declared once: its route, its input and output models, its statuses.

`operation()` registers the Flask route, validates the path ids, query string and JSON body
against the declared pydantic models (refusing with the API's error shape), checks the output
against the response model where the app asks for it (the test suite does), and records the
operation so that `/api/v1/openapi.json` is generated from the same declarations.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from math import ceil
from urllib.parse import urlencode

from flask import Response, current_app, g, jsonify, make_response, request
from flask_babel import LazyString
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from forum.models import TokenScope
from forum.services import idempotency
from forum.services.errors import NotAllowed, NotFound, ServiceError, ValidationFailed
from forum.transaction import unit_of_work

# Ids are 32-bit database integers everywhere: a larger id names nothing that exists.
MAX_ID = 2**31 - 1
ERROR_STATUSES = (400, 401, 403, 404, 413, 422, 429)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    tag: str
    body: type[BaseModel] | None
    body_required: bool
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    token: bool
    errors: tuple[int, ...]
    links: dict[str, dict] = field(default_factory=dict)
    error_models: dict[int, type[BaseModel]] = field(default_factory=dict)

    @property
    def extra_models(self) -> list[type[BaseModel]]:
        return list(self.error_models.values())

    @property
    def scope(self) -> TokenScope:
        """The token scope this operation needs."""
        if self.tag == "cases":
            return TokenScope.CASES
        return TokenScope.READ if self.method == "GET" else TokenScope.WRITE

    @property
    def paged(self) -> bool:
        return self.query is not None and "page" in self.query.model_fields

    @property
    def path(self) -> str:
        """The OpenAPI path: `/questions/<int:question_id>` becomes `/questions/{question_id}`."""
        return CONVERTER.sub(lambda m: "{" + m.group(2) + "}", self.rule)

    @property
    def path_parameters(self) -> list[tuple[str, str]]:
        return [(m.group(2), m.group(1) or "string") for m in CONVERTER.finditer(self.rule)]


OPERATIONS: list[Operation] = []
SCOPE_RANK = {TokenScope.READ: 0, TokenScope.WRITE: 1, TokenScope.CASES: 2}


def _fields(error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        # Name the field, not the list position or pydantic's union branch ("function-before[...]").
        name = ".".join(part for part in item["loc"] if isinstance(part, str) and "[" not in part) or "body"
        fields.setdefault(name, item["msg"])
    return fields


def parse_body(model: type[BaseModel], *, required: bool) -> BaseModel:
    """The JSON object sent, validated; 400 when it isn't a JSON object, 422 when a field is wrong."""
    if not request.get_data() and not required:
        data: object = {}
    else:
        data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError(_("Send a JSON object with Content-Type: application/json."))
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = _fields(exc)
        raise ValidationFailed(_("Please correct: %(choices)s.",
                                 choices=', '.join(sorted(fields))), fields=fields) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    names = {info.alias or name for name, info in model.model_fields.items()}
    try:
        return model.model_validate({k: request.args.get(k) for k in names if k in request.args})
    except ValidationError as exc:
        fields = _fields(exc)
        raise ValidationFailed(_("Please correct the query parameters: %(choices)s.",
                                 choices=', '.join(sorted(fields))),
                               fields=fields) from None


def _run(op: Operation, view: Callable, values: dict):
    if op.query is not None:
        values["query"] = parse_query(op.query)
    if op.body is not None:
        values["data"] = parse_body(op.body, required=op.body_required)
    return _respond(op, view(**values))


def _idempotent(op: Operation, view: Callable, values: dict, token_id: int, key: str):
    request_hash = idempotency.fingerprint(op.method, request.path, request.get_data())
    stored = idempotency.replay(token_id, key, request_hash)
    if stored is not None:
        response = make_response(stored.body, stored.status)
        response.headers.update({"Content-Type": "application/json", "Idempotent-Replayed": "true"})
        return response
    response = make_response(_run(op, view, values))
    if 200 <= response.status_code < 300:
        idempotency.remember(token_id, key, request_hash, response.status_code, response.get_data(as_text=True))
    return response


def _check_scope(op: Operation) -> None:
    """A token does what its scope allows (chosen when it was made); a signed-in browser is not limited."""
    token = g.get("api_token")
    if token is None:
        return
    have = SCOPE_RANK[TokenScope(token.scope)]
    if have < SCOPE_RANK[op.scope]:
        raise NotAllowed({
            TokenScope.WRITE: "This token is read-only. Create a read-write token under Settings → API tokens.",
            TokenScope.CASES: "This token has no access to support cases. Create a token with the "
                              "“read-write-cases” scope under Settings → API tokens (staff only)."}[op.scope])


def _check_ids(values: dict) -> None:
    for name, value in values.items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound(_("Nothing has that %(what)s.", what=name.replace('_', ' ')))


def _plain(value):
    """The payload with every lazily translated label (an enum's, a badge's) as the string it reads
    as now: the response schemas and JSON know strings, not LazyString."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _respond(op: Operation, result):
    if op.status == 204:
        return "", 204
    if isinstance(result, Response) or (isinstance(result, tuple) and isinstance(result[-1], int)):
        return result
    headers = {}
    if isinstance(result, tuple):
        result, headers = result
    if isinstance(result, BaseModel):
        payload = result.model_dump(mode="json")
    else:
        payload = _plain(result)
        if op.response is not None and current_app.config.get("API_CHECK_RESPONSES"):
            op.response.model_validate(payload)
    response = make_response(jsonify(payload), op.status)
    response.headers.update(headers)
    if op.paged and isinstance(payload, dict):
        link = page_links(payload["page"], payload["per_page"], payload["total"])
        if link:
            response.headers["Link"] = link
    return response


def page_links(page: int, per_page: int, total: int) -> str:
    """RFC 8288 `Link` header with the next and previous pages (same query, other page)."""
    last = max(1, ceil(total / per_page)) if per_page else 1
    links = []
    for rel, number in (("next", page + 1), ("prev", page - 1)):
        if 1 <= number <= last:
            args = request.args.to_dict(flat=False) | {"page": [str(number)]}
            links.append(f'<{request.base_url}?{urlencode(args, doseq=True)}>; rel="{rel}"')
    return ", ".join(links)


def operation(bp, method: str, rule: str, *, summary: str, tag: str, response: type[BaseModel] | None = None,
              body: type[BaseModel] | None = None, body_required: bool = True, query: type[BaseModel] | None = None,
              status: int = 200, token: bool = True, errors: tuple[int, ...] = (), description: str = "",
              links: dict[str, dict] | None = None,
              error_models: dict[int, type[BaseModel]] | None = None, permission=None) -> Callable:
    """Declare an API operation; the view gets the path values plus `data` (body) and `query` models."""

    op_method = method.upper()

    def decorate(view: Callable) -> Callable:
        op = Operation(method.upper(), rule, view.__name__, summary, description or (view.__doc__ or "").strip(), tag,
                       body, body_required, query, response, status, token,
                       tuple(sorted({*ERROR_STATUSES, *errors, *(error_models or {}),
                                     *((409,) if op_method == "POST" and token else ())})), links or {},
                       error_models or {})
        OPERATIONS.append(op)

        @wraps(view)
        def handle(**values):
            if op.method in SAFE_METHODS:
                return checked(values)
            # A write is one unit of work: the change, its idempotency record and its outbox
            # entries commit together, or a refusal rolls them all back.
            with unit_of_work():
                return checked(values)

        def checked(values: dict):
            _check_scope(op)
            if permission is not None:
                # Who may call it is answered before what was sent is checked: a member gets 403, not 422.
                from forum.policy import require
                from forum.views.api import actor

                require(actor(), permission)
            _check_ids(values)
            token = g.get("api_token")
            key = request.headers.get(idempotency.HEADER) if op.method == "POST" else None
            if key is not None and token is not None:
                return _idempotent(op, view, values, token.id, idempotency.check_key(key))
            return _run(op, view, values)

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handle, methods=[op.method])
        return view

    return decorate

