"""An agent resolves a case, the asker rates it from the emailed link, the community manager sees it in insights."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pages import Site
from tests.browser.test_password_reset_journey import _mail_to
from tests.browser.test_support_journey import _promote, _sign_in

pytestmark = pytest.mark.browser


def _staff(new_page, live_server, live_server_env, prefix: str, role: str):
    page = new_page()
    name = Site(page, live_server).register(prefix)
    _promote(live_server_env, name, role)
    page.context.clear_cookies()
    _sign_in(page, live_server, name)
    return page


def test_agent_resolves_asker_rates_from_email_manager_sees_it(live_server, live_server_env, new_page):
    customer = Site(new_page(), live_server)
    customer_name = customer.register("rater")
    customer.page.goto(live_server + "/settings/notifications")
    customer.page.get_by_label("Satisfaction surveys when support resolves my case").check()
    customer.page.get_by_role("button", name="Save email preferences").click()
    expect(customer.page.get_by_text("Your email preferences are saved.")).to_be_visible()
    thread_url = customer.ask("Mesh router drops the 5 GHz band every evening",
                              "Every evening around 8 pm the 5 GHz band disappears for ten minutes. Firmware 2.1.",
                              "wifi evening", product="Northwind Mesh Wi-Fi").url

    agent = _staff(new_page, live_server, live_server_env, "agent", "agent")
    agent.goto(thread_url)
    agent.get_by_text("Support tools").click()
    agent.get_by_role("button", name="Escalate to a support case").click()
    expect(agent.get_by_text(re.compile(r"Escalated as CASE-\d{6}"))).to_be_visible()
    agent.get_by_label("Move to").select_option("resolved")
    agent.get_by_label(re.compile("Resolution summary")).fill("Channel 149 avoids the neighbour's radar band.")
    agent.get_by_role("button", name="Change status").click()
    expect(agent.get_by_text("Status changed.")).to_be_visible()

    message = _mail_to(Path(live_server_env["MAIL_FOLDER"]), f"{customer_name}@example.com",
                       subject="How satisfied are you")
    assert "How satisfied are you with the help you got?" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"^4 - Satisfied: (\S+)$", text.replace("\r\n", "\n"), re.M).group(1)
    customer.page.goto(link)
    expect(customer.page.get_by_label(re.compile("4 – Satisfied"))).to_be_checked()
    customer.page.get_by_label(re.compile("Comment")).fill("Fixed on the first try.")
    screenshot(customer.page, "satisfaction-survey")
    customer.page.get_by_role("button", name="Send my rating").click()
    expect(customer.page.get_by_text("Thank you: your rating is recorded.")).to_be_visible()
    customer.page.goto(link)
    expect(customer.page.get_by_text("used already")).to_be_visible()

    manager = _staff(new_page, live_server, live_server_env, "manager", "moderator")
    manager.goto(live_server + "/")
    manager.get_by_role("link", name="Insights").click()
    manager.get_by_label("Period").select_option("7")
    manager.get_by_role("button", name="Show").click()
    expect(manager.locator('[data-figure="csat_average"]')).to_have_text("4.00")
    expect(manager.locator('[data-figure="csat_response_rate"]')).to_have_text("100.0%")
    chart = manager.get_by_role("img", name=re.compile("Weekly trend of csat, average rating"))
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG image really renders
    manager.get_by_text("Definition of CSAT, average rating").click()
    expect(manager.get_by_text(re.compile("Average of the 1–5 ratings"))).to_be_visible()
    screenshot(manager, "insights")
