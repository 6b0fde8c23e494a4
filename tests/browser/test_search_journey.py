"""Search in a real browser: the header box, highlighted results, similar questions while asking."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.pages import Site

pytestmark = pytest.mark.browser


class AskPage:
    """The ask form's similar-questions region, as a member sees it."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        page.goto(base + "/questions/ask")

    def type_title(self, title: str) -> None:
        self.page.get_by_label("Title").press_sequentially(title, delay=5)

    @property
    def similar(self):
        return self.page.locator("#similar-questions-results")


def test_search_box_and_similar_questions(live_server, new_page):
    asker = Site(new_page(), live_server)
    asker.register("searcher")
    question = asker.ask("Hallway thermostat drops off the wifi every night",
                         "Every night around 2am the hallway unit disconnects from the wifi and comes back at 6.",
                         "wifi network")

    page = question.page
    page.get_by_label("Search questions, answers and articles").first.fill("wifi night")
    page.get_by_role("button", name="Search", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/search\?q=wifi\+night"))
    result = page.locator(".search-hit").first
    expect(result).to_contain_text("Hallway thermostat drops off the wifi every night")
    expect(result.locator("mark").first).to_be_visible()
    screenshot(page, "search-results")

    # With JavaScript: typing a title lists similar questions in place, without leaving the form.
    member = Site(new_page(), live_server)
    member.register("asker")
    ask = AskPage(member.page, live_server)
    ask.type_title("My thermostat loses wifi at night")
    expect(ask.similar.get_by_role("link", name=re.compile("Hallway thermostat drops off the wifi"))).to_be_visible()
    expect(ask.similar).to_contain_text("Similar questions")
    expect(member.page.get_by_label("Title")).to_have_value("My thermostat loses wifi at night")
    screenshot(member.page, "similar-questions")


def test_similar_questions_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        site = Site(page, live_server)
        site.register("nojs")
        site.ask("Doorbell chime stays silent after the update",
                 "Since the last update the indoor chime never rings when someone presses the button.",
                 "chime firmware")
        page.goto(live_server + "/questions/ask")
        page.get_by_label("Title").fill("Chime silent since updating the doorbell")
        page.get_by_role("button", name="Check for similar questions").click()
        results = page.locator("#similar-questions-results")
        expect(results.get_by_role("link", name=re.compile("Doorbell chime stays silent"))).to_be_visible()
        expect(page.get_by_label("Title")).to_have_value("Chime silent since updating the doorbell")
    finally:
        context.close()
