"""Tasks as Obsidian and the Tasks plugin understand them: statuses, fields, counts. Pure.

A task's status is the one character between the brackets. What counts as done differs between tools
(Obsidian core: anything not blank; Dataview: x/X only); vaultkit's default is x/X done, `-` cancelled
(left out of the total), everything else open, and a vault can change that in `.vaultkit/config.toml`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields

from vaultkit.markdown.patterns import ISO_DATE

__all__ = ["TASK_ROW_STATE", "Task", "TaskCounts", "TaskStatuses", "parse_task_fields", "percent_done"]


@dataclass(frozen=True, slots=True)
class TaskStatuses:
    """Which status characters mean done and cancelled; every other character is open."""

    done: frozenset[str] = frozenset("xX")
    cancelled: frozenset[str] = frozenset("-")

    def classify(self, char: str) -> str:
        if char in self.done:
            return "done"
        if char in self.cancelled:
            return "cancelled"
        return "open"


DEFAULT_STATUSES = TaskStatuses()

PRIORITIES = {"🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low", "⏬": "lowest"}
_DATE_EMOJI = {
    "📅": "due",
    "📆": "due",
    "🗓": "due",
    "⏳": "scheduled",
    "⌛": "scheduled",
    "🛫": "start",
    "➕": "created",
    "✅": "done",
    "❌": "cancelled",
}
# One Tasks-plugin field at the very end of the text (the plugin reads fields backwards from the end of
# the line; only tags and a block id may follow them). Searched in a short tail, so long lines stay fast.
_END_FIELD_RE = re.compile(
    r"(?:^|[ \t]+)(?:"
    r"(?P<date_emoji>📅|📆|🗓|⏳|⌛|🛫|➕|✅|❌)\ufe0f? *(?P<date>" + ISO_DATE + ")"
    r"|(?P<priority>🔺|⏫|🔼|🔽|⏬)\ufe0f?"
    r"|🔁\ufe0f? *[a-zA-Z0-9, !]+"
    r"|🏁\ufe0f? *[a-zA-Z]+"
    r"|⛔\ufe0f? *[a-zA-Z0-9_-]+(?: *, *[a-zA-Z0-9_-]+)*"
    r"|🆔\ufe0f? *[a-zA-Z0-9_-]+"
    r"|(?P<tag>#[^\s#]+)"
    r"|\^[a-zA-Z0-9-]+"
    r")[ \t]*$"
)
_TAIL = 200
#: Task date fields, in the order `Task.dates` lists them.
DATE_FIELDS = ("created", "scheduled", "start", "due", "done", "cancelled")
_DATAVIEW_RE = re.compile(
    r"[\[(](due|scheduled|start|created|completion|cancelled|priority)::[ \t]*([^\])\n]*)[\])]"
)
_DATAVIEW_DATES = {
    "due": "due",
    "scheduled": "scheduled",
    "start": "start",
    "created": "created",
    "completion": "done",
    "cancelled": "cancelled",
}


@dataclass(frozen=True, slots=True)
class Task:
    """One checkbox item.

    `line` is 1-based in the whole file. `level` is the list nesting depth (0 = top level) and
    `parent` the line of the closest enclosing task, if any. `heading` is the path of headings above
    the task, outermost first.
    """

    line: int
    status: str
    state: str  # "done" | "open" | "cancelled"
    text: str
    level: int = 0
    parent: int | None = None
    heading: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    dates: dict[str, dt.date] = field(default_factory=dict)
    priority: str | None = None

    @property
    def done(self) -> bool:
        return self.state == "done"

    @property
    def cancelled(self) -> bool:
        return self.state == "cancelled"

    @property
    def open(self) -> bool:
        return self.state == "open"

    @property
    def due(self) -> dt.date | None:
        return self.dates.get("due")

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "status": self.status,
            "done": self.done,
            "cancelled": self.cancelled,
            "text": self.text,
            "level": self.level,
            "parent": self.parent,
            "heading": list(self.heading),
            "tags": list(self.tags),
            "dates": {k: v.isoformat() for k, v in self.dates.items()},
            "priority": self.priority,
        }


def parse_task_fields(text: str) -> tuple[dict[str, dt.date], str | None]:
    """Tasks-plugin dates and priority in a task's text: emoji fields at its end, Dataview fields anywhere.

    `Call Bob 📅 2026-12-01 #work` has a due date; `Move 📅 2026-12-01 to Friday` does not (the Tasks
    plugin only reads fields at the end). Dataview's `[due:: 2026-12-01]` / `(due:: …)` count wherever
    they are; an emoji field wins over the same Dataview field.
    """
    dates: dict[str, dt.date] = {}
    priority: str | None = None
    rest = text.rstrip()
    for _ in range(32):
        tail = rest[-_TAIL:]
        match = _END_FIELD_RE.search(tail)
        if match is None:
            break
        if match.group("date_emoji"):
            day = _to_date(match.group("date"))
            if day is not None:
                dates.setdefault(_DATE_EMOJI[match.group("date_emoji")], day)
        elif match.group("priority") and priority is None:
            priority = PRIORITIES[match.group("priority")]
        rest = rest[: len(rest) - len(tail) + match.start()]
    if "::" in text:
        for name, raw in _DATAVIEW_RE.findall(text):
            value = raw.strip()
            if name == "priority":
                priority = priority or value.lower() or None
            else:
                day = _to_date(value[:10])
                if day is not None:
                    dates.setdefault(_DATAVIEW_DATES[name], day)
    return {name: dates[name] for name in DATE_FIELDS if name in dates}, priority


def _to_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class TaskCounts:
    """done + open = total; cancelled tasks are counted apart and left out of the total."""

    done: int = 0
    open: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open

    @property
    def progress(self) -> int | None:
        """Integer percent done, or None when there is nothing to do."""
        return percent_done(self.done, self.total)

    def __add__(self, other: TaskCounts) -> TaskCounts:
        return TaskCounts(self.done + other.done, self.open + other.open, self.cancelled + other.cancelled)

    @classmethod
    def of(cls, tasks: list[Task] | tuple[Task, ...]) -> TaskCounts:
        done = sum(1 for t in tasks if t.state == "done")
        cancelled = sum(1 for t in tasks if t.state == "cancelled")
        return cls(done, len(tasks) - done - cancelled, cancelled)

    def as_dict(self) -> dict[str, int]:
        return {"done": self.done, "open": self.open, "cancelled": self.cancelled, "total": self.total}


def percent_done(done: int, total: int) -> int | None:
    """`done` of `total` as a whole percent, halves rounded up (3 of 7 is 43, 1 of 8 is 13), or None when
    `total` is 0.

    The one rounding of progress in vaultkit: the `progress` property, the history, the burn-up's summary,
    the trend sparklines and reviews all call this, so a plan never reads 42% in one place and 43% in
    another. Integers only (Python's round() goes to even, 12.5 -> 12, and floats drift at the halves).
    """
    if total <= 0:
        return None
    return (200 * done + total) // (2 * total)


#: Where `state` stands in a task row (a tuple of `Task`'s fields in order, `Task(*row)`), as the index
#: and the fast scanner keep tasks: derived from the class, so a new field cannot shift it unnoticed.
TASK_ROW_STATE = [f.name for f in fields(Task)].index("state")
