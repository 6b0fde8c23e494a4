"""Business-hours arithmetic against a brute-force minute-by-minute count (time zones, weekends,
holidays, daylight-saving changes), plus the worked examples the product settings page promises."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from forum.services.care.hours import (
    BusinessHours,
    add_business_time,
    business_time_between,
    is_business_time,
    subtract_business_time,
)

MINUTE = timedelta(minutes=1)
# Zones with DST at different hours (Europe 01:00 UTC, US 02:00 local, Chile and Lord Howe's
# half-hour shift, Australia in the south), a zone without DST and one with a +05:45 offset.
ZONES = ["Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Australia/Sydney",
         "Asia/Tokyo", "Asia/Kathmandu", "UTC", "Europe/London"]


def brute_force(hours: BusinessHours, start: datetime, end: datetime) -> timedelta:
    zone = ZoneInfo(hours.time_zone)
    count = 0
    moment = start
    while moment < end:
        local = moment.replace(tzinfo=UTC).astimezone(zone)
        if (local.weekday() in hours.days and local.date() not in hours.holidays and hours.opens <= local.time()
                and (hours.closes is None or local.time() < hours.closes)):
            count += 1
        moment += MINUTE
    return count * MINUTE


@st.composite
def business_hours(draw):
    zone = draw(st.sampled_from(ZONES))
    days = frozenset(draw(st.sets(st.integers(0, 6), min_size=1)))
    opens_minutes = draw(st.integers(0, 23 * 60 + 30).map(lambda m: m - m % 30))
    closes_minutes = draw(st.integers(opens_minutes + 30, 24 * 60).map(lambda m: m - m % 30))
    opens = time(opens_minutes // 60, opens_minutes % 60)
    closes = None if closes_minutes >= 24 * 60 else time(closes_minutes // 60, closes_minutes % 60)
    holidays = frozenset(draw(st.lists(st.dates(date(2026, 3, 1), date(2026, 4, 30)), max_size=6)))
    return BusinessHours(zone, days, opens, closes, holidays)


# Around the 2026 spring changes (Europe 29 March, US 8 March, Chile/Australia 5 April back).
STARTS = st.datetimes(datetime(2026, 3, 1), datetime(2026, 4, 25)).map(lambda d: d.replace(second=0, microsecond=0))


@settings(max_examples=60, deadline=None)
@given(business_hours(), STARTS, st.integers(0, 6 * 24 * 60))
def test_between_matches_a_minute_by_minute_count(hours, start, span_minutes):
    end = start + span_minutes * MINUTE
    assert business_time_between(hours, start, end) == brute_force(hours, start, end)


@settings(max_examples=60, deadline=None)
@given(business_hours(), STARTS, st.integers(1, 30 * 60))
def test_add_is_the_earliest_instant_with_that_much_business_time(hours, start, amount_minutes):
    amount = amount_minutes * MINUTE
    due = add_business_time(hours, start, amount)
    assert brute_force(hours, start, due) == amount
    assert brute_force(hours, start, due - MINUTE) < amount


@settings(max_examples=60, deadline=None)
@given(business_hours(), STARTS, st.integers(1, 30 * 60))
def test_subtract_is_the_latest_start_that_has_waited_that_long(hours, end, amount_minutes):
    amount = amount_minutes * MINUTE
    cutoff = subtract_business_time(hours, end, amount)
    assert brute_force(hours, cutoff, end) == amount
    assert brute_force(hours, cutoff + MINUTE, end) < amount
    assert add_business_time(hours, cutoff, amount) <= end
    assert add_business_time(hours, cutoff + MINUTE, amount) > end


@settings(max_examples=40, deadline=None)
@given(business_hours(), STARTS)
def test_is_business_time_agrees_with_the_count(hours, moment):
    assert is_business_time(hours, moment) == (brute_force(hours, moment, moment + MINUTE) == MINUTE)


WEEKDAYS_9_TO_5 = BusinessHours("Europe/Berlin", frozenset(range(5)), time(9), time(17))


def local(text: str, zone: str = "Europe/Berlin") -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).replace(tzinfo=None)


def test_friday_afternoon_question_is_due_monday_morning():
    assert add_business_time(WEEKDAYS_9_TO_5, local("2026-11-27T16:00"), timedelta(hours=2)) == local(
        "2026-11-30T10:00")


def test_a_holiday_is_skipped():
    hours = BusinessHours("Europe/Berlin", frozenset(range(5)), time(9), time(17), frozenset({date(2026, 11, 30)}))
    assert add_business_time(hours, local("2026-11-27T16:00"), timedelta(hours=2)) == local("2026-12-01T10:00")


def test_a_working_day_is_shorter_in_utc_only_when_the_clocks_change_inside_it():
    night_shift = BusinessHours("Europe/Berlin", frozenset(range(7)), time(0), None)
    spring = business_time_between(night_shift, local("2026-03-29T00:00"), local("2026-03-30T00:00"))
    autumn = business_time_between(night_shift, local("2026-10-25T00:00"), local("2026-10-26T00:00"))
    assert (spring, autumn) == (timedelta(hours=23), timedelta(hours=25))


def test_office_hours_keep_their_wall_clock_across_the_change():
    # 09:00 Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
    due = add_business_time(WEEKDAYS_9_TO_5, local("2026-03-27T16:00"), timedelta(hours=2))
    assert due == datetime(2026, 3, 30, 8, 0)


def test_without_business_hours_every_hour_counts():
    start = datetime(2026, 11, 27, 16)
    assert add_business_time(None, start, timedelta(hours=8)) == start + timedelta(hours=8)
    assert business_time_between(None, start, start + timedelta(hours=3)) == timedelta(hours=3)
    assert subtract_business_time(None, start, timedelta(hours=1)) == start - timedelta(hours=1)
