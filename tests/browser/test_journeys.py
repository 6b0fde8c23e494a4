"""Journeys a member takes in a real browser against a real server."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pages import Site

pytestmark = pytest.mark.browser

MARKDOWN = """Since firmware **4.2.4** the schedule ignores Saturdays.

```
schedule: weekend
heat: 06:00 -> 19C
```

| day | expected | actual |
|-----|----------|--------|
| Sat | 08:00    | 06:00  |
"""


def test_register_ask_answer_accept_and_vote(live_server, new_page):
    asker = Site(new_page(), live_server)
    asker.register("asker")
    question = asker.ask("Weekend schedule runs the weekday program", MARKDOWN, "schedule firmware")
    expect(question.page.locator(".post--question strong", has_text="4.2.4")).to_be_visible()
    expect(question.page.locator(".post--question table")).to_be_visible()
    expect(question.page.locator(".post--question .highlight")).to_be_visible()
    screenshot(question.page, "question")

    helper = Site(new_page(), live_server)
    helper.register("helper")
    thread = helper.open(question.url)
    thread.answer("Open **Schedule → Weekend** and re-save it once; 4.2.4 migrated it as a weekday copy.")

    question.page.reload()
    question.accept("re-save it once")
    expect(question.answer_block("re-save it once")).to_contain_text("Accepted")
    screenshot(question.page, "accepted")

    thread.page.reload()
    thread.upvote_question()
    assert thread.question_score() == "1"
    thread.page.goto(live_server + "/users")
    screenshot(thread.page, "users")


def test_hostile_markup_never_runs(live_server, new_page):
    page = new_page()
    fired = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    site = Site(page, live_server)
    site.register("mallory")
    payload = "\n\n".join([
        "<script>alert('script')</script>",
        "<img src=x onerror=\"window.__xss='img';alert('img')\">",
        "[click me](javascript:alert('link'))",
        "<svg onload=alert('svg')></svg>",
        "<a href=\"javascript&#58;alert('entity')\">entity</a>",
        "<iframe src=\"javascript:alert('iframe')\"></iframe>",
        "<div style=\"background:url(javascript:alert('css'))\">styled</div>",
    ])
    question = site.ask("A question full of hostile markup to check", payload, "security")
    question.page.get_by_text("click me").click()
    question.page.wait_for_timeout(300)
    assert fired == []
    assert question.page.evaluate("window.__xss") is None
    screenshot(question.page, "xss")


def test_main_pages_render(live_server, new_page):
    page = new_page()
    for path, name in (("/", "home"), ("/tags", "tags"), ("/products", "products"), ("/leaderboard", "leaderboard"),
                       ("/help/privileges", "privileges"), ("/badges", "badges"), ("/nope", "not-found")):
        page.goto(live_server + path)
        expect(page.locator("main")).to_be_visible()
        screenshot(page, name)
