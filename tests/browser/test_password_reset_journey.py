"""A member who forgot their password gets a link by email and chooses a new one, in a real browser."""

import email
import email.policy
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pages import PASSWORD, Site

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _mail_to(folder: Path, address: str, timeout: float = 20.0, *, subject: str = "") -> email.message.EmailMessage:
    """The first message written to the mail folder for `address` whose subject has `subject` (as a mail
    client parses it): the sign-up link came before it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address and subject in (message["Subject"] or ""):
                return message
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} in {folder}")


def _sign_in(page, base: str, login: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()  # not "Sign in with <provider>"


def test_forgotten_password_is_reset_by_a_single_use_link(live_server, live_server_env, new_page):
    site = Site(new_page(), live_server)
    username = site.register("forgetful")
    page = site.page
    page.get_by_role("button", name="Sign out").click()

    page.goto(live_server + "/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Your email address").fill(f"{username}@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    screenshot(page, "password-reset-sent")

    message = _mail_to(Path(live_server_env["MAIL_FOLDER"]), f"{username}@example.com", subject="Reset your password")
    assert message["List-Unsubscribe"] is None  # account mail, not a list
    text = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/password/reset/\S+", text).group(0)
    assert message.get_body(preferencelist=("html",)) is not None

    assert link.startswith(live_server + "/")
    page.goto(link)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    _sign_in(page, live_server, username, NEW_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.goto(link)
    expect(page.get_by_text(re.compile("no longer|already been used|expired|not valid", re.I)).first).to_be_visible()
    _sign_in(page, live_server, username, PASSWORD)
    expect(page.get_by_text("don't match")).to_be_visible()
