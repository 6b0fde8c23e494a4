"""Every visible text of the main pages comes through the catalogs: read in the pseudo-locale
(tests/pseudo_locale.py wraps each catalog string in ⟦…⟧), a page shows nothing else.

What may show without markers, and only this (the allow-list):
- what members, staff and the seed wrote: the usernames, titles, bodies, tags, product names and
  slugs this test created, and the site's name (an admin's setting), passed to `unmarked()` by
  value, never by pattern; search results' excerpts of posts (`.search-hit__snippet`, members'
  words cut around the highlighted terms);
- each language's own name in the language menus ("Deutsch", "العربية": not translated by design);
- dates and times in `<time>` elements (Babel formats them for the locale: not catalog text);
- what a page marks `translate="no"` (Markdown syntax in the formatting help, such as ```python);
- text made only of digits, spaces and punctuation (counts, scores, separators).

Anything else — an enum label from Python, a service message, a JS string — fails the test with
the page and the line, so a string that skips the catalog is caught on the page it appears on.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests import pseudo_locale
from tests.browser.conftest import _LIVE_ENV, ARTIFACTS, CHROMIUM, TAGS, serve
from tests.browser.moderation_pages import flask
from tests.browser.pages import Site

pytestmark = pytest.mark.browser

PSEUDO_COOKIE = {"name": "lang", "value": pseudo_locale.PSEUDO}
LANGUAGE_NAMES = ("English", "Français", "Español", "Deutsch", "العربية")
SEED_PRODUCTS = ("Northwind Thermostat", "Northwind Mesh Wi-Fi", "The smart thermostat.", "Whole-home Wi-Fi.",
                 "/products/thermostat", "/products/mesh-router")
SITE_NAME = "PeerCare Community"  # the site's name until an admin sets another (/admin/site)

# The page's visible text (innerText keeps a translated sentence with links inside on one line),
# the text of <time>, translate="no" and search-excerpt elements blanked first, plus the words controls show without being text:
# placeholders, aria-labels, titles, options and button values.
PAGE_TEXT_JS = """() => {
    for (const t of document.querySelectorAll('time, [translate="no"], .search-hit__snippet')) t.textContent = ' ';
    let text = document.body.innerText;
    for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], option, input[type=submit][value]')) {
        if (el.closest('[hidden]') || el.tagName === 'TIME') continue;
        for (const name of ['placeholder', 'aria-label', 'title']) {
            if (el.hasAttribute(name)) text += '\\n' + el.getAttribute(name);
        }
        if (el.tagName === 'OPTION') text += '\\n' + el.textContent;
        if (el.tagName === 'INPUT') text += '\\n' + el.value;
    }
    return text;
}"""
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
NEUTRAL = re.compile(r"^[\s\d\W_]*$")


def unmarked(page, allowed: tuple[str, ...] = ()) -> list[str]:
    """The lines of the page's visible text that did not come through the catalog."""
    text = page.evaluate(PAGE_TEXT_JS)
    while MARKED.search(text):  # nested markers: a translated string inside another's placeholder
        text = MARKED.sub(" ", text)
    for value in sorted((*allowed, *LANGUAGE_NAMES, *SEED_PRODUCTS, *TAGS, SITE_NAME), key=len, reverse=True):
        text = text.replace(value, " ")
    return [line.strip() for line in text.splitlines() if not NEUTRAL.match(line)]


@pytest.fixture(scope="module")
def pseudo():
    pseudo_locale.build()


@pytest.fixture(scope="module")
def own_server(tmp_path_factory, oidc_provider):
    """A forum of this test's own (base URL, CLI environment): the session's shared server shows
    what the other journeys wrote, which no allow-list of this test's values can cover. While it
    runs, the browser helpers' environment (`_LIVE_ENV`: its mail folder, its database) is this
    server's; the shared server's is put back afterwards."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium); CI installs it")
    shared = dict(_LIVE_ENV)
    _LIVE_ENV.clear()
    server = serve(tmp_path_factory.mktemp("pseudo"), oidc_provider, _LIVE_ENV, "pseudo")
    try:
        yield next(server), _LIVE_ENV
        next(server, None)  # runs the server's teardown
    finally:
        _LIVE_ENV.clear()
        _LIVE_ENV.update(shared)


def _check(page, base: str, paths: list[str], allowed: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        page.goto(base + path)
        expect(page.locator("html")).to_have_attribute("lang", "en-001")
        lines = unmarked(page, allowed)
        if lines:
            found[path] = lines
    return found


def test_the_main_pages_show_no_text_that_skipped_the_catalog(own_server, new_page, pseudo):
    live_server, live_server_env = own_server
    asker_page, staff_page, visitor = new_page(), new_page(), new_page()
    asker_site = Site(asker_page, live_server)
    asker = asker_site.register("pseudoasker")
    title, body = "Thermostat display stays blank after the update", "The display stays blank since the firmware update."
    question = asker_site.ask(title, body, "display firmware")
    staff_site = Site(staff_page, live_server)
    staff = staff_site.register("pseudostaff")
    flask(live_server_env, "set-role", staff, "admin")
    answer = "Hold the reset button for ten seconds, then wait for the display."
    staff_site.open(question.url).answer(answer)
    profile = asker_page.locator(".post--question").get_by_role("link", name=asker).first.get_attribute("href")
    question_path = question.url.removeprefix(live_server)
    allowed = (asker, staff, title, body, answer,
               f"{asker}@example.com", f"{staff}@example.com")

    for page in (asker_page, staff_page, visitor):
        page.context.add_cookies([{**PSEUDO_COOKIE, "url": live_server}])
    found = {}
    public = ["/", "/questions", question_path, "/tags", "/products", "/products/thermostat", "/search?q=display",
              "/kb", "/leaderboard", "/badges", profile, "/help/privileges", "/login", "/register"]
    found.update({f"visitor {k}": v for k, v in _check(visitor, live_server, public, allowed).items()})
    member = [question_path, "/questions/ask", "/settings", "/settings/privacy", "/settings/sign-in",
              "/settings/two-factor", "/notifications", profile, "/questions/for-you"]
    found.update({f"member {k}": v for k, v in _check(asker_page, live_server, member, allowed).items()})
    staff_paths = [question_path, "/cases", "/mod/", "/mod/queue", "/mod/queue?kind=first_post", "/mod/audit",
                   "/mod/members", "/mod/settings", "/mod/insights", "/review", "/admin", "/admin/care",
                   "/admin/fields", "/admin/language", "/admin/site", "/admin/tags"]
    found.update({f"staff {k}": v for k, v in _check(staff_page, live_server, staff_paths, allowed).items()})
    if found:  # the whole list, page by page, for whoever fixes them (CI keeps the artifacts)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "pseudo-locale-unmarked.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    assert found == {}
