"""Text sparklines (`▁▂▄▅▇`) for the plans table: a trend that fits in a Markdown table cell. Pure.

A table cell has room for a few characters, so a long series is resampled to `width` buckets, keeping the
last value of each bucket: the sparkline then ends on the latest value, which is what a reader compares
with the progress column beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Final

from vaultkit.history.chart import SeriesPoint
from vaultkit.notes.tasks import percent_done

__all__ = ["BARS", "progress_sparkline", "resample_last", "sparkline"]

BARS: Final = "▁▂▃▄▅▆▇█"


def resample_last(values: Sequence[float], width: int) -> list[float]:
    """`values` cut into `width` equal buckets, the last value of each; a short series is kept as it is.

    Never stretched: three points stay three characters, so a new plan's sparkline does not pretend to a
    history it does not have.
    """
    count = len(values)
    if width <= 0:
        return []
    if count <= width:
        return list(values)
    return [values[(i + 1) * count // width - 1] for i in range(width)]


def sparkline(
    values: Sequence[float], width: int = 8, low: float | None = None, high: float | None = None
) -> str:
    """One bar per value after resampling to `width`; `""` for no values.

    The scale runs from `low` to `high` (default: the series' own minimum and maximum). A constant series
    on its own scale is a flat line of the lowest bar, since there is no trend to show; values that are
    not finite (NaN, infinities) are left out rather than drawn at a guessed height.
    """
    finite = [float(v) for v in values if math.isfinite(v)]
    kept = resample_last(finite, width)
    if not kept:
        return ""
    bottom = min(kept) if low is None else low
    top = max(kept) if high is None else high
    if top <= bottom:
        return BARS[0] * len(kept)
    steps = len(BARS) - 1
    half_span = top / 2 - bottom / 2  # halves: the span of two huge floats would overflow
    levels = (int((min(max(v, bottom), top) / 2 - bottom / 2) / half_span * steps + 0.5) for v in kept)
    return "".join(BARS[level] for level in levels)


def progress_sparkline(
    points: Sequence[SeriesPoint], days: int = 56, today: date | None = None, width: int = 8
) -> str:
    """The done/total ratio of each recorded point in the last `days` days, on a fixed 0 to 100% scale.

    A fixed scale keeps cells comparable across the plans table (a full bar is a finished plan), where a
    scale of each series' own range would make 10% -> 12% look like 0% -> 100%. The window ends `today`
    (default: the last recorded day). When nothing was recorded inside the window, the last earlier point
    stands for it, so a plan that stopped moving still shows where it stands. A point with total 0 counts
    as 0%. Each point is first rounded to the whole percent the plan's `progress` column shows
    (`percent_done`), so the last bar is drawn from the very number printed beside it: 37 of 40 shows 93%
    and a full bar, never 93% beside the bar for 92.5%.
    """
    by_day: dict[date, SeriesPoint] = {}
    for point in sorted(points, key=lambda p: p.day):
        by_day[point.day] = point
    if not by_day:
        return ""
    ordered = [by_day[day] for day in sorted(by_day)]
    end = ordered[-1].day if today is None else today
    start = end - timedelta(days=max(days, 1))
    window = [p for p in ordered if start < p.day <= end]
    earlier = [p for p in ordered if p.day <= start]
    if not window and earlier:
        window = [earlier[-1]]
    percents = [percent_done(p.done, p.total) or 0 for p in window]
    return sparkline(percents, width, low=0.0, high=100.0)
