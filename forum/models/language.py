"""The languages PeerCare ships: the interface's locales and the languages content is written in."""

from forum.models.base import LabeledEnum


class Language(LabeledEnum):
    """A shipped language; its label is its own name (a reader looks for "Deutsch", not "German")."""

    EN = "en", "English"
    FR = "fr", "Français"
    ES = "es", "Español"
    DE = "de", "Deutsch"
    AR = "ar", "العربية"

    @property
    def direction(self) -> str:
        """"rtl" for scripts written right to left, which the page lays out mirrored."""
        return "rtl" if self in RIGHT_TO_LEFT else "ltr"


RIGHT_TO_LEFT = frozenset({Language.AR})
DEFAULT_LANGUAGE = Language.EN
