"""A customer signs in with the company's account in a real browser, through the provider's login page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_sign_in_with_the_company_account_and_sign_out_at_the_provider_too(live_server, oidc_provider, new_page):
    oidc_provider.set_user("journey-customer", email="journey.customer@northwind.example", email_verified=True,
                           preferred_username="journey_customer", name="Jordan Customer", locale="en-GB")
    page = new_page()
    page.goto(live_server + "/login")
    screenshot(page, "sso-sign-in")
    page.get_by_role("button", name="Sign in with Northwind ID").click()

    # The provider's own page: it asks which account signs in.
    expect(page).to_have_url(re.compile(re.escape(oidc_provider.issuer) + r"/oauth2/authorize\?"))
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill("journey-customer")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_text("Welcome to the community, journey_customer!")).to_be_visible()
    assert page.url.startswith(live_server)
    page.goto(live_server + "/settings/sign-in")
    expect(page.get_by_text("Northwind ID · journey.customer@northwind.example")).to_be_visible()
    expect(page.get_by_text("first set a password")).to_be_visible()
    screenshot(page, "sso-linked-accounts")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    screenshot(page, "sso-signed-out-offer")
    page.get_by_role("button", name="Also sign out of Northwind ID").click()
    expect(page.get_by_role("heading", name="End Session")).to_be_visible()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_text("You are signed out here and at Northwind ID.")).to_be_visible()
    assert page.url.startswith(live_server)

    # Signing in again goes straight through to the same account.
    page.goto(live_server + "/login")
    page.get_by_role("button", name="Sign in with Northwind ID").click()
    page.get_by_role("button", name="journey-customer").first.click()  # the provider remembers recent accounts
    expect(page.get_by_text("Signed in as journey_customer.")).to_be_visible()
