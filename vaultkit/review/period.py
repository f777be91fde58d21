"""The period a review covers: the week, month or quarter holding a day. Pure.

A week follows the vault's week rule (`[new] week`, ISO by default: Monday to Sunday, so 2026-12-31 is
in 2026-W53, which runs to 2027-01-03), so a weekly review covers the days its name says. Months and
quarters are calendar months and quarters. Every period is a closed range of days: `end` is its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from vaultkit.errors import VaultError
from vaultkit.scaffold.moment import ISO_WEEK, WeekRule

__all__ = ["PERIOD_KINDS", "Period", "period_of"]

PERIOD_KINDS = ("week", "month", "quarter")


@dataclass(frozen=True, slots=True)
class Period:
    """A closed range of days of one kind; `week` is the rule its weeks follow (for `next`)."""

    kind: str
    start: dt.date
    end: dt.date
    week: WeekRule = ISO_WEEK

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same kind that follows this one (milestones due next are looked up there)."""
        return period_of(self.kind, self.end + dt.timedelta(days=1), self.week)

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "start": self.start.isoformat(), "end": self.end.isoformat()}


def period_of(kind: str, day: dt.date, week: WeekRule = ISO_WEEK) -> Period:
    """The `kind` period ("week", "month" or "quarter") that holds `day`."""
    try:
        if kind == "week":
            start = day - dt.timedelta(days=(day.isoweekday() - week.first_weekday) % 7)
            return Period(kind, start, start + dt.timedelta(days=6), week)
        if kind == "month":
            last = calendar.monthrange(day.year, day.month)[1]
            return Period(kind, day.replace(day=1), day.replace(day=last), week)
    except OverflowError as exc:
        raise VaultError(f"{day.isoformat()}: too close to the end of the calendar for a {kind}") from exc
    if kind == "quarter":
        first = (day.month - 1) // 3 * 3 + 1
        last = calendar.monthrange(day.year, first + 2)[1]
        return Period(kind, dt.date(day.year, first, 1), dt.date(day.year, first + 2, last), week)
    raise VaultError(f"unknown review period {kind!r}; choose one of {', '.join(PERIOD_KINDS)}")
