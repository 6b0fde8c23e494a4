"""Business-hours arithmetic: pure functions of a product's opening hours (no Flask, no database).

Business time is the set of instants whose local wall-clock time, in the product's IANA time zone,
falls on a working day that is not a holiday, between the opening time (inclusive) and the closing
time (exclusive). Daylight-saving changes are handled exactly: the wall-clock window of one local
day is mapped back to UTC piece by piece (one piece per UTC offset in force), so a day that springs
forward is an hour shorter and one that falls back an hour longer, just as a clock on the office wall
would show. `tests/unit/test_business_hours.py` checks this against a minute-by-minute count.

Every datetime in and out is naive UTC, like every timestamp the application stores.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)
_SECOND = timedelta(seconds=1)
# A product open one hour a week still reaches any target well within this; past it the hours are unusable.
MAX_SEARCH_DAYS = 3 * 366


class NoBusinessTime(ValueError):
    """The hours never open (no working day left after the holidays) within the search horizon."""


@dataclass(frozen=True)
class BusinessHours:
    """When a product's support is open. `closes` None means midnight at the end of the day."""

    time_zone: str
    days: frozenset[int]  # 0 = Monday … 6 = Sunday
    opens: time
    closes: time | None
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_open_on(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays

    def windows(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The UTC intervals [start, end) of business time on local date `day` (usually one)."""
        if not self.is_open_on(day):
            return ()
        return _windows(self.time_zone, day, self.opens, self.closes)

    def local_date(self, moment: datetime) -> date:
        return moment.replace(tzinfo=UTC).astimezone(self.zone).date()


def _to_utc(wall: datetime, zone: ZoneInfo, fold: int) -> datetime:
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC).replace(tzinfo=None)


def _offset(moment: datetime, zone: ZoneInfo) -> timedelta:
    return moment.replace(tzinfo=UTC).astimezone(zone).utcoffset() or timedelta(0)


def _next_change(start: datetime, end: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in (start, end] whose UTC offset differs from start's (end when none does)."""
    current = _offset(start, zone)
    if _offset(end, zone) == current:
        return end
    low, high = start, end  # offset(low) == current, offset(high) != current
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle <= low:
            break
        if _offset(middle, zone) == current:
            low = middle
        else:
            high = middle
    return high


@lru_cache(maxsize=65536)
def _windows(time_zone: str, day: date, opens: time, closes: time | None) -> tuple[tuple[datetime, datetime], ...]:
    zone = ZoneInfo(time_zone)
    wall_open = datetime.combine(day, opens)
    wall_close = datetime.combine(day, closes) if closes is not None else datetime.combine(day + ONE_DAY, time())
    low = min(_to_utc(wall_open, zone, 0), _to_utc(wall_open, zone, 1))
    high = max(_to_utc(wall_close, zone, 0), _to_utc(wall_close, zone, 1))
    pieces: list[tuple[datetime, datetime]] = []
    start = low
    while start < high:
        offset = _offset(start, zone)
        stop = _next_change(start, high, zone)
        # Within [start, stop) local time is UTC + offset: keep the instants whose wall time is in the window.
        begin, end = max(start, wall_open - offset), min(stop, wall_close - offset)
        if begin < end:
            if pieces and pieces[-1][1] == begin:
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((begin, end))
        start = stop
    return tuple(pieces)


def _days_from(hours: BusinessHours, first: date, step: int) -> Iterator[date]:
    day = first
    for _ in range(MAX_SEARCH_DAYS):
        yield day
        day += step * ONE_DAY
    raise NoBusinessTime("These business hours never open.")


def add_business_time(hours: BusinessHours | None, start: datetime, amount: timedelta) -> datetime:
    """The earliest instant by which `amount` of business time has passed since `start`."""
    if hours is None:
        return start + amount
    remaining = amount
    if remaining <= timedelta(0):
        return start
    for day in _days_from(hours, hours.local_date(start) - ONE_DAY, 1):
        for begin, end in hours.windows(day):
            if end <= start:
                continue
            begin = max(begin, start)
            if end - begin >= remaining:
                return begin + remaining
            remaining -= end - begin
    raise AssertionError("unreachable")  # pragma: no cover - _days_from raises first


def subtract_business_time(hours: BusinessHours | None, end: datetime, amount: timedelta) -> datetime:
    """The latest instant from which at least `amount` of business time has passed by `end`.

    So a question asked at or before this instant has waited `amount` (in business time) by `end`:
    `add_business_time(h, t, amount) <= end` exactly when `t <= subtract_business_time(h, end, amount)`.
    """
    if hours is None:
        return end - amount
    remaining = amount
    if remaining <= timedelta(0):
        return end
    for day in _days_from(hours, hours.local_date(end) + ONE_DAY, -1):
        for begin, stop in reversed(hours.windows(day)):
            if begin >= end:
                continue
            stop = min(stop, end)
            if stop - begin >= remaining:
                return stop - remaining
            remaining -= stop - begin
    raise AssertionError("unreachable")  # pragma: no cover


def business_time_between(hours: BusinessHours | None, start: datetime, end: datetime) -> timedelta:
    """How much business time lies in [start, end) (zero when end is not after start)."""
    if end <= start:
        return timedelta(0)
    if hours is None:
        return end - start
    total = timedelta(0)
    day, last = hours.local_date(start) - ONE_DAY, hours.local_date(end) + ONE_DAY
    while day <= last:
        for begin, stop in hours.windows(day):
            begin, stop = max(begin, start), min(stop, end)
            if begin < stop:
                total += stop - begin
        day += ONE_DAY
    return total


def is_business_time(hours: BusinessHours | None, moment: datetime) -> bool:
    if hours is None:
        return True
    return any(begin <= moment < end for begin, end in hours.windows(hours.local_date(moment)))
