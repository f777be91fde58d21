"""Moment.js date formatting, the subset Obsidian users write in templates and note-name formats. Pure.

Obsidian formats dates with Moment.js everywhere a user can type a format: `{{date:FORMAT}}` in templates,
the daily-notes file name (`YYYY-MM-DD`), Periodic Notes' weekly name (`gggg-[W]ww`). vaultkit creates
notes outside Obsidian, so it must produce the same text, or a journal made by `vaultkit new` would not be
the note Obsidian opens for that day.

Tokens (as Moment.js, English names):

    YYYY 2026   YY 26   Q 4
    MMMM November   MMM Nov   MM 11   M 11   Mo 11th
    DD 05   D 5   Do 5th   DDDD 309 (day of year, padded)   DDD 309
    dddd Thursday   ddd Thu   dd Th   d 4 (0 = Sunday)   E 4 (ISO, 1 = Monday)   e (week-rule day, 0-based)
    HH 09   H 9   hh 09   h 9   A PM   a pm   mm 05   m 5   ss 07   s 7
    gggg gg ww w   week-year and week under the vault's week rule (see below)
    GGGG GG WW W   ISO week-year and ISO week, always
    [text]   literal text;   \\X   the character X, literally

Any other character is copied as it is, which is also what Moment.js does.

Weeks. In Moment.js, `gggg`/`ww` follow the *locale*: English (US) weeks start on Sunday and week 1 is the
week holding 1 January; most of Europe uses ISO 8601 (weeks start on Monday, week 1 holds the first
Thursday). vaultkit cannot know the locale of the Obsidian app that will open the vault, so the rule is a
parameter (`WeekRule`), ISO by default: ISO is the international standard, needs no locale, and for ISO
locales `gggg-[W]ww` and `GGGG-[W]WW` agree. A vault sets `week = "us"` in `.vaultkit/config.toml`
(`[new]` section) to match an English (US) Obsidian.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["ISO_WEEK", "US_WEEK", "WEEK_RULES", "WeekRule", "add_offset", "format_moment", "week_of"]


@dataclass(frozen=True, slots=True)
class WeekRule:
    """How weeks are numbered: the first day of a week and how many days of the new year week 1 needs.

    `first_weekday` is an ISO weekday (1 = Monday … 7 = Sunday). ISO 8601: (1, 4). US: (7, 1).
    """

    first_weekday: int
    min_days: int


ISO_WEEK = WeekRule(1, 4)
US_WEEK = WeekRule(7, 1)
WEEK_RULES = {"iso": ISO_WEEK, "us": US_WEEK}

_MONTHS = tuple(calendar.month_name[i] for i in range(1, 13))
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")

_TOKEN_RE = re.compile(
    r"\[[^\[]*\]|\\.|YYYY|YY|Q|MMMM|MMM|MM|Mo|M|DDDD|DDD|DD|Do|D|dddd|ddd|dd|d|E|e"
    r"|HH|H|hh|h|A|a|mm|m|ss|s|gggg|gg|GGGG|GG|ww|w|WW|W|.",
    re.DOTALL,
)


def week_of(day: dt.date, rule: WeekRule = ISO_WEEK) -> tuple[int, int]:
    """(week-year, week number) of `day` under `rule`.

    A week belongs to the year that holds its "anchor" day, the `8 - min_days`-th day of the week (ISO: the
    Thursday; US: the Saturday, so the week holding 1 January is week 1). Its number counts anchors.
    """
    start = day - dt.timedelta(days=(day.isoweekday() - rule.first_weekday) % 7)
    anchor = start + dt.timedelta(days=7 - rule.min_days)
    return anchor.year, (anchor.timetuple().tm_yday - 1) // 7 + 1


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _hour12(hour: int) -> int:
    return hour % 12 or 12


def _token(token: str, when: dt.datetime, rule: WeekRule) -> str:
    sunday0 = when.isoweekday() % 7
    if token[0] in "gw":
        year, week = week_of(when.date(), rule)
        return {"gggg": f"{year:04d}", "gg": f"{year % 100:02d}", "ww": f"{week:02d}", "w": str(week)}.get(
            token, token
        )
    if token[0] in "GW":
        year, week, _ = when.isocalendar()
        return {"GGGG": f"{year:04d}", "GG": f"{year % 100:02d}", "WW": f"{week:02d}", "W": str(week)}.get(
            token, token
        )
    values = {
        "YYYY": f"{when.year:04d}",
        "YY": f"{when.year % 100:02d}",
        "Q": str((when.month - 1) // 3 + 1),
        "MMMM": _MONTHS[when.month - 1],
        "MMM": _MONTHS[when.month - 1][:3],
        "MM": f"{when.month:02d}",
        "Mo": _ordinal(when.month),
        "M": str(when.month),
        "DDDD": f"{when.timetuple().tm_yday:03d}",
        "DDD": str(when.timetuple().tm_yday),
        "DD": f"{when.day:02d}",
        "Do": _ordinal(when.day),
        "D": str(when.day),
        "dddd": _DAYS[sunday0],
        "ddd": _DAYS[sunday0][:3],
        "dd": _DAYS[sunday0][:2],
        "d": str(sunday0),
        "E": str(when.isoweekday()),
        "e": str((when.isoweekday() - rule.first_weekday) % 7),
        "HH": f"{when.hour:02d}",
        "H": str(when.hour),
        "hh": f"{_hour12(when.hour):02d}",
        "h": str(_hour12(when.hour)),
        "A": "AM" if when.hour < 12 else "PM",
        "a": "am" if when.hour < 12 else "pm",
        "mm": f"{when.minute:02d}",
        "m": str(when.minute),
        "ss": f"{when.second:02d}",
        "s": str(when.second),
    }
    return values.get(token, token)


def format_moment(fmt: str, when: dt.date | dt.datetime, rule: WeekRule = ISO_WEEK) -> str:
    """`when` formatted with a Moment.js format string (a date alone is taken at midnight)."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day)
    out: list[str] = []
    for match in _TOKEN_RE.finditer(fmt):
        token = match.group(0)
        if token.startswith("[") and token.endswith("]") and len(token) >= 2:
            out.append(token[1:-1])
        elif token.startswith("\\") and len(token) == 2:
            out.append(token[1])
        else:
            out.append(_token(token, when, rule))
    return "".join(out)


def add_offset(when: dt.datetime, amount: int, unit: str) -> dt.datetime:
    """`when` moved by `amount` units, as Moment's `add()`: y, Q, M, w, d, h, m, s (months clamp the day)."""
    if unit in ("y", "Y", "Q", "M"):
        months = amount * {"y": 12, "Y": 12, "Q": 3, "M": 1}[unit]
        index = when.year * 12 + when.month - 1 + months
        year, month = divmod(index, 12)
        if not 1 <= year <= 9999:
            raise OverflowError(f"date out of range: {when.isoformat()} {amount:+d}{unit}")
        day = min(when.day, calendar.monthrange(year, month + 1)[1])
        return when.replace(year=year, month=month + 1, day=day)
    seconds = {"w": 604800, "W": 604800, "d": 86400, "D": 86400, "h": 3600, "H": 3600, "m": 60, "s": 1}
    if unit not in seconds:
        raise ValueError(f"unknown time unit {unit!r} (use y, Q, M, w, d, h, m or s)")
    return when + dt.timedelta(seconds=amount * seconds[unit])
