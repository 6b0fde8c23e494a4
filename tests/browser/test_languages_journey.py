"""Languages in a real browser: the footer menu switches a visitor to Arabic (right to left) and
French, and the pseudo-locale shows which visible text did not come through the catalogs.

Screenshots of the Arabic and French pages go to test-artifacts/.
"""

import re
import time

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


def _catalog(language: str):
    from babel.messages.pofile import read_po

    with (pseudo_locale.TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def _said(catalog, msgid: str, **values) -> str:
    """What the shipped catalog says for `msgid` (the test reads the translators' words, not its own)."""
    return catalog.get(msgid).string % values if values else catalog.get(msgid).string


def _member_in(page, base: str, language: str, prefix: str) -> str:
    """A new member who picks `language` in the footer menu (their setting from then on)."""
    from tests.browser.pages import Site

    username = Site(page, base).register(prefix)
    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    return username


def _ask_and_open(page, base: str, catalog, title: str) -> None:
    """Ask through the form as the member reads it: live counters in their language, then the question page."""
    page.goto(base + "/questions/ask")
    expect(page.get_by_role("heading", level=1)).to_have_text(_said(catalog, "Ask a question"))
    page.locator("#title").fill(title)
    page.locator("#body").fill("The display stays blank after the firmware update; a restart does not help at all.")
    page.locator("#tags").fill("display firmware")
    page.locator("#product").select_option(label="Northwind Thermostat")
    page.get_by_role("button", name=_said(catalog, "Post your question")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_a_french_member_asks_and_reads_the_question_page_in_french(live_server, new_page):
    page = new_page()
    _member_in(page, live_server, "fr", "francais")
    french = _catalog("fr")
    page.goto(live_server + "/questions/ask")
    # The script's live counter, in French and with French plurals (from the page, not the script).
    expect(page.locator("#title-count")).to_have_text("0 / 150 caractères (encore 15 nécessaires)")
    page.locator("#title").fill("Écran noir sur le thermo")
    expect(page.locator("#title-count")).to_have_text("24 / 150 caractères")
    screenshot(page, "languages-ask-fr")
    _ask_and_open(page, live_server, french, "L’écran du thermostat reste noir après la mise à jour")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("button", name=_said(french, "Post your answer"))).to_be_visible()
    votes = page.locator(".post--question .votes").bounding_box()
    body = page.locator(".post--question .post__main").bounding_box()
    assert votes["x"] < body["x"]  # left to right: the vote column before the post
    screenshot(page, "languages-question-fr")


def test_an_arabic_member_asks_right_to_left_and_gets_mail_in_arabic(live_server, new_page):
    page = new_page()
    username = _member_in(page, live_server, "ar", "arabi")
    arabic = _catalog("ar")
    page.goto(live_server + "/questions/ask")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    # Right to left: the form's column starts at the right, the sidebar sits on its left.
    main = page.locator(".layout-sidebar__main").bounding_box()
    aside = page.locator(".layout-sidebar__aside").bounding_box()
    assert aside["x"] + aside["width"] <= main["x"] + 1
    screenshot(page, "languages-ask-ar")
    _ask_and_open(page, live_server, arabic, "شاشة منظم الحرارة تبقى سوداء بعد التحديث")
    expect(page.get_by_role("button", name=_said(arabic, "Post your answer"))).to_be_visible()
    votes = page.locator(".post--question .votes").bounding_box()
    body = page.locator(".post--question .post__main").bounding_box()
    assert votes["x"] > body["x"] + body["width"] - 1  # the vote column on the right of the post
    screenshot(page, "languages-question-ar")

    # Someone (a visitor reading English) asks for a reset link for her address: the mail follows
    # the recipient's language, not the requester's.
    from tests.browser.pages import mail_to

    visitor = new_page()
    visitor.goto(live_server + "/password/forgot")
    visitor.locator("#email").fill(f"{username}@example.com")
    visitor.get_by_role("button", name="Send me a link").click()
    expect(visitor.get_by_role("heading", name="Check your email")).to_be_visible()
    for _ in range(100):  # the sign-up mail came first; the reset mail is swept out within seconds
        message = mail_to(f"{username}@example.com")
        if message["Subject"] == _said(arabic, "Reset your password"):
            break
        time.sleep(0.3)
    assert message["Subject"] == _said(arabic, "Reset your password")
    html = next(part.get_content() for part in message.walk() if part.get_content_type() == "text/html")
    reader = new_page()
    reader.set_content(html)  # the message as a mail client shows it
    expect(reader.locator("html")).to_have_attribute("lang", "ar")
    expect(reader.locator("html")).to_have_attribute("dir", "rtl")
    expect(reader.locator('a[href*="/password/reset/"]').first).to_be_visible()
    text = reader.locator("body").inner_text()
    assert _said(arabic, "Someone asked to reset the password of your %(site)s account.",
                 site="PeerCare Community") in text
    assert _said(arabic, "If you didn't ask, ignore this email: your password stays as it is.") in text
    screenshot(reader, "languages-email-ar")
