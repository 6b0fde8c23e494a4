"""An admin keeps the tags in a real browser (issue 19, item 13): adds two, a member uses one,
and merging it into the other moves the question and sends the old name's address there."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.moderation_pages import flask
from tests.browser.pages import Site

pytestmark = pytest.mark.browser


def test_an_admin_merges_a_duplicate_tag_and_its_old_address_leads_to_the_target(live_server, live_server_env,
                                                                                 new_page):
    admin = Site(new_page(), live_server)
    admin_name = admin.register("tagadmin")
    flask(live_server_env, "set-role", admin_name, "admin")
    admin.sign_in(admin_name)
    page = admin.page
    page.get_by_role("link", name="Admin", exact=True).click()
    page.locator("#main").get_by_role("link", name="Tags", exact=True).click()
    for name in ("zwave", "z-wave"):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Add tag").click()
        expect(page.get_by_text(f"Tag “{name}” is added.")).to_be_visible()

    member = Site(new_page(), live_server)
    member.register("zwaveuser")
    question = member.ask("Door sensor pairs but never reports a state", "It pairs over Z-Wave, then stays silent.",
                          "z-wave")

    page.goto(live_server + "/admin/tags")
    page.locator("summary", has_text="z-wave").click()
    page.locator("details[open]").get_by_label("Merge into the tag").fill("zwave")
    page.get_by_role("button", name="Merge z-wave").click()
    expect(page.get_by_text("“z-wave” is merged into “zwave” and is now its synonym.")).to_be_visible()
    expect(page.get_by_text("synonyms: z-wave")).to_be_visible()

    reader = new_page()
    reader.goto(live_server + "/tags/z-wave")
    expect(reader).to_have_url(re.compile(r"/tags/zwave$"))
    expect(reader.get_by_role("link", name="Door sensor pairs but never reports a state")).to_be_visible()
    reader.goto(question.url)
    expect(reader.locator(".post--question").get_by_role("link", name="zwave", exact=True)).to_be_visible()
