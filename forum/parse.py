"""The one parser for an id or a date someone sent: only values the database can hold.

`str.isdigit()` accepts "²" (which `int()` refuses) and `int()` accepts any length, while every
id column is a signed 32-bit integer on PostgreSQL; `date.fromisoformat`
accepts year 1 and 9999, which overflow date arithmetic and PostgreSQL's comparisons with them.
"""

import re
from datetime import date

# Id columns are INTEGER: 32 bits on PostgreSQL (SQLite's 64 bits hold them too).
MAX_ID = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,19}\Z")


def parse_id(value: object) -> int | None:
    """The id `value` names (an int, or ASCII digits), or None when it can't be one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if isinstance(value, str) and _DIGITS.match(value):
        number = int(value)
        return number if 0 < number <= MAX_ID else None
    return None


FIRST_YEAR, LAST_YEAR = 1900, 2200
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date between FIRST_YEAR and LAST_YEAR; ValueError otherwise."""
    day = date.fromisoformat(text) if _DAY.match(text or "") else None
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"Use a date as YYYY-MM-DD between {FIRST_YEAR} and {LAST_YEAR}.")
    return day
