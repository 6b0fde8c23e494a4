"""Dark mode, the phone layout and the staff header in a real browser (issue 19)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.moderation_pages import flask
from tests.browser.pages import Site

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _expect_background(page, colour: str) -> None:
    """Poll: after a submit the new document's stylesheet may still be loading when the flash shows."""
    expect(page.locator("body")).to_have_css("background-color", colour)


def test_dark_mode_follows_the_device_and_the_settings_switch(live_server, browser):
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        _expect_background(page, "rgb(13, 17, 23)")
        screenshot(page, "dark-home")
        site = Site(page, live_server)
        site.register("nightowl")
        page.goto(live_server + "/settings")
        page.get_by_label(re.compile("^Light")).check()
        page.get_by_role("button", name="Save theme").click()
        expect(page.locator("#settings-appearance .flash--here")).to_contain_text("Theme saved: light")
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        _expect_background(page, "rgb(255, 255, 255)")
        page.emulate_media(color_scheme="light")
        page.get_by_label("Dark", exact=True).check()
        page.get_by_role("button", name="Save theme").click()
        expect(page.locator("#settings-appearance .flash--here")).to_contain_text("Theme saved: dark")
        _expect_background(page, "rgb(13, 17, 23)")
    finally:
        context.close()


def test_phone_header_is_compact_with_a_menu(live_server, new_page):
    page = new_page()
    page.set_viewport_size(PHONE)
    Site(page, live_server).register("phone")
    page.goto(live_server + "/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 120, header
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Tags")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Settings")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_search_shows_a_result_on_the_first_screen(live_server, new_page):
    page = new_page()
    site = Site(page, live_server)
    site.register("phonesearch")
    site.ask("Humidity sensor reads 99 percent all day", "The humidity sensor says 99% in a dry room.", "humidity")
    page.set_viewport_size(PHONE)
    for _ in range(40):
        page.goto(live_server + "/search?q=humidity+sensor")
        if page.locator(".search-hit").count():
            break
        page.wait_for_timeout(500)
    first = page.locator(".search-hit").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + 40 <= PHONE["height"], box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_staff_header_keeps_the_account_links_on_the_first_row_at_1280(live_server, live_server_env, new_page):
    page = new_page()
    page.set_viewport_size(DESKTOP)
    name = Site(page, live_server).register("staffhead")
    flask(live_server_env, "set-role", name, "admin")
    Site(page, live_server).sign_in(name)
    page.goto(live_server + "/")
    site_name = page.locator(".site-name").bounding_box()
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    cases = page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").bounding_box()
    assert abs(sign_out["y"] - site_name["y"]) < 20, (sign_out, site_name)
    assert cases["y"] > site_name["y"]
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 110, header
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin")).to_be_visible()
    screenshot(page, "staff-header")


def test_phone_cases_reflow_without_sideways_scroll(live_server, live_server_env, new_page):
    page = new_page()
    site = Site(page, live_server)
    customer = site.register("casecustomer")
    question = site.ask("Router drops Wi-Fi every night at two", "Every night at 2:00 the mesh drops.", "wifi",
                        product="Northwind Mesh Wi-Fi")
    staff_page = new_page()
    staff = Site(staff_page, live_server)
    name = staff.register("caseagent")
    flask(live_server_env, "set-role", name, "moderator")
    staff.sign_in(name)
    staff_page.goto(question.url)
    staff_page.get_by_text("Support tools").click()
    staff_page.get_by_role("button", name="Escalate to a support case").click()
    staff_page.set_viewport_size(PHONE)
    staff_page.goto(live_server + "/cases")
    expect(staff_page.get_by_text("Router drops Wi-Fi every night")).to_be_visible()
    assert staff_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert customer
