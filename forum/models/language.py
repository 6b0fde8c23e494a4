"""The languages PeerCare ships: the interface's locales and the languages content is written in."""

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
        try:
            code = negotiate_locale([tag.strip().replace("-", "_").lower()], [language.value for language in cls])
        except (UnknownLocaleError, ValueError):
            return None
        return cls(code) if code else None

    @property
    def direction(self) -> str:
        """"rtl" for scripts written right to left, which the page lays out mirrored."""
        return "rtl" if self in RIGHT_TO_LEFT else "ltr"


RIGHT_TO_LEFT = frozenset({Language.AR})
DEFAULT_LANGUAGE = Language.EN
