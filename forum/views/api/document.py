"""`/api/v1/openapi.json`, generated from the declared operations and their pydantic models."""

from flask import jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from sqlalchemy import select

from forum.extensions import db
from forum.services import idempotency
from forum.services.profile_fields import MAX_VALUE
from forum.urls import site_root
from forum.views.api import bp
from forum.views.api.operations import MAX_ID, OPERATIONS, Operation
from forum.views.api.schemas import LINE, Error

REF = "#/components/schemas/{model}"
ERROR_TEXT = {400: "Malformed request (not a JSON object, bad JSON)", 401: "Missing, malformed or revoked token",
              403: "Not allowed (the message says why)", 404: "Not found", 409: "Conflicts with the current state",
              413: "Request too large (1 MB)", 422: "Invalid fields (error.fields names them)",
              429: "Too many requests (see Retry-After)"}
PATH_SCHEMAS = {"int": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "string": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^[^\x00/]+$"}}


def _without_null(schema: dict) -> dict:
    """A query parameter is absent rather than null: drop the null branch pydantic adds."""
    options = [s for s in schema.get("anyOf", ()) if s != {"type": "null"}]
    if len(options) == 1:
        return {k: v for k, v in schema.items() if k not in ("anyOf", "default")} | options[0]
    return {k: v for k, v in schema.items() if k != "default"} if "default" in schema and schema["default"] is None \
        else schema


def _field_value_schema(field) -> dict:
    if field.kind == "choice":
        return {"type": "string", "enum": list(field.choices or [])}
    if field.kind == "number":
        return {"type": "string", "pattern": r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$", "description": "A number"}
    if field.kind == "date":
        return {"type": "string", "pattern": r"^(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
                "description": "A date, YYYY-MM-DD"}
    return {"type": "string", "minLength": 1, "maxLength": MAX_VALUE, "pattern": LINE}


def _with_profile_fields(question_in: dict) -> None:
    """Which answers a question takes depends on its product's configured fields: say so per product."""
    from forum.models import Product
    from forum.services.profile_fields import active_fields_by_product

    slugs = dict(db.session.execute(select(Product.id, Product.slug)).all())
    by_product = active_fields_by_product()
    every = {f.key: _field_value_schema(f) for fields in by_product.values() for f in fields}
    question_in["properties"]["fields"] = {
        "type": "object", "properties": every, "additionalProperties": False,
        "description": "Answers to the product's customer profile fields, by field key "
                       "(GET /products/{slug}/fields lists them)"}
    if slugs:
        question_in["properties"]["product"]["enum"] = sorted(slugs.values())
    rules = []
    for product_id, slug in sorted(slugs.items()):
        fields = by_product.get(product_id, [])
        own = {"type": "object", "properties": {f.key: _field_value_schema(f) for f in fields},
               "additionalProperties": False}
        required = [f.key for f in fields if f.required]
        if required:
            own["required"] = required
        then: dict = {"properties": {"fields": own}}
        if required:
            then["required"] = ["fields"]
        rules.append({"if": {"properties": {"product": {"const": slug}}, "required": ["product"]}, "then": then})
    if rules:
        question_in["allOf"] = rules


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = _without_null(prop)
        prop.pop("title", None)
        description = prop.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _operation(op: Operation, refs: dict) -> dict:
    responses: dict[str, dict] = {}
    if op.status == 204:
        responses["204"] = {"description": "Done"}
    else:
        success: dict = {"description": "Success"}
        if op.response is not None:
            success["content"] = {"application/json": {"schema": refs[(op.response, "serialization")]}}
        if op.links:
            success["links"] = op.links
        if op.paged:
            success["headers"] = {"Link": {"description": 'RFC 8288 links to the next and previous pages '
                                                          '(rel="next", rel="prev"), when there are any',
                                           "schema": {"type": "string"}}}
        responses[str(op.status)] = success
    error = refs[(Error, "serialization")]
    for status in op.errors:
        if status == 401 and not op.token:
            text = "A token was sent and is malformed or revoked"
        else:
            text = ERROR_TEXT.get(status, "Error")
        if status == 403 and op.token:
            text += f"; this operation needs a token with the “{op.scope.value}” scope (or a wider one)"
        schema = refs[(op.error_models[status], "serialization")] if status in op.error_models else error
        responses[str(status)] = {"description": text, "content": {"application/json": {"schema": schema}}}
    result: dict = {"operationId": op.endpoint, "summary": op.summary, "tags": [op.tag], "responses": responses}
    if op.description:
        result["description"] = op.description
    parameters = [{"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS[kind]}
                  for name, kind in op.path_parameters]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    if op.method == "POST" and op.token:
        parameters.append({"name": idempotency.HEADER, "in": "header", "required": False,
                           "schema": {"type": "string", "pattern": idempotency.KEY_PATTERN},
                           "description": "Retry safely: the same token and key within 24 h get the first "
                                          "response back (a key reused for a different request is 409)"})
    if parameters:
        result["parameters"] = parameters
    if op.body is not None:
        result["requestBody"] = {"required": op.body_required,
                                 "content": {"application/json": {"schema": refs[(op.body, "validation")]}}}
    result["security"] = [{"bearerToken": []}] if op.token else [{}, {"bearerToken": []}]
    return result


def document() -> dict:
    models = {(op.body, "validation") for op in OPERATIONS if op.body is not None}
    models |= {(op.response, "serialization") for op in OPERATIONS if op.response is not None}
    models |= {(m, "serialization") for op in OPERATIONS for m in op.extra_models}
    models.add((Error, "serialization"))
    ordered = sorted(models, key=lambda pair: (pair[0].__name__, pair[1]))
    refs, definitions = models_json_schema(ordered, ref_template=REF)
    if "QuestionIn" in definitions.get("$defs", {}):
        _with_profile_fields(definitions["$defs"]["QuestionIn"])
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    base = site_root() + "api/v1"
    return {
        "openapi": "3.1.0",
        "info": {"title": "PeerCare API", "version": "1.1",
                 "description": "Read public content without a token; write with a personal API token "
                                "(Settings → API tokens) sent as `Authorization: Bearer TOKEN`. Errors are "
                                '`{"error": {"code", "message", "fields"}}`.'},
        "servers": [{"url": base}],
        "paths": paths,
        "components": {"securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
                       "schemas": definitions.get("$defs", {})},
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
