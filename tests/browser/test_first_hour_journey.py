"""A new member's first hour in a real browser (issue 19): invited to ask as a visitor, shown
the privileges they don't have yet with the way to earn them, and every message appears
beside the control it answers, with focus on it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pages import PASSWORD, Site, finish_sign_up

pytestmark = pytest.mark.browser


def test_visitor_is_invited_to_ask_and_comes_back_to_the_ask_form(live_server, new_page):
    page = new_page()
    page.goto(live_server + "/")
    page.get_by_role("banner").get_by_role("link", name="Ask a question").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/questions/ask"))
    page.get_by_role("link", name="Create an account").click()
    username = "visitor_asks"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    finish_sign_up(page, f"{username}@example.com")
    expect(page).to_have_url(re.compile(r"/questions/ask$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ask")


def test_new_member_sees_privileges_and_messages_beside_their_controls(live_server, new_page):
    asker = Site(new_page(), live_server)
    asker.register("owner")
    question = asker.ask("Thermostat clicks twice before heating", "Every morning it clicks twice, then heats.",
                         "heating")
    helper = Site(new_page(), live_server)
    helper.register("helper")
    thread = helper.open(question.url)
    thread.answer("The double click is the relay testing itself; firmware 4.3 makes it quieter.")
    asker.page.reload()

    newcomer = Site(new_page(), live_server)
    newcomer.register("newbie")
    page = newcomer.page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(question.url)
    answer = page.locator("article.post--answer").first
    upvote = answer.get_by_role("button", name="Upvote this answer")
    expect(upvote).to_be_visible()
    upvote.click()
    message = answer.locator(".flash--here")
    expect(message).to_contain_text("Voting up needs 15 reputation")
    expect(message.get_by_role("link", name="Here's how to earn it")).to_have_attribute("href", "/help/privileges")
    expect(message).to_be_focused()
    expect(message).to_be_in_viewport()
    screenshot(page, "first-hour-privilege")

    answer.get_by_label("Flag this answer").click()
    expect(answer.locator(".flag-form .earn-note")).to_contain_text("Flagging needs 15 reputation")
    answer.get_by_text("Add a comment").click()
    expect(answer.locator(".comments__add .earn-note")).to_contain_text("Commenting on others' posts needs 50")


def test_a_flag_missing_its_detail_keeps_the_form_open_with_the_error_in_view(live_server, new_page, live_server_env):
    import subprocess
    import sys
    from pathlib import Path

    asker = Site(new_page(), live_server)
    asker.register("flagowner")
    question = asker.ask("Display shows E7 after a power cut", "It shows E7 after every power cut.", "display")
    flagger = Site(new_page(), live_server)
    name = flagger.register("flagger")
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "python"), "-c", _GIVE_REPUTATION, name], env=live_server_env, check=True,
                   cwd=Path(__file__).resolve().parents[2])
    page = flagger.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(question.url)
    page.get_by_label("Flag this question").click()
    page.get_by_label("Needs a moderator's attention for another reason").check()
    page.get_by_role("button", name="Flag this question").click()
    error = page.locator(".flag-form[open] .flash--error")
    expect(error).to_be_visible()
    expect(error).to_be_focused()
    expect(error).to_be_in_viewport()
    screenshot(page, "first-hour-flag-error")

    page.goto(question.url)
    page.locator("#answer-body").fill("too short")
    page.get_by_role("button", name=re.compile("post your answer", re.I)).click()
    summary = page.locator(".answer-form .form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()


_GIVE_REPUTATION = """
import sys
from forum import create_app
from forum.extensions import db
from forum.models import User
app = create_app()
with app.app_context():
    user = db.session.scalar(db.select(User).where(User.username == sys.argv[1]))
    user.reputation = 20
    db.session.commit()
"""


def test_enter_in_tags_posts_the_question(live_server, new_page):
    site = Site(new_page(), live_server)
    site.register("enterkey")
    page = site.page
    page.goto(live_server + "/questions/ask")
    page.get_by_label("Title").fill("Display dims itself every evening at nine")
    page.get_by_label("Details").fill("Every evening at nine the display dims, even with auto-dim off.")
    page.get_by_label("Product").select_option(label="Northwind Thermostat")
    page.get_by_label("Tags").fill("display")
    page.get_by_label("Tags").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Display dims itself every evening at nine")


def test_the_ask_form_counts_characters_and_adds_popular_tags(live_server, new_page):
    site = Site(new_page(), live_server)
    site.register("counter")
    site.ask("Thermostat schedule resets after a power cut", "After every power cut the weekly schedule is gone.",
             "schedule")
    page = site.page
    page.goto(live_server + "/questions/ask")
    expect(page.get_by_label("Product")).to_have_value("")
    page.get_by_label("Title").fill("Too short")
    expect(page.locator("#title-count")).to_have_text("9 / 150 characters (6 more needed)")
    page.get_by_role("button", name="Add the tag schedule").click()
    expect(page.get_by_label("Tags")).to_have_value("schedule")
    page.get_by_label("Details").fill("The display turns **off** at night.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#ask-preview strong")).to_have_text("off")
    expect(page.get_by_label("Title")).to_have_value("Too short")
    screenshot(page, "ask-preview")


def test_a_new_member_typing_an_unknown_tag_is_told_to_choose_an_existing_one(live_server, new_page):
    site = Site(new_page(), live_server)
    site.register("tagless")
    page = site.page
    page.goto(live_server + "/questions/ask")
    page.get_by_label("Title").fill("Thermostat hums quietly when idle at night")
    page.get_by_label("Details").fill("At night the idle thermostat hums; it stops once heating starts.")
    page.get_by_label("Product").select_option(label="Northwind Thermostat")
    page.get_by_label("Tags").fill("noise")
    page.get_by_role("button", name=re.compile("post", re.I)).first.click()
    expect(page.get_by_text("Creating the tag ‘noise’ needs 300 reputation; choose an existing tag.")).to_be_visible()
    expect(page.get_by_label("Details")).to_have_value("At night the idle thermostat hums; it stops once heating starts.")
    page.get_by_label("Tags").fill("heating")
    page.get_by_role("button", name=re.compile("post", re.I)).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thermostat hums quietly when idle at night")
