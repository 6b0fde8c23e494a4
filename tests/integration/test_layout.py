"""Dark mode, the header and reflowing tables, as the server renders them (issue 19); the
browser suite measures them and runs axe-core in both themes."""

import re
from pathlib import Path

from tests.conftest import login
from tests.factories import make_user

CSS = Path(__file__).resolve().parents[2] / "forum" / "static" / "css" / "app.css"


def test_every_colour_is_a_theme_token():
    css = CSS.read_text()
    root = css[css.index(":root {"):css.index("}", css.index(":root {"))]
    assert "color-scheme: light dark" in root
    rest = css.replace(root, "")
    assert not re.findall(r"#[0-9a-fA-F]{3,6}\b", rest), "colours outside the :root tokens have no dark variant"


def test_the_theme_switch_in_settings(client):
    user = make_user()
    login(client, user)
    assert "data-theme" not in client.get("/settings").get_data(as_text=True)[:200]
    r = client.post("/settings/theme", data={"theme": "dark"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#settings-appearance")
    page = client.get("/settings").get_data(as_text=True)
    assert page.startswith('<!doctype html>\n<html lang="en" dir="ltr" data-theme="dark">')
    assert re.search(r'id="theme-dark"[^>]*checked', page)
    client.post("/settings/theme", data={"theme": "system"})
    assert "data-theme" not in client.get("/settings").get_data(as_text=True)[:200]
    assert client.post("/settings/theme", data={"theme": "neon"}).status_code == 302


def test_visitors_pages_ignore_a_theme_cookie(client):
    client.set_cookie("theme", "dark")
    assert "data-theme" not in client.get("/").get_data(as_text=True)[:200]


def test_header_has_a_menu_button_and_separate_account_navigation(client):
    login(client, make_user(role="admin"))
    page = client.get("/").get_data(as_text=True)
    assert 'class="menu-toggle' in page and 'aria-controls="site-nav account-nav"' in page
    assert 'aria-label="Account"' in page
    assert re.search(r'<nav class="site-nav" id="site-nav" aria-label="Main">.*>Admin</a>', page, re.S)


def test_search_filters_fold_away_until_used(client):
    assert '<details class="search-form__more">' in client.get("/search?q=fan").get_data(as_text=True)
    assert '<details class="search-form__more" open>' in client.get("/search?q=fan&sort=newest").get_data(as_text=True)
