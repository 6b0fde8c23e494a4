"""Languages in a real browser: the footer menu switches a visitor to Arabic (right to left) and
French, and the pseudo-locale shows which visible text did not come through the catalogs.

Screenshots of the Arabic and French pages go to test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import pseudo_locale
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

# Visible text of an element outside the ⟦…⟧ markers, once numbers and punctuation are set aside.
UNMARKED_JS = """(selector) => {
    const root = document.querySelector(selector);
    let text = root ? root.innerText : '';
    for (const control of root ? root.querySelectorAll('[placeholder], [aria-label], option') : []) {
        text += '\\n' + (control.getAttribute('placeholder') || '') + '\\n' + (control.getAttribute('aria-label') || '');
    }
    return text;
}"""
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
NEUTRAL = re.compile(r"^[\s\d\W]*$")


def unmarked(page, selector: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The lines of visible text in `selector` that the catalog did not supply (user content in `allowed`)."""
    text = page.evaluate(UNMARKED_JS, selector)
    while MARKED.search(text):  # nested markers: a translated string inside another's placeholder
        text = MARKED.sub(" ", text)
    for value in allowed:
        text = text.replace(value, " ")
    return [line.strip() for line in text.splitlines() if not NEUTRAL.match(line)]


def test_footer_menu_switches_a_visitor_to_arabic_right_to_left_then_french(live_server, new_page):
    page = new_page()
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    page.get_by_label("Language").select_option("ar")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # Laid out right to left: the footer's menu starts at the right edge of its column.
    box = page.locator(".language-menu label").bounding_box()
    column = page.locator(".site-footer__inner").bounding_box()
    assert box["x"] + box["width"] > column["x"] + column["width"] - 40
    screenshot(page, "languages-home-ar")
    page.get_by_label("اللغة").select_option("fr")
    page.get_by_role("button", name="تغيير اللغة").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("button", name="Changer de langue")).to_be_visible()
    screenshot(page, "languages-home-fr")


@pytest.fixture(scope="module")
def pseudo():
    pseudo_locale.build()


def test_pseudo_locale_marks_every_catalog_string_of_the_language_controls(live_server, new_page, pseudo):
    """The footer's menu and the settings' language section show no text that skipped the catalog.

    The selectors grow to whole pages as the templates' strings are marked.
    """
    from tests.browser.pages import Site

    page = new_page()
    site = Site(page, live_server)
    site.register("pseudo")
    page.context.add_cookies([{"name": "lang", "value": "en_001", "url": live_server}])
    page.goto(live_server + "/settings")
    expect(page.locator("html")).to_have_attribute("lang", "en-001")
    languages = ("English", "Français", "Español", "Deutsch", "العربية")  # each language's own name
    assert unmarked(page, ".language-menu", languages) == []
    assert unmarked(page, "#settings-language", languages) == []
    assert page.locator("#settings-language h2").inner_text() == "⟦Language⟧"
