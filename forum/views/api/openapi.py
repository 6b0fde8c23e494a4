"""The OpenAPI 3 document for API v1, built from one table of operations."""

from flask import jsonify, url_for

from forum.views.api import bp

ERROR = {"$ref": "#/components/schemas/Error"}
QUESTION_IN = {"type": "object", "required": ["title", "body", "tags", "product"], "properties": {
    "title": {"type": "string", "minLength": 15, "maxLength": 150},
    "body": {"type": "string", "minLength": 30, "maxLength": 30000, "description": "Markdown"},
    "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 5},
    "product": {"type": "string", "description": "Product slug"},
    "fields": {"type": "object", "additionalProperties": {"type": ["string", "number"]},
               "description": "Answers to the product's customer profile fields, by field key"}}}
FIELD_IN = {"type": "object", "properties": {
    "label": {"type": "string", "maxLength": 80},
    "kind": {"type": "string", "enum": ["text", "number", "choice", "date"]},
    "choices": {"type": "array", "items": {"type": "string"}}, "required": {"type": "boolean"},
    "staff_only": {"type": "boolean"}, "help_text": {"type": "string"}, "claim": {"type": "string"},
    "retired": {"type": "boolean", "description": "PATCH only"}}}
HOURS = {"type": ["integer", "null"], "minimum": 1, "maximum": 720}
CARE_IN = {"type": "object", "properties": {
    "time_zone": {"type": ["string", "null"], "description": "IANA zone; null: 24 × 7"},
    "working_days": {"type": "array", "items": {"type": ["integer", "string"]},
                     "description": "0 = Monday, or mon…sun"},
    "opens_at": {"type": "string", "description": "HH:MM"},
    "closes_at": {"type": "string", "description": "HH:MM; 24:00: midnight"},
    "holidays": {"type": "array", "items": {"type": "string", "format": "date"}},
    "first_response_hours": HOURS,
    "escalation_policy": {"type": "string", "enum": ["off", "every_question", "first_question"]},
    "escalate_after_hours": {"type": "integer", "minimum": 1, "maximum": 720},
    "escalation_priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
    "update_cadence": {"type": "object", "properties": dict.fromkeys(("low", "normal", "high", "urgent"), HOURS)}}}
EDIT_IN = {"type": "object", "properties": {"title": {"type": "string"}, "body": {"type": "string"},
                                            "tags": {"type": "array", "items": {"type": "string"}},
                                            "comment": {"type": "string", "description": "Edit summary"}}}
BODY_IN = {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}
ESCALATE_IN = {"type": "object", "properties": {
    "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
    "note": {"type": "string", "description": "Internal note, never public"}}}
CASE_PATCH_IN = {"type": "object", "properties": {
    "status": {"type": "string", "enum": ["new", "open", "waiting_on_customer", "resolved", "closed"]},
    "summary": {"type": "string"}, "assignee": {"type": ["string", "null"]},
    "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]}}}
CASE_UPDATE_IN = {"type": "object", "required": ["body", "public"], "properties": {
    "body": {"type": "string"}, "public": {"type": "boolean"}}}
PUBLISH_IN = {"type": "object", "required": ["answer_id"], "properties": {
    "answer_id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"},
    "body": {"type": "string"}}}
MARK_READ_IN = {"type": "object", "properties": {
    "ids": {"type": "array", "items": {"type": "integer"}, "description": "Omit to mark everything read"},
    "all": {"type": "boolean"}}}
VOTE_IN = {"type": "object", "required": ["value"], "properties": {"value": {"type": "integer", "enum": [1, -1, 0]}}}
FLAG_IN = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "string", "enum": ["spam", "rude", "attention"]},
    "text": {"type": "string", "maxLength": 500, "description": "Required (10+ characters) for attention"}}}
REVIEW_IN = {"type": "object", "required": ["outcome"], "properties": {
    "outcome": {"type": "string", "enum": ["approved", "dismissed", "edited", "deleted", "spam", "suspended"],
                "description": "The item's `outcomes` lists those possible for it"},
    "note": {"type": "string"}, "body": {"type": "string", "description": "edited: the corrected text"},
    "title": {"type": "string"}, "tags": {"type": "string"},
    "until": {"type": "string", "format": "date", "description": "suspended: end date (UTC), in the future"},
    "reason": {"type": "string", "description": "suspended: reason shown to the member"}}}
CLOSE_IN = {"type": "object", "required": ["reason"], "properties": {
    "reason": {"type": "string", "enum": ["duplicate", "off_topic", "needs_detail"]},
    "duplicate_of": {"type": "integer", "description": "duplicate: a different, existing question"},
    "note": {"type": "string"}}}
NOTE_IN = {"type": "object", "properties": {"note": {"type": "string"}}}
SUSPEND_IN = {"type": "object", "required": ["until", "reason"], "properties": {
    "until": {"type": "string", "format": "date"}, "reason": {"type": "string", "minLength": 5, "maxLength": 500}}}

# (method, path, summary, needs token, request schema, success status)
OPERATIONS = [
    ("get", "/products", "List products", False, None, 200),
    ("get", "/tags", "List tags, most used first", False, None, 200),
    ("get", "/products/{slug}/fields", "A product's customer profile fields (definitions, never answers)", False, None,
     200),
    ("post", "/products/{slug}/fields", "Admins: add a customer profile field", True, FIELD_IN, 201),
    ("patch", "/profile-fields/{id}", "Admins: rename, change, retire or restore a field", True, FIELD_IN, 200),
    ("get", "/products/{slug}/care", "Admins: a product's response targets", True, None, 200),
    ("patch", "/products/{slug}/care", "Admins: change response targets (the keys sent)", True, CARE_IN, 200),
    ("put", "/products/{slug}/care", "Admins: change response targets (as PATCH)", True, CARE_IN, 200),
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
    ("post", "/questions/{id}/escalate", "Moderator/agent: open a support case; 409 with the existing case",
     True, ESCALATE_IN, 201),
    ("get", "/cases", "Agents: cases (?status=&assignee=), due first", True, None, 200),
    ("get", "/cases/{ref}", "Agents: a case with its updates and internal notes", True, None, 200),
    ("patch", "/cases/{ref}", "Agents/CRM: change status (summary needed to resolve), assignee, priority",
     True, CASE_PATCH_IN, 200),
    ("post", "/cases/{ref}/updates", "Agents/CRM: public update (posted on the thread) or internal note",
     True, CASE_UPDATE_IN, 201),
    ("post", "/questions/{id}/publish", "Moderator: publish an answer as a knowledge article", True, PUBLISH_IN, 201),
    ("get", "/articles", "Published knowledge articles (?product=&tag=)", False, None, 200),
    ("get", "/articles/{id}", "A knowledge article", False, None, 200),
    ("get", "/notifications", "The token owner's notifications, newest first, with the unread count",
     True, None, 200),
    ("post", "/notifications/read", "Mark the token owner's notifications read ({ids} or all)", True,
     MARK_READ_IN, 200),
    ("get", "/search", "Search public questions and answers: highlighted snippets, filters, sort, a spelling "
     "suggestion when nothing matches", False, None, 200),
    ("get", "/search/similar", "Up to 10 public questions similar to a draft title (?title=&product=&limit=)",
     False, None, 200),
    ("post", "/questions/{id}/flags", "Flag a question (spam, rude, attention + text); needs the flag privilege",
     True, FLAG_IN, 201),
    ("post", "/answers/{id}/flags", "Flag an answer", True, FLAG_IN, 201),
    ("post", "/comments/{id}/flags", "Flag a comment", True, FLAG_IN, 201),
    ("get", "/mod/queue", "Moderators: open review items (?kind=flagged|hidden|first_post|suggested_edit|"
     "watched_word) with counts per kind", True, None, 200),
    ("get", "/mod/queue/{id}", "Moderators: one review item", True, None, 200),
    ("post", "/mod/queue/{id}", "Moderators: handle a review item once; 409 when already handled", True,
     REVIEW_IN, 200),
    ("post", "/questions/{id}/close", "Moderators: close a question with a reason", True, CLOSE_IN, 200),
    ("post", "/questions/{id}/reopen", "Moderators: reopen a closed question", True, NOTE_IN, 200),
    ("post", "/questions/{id}/lock", "Moderators: lock a thread (no answers, comments or votes)", True, NOTE_IN, 200),
    ("post", "/questions/{id}/unlock", "Moderators: unlock a thread", True, NOTE_IN, 200),
    ("post", "/users/{id}/suspension", "Moderators: suspend a member until a date, with a reason", True,
     SUSPEND_IN, 201),
    ("delete", "/users/{id}/suspension", "Moderators: lift a member's suspension", True, None, 204),
    ("get", "/mod/audit", "Moderators: the audit log (?actor=&action=&target=&since=&until=), newest first",
     True, None, 200),
    ("get", "/insights", "Moderators, agents, admins: the community health figures (the console's numbers) for "
     "a period, with the previous period and weekly values", True, None, 200),
]

# Query parameters of operations beyond paging, by (method, path).
QUERY_PARAMETERS: dict[tuple[str, str], list[dict]] = {
    ("get", "/insights"): [
        {"name": "period", "in": "query", "schema": {"type": "integer", "enum": [7, 30, 90]},
         "description": "The last N days up to today (default 30); ignored when from is given"},
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "First day (UTC), inclusive"},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "Last day (UTC), inclusive; default today"},
        {"name": "product", "in": "query", "schema": {"type": "string"}, "description": "Product slug"},
        {"name": "tag", "in": "query", "schema": {"type": "string"}},
    ],
    ("get", "/notifications"): [
        {"name": "unread", "in": "query", "schema": {"type": "boolean"}, "description": "Only unread ones"},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    ],
    ("get", "/search"): [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200},
         "description": "Words (all must match), \"a phrase\", a OR b, -excluded. Longer input is shortened."},
        {"name": "product", "in": "query", "schema": {"type": "string"}, "description": "Product slug"},
        {"name": "tag", "in": "query", "schema": {"type": "string"}},
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["question", "answer"]},
         "description": "Kinds come from the registered document sources (knowledge articles add \"article\")"},
        {"name": "accepted", "in": "query", "schema": {"type": "boolean"},
         "description": "Only threads that have an accepted answer"},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["relevance", "newest", "votes"]}},
    ],
    ("get", "/mod/queue"): [
        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": [
            "flagged", "hidden", "first_post", "suggested_edit", "watched_word"]}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    ],
    ("get", "/mod/audit"): [
        {"name": "actor", "in": "query", "schema": {"type": "string"}, "description": "Username, or \"system\""},
        {"name": "action", "in": "query", "schema": {"type": "string"}, "description": "e.g. question.close"},
        {"name": "target", "in": "query", "schema": {"type": "string"}, "description": "e.g. question:12, user:7"},
        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    ],
    ("get", "/search/similar"): [
        {"name": "title", "in": "query", "required": True, "schema": {"type": "string"}},
        {"name": "product", "in": "query", "schema": {"type": "string"}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10}},
    ],
}


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
        if "{slug}" in path:
            operation["parameters"] = [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}]
        if "{ref}" in path:
            operation["parameters"] = [{"name": "ref", "in": "path", "required": True,
                                        "schema": {"type": "string", "example": "CASE-000123"}}]
        if (method, path) in QUERY_PARAMETERS:
            operation.setdefault("parameters", []).extend(QUERY_PARAMETERS[(method, path)])
        if method == "get" and path in ("/questions", "/tags", "/users/{id}/reputation", "/cases", "/articles",
                                        "/search"):
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
