"""Helpers shared by every model module."""

from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored as naive UTC on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


class LabeledEnum(StrEnum):
    """A string enum whose members carry the words people read: `OPEN = "open", "Open"`.

    Columns store the plain value; templates and messages show `member.label` (or
    `label_of(value)` for a stored string), so a label is written once, next to its value.
    """

    label: str

    def __new__(cls, value: str, label: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value.replace("_", " ").capitalize()
        return member

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value; a value the enum no longer has shows as it is."""
        member = cls._value2member_map_.get(value)
        return member.label if member is not None else (value or "")
