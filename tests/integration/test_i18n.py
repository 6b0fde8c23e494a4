"""The interface language (forum/i18n.py): which locale a reader gets, the footer menu, <html lang dir>."""

import re

import pytest

from forum import pagecache
from forum.models import Language
from forum.services import settings
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import make_user


def _html(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def test_english_by_default_left_to_right(client):
    r = client.get("/")
    assert _html(r).startswith('<html lang="en" dir="ltr"')
    assert r.headers["Content-Language"] == "en"
    assert "Accept-Language" in r.headers["Vary"]


def test_browser_language_is_matched_to_a_shipped_locale(client):
    r = client.get("/", headers={"Accept-Language": "de-AT,de;q=0.9,en;q=0.5"})
    assert _html(r).startswith('<html lang="de" dir="ltr"')
    assert "Sprache ändern" in r.get_data(as_text=True)
    assert _html(client.get("/", headers={"Accept-Language": "ja, zh;q=0.8"})).startswith('<html lang="en"')


def test_arabic_is_laid_out_right_to_left(client):
    r = client.get("/", headers={"Accept-Language": "ar"})
    assert _html(r).startswith('<html lang="ar" dir="rtl"')
    assert "تغيير اللغة" in r.get_data(as_text=True)


def test_cookie_beats_the_browser_and_the_site_default_is_last(client):
    with unit_of_work():
        settings.set_default_locale("es")
    assert _html(client.get("/")).startswith('<html lang="es"')
    assert _html(client.get("/", headers={"Accept-Language": "fr"})).startswith('<html lang="fr"')
    client.set_cookie("lang", "de")
    assert _html(client.get("/", headers={"Accept-Language": "fr"})).startswith('<html lang="de"')
    client.set_cookie("lang", "klingon")
    assert _html(client.get("/", headers={"Accept-Language": "fr"})).startswith('<html lang="fr"')


def test_the_members_setting_beats_cookie_and_browser(client):
    user = make_user()
    user.locale = "fr-CA"  # as single sign-on may fill it: read as French
    login(client, user)
    client.set_cookie("lang", "de")
    assert _html(client.get("/", headers={"Accept-Language": "es"})).startswith('<html lang="fr"')
    user.locale = ""
    assert _html(client.get("/", headers={"Accept-Language": "es"})).startswith('<html lang="de"')


def test_footer_menu_sets_the_cookie_for_a_visitor_and_goes_back(client):
    page = client.get("/questions?sort=newest").get_data(as_text=True)
    menu = page[page.index('class="language-menu"'):]
    assert 'name="next" value="/questions"' in menu  # the path only: a query string is the visitor's to craft and '<option value="ar" lang="ar">العربية' in menu
    r = client.post("/language", data={"lang": "fr", "next": "/questions?sort=newest"})
    assert r.status_code == 302 and r.headers["Location"] == "/questions?sort=newest"
    assert "lang=fr" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert _html(client.get("/questions")).startswith('<html lang="fr"')


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\tevil", None])
def test_footer_menu_never_redirects_off_site(client, target):
    data = {"lang": "es"} if target is None else {"lang": "es", "next": target}
    assert client.post("/language", data=data).headers["Location"] == "/"


def test_footer_menu_refuses_an_unshipped_language(client):
    assert client.post("/language", data={"lang": "xx", "next": "/"}).status_code == 400
    assert client.post("/language", data={"lang": "de-DE", "next": "/"}).status_code == 400


def test_footer_menu_saves_a_members_choice(client):
    user = make_user()
    login(client, user)
    client.post("/language", data={"lang": "ar", "next": "/"})
    assert user.locale == "ar"
    client.delete_cookie("lang")
    assert _html(client.get("/")).startswith('<html lang="ar" dir="rtl"')


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_visitors_menu_needs_a_same_site_post(client, csrf_on):
    assert client.post("/language", data={"lang": "fr"}).status_code == 400
    assert client.post("/language", data={"lang": "fr"}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 400
    assert client.post("/language", data={"lang": "fr"}, headers={"Origin": "https://evil.example"}).status_code == 400
    assert client.post("/language", data={"lang": "fr"}, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 302
    assert client.post("/language", data={"lang": "fr"}, headers={"Origin": "http://localhost"}).status_code == 302


def test_members_menu_needs_the_csrf_token(client, csrf_on):
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post("/login", data={"login": user.username, "password": "correct-horse-battery", "csrf_token": token})
    same_site = {"Sec-Fetch-Site": "same-origin"}
    assert client.post("/language", data={"lang": "fr"}, headers=same_site).status_code == 400
    page = client.get("/").get_data(as_text=True)
    menu = page[page.index('class="language-menu"'):]
    token = re.search(r'name="csrf_token" value="([^"]+)"', menu).group(1)
    assert client.post("/language", data={"lang": "fr", "csrf_token": token}).status_code == 302
    assert user.locale == "fr"


def test_visitors_page_carries_no_csrf_token(client):
    """A token would tie the page to a session and keep it out of the anonymous page cache."""
    assert "csrf_token" not in client.get("/").get_data(as_text=True)


def test_page_cache_keeps_languages_apart(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ANONYMOUS_PAGE_CACHE_SECONDS", 60)
    try:
        for language in ("fr", "de", "fr", "de"):
            page = client.get("/", headers={"Accept-Language": language})
            assert _html(page).startswith(f'<html lang="{language}"')
    finally:
        pagecache.clear()


@pytest.mark.parametrize(("asked", "language"), [("fr", Language.FR), ("fr-CA", Language.FR), ("de_DE", Language.DE),
                                                 ("AR", Language.AR), ("pt-BR", None), ("", None), ("x" * 40, None)])
def test_shipped_reads_locale_tags(asked, language):
    assert Language.of(asked) == language


def test_site_default_must_be_shipped():
    from forum.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        settings.set_default_locale("pt")


def test_settings_choose_the_members_language(client):
    user = make_user()
    login(client, user)
    page = client.get("/settings").get_data(as_text=True)
    assert '<option value="" selected>As my browser asks</option>' in page
    r = client.post("/settings/language", data={"locale": "es"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#settings-language")
    assert user.locale == "es"
    page = client.get("/settings", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert page.startswith('<!doctype html>\n<html lang="es"') and '<option value="es" lang="es" selected>' in page
    client.post("/settings/language", data={"locale": "tlh"})
    assert user.locale == "es"
    client.set_cookie("lang", "fr")
    r = client.post("/settings/language", data={"locale": ""})
    assert user.locale == "" and "lang=;" in r.headers["Set-Cookie"]
    assert _html(client.get("/", headers={"Accept-Language": "de"})).startswith('<html lang="de"')


def test_admin_picks_the_site_default(client):
    member = make_user()
    login(client, member)
    assert client.get("/admin/language").status_code == 403
    assert client.post("/admin/language", data={"default_locale": "de"}).status_code == 403
    client.post("/logout")
    login(client, make_user(role="admin"))
    assert "/admin/language" in client.get("/admin").get_data(as_text=True)
    assert '<option value="en" lang="en" selected>' in client.get("/admin/language").get_data(as_text=True)
    assert client.post("/admin/language", data={"default_locale": "de"}).status_code == 302
    client.post("/logout")
    assert _html(client.get("/")).startswith('<html lang="de"')
    assert settings.default_locale() == "de"


def test_times_in_the_readers_language_and_zone(client):
    from datetime import datetime, timedelta

    from flask_babel import force_locale

    from forum import times
    from forum.extensions import db
    from forum.models import MailSettings, utcnow
    from tests.factories import make_question

    question = make_question()
    question.created_at = utcnow() - timedelta(hours=3, minutes=2)
    user = make_user()
    user.locale = "fr"
    db.session.add(MailSettings(user_id=user.id, time_zone="Europe/Paris"))
    login(client, user)
    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    paris = (question.created_at + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")  # CET, winter time
    assert f'title="{paris} CET">il y a 3 heures</time>' in page
    moment = datetime(2026, 12, 1, 14, 5)
    for locale, expected in (("de", "1. Dez. 2026"), ("es", "1 dic 2026"), ("ar", "1 ديسمبر 2026")):
        with force_locale(locale):
            assert times.formatted(moment, "date") == expected
    with force_locale("fr"):
        assert times.ago(utcnow()) == "à l’instant"


def test_email_is_written_in_the_recipients_language(client, mailbox):
    """Asked for from a French browser, a German member's reset email is German; the answer notice
    an English-speaking member triggers reaches an Arabic-speaking author in Arabic."""
    from forum.models import EmailSubscription, NotificationKind
    from tests.factories import make_question
    from tests.integration.test_mail import settle

    member = make_user()
    member.locale = "de"
    client.post("/password/forgot", data={"email": member.email}, headers={"Accept-Language": "fr"})
    settle()
    [message] = mailbox.wait_for(1, to=member.email)
    assert message["Subject"] == "Passwort zurücksetzen"

    author = make_user()
    author.locale = "ar"
    from forum.extensions import db

    db.session.add(EmailSubscription(user_id=author.id, kind=NotificationKind.ANSWER.value))
    question = make_question(author)
    answerer = make_user()
    login(client, answerer)
    client.post(f"/questions/{question.id}/answers", data={"body": "Hold the reset button for ten seconds, then pair it again."},
                headers={"Accept-Language": "en"})
    settle()
    [notice] = mailbox.wait_for(1, to=author.email)
    assert notice["Subject"] == f"أجاب {answerer.username} عن سؤالك «{question.title}»"


def test_the_stylesheet_mirrors_under_rtl():
    """Margins, paddings, borders, alignment and floats are logical (inline-start/end), so `dir="rtl"` mirrors them."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "forum" / "static" / "css" / "app.css").read_text()
    physical = re.findall(r"(?:margin|padding|border)-(?:left|right)\b|text-align:\s*(?:left|right)|float:\s*(?:left|right)"
                          r"|[;{]\s*(?:left|right)\s*:", css)
    assert physical == []
    assert '[dir="rtl"] .post--answer.accepted' in css


@pytest.mark.parametrize(("locale", "counts", "expected"), [
    ("en", (1, 2), "Your daily digest: 1 new question, 2 new answers"),
    ("fr", (1, 2), "Votre récapitulatif quotidien\u00a0: 1 nouvelle question, 2 nouvelles réponses"),
    ("de", (2, 1), "Ihre tägliche Zusammenfassung: 2 neue Fragen, 1 neue Antwort"),
    ("ar", (1, 2), "ملخصك اليومي: سؤال جديد واحد، إجابتان جديدتان"),
    ("ar", (3, 11), "ملخصك اليومي: 3 أسئلة جديدة، 11 إجابة جديدة"),
])
def test_digest_subject_counts_with_the_languages_plural_forms(locale, counts, expected):
    from datetime import datetime

    from flask_babel import force_locale

    from forum.services import digests

    moment = datetime(2026, 12, 1)
    digest = digests.Digest("daily", "daily:2026-12-01", moment, moment, sections=[
        digests.Section("questions", "New questions", [object()] * counts[0], new=True),
        digests.Section("answers", "New answers", [object()] * counts[1], new=True),
        digests.Section("unanswered", "Still waiting", [object()], new=False)])
    with force_locale(locale):
        assert digests.subject(digest) == expected
