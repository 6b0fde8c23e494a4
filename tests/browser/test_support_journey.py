"""Staff journeys in a real browser: escalate a thread, work and resolve the case, publish an answer."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.pages import PASSWORD, Site

pytestmark = pytest.mark.browser


def _promote(live_server_env: dict, username: str, role: str) -> None:
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, "set-role", username, role], cwd=ROOT, env=live_server_env, check=True,
                   capture_output=True)


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()  # not "Sign in with <provider>"


def test_escalate_resolve_and_publish(live_server, live_server_env, new_page):
    customer = Site(new_page(), live_server)
    customer.register("customer")
    question = customer.ask("Thermostat loses its schedule after every power cut",
                            "Every time the power drops, the schedule resets to factory defaults. Firmware 4.2.4.",
                            "schedule power")
    thread_url = question.url

    helper = Site(new_page(), live_server)
    helper.register("helper")
    helper.open(thread_url).answer("Enable **Settings → Backup schedule to cloud** so it restores after a power loss.")

    staff_page = new_page()
    staff = Site(staff_page, live_server)
    staff_name = staff.register("agent")
    _promote(live_server_env, staff_name, "moderator")
    staff_page.context.clear_cookies()
    _sign_in(staff_page, live_server, staff_name)

    staff_page.goto(thread_url)
    staff_page.get_by_text("Support tools").click()
    staff_page.get_by_label("Priority").select_option("high")
    staff_page.get_by_label(re.compile("Internal note")).fill("Customer's serial SN-4411 confirmed by phone.")
    staff_page.get_by_role("button", name="Escalate to a support case").click()
    expect(staff_page.get_by_text(re.compile(r"Escalated as CASE-\d{6}"))).to_be_visible()
    screenshot(staff_page, "case")

    staff_page.get_by_label("Message").fill("We found a firmware bug; a fix ships in 4.2.5 this week.")
    staff_page.get_by_label(re.compile("Public update")).check()
    staff_page.get_by_role("button", name="Add").click()
    staff_page.get_by_label("Move to").select_option("resolved")
    staff_page.get_by_label(re.compile("Resolution summary")).fill("Firmware 4.2.5 keeps the schedule across power cuts.")
    staff_page.get_by_role("button", name="Change status").click()
    expect(staff_page.get_by_text("Status changed.")).to_be_visible()

    customer.page.goto(thread_url)
    expect(customer.page.get_by_text("Escalated to support")).to_be_visible()
    expect(customer.page.get_by_text("a fix ships in 4.2.5")).to_be_visible()
    expect(customer.page.get_by_text("SN-4411")).to_have_count(0)
    customer.page.get_by_role("button", name="Yes, close the case").click()
    expect(customer.page.get_by_text("The case is closed")).to_be_visible()
    expect(customer.page.locator("#support").get_by_text("Solved by support")).to_be_visible()
    screenshot(customer.page, "case-resolved-thread")

    staff_page.goto(thread_url)
    staff_page.get_by_text("Support tools").click()
    staff_page.get_by_role("link", name="Publish an answer as knowledge").click()
    staff_page.get_by_label("Change note").fill("first version")
    staff_page.get_by_role("button", name="Publish").click()
    expect(staff_page.get_by_text("From the community thread")).to_be_visible()
    screenshot(staff_page, "article")
    helper.page.goto(thread_url)
    expect(helper.page.get_by_text("This answer is now a knowledge article")).to_be_visible()
