"""Page objects: what a member does on each page, in the member's words."""

import email
import email.policy
import itertools
import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "browser-password-1"
_seq = itertools.count(1)


def mail_to(address: str, timeout: float = 20.0) -> email.message.EmailMessage:
    """The newest message the live server wrote to its mail folder for `address` (as a mail client parses it)."""
    from tests.browser.conftest import _LIVE_ENV

    folder = Path(_LIVE_ENV["MAIL_FOLDER"])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [message for path in (sorted(folder.glob("*.eml")) if folder.exists() else [])
                 if (message := email.message_from_bytes(path.read_bytes(), policy=email.policy.default))["To"]
                 == address]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {address} in {folder}")


def finish_sign_up(page: Page, address: str) -> None:
    """Open the sign-up link mailed to `address` and press its button, as a new member does."""
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    text = next(part.get_content() for part in mail_to(address).walk() if part.get_content_type() == "text/plain")
    page.goto(re.search(r"https?://\S+/register/finish/\S+", text).group(0))
    page.get_by_role("button", name="Create my account").click()


class Site:
    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base

    def register(self, prefix: str) -> str:
        username = f"{prefix}{next(_seq)}"
        self.page.goto(self.base + "/register")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Email").fill(f"{username}@example.com")
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name=re.compile("create|register|sign up", re.I)).click()
        finish_sign_up(self.page, f"{username}@example.com")
        expect(self.page.get_by_text(f"Welcome to the community, {username}!")).to_be_visible()
        return username

    def sign_in(self, username: str) -> None:
        """Sign in with the password form (at any width: the header's links may be folded away)."""
        self.page.context.clear_cookies()
        self.page.goto(self.base + "/login")
        self.page.get_by_label("Username or email").fill(username)
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in", exact=True).click()
        expect(self.page.get_by_text(f"Signed in as {username}.")).to_be_visible()

    def ask(self, title: str, body: str, tags: str, product: str = "Northwind Thermostat") -> "QuestionPage":
        self.page.goto(self.base + "/questions/ask")
        self.page.get_by_label("Title").fill(title)
        self.page.get_by_label("Details").fill(body)
        self.page.get_by_label("Tags").fill(tags)
        self.page.get_by_label("Product").select_option(label=product)
        self.page.get_by_role("button", name=re.compile("post|ask", re.I)).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(title)
        return QuestionPage(self.page)

    def open(self, url: str) -> "QuestionPage":
        self.page.goto(url)
        return QuestionPage(self.page)


class QuestionPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def url(self) -> str:
        return self.page.url

    def answer(self, body: str) -> None:
        self.page.locator("#answer-body").fill(body)
        self.page.get_by_role("button", name=re.compile("post (your )?answer", re.I)).click()
        expect(self.page.get_by_text("Thanks for answering!")).to_be_visible()

    def answer_block(self, text: str):
        return self.page.locator("[id^=answer-]", has_text=text).first

    def accept(self, answer_text: str) -> None:
        self.answer_block(answer_text).get_by_role("button", name=re.compile("accept", re.I)).click()
        expect(self.page.get_by_text("Answer accepted")).to_be_visible()

    def upvote_question(self) -> None:
        self.page.get_by_role("button", name=re.compile("upvote this question", re.I)).click()
        expect(self.page.get_by_text("Upvoted.")).to_be_visible()

    def question_score(self) -> str:
        return self.page.locator(".post--question .votes__score").first.inner_text().split()[-1]
