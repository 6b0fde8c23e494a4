"""A member follows a product, hears about an answer through the bell and chooses their email."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.pages import PASSWORD, Site

pytestmark = pytest.mark.browser

# Members made directly in the served database: the sign-up form's per-address limit is
# for the journeys that test sign-up.
_MEMBER = """
import sys
from forum import create_app
from forum.services import accounts
from forum.transaction import unit_of_work
with create_app().app_context(), unit_of_work():
    accounts.register(sys.argv[1], sys.argv[1] + "@example.com", sys.argv[2])
"""


def _signed_in_member(live_server: str, env: dict, page, username: str) -> Site:
    subprocess.run([sys.executable, "-c", _MEMBER, username, PASSWORD], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    page.goto(live_server + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("link", name=re.compile(f"^{username}"))).to_be_visible()
    return Site(page, live_server)


def test_follow_bell_notifications_and_email_preferences(live_server, live_server_env, new_page):
    asker = _signed_in_member(live_server, live_server_env, new_page(), "bell_asker")
    question = asker.ask("Thermostat forgets the holiday mode overnight",
                         "I set holiday mode until Sunday, and next morning it is back on the normal schedule.",
                         "holiday schedule")
    question_url = question.url
    page = asker.page
    page.get_by_role("link", name="Northwind Thermostat").first.click()
    page.get_by_role("button", name="Follow product Northwind Thermostat").click()
    expect(page.get_by_role("button", name=re.compile(r"^Following ?: unfollow product Northwind Thermostat$"))
           ).to_be_visible()
    bell = page.get_by_role("link", name=re.compile("^Notifications"))
    expect(bell).not_to_contain_text("unread")

    helper = _signed_in_member(live_server, live_server_env, new_page(), "bell_helper")
    helper.open(question_url).answer("Holiday mode needs an end time as well as a date; set one and it sticks.")

    page.reload()
    expect(bell).to_contain_text("1 unread")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_role("link", name=re.compile("answered your question"))).to_be_visible()
    screenshot(page, "notifications")
    page.get_by_role("button", name="Mark all as read").click()
    expect(bell).not_to_contain_text("unread")

    page.get_by_role("link", name="Email and follow settings").click()
    page.get_by_label("Answers to my questions").check()
    page.get_by_label("Daily, at 07:00 my time").check()
    page.get_by_label("My time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save email preferences").click()
    expect(page.get_by_text("Your email preferences are saved.")).to_be_visible()
    expect(page.get_by_label("Answers to my questions")).to_be_checked()
    expect(page.get_by_role("link", name="Northwind Thermostat")).to_be_visible()
    screenshot(page, "email-preferences")
