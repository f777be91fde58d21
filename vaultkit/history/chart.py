"""The burn-up chart of a plan, written as SVG text from plain values. Pure: no files, no clock, no fonts.

Obsidian shows an embedded SVG as an `<img>`, so its theme's CSS variables never reach the picture: the
background stays transparent and every colour is a mid tone that reads on white and on Obsidian's dark
`#1e1e1e` alike (an embedded `@media (prefers-color-scheme: dark)` rule lightens the text where the
viewer follows the system theme). Charts are golden-file tested and committed to vaults that sync, so the
output is deterministic: same input, same bytes (no ids, no timestamps, coordinates rounded to one
decimal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "MilestoneMark",
    "SeriesPoint",
    "burnup_svg",
    "message_svg",
    "nice_ticks",
    "num",
    "short_date",
    "svg_close",
    "svg_open",
    "text_width",
    "truncate",
    "xml_text",
]

FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT: Final = "#8a8a8a"
DONE: Final = "#2f9e5b"
TOTAL: Final = "#4a86d4"
MILESTONE: Final = "#d9902f"
TODAY: Final = "#e0524d"
DOT: Final = f'r="4.5" fill="{DONE}" stroke="{MILESTONE}" stroke-width="1.5"'

STYLE: Final = f"""<style>
text{{font-family:{FONT};fill:{TEXT}}}
.t{{font-size:15px;font-weight:600}}
.s{{font-size:11px}}
.m{{font-size:11px;fill:{MILESTONE}}}
.g{{stroke:{TEXT};stroke-opacity:0.25;stroke-width:1}}
.a{{stroke:{TEXT};stroke-width:1}}
@media (prefers-color-scheme: dark){{text{{fill:#a3a3a3}}}}
</style>"""

MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class SeriesPoint:
    """A note's tasks done and total as recorded on one day; the value holds until the next point."""

    day: date
    done: int
    total: int


@dataclass(frozen=True)
class MilestoneMark:
    """A milestone as the chart marks it: a dashed line on its due date, a dot on the day it completed."""

    name: str
    due: date | None
    completed: date | None = None


def num(value: float) -> str:
    """A coordinate at one decimal, without a trailing `.0` and never `-0`: fixed bytes for golden files."""
    text = f"{round(value, 1):.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def xml_text(text: str) -> str:
    """Text for an SVG element's content; control characters XML forbids become spaces."""
    cleaned = "".join(c if c in "\t\n" or ord(c) >= 32 else " " for c in text)
    cleaned = "".join(
        c if not 0xD800 <= ord(c) <= 0xDFFF and c not in "\ufffe\uffff" else " " for c in cleaned
    )
    return escape(cleaned, {'"': "&quot;"})


def text_width(text: str, size: float) -> float:
    """A generous estimate of rendered width: no font metrics are available, so err towards overlap-free."""
    return len(text) * size * 0.6


def truncate(text: str, room: float, size: float) -> str:
    """`text` shortened with an ellipsis to fit `room` pixels; `""` when not even two characters fit."""
    if text_width(text, size) <= room:
        return text
    keep = int(room / (size * 0.6)) - 1
    return text[:keep].rstrip() + "…" if keep >= 2 else ""


def short_date(day: date) -> str:
    """`3 Dec 2026`: unambiguous in every locale, unlike `12/03`."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def svg_open(width: int, height: int, title: str, desc: str) -> list[str]:
    """The root element, the accessible name and description, and the shared style."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family={quoteattr(FONT)}>',
        f"<title>{xml_text(title)}</title>",
        f"<desc>{xml_text(desc)}</desc>",
        STYLE,
    ]


def svg_close(parts: list[str]) -> str:
    """The document's text: one element a line, ending in a newline."""
    return "\n".join([*parts, "</svg>"]) + "\n"


def message_svg(title: str, message: str, width: int = 720, height: int = 300) -> str:
    """A chart that has nothing to draw yet: the title and one centred line saying why."""
    width, height = max(width, 200), max(height, 120)
    parts = svg_open(width, height, title, message)
    parts.append(f'<text class="t" x="16" y="24">{xml_text(truncate(title, width - 32, 15))}</text>')
    parts.append(
        f'<text class="s" x="{num(width / 2)}" y="{num(height / 2)}" text-anchor="middle">'
        f"{xml_text(message)}</text>"
    )
    return svg_close(parts)


def nice_ticks(top: float, most: int = 5) -> list[int]:
    """Integer ticks from 0 past `top`, at a step of 1, 2 or 5 times a power of ten, at most `most`+1."""
    top = max(top, 1.0)
    step = 1
    while True:
        for factor in (1, 2, 5):
            size = step * factor
            count = math.ceil(top / size)
            if count <= most:
                return [i * size for i in range(count + 1)]
        step *= 10


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _date_ticks(start: date, end: date, room: float) -> list[tuple[date, str]]:
    """Ticks and labels for the span: days, weeks, months or years, the finest whose labels do not touch."""
    span = max((end - start).days, 1)
    candidates: list[tuple[str, int]] = [
        ("day", 1), ("day", 2), ("week", 1), ("week", 2),
        ("month", 1), ("month", 2), ("month", 3), ("month", 6), ("year", 1), ("year", 2), ("year", 5),
    ]  # fmt: skip
    for unit, step in candidates:
        ticks = _ticks_for(start, end, unit, step)
        label = 36.0 if unit in ("day", "week") else 58.0 if unit == "month" else 30.0
        spacing = room * _step_days(unit, step) / span
        if spacing >= label + 10 and len(ticks) <= 40:
            return ticks
    return _ticks_for(start, end, "year", max(1, (end.year - start.year) // 4 or 1))


def _step_days(unit: str, step: int) -> float:
    return {"day": 1.0, "week": 7.0, "month": 28.0, "year": 365.0}[unit] * step


def _ticks_for(start: date, end: date, unit: str, step: int) -> list[tuple[date, str]]:
    ticks: list[tuple[date, str]] = []
    if unit in ("day", "week"):
        day = start
        if unit == "week":
            day = start + timedelta(days=(7 - start.weekday()) % 7)  # Mondays
        while day <= end and len(ticks) <= 400:
            ticks.append((day, f"{day.day} {MONTHS[day.month - 1]}"))
            day += timedelta(days=step if unit == "day" else 7 * step)
        return ticks
    months = step * (12 if unit == "year" else 1)
    day = start if start.day == 1 else _add_months(start, 1)
    while (day.year * 12 + day.month - 1) % months:  # quarters start in Jan, Apr, Jul, Oct; years in Jan
        day = _add_months(day, 1)
    while day <= end and len(ticks) <= 400:
        ticks.append((day, str(day.year) if unit == "year" else f"{MONTHS[day.month - 1]} {day.year}"))
        day = _add_months(day, months)
    return ticks


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the picture, and how days and counts map onto it."""

    left: float
    top: float
    right: float
    bottom: float
    start: date
    span: int
    top_value: int

    def x(self, day: date) -> float:
        offset = min(max((day - self.start).days, 0), self.span)
        return self.left + (self.right - self.left) * offset / self.span

    def y(self, value: float) -> float:
        value = min(max(value, 0), self.top_value)
        return self.bottom - (self.bottom - self.top) * value / self.top_value


def _visible(points: Sequence[SeriesPoint], since: date | None) -> list[SeriesPoint]:
    """One point a day (the last given wins), sorted; before `since`, only the value carried into it."""
    by_day: dict[date, SeriesPoint] = {}
    for point in points:
        by_day[point.day] = point
    ordered = [by_day[day] for day in sorted(by_day)]
    if since is None:
        return ordered
    before = [p for p in ordered if p.day < since]
    after = [p for p in ordered if p.day >= since]
    if before and (not after or after[0].day > since):
        carried = before[-1]
        after.insert(0, SeriesPoint(since, carried.done, carried.total))
    return after


def _step_path(
    frame: _Frame, points: Sequence[SeriesPoint], end: date, field: str
) -> list[tuple[float, float]]:
    """The corners of a step line: each value holds until the next recorded day, the last until `end`."""
    corners: list[tuple[float, float]] = []
    for point in points:
        y = frame.y(point.done if field == "done" else point.total)
        x = frame.x(point.day)
        if corners and corners[-1][1] == y:
            continue  # the value holds: no corner here
        if corners:
            corners.append((x, corners[-1][1]))
        corners.append((x, y))
    last = frame.x(max(end, points[-1].day))
    if last > corners[-1][0]:
        corners.append((last, corners[-1][1]))
    return corners


def _path(corners: Sequence[tuple[float, float]]) -> str:
    """SVG path data through the corners, a corner that repeats the one before it left out."""
    text = [f"{num(x)},{num(y)}" for x, y in corners]
    kept = [t for i, t in enumerate(text) if i == 0 or t != text[i - 1]]
    return "M" + " L".join(kept)


def _summary(title: str, points: Sequence[SeriesPoint], milestones: Sequence[MilestoneMark]) -> str:
    last = points[-1]
    text = f"Burn-up of {title}: {last.done} of {last.total} tasks done on {short_date(last.day)}"
    text += f", since {short_date(points[0].day)}."
    dated = [m for m in milestones if m.due is not None or m.completed is not None]
    if dated:
        completed = sum(1 for m in dated if m.completed is not None)
        text += f" {completed} of {len(dated)} milestones completed."
    return text


FUTURE_DAYS = 42
"""How far past today the x axis may reach for upcoming due dates, at least: as far as the history
reaches back, and never less than six weeks. A due date beyond that (a two-year goal) is named in the
top-right corner instead of squeezing the recorded curve into a sliver at the left."""


def burnup_svg(
    title: str,
    points: Sequence[SeriesPoint],
    milestones: Sequence[MilestoneMark],
    today: date,
    since: date | None = None,
    width: int = 720,
    height: int = 300,
) -> str:
    """A burn-up chart: tasks done (green area) and total (blue line) as steps over time, as SVG text.

    The x axis runs from `since` (default: the first point) to the latest of the last point, `today` and
    any later milestone date, so upcoming due dates are in view. Milestone due dates are dashed lines with
    labels staggered over two rows (shortened, or left out, where they would overlap); completions are
    dots on the done line; `today` is a red line. No points gives a chart saying "No history yet".
    """
    width, height = max(width, 320), max(height, 180)
    ordered = _visible(points, since)
    if not ordered:
        return message_svg(title, "No history yet", width, height)
    start = ordered[0].day if since is None else since
    now = max(ordered[-1].day, today if today >= start else start)
    horizon = now + timedelta(days=max((now - start).days, FUTURE_DAYS))
    later = [d for m in milestones for d in (m.due, m.completed) if d is not None and start <= d <= horizon]
    beyond = sorted(
        (m for m in milestones if m.completed is None and m.due is not None and m.due > horizon),
        key=lambda m: (m.due or date.max, m.name),
    )
    end = max([now, *later])
    beyond_label = _beyond(beyond, width)
    if end <= start:
        end = start + timedelta(days=1)
    peak = max(max(p.total, p.done) for p in ordered)
    ticks = nice_ticks(peak)
    label_room = max(text_width(str(ticks[-1]), 11) + 14, 32)
    frame = _Frame(
        left=label_room, top=62, right=width - 20, bottom=height - 46,
        start=start, span=(end - start).days, top_value=ticks[-1],
    )  # fmt: skip
    parts = svg_open(width, height, title, _summary(title, ordered, milestones))
    title_room = width - 32 - (text_width(beyond_label, 11) + 16 if beyond_label else 0)
    parts.append(f'<text class="t" x="16" y="24">{xml_text(truncate(title, title_room, 15))}</text>')
    parts.extend(_axes(frame, ticks, end))
    hold = max(ordered[-1].day, min(today, end))
    done = _step_path(frame, ordered, hold, "done")
    base = frame.y(0)
    area = [(done[0][0], base), *done, (done[-1][0], base)]
    parts.append(f'<path d="{_path(area)} Z" fill="{DONE}" fill-opacity="0.22" stroke="none"/>')
    total = _step_path(frame, ordered, hold, "total")
    parts.append(f'<path d="{_path(total)}" fill="none" stroke="{TOTAL}" stroke-width="2"/>')
    parts.append(f'<path d="{_path(done)}" fill="none" stroke="{DONE}" stroke-width="2"/>')
    for line, colour in ((total, TOTAL), (done, DONE)):  # where each line stands now; a lone point shows too
        parts.append(f'<circle cx="{num(line[-1][0])}" cy="{num(line[-1][1])}" r="3" fill="{colour}"/>')
    marks = _milestones(frame, milestones, ordered, end)
    if beyond_label:
        parts.append(
            f'<text class="m" x="{num(width - 16)}" y="24" text-anchor="end">{xml_text(beyond_label)}</text>'
        )
    parts.extend(marks)
    shown = {"done", "total"}
    if any(part.startswith("<line") for part in marks):
        shown.add("milestone due")
    if any(part.startswith("<circle") for part in marks):  # marks holds only milestone elements
        shown.add("milestone completed")
    if start <= today <= end:
        shown.add("today")
        x = num(frame.x(today))
        parts.append(
            f'<line x1="{x}" y1="{num(frame.top)}" x2="{x}" y2="{num(frame.bottom)}" '
            f'stroke="{TODAY}" stroke-width="1.5"/>'
        )
        anchor = "end" if frame.x(today) > frame.right - 40 else "start"
        shift = -4 if anchor == "end" else 4
        parts.append(
            f'<text class="s" x="{num(frame.x(today) + shift)}" y="{num(frame.top + 12)}" '
            f'text-anchor="{anchor}" style="fill:{TODAY}">today</text>'
        )
    parts.extend(_legend(frame, height, width, shown))
    return svg_close(parts)


def _axes(frame: _Frame, ticks: Sequence[int], end: date) -> list[str]:
    parts: list[str] = []
    for value in ticks:
        y = num(frame.y(value))
        parts.append(f'<line class="g" x1="{num(frame.left)}" y1="{y}" x2="{num(frame.right)}" y2="{y}"/>')
        parts.append(
            f'<text class="s" x="{num(frame.left - 6)}" y="{num(frame.y(value) + 4)}" '
            f'text-anchor="end">{value}</text>'
        )
    bottom = num(frame.bottom)
    parts.append(
        f'<line class="a" x1="{num(frame.left)}" y1="{bottom}" x2="{num(frame.right)}" y2="{bottom}"/>'
    )
    for day, label in _date_ticks(frame.start, end, frame.right - frame.left):
        x = frame.x(day)
        parts.append(
            f'<line class="a" x1="{num(x)}" y1="{bottom}" x2="{num(x)}" y2="{num(frame.bottom + 4)}"/>'
        )
        half = text_width(label, 11) / 2
        centre = min(max(x, half + 2), frame.right + 18 - half)
        parts.append(
            f'<text class="s" x="{num(centre)}" y="{num(frame.bottom + 17)}" '
            f'text-anchor="middle">{xml_text(label)}</text>'
        )
    return parts


def _value_on(points: Sequence[SeriesPoint], day: date) -> int:
    """Tasks done as the chart shows them on `day`: the last point on or before it."""
    done = points[0].done
    for point in points:
        if point.day > day:
            break
        done = point.done
    return done


def _milestones(
    frame: _Frame, milestones: Sequence[MilestoneMark], points: Sequence[SeriesPoint], end: date
) -> list[str]:
    """Dashed due-date lines with labels in two staggered rows, then the completion dots on top."""
    parts: list[str] = []
    rows_end = [-math.inf, -math.inf]
    rows_y = (frame.top - 22, frame.top - 8)
    due = [(m.due, m) for m in milestones if m.due is not None and frame.start <= m.due <= end]
    due.sort(key=lambda pair: (pair[0], pair[1].name, pair[1].completed or date.min))
    picture_right = frame.right + 18
    for day, mark in due:
        x = frame.x(day)
        parts.append(
            f'<line x1="{num(x)}" y1="{num(frame.top - 4)}" x2="{num(x)}" y2="{num(frame.bottom)}" '
            f'stroke="{MILESTONE}" stroke-width="1.2" stroke-dasharray="4 3"/>'
        )
        name = ("✓ " if mark.completed is not None else "") + mark.name
        placed = max(((*_place(name, x, rows_end[row], picture_right), row) for row in (0, 1)), key=_longest)
        label, left_edge, anchor, at, row = placed
        if not label:
            continue
        rows_end[row] = left_edge + text_width(label, 11)
        parts.append(
            f'<text class="m" x="{num(at)}" y="{num(rows_y[row])}" text-anchor="{anchor}">'
            f"{xml_text(label)}</text>"
        )
    for mark in sorted(milestones, key=lambda m: (m.completed or date.min, m.name)):
        if mark.completed is None or not frame.start <= mark.completed <= end:
            continue
        cx, cy = frame.x(mark.completed), frame.y(_value_on(points, mark.completed))
        parts.append(
            f'<circle cx="{num(cx)}" cy="{num(cy)}" {DOT}>'
            f"<title>{xml_text(mark.name)} completed {short_date(mark.completed)}</title></circle>"
        )
    return parts


def _place(name: str, x: float, taken: float, right: float) -> tuple[str, float, str, float]:
    """A milestone label in a row already used up to `taken`: after its line, or before it near the edge.

    Returns the (possibly shortened, possibly empty) label, where its left edge falls, its anchor and its
    x. Labels are capped at 150 px so one long name cannot crowd out its neighbours.
    """
    after = x + 3
    if after >= taken + 6 and right - after >= 40:
        label = truncate(name, min(150.0, right - after), 11)
        return label, after, "start", after
    label = truncate(name, min(150.0, x - 3 - max(taken + 6, 2.0)), 11)
    return label, x - 3 - text_width(label, 11), "end", x - 3


def _beyond(beyond: Sequence[MilestoneMark], width: int) -> str:
    """`Long-term goals → due Nov 2028`: the first due date past the axis (and how many more)."""
    if not beyond or beyond[0].due is None:
        return ""
    first, due = beyond[0], beyond[0].due
    more = f" (+{len(beyond) - 1} later)" if len(beyond) > 1 else ""
    when = f" → due {MONTHS[due.month - 1]} {due.year}{more}"
    return truncate(first.name, max(60, width // 3), 11) + when


def _longest(placed: tuple[str, float, str, float, int]) -> tuple[int, int]:
    """The row whose label keeps most of the name; the upper row on a tie."""
    return len(placed[0]), -placed[4]


def _legend(frame: _Frame, height: int, width: int, shown: set[str]) -> list[str]:
    """Swatches under the x axis for what the chart draws, left to right while they fit the width."""
    y = height - 10
    x = frame.left
    parts: list[str] = []
    entries = [
        ("done", DONE, ""),
        ("total", TOTAL, ""),
        ("milestone due", MILESTONE, "4 3"),
        ("milestone completed", "", ""),
        ("today", TODAY, ""),
    ]
    for label, colour, dash in entries:
        if label not in shown:
            continue
        if x + 23 + text_width(label, 11) > width - 4:
            break
        if colour:
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{num(x)}" y1="{num(y - 4)}" x2="{num(x + 18)}" y2="{num(y - 4)}" '
                f'stroke="{colour}" stroke-width="2.5"{dashed}/>'
            )
        else:
            parts.append(f'<circle cx="{num(x + 9)}" cy="{num(y - 4)}" {DOT}/>')
        parts.append(f'<text class="s" x="{num(x + 23)}" y="{num(y)}">{label}</text>')
        x += 23 + text_width(label, 11) + 16
    return parts
