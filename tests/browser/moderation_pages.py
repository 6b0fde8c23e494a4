"""Page objects for flagging and for the moderator console, in the words of the people using them."""

import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT
from tests.browser.pages import PASSWORD, QuestionPage

_BONUS = """
import sys
from forum import create_app
from forum.services import accounts
from forum.transaction import unit_of_work
from tests.factories import award_bonus
app = create_app()
with app.app_context(), unit_of_work():
    user = accounts.find_by_username(sys.argv[1])
    award_bonus(user.id, int(sys.argv[2]), reason="browser journey setup")
"""


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "flask"), *args], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def give_reputation(env: dict, username: str, points: int) -> None:
    subprocess.run([sys.executable, "-c", _BONUS, username, str(points)], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()  # not "Sign in with <provider>"
    expect(page.get_by_role("link", name=re.compile(username))).to_be_visible()


class FlaggingThread(QuestionPage):
    """A thread page, seen by a member who can flag."""

    def flag_answer(self, answer_text: str, reason: str, details: str = "") -> None:
        block = self.answer_block(answer_text)
        block.get_by_text("flag", exact=True).first.click()
        block.get_by_label(re.compile(reason, re.I)).check()
        if details:
            block.get_by_label(re.compile("Details")).first.fill(details)
        block.get_by_role("button", name="Flag this answer").click()
        expect(self.page.get_by_text("Thanks! Moderators will review your flag.")).to_be_visible()


class ModeratorConsole:
    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base = page, base

    def dashboard(self) -> "ModeratorConsole":
        self.page.goto(self.base + "/mod/")
        expect(self.page.get_by_role("heading", name="Moderator dashboard")).to_be_visible()
        return self

    def waiting(self, label: str) -> int:
        """The dashboard's count for one queue (e.g. "Flagged")."""
        card = self.page.locator(".mod-stat", has=self.page.locator(".mod-stat__label", has_text=re.compile(
            rf"^{label}$")))
        return int(card.locator(".mod-stat__n").inner_text())

    def open_queue(self, label: str | None = None) -> None:
        self.page.get_by_role("link", name="Review queue").first.click()
        if label:
            self.page.get_by_role("navigation", name="Queue filter").get_by_role(
                "link", name=re.compile(rf"^{label}")).click()

    def open_item_about(self, text: str) -> None:
        self.page.locator(".queue-item", has_text=text).get_by_role("link").first.click()
        expect(self.page.get_by_role("heading", name=re.compile(r"Review item #\d+"))).to_be_visible()

    def decide(self, button: str) -> None:
        self.page.get_by_role("button", name=button).click()
        expect(self.page.locator(".flash--success")).to_contain_text("done")

    def audit_log(self, *, action: str = "", who: str = "") -> None:
        self.page.goto(self.base + "/mod/audit")
        if action:
            self.page.get_by_label("Action").select_option(action)
        if who:
            self.page.get_by_label("Who").fill(who)
        self.page.get_by_role("button", name="Filter").click()

    def member(self, username: str) -> None:
        self.page.goto(self.base + "/mod/members")
        self.page.get_by_label("Username or email starts with").fill(username)
        self.page.get_by_role("button", name="Find").click()
        self.page.get_by_role("link", name=username, exact=True).click()
        expect(self.page.get_by_role("heading", level=1)).to_contain_text(username)

    def suspend(self, until: str, reason: str) -> None:
        self.page.get_by_label("Until (UTC)").fill(until)
        self.page.get_by_label("Reason shown to them").fill(reason)
        self.page.get_by_role("button", name="Suspend", exact=True).click()
        expect(self.page.get_by_text("The member is suspended.")).to_be_visible()

    def moderate_thread(self, question_url: str) -> None:
        self.page.goto(question_url)
        self.page.get_by_role("link", name="Moderate this thread").click()
        expect(self.page.get_by_role("heading", name="Close or reopen")).to_be_visible()
