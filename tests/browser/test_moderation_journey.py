"""Moderation in a real browser: a member flags spam, a moderator works the queue, the spammer is suspended."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.moderation_pages import FlaggingThread, ModeratorConsole, flask, give_reputation, sign_in
from tests.browser.pages import Site

pytestmark = pytest.mark.browser

SPAM = "Cheap covers for every thermostat at **thermo-deals**, order today: https://thermo-deals.example/shop"


def test_flag_then_a_moderator_deletes_it_as_spam_and_suspends_the_author(live_server, live_server_env, new_page):
    customer = Site(new_page(), live_server)
    customer.register("customer")
    question = customer.ask("Display flickers every evening around eight o'clock",
                            "Since last week the display flickers each evening. Firmware 4.2.4, wall-mounted.",
                            "display firmware")
    thread_url = question.url

    spammer = Site(new_page(), live_server)
    spammer_name = spammer.register("dealer")
    spammer.open(thread_url).answer(SPAM)

    helper = Site(new_page(), live_server)
    helper.register("helper")
    helper.open(thread_url).answer("Turn off **adaptive brightness** in Settings → Display; 4.2.5 fixes the flicker.")

    flagger_page = new_page()
    flagger = Site(flagger_page, live_server)
    flagger_name = flagger.register("watcher")
    give_reputation(live_server_env, flagger_name, 20)
    flagger_page.goto(thread_url)
    thread = FlaggingThread(flagger_page)
    flagger_page.locator(".post--answer", has_text="thermo-deals").get_by_text("flag", exact=True).click()
    screenshot(flagger_page, "mod-flag-form")
    flagger_page.locator(".post--answer", has_text="thermo-deals").get_by_text("flag", exact=True).click()
    thread.flag_answer("thermo-deals", "Spam")

    mod_page = new_page()
    moderator = Site(mod_page, live_server)
    mod_name = moderator.register("lena")
    flask(live_server_env, "set-role", mod_name, "moderator")
    sign_in(mod_page, live_server, mod_name)
    console = ModeratorConsole(mod_page, live_server).dashboard()
    assert console.waiting("Flagged") == 1
    assert console.waiting("First posts") >= 3  # the three newcomers' first posts
    screenshot(mod_page, "mod-dashboard")

    console.open_queue()
    expect(mod_page.locator(".queue-item").first).to_be_visible()
    assert mod_page.locator(".queue-item").count() >= 4
    screenshot(mod_page, "mod-queue")
    console.open_queue("Flagged")
    console.open_item_about("thermo-deals")
    expect(mod_page.get_by_text("Spam", exact=True)).to_be_visible()
    expect(mod_page.locator(".mod-target")).to_contain_text("Cheap covers")
    screenshot(mod_page, "mod-item")
    console.decide("Delete as spam (−100)")
    expect(mod_page.get_by_text(re.compile("Nothing waiting here|Review item #"))).to_be_visible()

    customer.page.goto(thread_url)
    expect(customer.page.get_by_text("thermo-deals")).to_have_count(0)
    expect(customer.page.get_by_text("adaptive brightness")).to_be_visible()

    console.audit_log(action="post.delete_spam")
    expect(mod_page.locator(".audit-table tbody tr")).to_have_count(1)
    expect(mod_page.locator(".audit-table")).to_contain_text(mod_name)
    console.audit_log()
    screenshot(mod_page, "mod-audit")

    until = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    console.member(spammer_name)
    console.suspend(until, "Advertising links in answers")
    expect(mod_page.locator(".rep-list")).to_contain_text("post deleted as spam")
    screenshot(mod_page, "mod-member")

    spammer.page.goto(thread_url)
    expect(spammer.page.get_by_text(f"Your account is suspended until {until}")).to_be_visible()
    expect(spammer.page.get_by_text("Advertising links in answers")).to_be_visible()
    expect(spammer.page.locator("#answer-body")).to_have_count(0)
    screenshot(spammer.page, "mod-suspended-member")

    console.moderate_thread(thread_url)
    mod_page.get_by_label("Reason").select_option("needs_detail")
    mod_page.get_by_role("button", name="Close the question").click()
    expect(mod_page.get_by_text("The question is closed.")).to_be_visible()
    screenshot(mod_page, "mod-thread")
    customer.page.goto(thread_url)
    expect(customer.page.get_by_text("as needing more detail")).to_be_visible()
    mod_page.goto(live_server + "/mod/settings")
    screenshot(mod_page, "mod-settings")


def test_a_member_is_refused_the_console(live_server, new_page):
    member = Site(new_page(), live_server)
    member.register("curious")
    response = member.page.goto(live_server + "/mod/")
    assert response.status == 403
    expect(member.page.get_by_role("heading", level=1)).to_contain_text("You can’t do that")
    expect(member.page.get_by_text("Only moderators can open the moderator console.")).to_be_visible()
