"""The interface language: Flask-Babel wiring and the order in which a reader's locale is chosen.

A page is shown in, first, the signed-in member's own setting (Settings → Language, or the
footer menu while signed in); else the `lang` cookie the footer menu sets for a visitor; else the
best match of the browser's Accept-Language; else the site default an admin picks (English unless
changed). Whatever is asked for, only a shipped `Language` is used: "de-DE" or "de_AT" read as
German, an unknown language falls through to the next source. Catalogs live in
forum/translations/ and are compiled by the install (`make i18n-compile`); English is the source
text and needs no catalog.
"""

import json

from babel import Locale
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, get_translations, ngettext
from jinja2 import pass_context
from markupsafe import Markup, escape

from forum import auth
from forum.models import DEFAULT_LANGUAGE, Language
from forum.services import preferences, settings

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 86_400
CODES = tuple(language.value for language in Language)

babel = Babel()


def _browser_choice() -> Language | None:
    best = request.accept_languages.best_match(CODES)  # werkzeug matches "fr-CA" to "fr" too
    return Language(best) if best else None


def visitor_choice() -> Language | None:
    """What a visitor's request itself asks for (cookie, then browser), before the site default.

    The page cache keys visitors' pages by it: two visitors asking for the same language share a page.
    """
    if not has_request_context():
        return None
    return Language.of(request.cookies.get(LANG_COOKIE)) or _browser_choice()


def site_default() -> Language:
    return Language.of(settings.default_locale()) or DEFAULT_LANGUAGE


def chosen_language() -> Language:
    """The language of this request (or of this worker's app context): see the module docstring."""
    if has_request_context():
        member = auth.current()
        choice = (member is not None and Language.of(member.locale)) or visitor_choice()
        if choice:
            return choice
    return site_default()


PSEUDO_LOCALE = "en_001"
PSEUDO_TRANSLATIONS = "translations-pseudo"  # beside translations/ in forum/; built by tests/pseudo_locale.py


def select_locale() -> str:
    if (current_app.config["I18N_PSEUDO_LOCALE"] and has_request_context()
            and request.cookies.get(LANG_COOKIE) == PSEUDO_LOCALE):
        return PSEUDO_LOCALE  # tests/pseudo_locale.py builds it; the browser suite reads pages in it
    return chosen_language().value


def select_timezone() -> str:
    """The signed-in member's time zone for dates on pages (UTC for visitors and unknown names)."""
    member = auth.current() if has_request_context() else None
    return preferences.zone(preferences.time_zone_of(member.id)).key if member is not None else "UTC"


def current_language() -> Language:
    """The language the current page or message is being rendered in (a forced one included)."""
    return Language.of(str(get_locale() or "")) or DEFAULT_LANGUAGE


def html_lang() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE.value).replace("_", "-")


def html_dir() -> str:
    return current_language().direction


def language_menu() -> list[tuple[str, str, bool]]:
    """(code, own name, is current) for the footer's language menu and the settings select."""
    current = current_language()
    return [(language.value, language.label, language == current) for language in Language]


def sentence(text: str, **parts) -> Markup:
    """A translated sentence (a lazy label from Python) with its parts put in, escaped as `_()`
    escapes them in templates: the sentence's own text is escaped, parts that are Markup (a
    `<time>` element, a link) stay markup, other parts are escaped."""
    return escape(str(text)) % parts


def plural_forms(singular: str, plural: str, **variables) -> str:
    """JSON {CLDR plural category: translated text} for a count only the browser knows (a script's
    live counter): the script picks the form with `Intl.PluralRules` for the page's language.

    Each form is the catalog's entry for a number of that category (Arabic has six); `variables`
    may keep a token such as "{count}" for the script to fill. Extracted like `ngettext`
    (`-k plural_forms:1,2`, Makefile).
    """
    locale = Locale.parse(str(get_locale() or DEFAULT_LANGUAGE.value))
    samples: dict[str, int] = {}
    for n in range(200):
        samples.setdefault(locale.plural_form(n), n)
    return json.dumps({category: ngettext(singular, plural, n, **variables) for category, n in samples.items()},
                      ensure_ascii=False)


def content_language_of(code: str | None) -> Language:
    """The shipped language content carrying this code is written in (the default for an unknown code)."""
    return Language.of(code) or DEFAULT_LANGUAGE


def set_language_cookie(response, language: Language) -> None:
    response.set_cookie(LANG_COOKIE, language.value, max_age=LANG_COOKIE_MAX_AGE, httponly=True, samesite="Lax",
                        secure=request.is_secure)


def _content_language(response):
    """Say which language the page is in, and that it depends on the browser's and the cookie's asking."""
    if "_flask_babel" in g and getattr(g._flask_babel, "babel_locale", None) is not None:
        response.headers.setdefault("Content-Language", html_lang())
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def translations():
    """The catalog of the language being rendered, found once per request and language.

    Flask-Babel looks up its context, domain and locale again for every string; a thread page
    has hundreds. The catalog is kept beside the locale it belongs to, so `force_locale` (mail
    written in its recipient's language) gets that language's catalog, and the request's own
    afterwards.
    """
    if not has_app_context():
        return get_translations()
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    known = g.get("_catalog")
    if known is not None and locale is not None and known[0] is locale:
        return known[1]
    found = get_translations()  # chooses the locale if not chosen yet
    g._catalog = (g._flask_babel.babel_locale, found)
    return found


@pass_context
def _template_gettext(context, string: str, /, **variables):
    """Jinja's new-style `gettext`: translated, marked safe where autoescaping is on (the
    variables are escaped into it), and `%` applied, which also turns "%%" into "%"."""
    text = translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - catalog text is template text, as in Jinja's own gettext
    return text % variables if "%" in text else text


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, /, **variables):
    """Jinja's new-style `ngettext`: as `_template_gettext`, with `num` among the variables."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - catalog text is template text, as in Jinja's own gettext
    return text % variables


def init_app(app) -> None:
    """Flask-Babel with our locale selector; the Jinja i18n extension (`_`, `gettext`, `ngettext`,
    `{% trans %}`, new-style so translations are autoescaped) comes with it, reading the catalog
    through `translations()`."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE.value)
    if app.config["I18N_PSEUDO_LOCALE"]:  # its catalog sits apart, out of the make targets' way
        app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", f"translations;{PSEUDO_TRANSLATIONS}")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
    # `_`, `gettext` and `ngettext` themselves, as the new-style ones behave, without their layers
    # (`_` calling `gettext` calling the catalog through two more functions).
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them: a block's lines joined
    app.jinja_env.globals.update(html_lang=html_lang, html_dir=html_dir, language_menu=language_menu,
                                  sentence=sentence, plural_forms=plural_forms,
                                  current_language=current_language, content_language_of=content_language_of)
    app.after_request(_content_language)
