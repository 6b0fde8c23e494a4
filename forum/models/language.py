"""The languages PeerCare ships: the interface's locales and the languages content is written in."""

import functools

from babel.core import UnknownLocaleError, negotiate_locale

from forum.models.base import LabeledEnum


class Language(LabeledEnum):
    """A shipped language; its label is its own name (a reader looks for "Deutsch", not "German")."""

    EN = "en", "English"
    FR = "fr", "Français"
    ES = "es", "Español"
    DE = "de", "Deutsch"
    AR = "ar", "العربية"

    @classmethod
    def of(cls, tag: str | None) -> "Language | None":
        """The shipped language a locale tag asks for ("fr", "fr-CA", "de_DE", "AR"), or None."""
        if not tag or len(tag) > 35:
            return None
        return _language_of(tag)

    @property
    def direction(self) -> str:
        """"rtl" for scripts written right to left, which the page lays out mirrored."""
        return "rtl" if self in RIGHT_TO_LEFT else "ltr"


@functools.lru_cache(maxsize=512)
def _language_of(tag: str) -> Language | None:
    """Language.of, remembered: a page asks several times, and Babel's negotiation is not free."""
    try:
        code = negotiate_locale([tag.strip().replace("-", "_").lower()], [language.value for language in Language])
    except (UnknownLocaleError, ValueError):
        return None
    return Language(code) if code else None


RIGHT_TO_LEFT = frozenset({Language.AR})
DEFAULT_LANGUAGE = Language.EN
