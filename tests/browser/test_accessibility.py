"""The accessibility gate (issue 19): axe-core finds 0 violations, colour contrast included, on
the pages people meet in their first hour, at 1280 px and 390 px, in the light and dark themes.

axe-core comes from the pinned npm package (package.json, package-lock.json; `npm ci`, which
`make test` runs); nothing is downloaded while the tests run.
"""

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT
from tests.browser.moderation_pages import flask
from tests.browser.pages import Site

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists() and os.environ.get("PEERCARE_REQUIRE_BROWSER"):
    raise RuntimeError("CI requires axe-core for the accessibility gate: run `npm ci` (make test does)")

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
THEMES = ("light", "dark")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _violations(page) -> list[dict]:
    page.evaluate(Path(AXE).read_text())
    return page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""", TAGS)


@pytest.fixture(scope="module")
def pages(live_server, live_server_env, browser):
    """Build the content the pages show, and name who sees each page."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci); CI installs it")
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    member = Site(page, live_server)
    member_name = member.register("axemember")
    question = member.ask("Schedule skips the first Monday of the month",
                          "Since 4.2.4 the schedule skips the first Monday; `schedule show` lists it.", "schedule")
    helper = Site(context.browser.new_context(viewport=VIEWPORTS["desktop"]).new_page(), live_server)
    helper.register("axehelper")
    helper.open(question.url).answer("Re-save the Monday program once; the migration dropped its first slot.")
    staff_name = Site(context.browser.new_context().new_page(), live_server).register("axeadmin")
    flask(live_server_env, "set-role", staff_name, "admin")
    staff = context.browser.new_context(viewport=VIEWPORTS["desktop"]).new_page()
    Site(staff, live_server).sign_in(staff_name)
    staff.goto(question.url)
    staff.get_by_text("Support tools").click()
    staff.get_by_role("button", name="Escalate to a support case").click()
    expect(staff.get_by_text(re.compile(r"Escalated as CASE-\d+"))).to_be_visible()
    reference = re.search(r"CASE-\d+", staff.get_by_text(re.compile(r"Escalated as CASE-\d+")).inner_text()).group(0)
    path = question.url.removeprefix(live_server)
    return {
        "visitor": ["/", path, "/search?q=schedule", "/search?q=nothing+matches+this", "/login", "/register", "/kb"],
        member_name: [path, "/questions/ask"],
        staff_name: ["/mod/queue", "/cases", f"/cases/{reference}", "/admin", "/admin/settings", "/admin/webhooks",
                     "/admin/tags", "/admin/site"],
    }


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_no_axe_violations(live_server, browser, pages, viewport, theme):
    problems = {}
    for who, paths in pages.items():
        context = browser.new_context(viewport=VIEWPORTS["desktop"], color_scheme=theme)
        page = context.new_page()
        if who != "visitor":
            Site(page, live_server).sign_in(who)
        page.set_viewport_size(VIEWPORTS[viewport])
        for path in paths:
            page.goto(live_server + path)
            found = _violations(page)
            if found:
                problems[f"{who} {path}"] = found
        context.close()
    assert not problems, json.dumps(problems, indent=1)[:6000]
