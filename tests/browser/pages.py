"""Page objects: what a member does on each page, in the member's words."""

import itertools
import re

from playwright.sync_api import Page, expect

PASSWORD = "browser-password-1"
_seq = itertools.count(1)


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
