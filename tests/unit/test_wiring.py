"""Explicit wiring: create_app registers every reaction; importing a module registers nothing.

Event subscribers, outbox handlers, feed sources, digest sections, search sources and export
sections are each added by an `init_app(app)` that create_app calls (forum/__init__.py), so
what runs never depends on which modules happened to be imported first.
"""

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRIES = """
from forum.search import documents
from forum.services import digests, events, feeds, outbox, privacy
state = {
    "subscribers": {e.value: [f"{f.__module__}.{f.__name__}" for f in fns] for e, fns in events._subscribers.items() if fns},
    "handlers": sorted(outbox._handlers), "feeds": sorted(f"{n}/{a}" for n, a in feeds._sources),
    "digest_sections": list(digests._sections), "search_sources": list(documents._sources),
    "export_sections": list(privacy._sections),
}
"""
SCRIPT = """
import importlib, json, pkgutil, sys
import forum, moderation
for package in (forum, moderation):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.startswith("forum.demo_content"):
            importlib.import_module(info.name)
""" + REGISTRIES + """
before = state
from forum import create_app
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "OUTBOX_HANDLER_MODULES": sys.argv[1:]})
""" + REGISTRIES + """
print(json.dumps({"before": before, "after": state}))
"""


def _registries(*extra_modules: str) -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT, *extra_modules], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_every_module_registers_nothing_and_create_app_registers_everything():
    state = _registries()
    assert state["before"] == {"subscribers": {}, "handlers": [], "feeds": [], "digest_sections": [],
                               "search_sources": [], "export_sections": []}
    after = state["after"]
    assert after["subscribers"]["answer.posted"] == [
        "forum.pagecache._forget_pages", "forum.services.queries._forget_counts",
        "forum.services.notifications._on_event", "forum.search.indexing.thread_changed",
        "moderation.hooks.review_new_post", "forum.services.webhooks.community_event"]
    assert after["subscribers"]["account.deleted"][-6:] == [
        "forum.services.notifications._on_account_deleted", "forum.services.sso._forget",
        "forum.services.profile_fields._forget", "forum.services.satisfaction._on_account_deleted",
        "forum.services.self_service._forget_member", "forum.services.insight_facts._on_account_deleted"]
    assert after["subscribers"]["question.asked"][-1] == "forum.services.self_service._asked"
    assert after["handlers"] == sorted(["account.confirmation_email", "account.password_reset_email",
                                        "account.sign_up_email", "account.address_in_use_email",
                                        "notifications.react", "notifications.forget", "notifications.email",
                                        "webhook.deliver", "search.index", "sso.link_email", "satisfaction.email"])
    assert after["feeds"] == sorted(["questions/False", "unanswered/False", "products/True", "tags/True",
                                     "questions/True", "articles/False", "articles/True"])
    assert after["digest_sections"] == ["questions", "answers", "unanswered", "articles", "for_you"]
    assert after["search_sources"] == ["thread", "article"]
    assert after["export_sections"] == ["notifications", "single_sign_on", "customer_profile", "satisfaction",
                                        "health_console_activity"]


def test_test_doubles_come_from_the_tests_not_the_production_config():
    from forum.config import Config, TestConfig

    assert Config.OUTBOX_HANDLER_MODULES == [] and TestConfig.OUTBOX_HANDLER_MODULES == []
    assert "test.record" not in _registries()["after"]["handlers"]
    assert {"test.record", "test.flaky"} <= set(_registries("tests.outbox_handlers")["after"]["handlers"])


REGISTERING = {"subscribe", "handler", "section", "source", "export_section", "register"}


def _called_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def test_no_module_registers_anything_at_import_time():
    """No registration decorator or call at module level: it belongs in the module's init_app."""
    found = []
    for path in [*ROOT.joinpath("forum").rglob("*.py"), *ROOT.joinpath("moderation").rglob("*.py"),
                 ROOT / "tests" / "outbox_handlers.py"]:
        tree = ast.parse(path.read_text())
        for node in tree.body:
            decorators = node.decorator_list if isinstance(node, ast.FunctionDef | ast.ClassDef) else []
            calls = [node.value] if isinstance(node, ast.Expr | ast.Assign) else []
            for expr in [*decorators, *calls]:
                if isinstance(expr, ast.Call) and _called_name(expr) in REGISTERING:
                    found.append(f"{path.relative_to(ROOT)}:{expr.lineno}")
    assert found == []
