"""The OpenAPI 3 document for API v1, built from one table of operations."""

from flask import jsonify, url_for

from forum.views.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}
QUESTION_IN = {"type": "object", "required": ["title", "body", "tags", "product"], "properties": {
    "title": {"type": "string", "minLength": 15, "maxLength": 150},
    "body": {"type": "string", "minLength": 30, "maxLength": 30000, "description": "Markdown"},
    "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5},
    "product": {"type": "string", "description": "Product slug"}}}
EDIT_IN = {"type": "object", "properties": {"title": {"type": "string"}, "body": {"type": "string"},
                                            "tags": {"type": "array", "items": {"type": "string"}},
                                            "comment": {"type": "string", "description": "Edit summary"}}}
BODY_IN = {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}
VOTE_IN = {"type": "object", "required": ["value"], "properties": {"value": {"type": "integer", "enum": [1, -1, 0]}}}

# (method, path, summary, needs token, request schema, success status)
OPERATIONS = [
    ("get", "/products", "List products", False, None, 200),
    ("get", "/tags", "List tags, most used first", False, None, 200),
    ("get", "/questions", "List questions (?product=&tag=&sort=newest|active|top|unanswered)", False, None, 200),
    ("post", "/questions", "Ask a question", True, QUESTION_IN, 201),
    ("get", "/questions/{id}", "A question with answers, comments, scores and accepted answer", False, None, 200),
    ("patch", "/questions/{id}", "Edit a question (new revision)", True, EDIT_IN, 200),
    ("delete", "/questions/{id}", "Delete your question", True, None, 204),
    ("post", "/questions/{id}/answers", "Answer a question", True, BODY_IN, 201),
    ("patch", "/answers/{id}", "Edit an answer (new revision)", True, EDIT_IN, 200),
    ("delete", "/answers/{id}", "Delete your answer", True, None, 204),
    ("post", "/questions/{id}/comments", "Comment on a question", True, BODY_IN, 201),
    ("post", "/answers/{id}/comments", "Comment on an answer", True, BODY_IN, 201),
    ("post", "/questions/{id}/vote", "Vote on a question: 1 up, -1 down, 0 retract", True, VOTE_IN, 200),
    ("post", "/answers/{id}/vote", "Vote on an answer: 1 up, -1 down, 0 retract", True, VOTE_IN, 200),
    ("post", "/answers/{id}/accept", "Accept an answer (asker only)", True, None, 200),
    ("delete", "/answers/{id}/accept", "Remove the acceptance (asker only)", True, None, 200),
    ("get", "/users/{id}", "A member's public profile", False, None, 200),
    ("get", "/users/{id}/reputation", "A member's reputation ledger, newest first", False, None, 200),
    ("get", "/me", "The token owner's profile", True, None, 200),
]


def document() -> dict:
    paths: dict[str, dict] = {}
    for method, path, summary, secured, schema, status in OPERATIONS:
        operation: dict = {"summary": summary, "responses": {
            str(status): {"description": "Success"},
            "400": {"description": "Malformed request", "content": {"application/json": {"schema": ERROR}}},
            "404": {"description": "Not found", "content": {"application/json": {"schema": ERROR}}},
        }}
        if "{id}" in path:
            operation["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
        if method == "get" and path in ("/questions", "/tags", "/users/{id}/reputation"):
            operation.setdefault("parameters", []).extend([
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ])
        if secured:
            operation["security"] = [{"bearerToken": []}]
            for code, text in (("401", "Missing or bad token"), ("403", "Not allowed"), ("422", "Invalid fields")):
                operation["responses"][code] = {"description": text,
                                                "content": {"application/json": {"schema": ERROR}}}
        if schema is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": "PeerCare API", "version": "1.0",
                 "description": "Read public content without a token; write with a personal API token "
                                "(Settings → API tokens) sent as `Authorization: Bearer TOKEN`."},
        "servers": [{"url": url_for("api.openapi_json", _external=True).rsplit("/openapi.json", 1)[0]}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}}},
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())
