"""What moved in a review's period, and the Markdown the review's managed block holds. Pure.

Read from two sources, each for what only it knows:

- the notes as they are now: tasks done with a ✅ date in the period, open tasks whose 📅 due date is on
  or before the period's last day (overdue by the time the period ends), milestones whose `completed`
  date is in the period, and milestones not done yet that fall due in the next period;
- the progress history (`.vaultkit/history.jsonl`): each plan's done/total when the period began (the
  last point before it; for a plan whose history starts inside the period, its first point) and when it
  ended (the last point on or before its last day), and tasks done without a ✅ date: when a note's done
  count rose by more than its dated completions, the rest is listed as tasks done with no date.

A plan's history counts its milestones' tasks too, so a plan's own undated completions are its rise less
its milestones' rises: a task is never counted twice. The block never holds a checkbox (a review would
otherwise count the tasks it lists) nor a heading (the note's headings are the user's reflection sections).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vaultkit.history.store import History, Point
from vaultkit.markdown.patterns import PLACEHOLDER_RE, TAG_RE
from vaultkit.notes.progress import PlanProgress, milestone_done
from vaultkit.props.types import as_date
from vaultkit.review.period import Period
from vaultkit.rollup.render import RolledNote

__all__ = ["DatedNote", "DoneTask", "DueTask", "Moved", "PlanChange", "percent", "render_moved", "what_moved"]


@dataclass(frozen=True, slots=True)
class DoneTask:
    """A task done in the period (`day` its ✅ date), or (`line`, `text`, `day` None) `tasks` tasks of a
    note done in the period by its history, with no ✅ date to say which."""

    note: str
    line: int | None
    text: str | None
    day: dt.date | None
    tasks: int = 1

    def as_dict(self) -> dict[str, Any]:
        day = self.day.isoformat() if self.day else None
        return {"note": self.note, "line": self.line, "text": self.text, "day": day, "tasks": self.tasks}


@dataclass(frozen=True, slots=True)
class DueTask:
    """An open task due (📅) on or before the period's last day."""

    note: str
    line: int
    text: str
    due: dt.date

    def as_dict(self) -> dict[str, Any]:
        return {"note": self.note, "line": self.line, "text": self.text, "due": self.due.isoformat()}


@dataclass(frozen=True, slots=True)
class PlanChange:
    """A plan's recorded counts when the period began and when it ended."""

    plan: str
    before: Point
    after: Point

    @property
    def done_delta(self) -> int:
        return self.after.done - self.before.done

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan,
            "from": percent(self.before),
            "to": percent(self.after),
            "done_delta": self.done_delta,
        }


@dataclass(frozen=True, slots=True)
class DatedNote:
    """A milestone and the date that puts it in the review (its `completed` or its `due` date)."""

    note: str
    day: dt.date

    def as_dict(self, key: str) -> dict[str, Any]:
        return {"milestone": self.note, key: self.day.isoformat()}


@dataclass(frozen=True, slots=True)
class Moved:
    """Everything a review block shows, in the order it shows it."""

    period: Period
    completed: tuple[DoneTask, ...] = ()
    plans: tuple[PlanChange, ...] = ()
    milestones_completed: tuple[DatedNote, ...] = ()
    milestones_due: tuple[DatedNote, ...] = ()
    overdue: tuple[DueTask, ...] = ()

    @property
    def nothing(self) -> bool:
        """Whether nothing moved: no task done, no plan's progress changed, no milestone completed."""
        return not (self.completed or self.plans or self.milestones_completed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period.as_dict(),
            "completed": [item.as_dict() for item in self.completed],
            "plans": [item.as_dict() for item in self.plans],
            "milestones_completed": [item.as_dict("completed") for item in self.milestones_completed],
            "milestones_due": [item.as_dict("due") for item in self.milestones_due],
            "overdue": [item.as_dict() for item in self.overdue],
        }


def percent(point: Point) -> int | None:
    """A point's progress as the plan's `progress` property shows it (`percent_done`, the one rounding),
    so a review and the plan note agree; None when there are no tasks."""
    return point.progress


def _before_and_after(series: list[Point], period: Period) -> tuple[Point, Point] | None:
    """A note's points when the period began and ended (see the module docstring), or None."""
    before = [p for p in series if p.day < period.start]
    inside = [p for p in series if p.day in period]
    if not before and not inside:
        return None
    start = before[-1] if before else inside[0]
    return start, (inside[-1] if inside else start)


def _rise(history: History, path: str, period: Period) -> int:
    found = _before_and_after(history.series(path), period)
    return max(0, found[1].done - found[0].done) if found else 0


def what_moved(
    period: Period,
    notes: Iterable[RolledNote],
    plans: Mapping[str, PlanProgress],
    history: History,
    *,
    done_statuses: frozenset[str] = frozenset({"done", "complete", "completed"}),
    completed_key: str = "completed",
    due_key: str = "due",
) -> Moved:
    """What moved in `period`: from the notes (templates left out) and the history (module docstring)."""
    completed: list[DoneTask] = []
    overdue: list[DueTask] = []
    reached: list[DatedNote] = []
    due_next: list[DatedNote] = []
    dated: dict[str, int] = {}
    seen: set[str] = set()
    coming = period.next()
    for note in notes:
        if note.is_template:
            continue
        seen.add(note.path)
        for task in note.tasks:
            done_on = task.dates.get("done")
            if task.done and done_on is not None and done_on in period:
                completed.append(DoneTask(note.path, task.line, _listed(task.text), done_on))
                dated[note.path] = dated.get(note.path, 0) + 1
            elif task.open and task.due is not None and task.due <= period.end:
                overdue.append(DueTask(note.path, task.line, _listed(task.text), task.due))
        if note.type == "milestone":
            finished = as_date(note.properties.get(completed_key))
            due = as_date(note.properties.get(due_key))
            if finished is not None and finished in period:
                reached.append(DatedNote(note.path, finished))
            elif (
                due is not None
                and due in coming
                and not milestone_done(note.properties.get("status"), note.counts, done_statuses)
            ):
                due_next.append(DatedNote(note.path, due))
    changes: list[PlanChange] = []
    for path in sorted(plans):
        found = _before_and_after(history.series(path), period)
        if found is not None and found[0].value()[:2] != found[1].value()[:2]:
            changes.append(PlanChange(path, *found))
    for path in (p for p in history.paths() if p in seen):  # a deleted note's history is not news
        rise = _rise(history, path, period)
        if path in plans:
            rise -= sum(_rise(history, m, period) for m in plans[path].milestones)
        undated = rise - dated.get(path, 0)
        if undated > 0:
            completed.append(DoneTask(path, None, None, None, undated))
    completed.sort(key=lambda t: (t.day is None, t.day or dt.date.min, t.note, t.line or 0))
    overdue.sort(key=lambda t: (t.due, t.note, t.line))
    return Moved(
        period,
        tuple(completed),
        tuple(changes),
        tuple(sorted(reached, key=lambda m: (m.day, m.note))),
        tuple(sorted(due_next, key=lambda m: (m.day, m.note))),
        tuple(overdue),
    )


# A Tasks-plugin field at the end of a task's text (dates, priority, recurrence), or a tag there.
_END_FIELD_RE = re.compile(
    r"[ \t]+(?:(?:📅|📆|🗓|⏳|⌛|🛫|➕|✅|❌)\ufe0f? *\d{4}-\d{2}-\d{2}|(?:🔺|⏫|🔼|🔽|⏬)\ufe0f?"
    r"|🔁\ufe0f? *[a-zA-Z0-9, !]+|(?P<tag>#[^\s#]+))[ \t]*$"
)


def _without_fields(text: str) -> str:
    """A task's text without the Tasks-plugin fields at its end (the block shows the date that matters
    on its own), tags kept where they were."""
    tags: list[str] = []
    for _ in range(32):
        match = _END_FIELD_RE.search(text)
        if match is None:
            break
        if match.group("tag"):
            tags.insert(0, match.group("tag"))
        text = text[: match.start()]
    return " ".join([text, *tags]) if text else " ".join(tags)


def _listed(text: str) -> str:
    """A task's text as the block lists it: its end fields dropped, tags escaped and placeholders dropped
    (so the review neither takes the note's tags nor shows `check` an error of its own), never the start
    of a checkbox, a marker or an HTML comment (a `<!--` copied into the block could end it early)."""
    text = _without_fields(text or "")
    text = TAG_RE.sub(lambda m: "\\#" + m.group(1), PLACEHOLDER_RE.sub("…", text or "(no text)"))
    text = text.replace("<", "&lt;")
    return "\\" + text if text.startswith("[") else text


_NEXT = {"week": "next week", "month": "next month", "quarter": "next quarter"}
_THIS = {"week": "this week", "month": "this month", "quarter": "this quarter"}


def _percent(point: Point) -> str:
    value = percent(point)
    return "—" if value is None else f"{value}%"


def _tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def render_moved(moved: Moved, link: Callable[[str], str]) -> str:
    """The block's Markdown (lines joined by `\\n`, no final newline); `link(path)` is a note's link."""
    period = moved.period
    span = f"{period.start.isoformat()} – {period.end.isoformat()}"
    out: list[str] = []

    def section(title: str, lines: list[str]) -> None:
        if lines:
            out.extend([*([""] if out else []), f"**{title}**", "", *lines])

    if moved.nothing:
        out.append(f"Nothing moved {_THIS[period.kind]} ({span}): no task done, no progress recorded.")
    section(
        f"Completed ({sum(t.tasks for t in moved.completed)})",
        [
            f"- {t.text} · {link(t.note)} · ✅ {t.day.isoformat()}"
            if t.day is not None
            else f"- {link(t.note)}: {_tasks(t.tasks)} done (no ✅ date; from the history)"
            for t in moved.completed
        ],
    )
    section(
        "Progress",
        [
            f"- {link(c.plan)} {_percent(c.before)} → {_percent(c.after)} ({c.done_delta:+d} "
            f"{'task' if abs(c.done_delta) == 1 else 'tasks'}; {c.after.done}/{c.after.total})"
            for c in moved.plans
        ],
    )
    section(
        "Milestones completed",
        [f"- {link(m.note)} · {m.day.isoformat()}" for m in moved.milestones_completed],
    )
    coming = period.next()
    section(
        f"Milestones due {_NEXT[period.kind]} ({coming.start.isoformat()} – {coming.end.isoformat()})",
        [f"- {link(m.note)} · 📅 {m.day.isoformat()}" for m in moved.milestones_due],
    )
    section(
        f"Overdue (open, due by {period.end.isoformat()})",
        [f"- {t.text} · {link(t.note)} · 📅 {t.due.isoformat()}" for t in moved.overdue],
    )
    return "\n".join(out)
