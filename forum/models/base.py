"""Helpers shared by every model module."""

from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored as naive UTC on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


class LabeledEnum(StrEnum):
    """A string enum whose members carry the words people read: `OPEN = "open", _l("Open")`.

    Columns store the plain value; templates and messages show `member.label` (or
    `label_of(value)` for a stored string), so a label is written once, next to its value. The
    label is a lazy translation (`lazy_gettext`, marked where it is written so the catalogs
    collect it): it reads in the language of the page or message that shows it, not of the import.
    """

    label: str
    more: tuple[str, ...]  # further words a subclass's members carry (whole sentences), read by its properties

    def __new__(cls, value: str, label: str, *more: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.more = more
        return member

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value; a value the enum no longer has shows as it is."""
        member = cls._value2member_map_.get(value)
        return member.label if member is not None else (value or "")
