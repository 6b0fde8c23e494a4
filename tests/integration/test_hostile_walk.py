"""Every route, every kind of parameter, every hostile value: never a 5xx, never a traceback.

The walk reads the app's URL map, so a new route is walked without changing this file. Path
parameters get a real id or name, then each hostile value in turn; GET routes get every query
parameter the app reads with each hostile value; writes get a form (web) or a JSON body (API)
with every field the app reads set to each hostile value, and the API also gets bodies that
aren't objects or nest too deep. As a visitor, a member and a moderator (an admin too for
/admin/). Runs on SQLite, and on PostgreSQL in CI (.ci/services-suite).
"""

import logging
import re

import pytest

from forum.extensions import db
from forum.models import Role
from forum.services import webhooks
from moderation import escalation, flags, knowledge
from tests.conftest import login
from tests.factories import make_answer, make_comment, make_question, make_user

BIG = str(2**63)
# The classes of hostile value from issue 14: NUL, ids past 64 bits, Unicode digits, bidi
# overrides, dates out of range, broken URLs, oversized and markup-heavy text.
HOSTILE_TEXT = ["a\x00b", "\x00", BIG, str(2**63 - 1), str(-(2**63) - 1), "²", "CASE-²", "\u202etxt.exe",
                "0001-01-01", "9999-12-31T23:59:59", "http://[::1/bad", "' OR '1'='1", "%", "../../etc/passwd",
                "[" * 3000, "x" * 5000, ""]
# Values only JSON can carry.
HOSTILE_JSON_VALUES = [*HOSTILE_TEXT, "\ud800", 2**63, -(2**63) - 1, 1e308, [None], True, None, {"a": [1]}, -1]
NON_OBJECT_BODIES = ["[null]", "true", "\"\\ud800\"", "[" * 100_000, "{\"a\": " * 5000 + "1" + "}" * 5000, "1"]
QUERY_NAMES = ["q", "page", "per_page", "tag", "product", "sort", "tab", "kind", "since", "until", "before",
               "actor", "action", "target", "status", "assignee", "priority", "unread", "state", "next", "back",
               "accepted", "title", "question_id", "ids", "queue", "show", "limit", "from", "to", "who", "answer_id"]
FIELD_NAMES = ["title", "body", "tags", "product", "comment", "about", "display_name", "name", "login", "password",
               "note", "assignee", "assignee_id", "priority", "status", "text", "kind", "reason", "until", "days",
               "url", "description", "summary", "duplicate_of", "target", "target_id", "back", "ids", "tag",
               "word", "action", "email", "code", "value", "label", "help_text", "required", "public", "claim",
               "position", "resolution", "public_update", "internal_note", "answer_id", "question_id", "ref",
               "target_type", "remember", "new_password", "current_password", "confirm", "username", "level",
               "fields", "type", "options", "slug", "period", "digest", "timezone", "mode", "value_type", "outcome",
               "suspension_reason", "into", "phrase", "confirmation", "visibility", "response", "queue", "state",
               "show", "id", "parent_id", "into_id"]
SKIP_ENDPOINTS = {"static", "auth.logout"}
DIGITS = re.compile(r"\d+")


@pytest.fixture
def world(app):
    """One of each thing a route can name, and who asks."""
    member = make_user(reputation_points=3000)
    moderator = make_user(role=Role.MODERATOR)
    admin = make_user(role=Role.ADMIN)
    agent = make_user(role=Role.AGENT)
    question = make_question(author=member, tags=["schedule"])
    answer = make_answer(question)
    comment = make_comment(question, author=member)
    case = escalation.escalate(question.id, actor=agent, note="Please look").case
    article = knowledge.publish_answer(question.id, answer_id=answer.id, actor=moderator)
    endpoint, _ = webhooks.add_endpoint("https://crm.example.com/hooks", description="CRM", actor=admin)
    flags.flag("answer", answer.id, actor=member, reason="spam")
    db.session.commit()
    ids = {"question_id": question.id, "answer_id": answer.id, "comment_id": comment.id, "user_id": member.id,
           "article_id": article.id, "endpoint_id": endpoint.id, "post_id": answer.id, "item_id": 1, "field_id": 1,
           "token_id": 1, "identity_id": 1, "word_id": 1}
    names = {"slug": "thermostat", "name": "schedule", "reference": case.reference, "token": "not-a-token",
             "key": "company", "arg": str(question.id), "fmt": "rss", "kind": "answer", "action": "delete"}
    return {"ids": ids, "names": names, "users": {"visitor": None, "member": member, "moderator": moderator,
                                                   "admin": admin}}


def _path_variants(rule, world) -> list[str]:
    """The real path first, then each parameter hostile in turn (the others real)."""
    real = {}
    for arg in rule.arguments:
        converter = type(rule._converters[arg]).__name__
        if arg in world["ids"]:
            real[arg] = world["ids"][arg]
        elif converter == "AnyConverter":
            real[arg] = sorted(rule._converters[arg].items)[0] if hasattr(rule._converters[arg], "items") else (
                world["names"].get(arg, "rss"))
        else:
            real[arg] = world["names"].get(arg, "x")
    if rule.endpoint == "feeds.show":
        real["name"] = "questions"
    if rule.endpoint == "feeds.show_for":
        real["name"] = "questions"
    paths = [_build(rule, real)]
    for arg in rule.arguments:
        converter = type(rule._converters[arg]).__name__
        if converter == "AnyConverter":
            continue
        values = [BIG, str(2**63 - 1)] if converter == "IntegerConverter" else ["a\x00b", "²", "CASE-²", BIG,
                                                                                  "\u202e"]
        for value in values:
            paths.append(_build(rule, {**real, arg: value}))
    return [p for p in paths if p is not None]


def _build(rule, values) -> str | None:
    from urllib.parse import quote

    path = rule.rule
    for arg in rule.arguments:
        path = re.sub(r"<(?:[^:<>]+:)?" + arg + r"(?:\([^)]*\))?>", quote(str(values[arg]), safe=""), path)
    return path


def _roles(rule) -> list[str]:
    return ["visitor", "member", "moderator", "admin"] if rule.rule.startswith("/admin") else [
        "visitor", "member", "moderator"]


def _requests(rule, world):
    """(method, path, keyword arguments for the test client) for one rule."""
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    paths = _path_variants(rule, world)
    api = rule.rule.startswith("/api/")
    for method in methods:
        for path in paths:
            yield method, path, {}
        if method == "GET":
            for value in HOSTILE_TEXT:
                yield method, paths[0], {"query_string": dict.fromkeys(QUERY_NAMES, value)}
        elif api:
            for value in HOSTILE_JSON_VALUES:
                yield method, paths[0], {"json": dict.fromkeys(FIELD_NAMES, value)}
            for raw in NON_OBJECT_BODIES:
                yield method, paths[0], {"data": raw, "content_type": "application/json"}
        else:
            for value in HOSTILE_TEXT:
                yield method, paths[0], {"data": dict.fromkeys(FIELD_NAMES, value)}


def _rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIP_ENDPOINTS), key=lambda r: r.rule)


@pytest.mark.parametrize("area", ["api", "mod", "web"])
def test_no_hostile_value_answers_5xx(app, world, caplog, area):
    caplog.set_level(logging.ERROR)
    failures = []
    rules = [r for r in _rules(app) if (r.rule.startswith("/api/") if area == "api" else
                                        r.rule.startswith(("/mod", "/admin", "/cases")) if area == "mod" else
                                        not r.rule.startswith(("/api/", "/mod", "/admin", "/cases")))]
    for role in ["visitor", "member", "moderator", "admin"]:
        client = app.test_client()
        user = world["users"][role]
        if user is not None:
            login(client, user)
        for rule in rules:
            if role not in _roles(rule):
                continue
            for method, path, kwargs in _requests(rule, world):
                response = client.open(path, method=method, **kwargs)
                if response.status_code >= 500:
                    failures.append(f"{role} {method} {path[:80]!r} {str(kwargs)[:80]} → {response.status_code}")
                db.session.rollback()
            if user is not None and client.get("/settings").status_code != 200:
                login(client, user)  # a hostile request may have signed this client out; carry on signed in
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info]
    assert failures == [], f"{len(failures)} 5xx answers:\n" + "\n".join(failures[:60])
    assert tracebacks == []
