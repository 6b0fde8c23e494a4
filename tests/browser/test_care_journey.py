"""No question left behind, in a real browser: a visitor sees the waiting chip; after
`flask care run --now …` the asker sees the case banner and the product's agent finds the case
assigned to them in /cases."""

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.pages import Site
from tests.browser.test_support_journey import _promote, _sign_in

pytestmark = pytest.mark.browser


def _flask(env: dict, *args: str) -> str:
    flask = str(Path(sys.executable).parent / "flask")
    return subprocess.run([flask, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def test_waiting_chip_then_automatic_escalation_to_the_products_agent(live_server, live_server_env, new_page):
    admin_page = new_page()
    admin = Site(admin_page, live_server)
    admin_name = admin.register("careadmin")
    _promote(live_server_env, admin_name, "admin")
    agent_page = new_page()
    agent_name = Site(agent_page, live_server).register("meshagent")
    _promote(live_server_env, agent_name, "agent")

    admin_page.context.clear_cookies()
    _sign_in(admin_page, live_server, admin_name)
    admin_page.goto(live_server + "/admin/products/mesh-router/care")
    admin_page.get_by_label("Escalate to a support case").select_option("every_question")
    admin_page.get_by_label(re.compile("After this many business hours")).fill("1")
    admin_page.get_by_label("Case priority").select_option("high")
    admin_page.get_by_role("button", name="Save response targets").click()
    expect(admin_page.get_by_text("are saved")).to_be_visible()
    admin_page.get_by_label("Add an agent (username)").fill(agent_name)
    admin_page.get_by_role("button", name="Add agent").click()
    expect(admin_page.get_by_text("now takes this product's new cases")).to_be_visible()

    customer = Site(new_page(), live_server)
    customer.register("meshcustomer")
    question = customer.ask("Mesh satellites drop off every night at three",
                            "Both satellites go offline around 03:00 and come back an hour later. Firmware 3.0.4.",
                            "satellite offline", product="Northwind Mesh Wi-Fi")
    thread_url = question.url

    visitor = new_page()
    visitor.goto(thread_url)
    expect(visitor.get_by_text(re.compile(r"Waiting for a first answer · .* support steps in after 1 hour\b"))).to_be_visible()
    screenshot(visitor, "waiting-chip")

    later = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    output = _flask(live_server_env, "care", "run", "--now", later)
    assert "Escalated 1 question(s)" in output, output

    customer.page.goto(thread_url)
    expect(customer.page.get_by_text("Escalated to support")).to_be_visible()
    screenshot(customer.page, "auto-escalated-thread")

    agent_page.context.clear_cookies()
    _sign_in(agent_page, live_server, agent_name)
    agent_page.goto(live_server + "/cases?queue=mine")
    expect(agent_page.get_by_text("Mesh satellites drop off every night at three")).to_be_visible()
    screenshot(agent_page, "auto-escalated-case")

    admin_page.goto(live_server + "/admin/products/mesh-router/care")
    admin_page.get_by_label("Escalate to a support case").select_option("off")
    admin_page.get_by_role("button", name="Save response targets").click()
    expect(admin_page.get_by_text("are saved")).to_be_visible()
