"""A member downloads their data and deletes their account, in a real browser."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pages import PASSWORD, Site

pytestmark = pytest.mark.browser


def test_export_then_delete_account(live_server, new_page, tmp_path):
    site = Site(new_page(), live_server)
    username = site.register("leaving")
    question = site.ask("Does the app work without a cloud account?", "I'd like to keep my usage data local only.",
                        "privacy")
    thread_url = question.url
    page = site.page
    page.goto(live_server + "/settings/privacy")
    screenshot(page, "privacy")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    path = tmp_path / "export.json"
    download_info.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["profile"]["username"] == username
    assert [q["title"] for q in data["questions"]] == ["Does the app work without a cloud account?"]

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account is deleted")).to_be_visible()
    page.goto(thread_url)
    expect(page.locator(".post--question .byline__who")).to_have_text(re.compile("former-member-"))
    page.goto(live_server + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()  # not "Sign in with <provider>"
    expect(page.get_by_text("don't match")).to_be_visible()
