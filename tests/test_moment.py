"""Moment.js formatting: every token exact, literals, week numbering under both week rules, offsets."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultkit.scaffold.moment import ISO_WEEK, US_WEEK, WEEK_RULES, add_offset, format_moment, week_of

# Thursday 5 November 2026, 09:05:07: single-digit day, hour, minute and second show the padding.
MORNING = dt.datetime(2026, 11, 5, 9, 5, 7)
EVENING = dt.datetime(2026, 11, 5, 21, 45, 30)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("YYYY", "2026"),
        ("YY", "26"),
        ("Q", "4"),
        ("MMMM", "November"),
        ("MMM", "Nov"),
        ("MM", "11"),
        ("M", "11"),
        ("Mo", "11th"),
        ("DD", "05"),
        ("D", "5"),
        ("Do", "5th"),
        ("DDDD", "309"),
        ("DDD", "309"),
        ("dddd", "Thursday"),
        ("ddd", "Thu"),
        ("dd", "Th"),
        ("d", "4"),
        ("E", "4"),
        ("e", "3"),
        ("HH", "09"),
        ("H", "9"),
        ("hh", "09"),
        ("h", "9"),
        ("A", "AM"),
        ("a", "am"),
        ("mm", "05"),
        ("m", "5"),
        ("ss", "07"),
        ("s", "7"),
        ("gggg", "2026"),
        ("gg", "26"),
        ("ww", "45"),
        ("w", "45"),
        ("GGGG", "2026"),
        ("GG", "26"),
        ("WW", "45"),
        ("W", "45"),
    ],
)
def test_each_token(token: str, expected: str) -> None:
    assert format_moment(token, MORNING) == expected


def test_evening_clock_tokens() -> None:
    assert format_moment("HH:mm:ss h:mm A hh a", EVENING) == "21:45:30 9:45 PM 09 pm"
    assert format_moment("h A", dt.datetime(2026, 1, 1, 0, 0)) == "12 AM"
    assert format_moment("h A", dt.datetime(2026, 1, 1, 12, 0)) == "12 PM"


def test_common_formats() -> None:
    assert format_moment("YYYY-MM-DD", MORNING) == "2026-11-05"
    assert format_moment("HH:mm", MORNING) == "09:05"
    assert format_moment("dddd, D MMMM YYYY", MORNING) == "Thursday, 5 November 2026"
    assert format_moment("ddd MMM Do, YY", MORNING) == "Thu Nov 5th, 26"
    assert format_moment("gggg-[W]ww", MORNING) == "2026-W45"
    assert format_moment("YYYY/MM/YYYY-MM-DD", MORNING) == "2026/11/2026-11-05"


def test_literals_and_unknown_characters() -> None:
    assert format_moment("[Week] w [of] YYYY", MORNING) == "Week 45 of 2026"
    assert format_moment("[YYYY-MM-DD]", MORNING) == "YYYY-MM-DD"
    assert format_moment(r"\Y\M YYYY", MORNING) == "YM 2026"
    assert format_moment("[]YYYY", MORNING) == "2026"
    # A lone `[` is copied, and the letters after it are tokens again (s, e, d), as in Moment.
    assert format_moment("[unclosed YYYY", MORNING) == "[unclo734 2026"
    assert format_moment("T-x_g G", MORNING) == "T-x_g G"  # not tokens: copied
    assert format_moment("YYYYY", MORNING) == "2026Y"  # longest token first, then the rest
    assert format_moment("", MORNING) == ""


def test_a_date_is_taken_at_midnight() -> None:
    assert format_moment("YYYY-MM-DD HH:mm", dt.date(2026, 2, 3)) == "2026-02-03 00:00"


@pytest.mark.parametrize(
    ("day", "ordinal"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (30, "30th"),
        (31, "31st"),
    ],
)
def test_day_ordinals(day: int, ordinal: str) -> None:
    assert format_moment("Do", dt.date(2026, 1, day)) == ordinal


@pytest.mark.parametrize(
    ("day", "iso", "us"),
    [
        (dt.date(2026, 11, 22), (2026, 47), (2026, 48)),  # a Sunday: the rules disagree
        (dt.date(2026, 11, 23), (2026, 48), (2026, 48)),
        (dt.date(2022, 1, 1), (2021, 52), (2022, 1)),  # Saturday 1 January
        (dt.date(2024, 12, 29), (2024, 52), (2025, 1)),  # the US week holding 1 January 2025
        (dt.date(2024, 12, 30), (2025, 1), (2025, 1)),
        (dt.date(2021, 1, 3), (2020, 53), (2021, 2)),
        (dt.date(2020, 12, 31), (2020, 53), (2021, 1)),
    ],
)
def test_week_of_known_dates(day: dt.date, iso: tuple[int, int], us: tuple[int, int]) -> None:
    assert week_of(day, ISO_WEEK) == iso
    assert week_of(day, US_WEEK) == us


def test_week_tokens_follow_the_rule() -> None:
    sunday = dt.date(2026, 11, 22)
    assert format_moment("gggg-[W]ww", sunday) == "2026-W47"
    assert format_moment("gggg-[W]ww", sunday, US_WEEK) == "2026-W48"
    assert format_moment("GGGG-[W]WW", sunday, US_WEEK) == "2026-W47"  # ISO whatever the rule
    assert format_moment("e", sunday) == "6"
    assert format_moment("e", sunday, US_WEEK) == "0"
    assert WEEK_RULES == {"iso": ISO_WEEK, "us": US_WEEK}


@given(st.dates(min_value=dt.date(1, 1, 8), max_value=dt.date(9999, 12, 24)))
def test_iso_rule_is_iso_8601(day: dt.date) -> None:
    year, week, _ = day.isocalendar()
    assert week_of(day, ISO_WEEK) == (year, week)
    assert format_moment("gggg-ww", day) == f"{year:04d}-{week:02d}"


def _us_week_brute_force(day: dt.date) -> tuple[int, int]:
    """Week 1 is the Sunday-started week holding 1 January; a day belongs to the latest such year begun."""

    def first_sunday(year: int) -> dt.date:
        jan1 = dt.date(year, 1, 1)
        return jan1 - dt.timedelta(days=jan1.isoweekday() % 7)

    year = max(y for y in (day.year - 1, day.year, day.year + 1) if first_sunday(y) <= day)
    return year, (day - first_sunday(year)).days // 7 + 1


@given(st.dates(min_value=dt.date(3, 1, 1), max_value=dt.date(9998, 12, 24)))
def test_us_rule_matches_its_definition(day: dt.date) -> None:
    assert week_of(day, US_WEEK) == _us_week_brute_force(day)


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [
        (1, "M", dt.datetime(2026, 2, 28, 9, 30)),  # month ends clamp, as Moment does
        (1, "Q", dt.datetime(2026, 4, 30, 9, 30)),
        (-1, "y", dt.datetime(2025, 1, 31, 9, 30)),
        (13, "M", dt.datetime(2027, 2, 28, 9, 30)),
        (2, "w", dt.datetime(2026, 2, 14, 9, 30)),
        (-1, "d", dt.datetime(2026, 1, 30, 9, 30)),
        (15, "h", dt.datetime(2026, 2, 1, 0, 30)),
        (30, "m", dt.datetime(2026, 1, 31, 10, 0)),
        (-30, "s", dt.datetime(2026, 1, 31, 9, 29, 30)),
    ],
)
def test_add_offset(amount: int, unit: str, expected: dt.datetime) -> None:
    assert add_offset(dt.datetime(2026, 1, 31, 9, 30), amount, unit) == expected


def test_add_offset_leap_day_and_bad_input() -> None:
    assert add_offset(dt.datetime(2024, 2, 29), 1, "y") == dt.datetime(2025, 2, 28)
    assert add_offset(dt.datetime(2024, 2, 29), 4, "y") == dt.datetime(2028, 2, 29)
    with pytest.raises(ValueError, match="unknown time unit"):
        add_offset(MORNING, 1, "x")
    with pytest.raises(OverflowError):
        add_offset(dt.datetime(9999, 12, 1), 1, "y")


def test_weeks_at_the_ends_of_the_calendar_raise_overflow() -> None:
    """Callers turn this into a message (templates leave the variable, `new` refuses the date)."""
    with pytest.raises(OverflowError):
        week_of(dt.date(9999, 12, 31), US_WEEK)
    with pytest.raises(OverflowError):
        week_of(dt.date(1, 1, 1), US_WEEK)
