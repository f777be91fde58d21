"""Rendering of managed blocks: the Markdown each block kind holds. Pure.

`summary` finds the blocks and splices them; this module only turns vault data into text. Output is
plain Markdown that reads well as text too: tables with text progress bars (`▰▰▰▰▰▰▱▱▱▱ 60%`), nested
lists, `[[links]]`. It is deterministic (every sort has a final tie-break on the path, no timestamps) and
never contains a checkbox, so a summary never counts the tasks it lists.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from vaultkit.history.chart import SeriesPoint
from vaultkit.history.sparkline import progress_sparkline
from vaultkit.markdown.patterns import PLACEHOLDER_RE, TAG_RE
from vaultkit.notes.links import linked_targets, parse_link_target
from vaultkit.notes.progress import NoteFacts, PlanProgress, milestone_done, progress_bar
from vaultkit.notes.tasks import Task, TaskCounts
from vaultkit.props.types import as_date

__all__ = ["BlockRenderer", "RolledNote", "RowCache", "SummaryData", "first_open_due", "render_block"]

_DATE_IN_NAME_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LINK_UNSAFE_RE = re.compile(r"[\[\]|#^]+")
#: What copied text is cut into: code spans (kept as they are), wikilinks, Markdown links, and the rest.
_COPIED_RE = re.compile(
    r"(?P<code>(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`))"
    r"|(?P<wiki>!?\[\[[^\[\]\n]*\]\])|(?P<md>!?\[(?P<label>[^\]\n]*)\]\([^)\n]*\))"
)
_URL_RE = re.compile(r"!?\[[^\]\n]*\]\((?:[a-z][a-z0-9+.-]*:|<?[a-z][a-z0-9+.-]*:)", re.IGNORECASE)


# ---------------------------------------------------------------------------------------------- data


class RolledNote(NoteFacts, Protocol):
    """What rollup and its dashboards read of a note: plan progress's facts, its title and tasks, and
    whether it may be edited (a `NoteRecord`, rollup's `NoteView` and its stand-ins have it)."""

    @property
    def title(self) -> str: ...
    @property
    def tasks(self) -> tuple[Task, ...]: ...
    @property
    def editable(self) -> bool: ...
    @property
    def is_template(self) -> bool: ...


OpenDues = Callable[[Sequence[RolledNote]], Mapping[str, dt.date | None]]
RowCache = MutableMapping[tuple[str, str, str, str], tuple[object, str]]
"""Rendered table rows by (block kind, source note, row note, table shape): each with the fingerprint of
everything the row was rendered from, and its line. One entry per row, replaced when the row changes."""
"""The earliest 📅 due date of each given note's open tasks (None: none has one), all at once."""


@dataclass(frozen=True, slots=True)
class SummaryData:
    """Everything blocks are rendered from: the notes (templates left out), plan progress, link resolution.

    `open_dues` lets an open-tasks block order notes without reading their tasks (rollup answers from the
    vault index); without it the dates come from each note's tasks, which is the reference.
    """

    notes: Mapping[str, RolledNote]
    plans: Mapping[str, PlanProgress]
    resolve: Callable[[str, str], str | None]
    done_statuses: frozenset[str] = frozenset({"done", "complete", "completed"})
    bar_width: int = 10
    journal_limit: int = 10
    open_tasks_limit: int = 15
    due_key: str = "due"
    date_key: str = "date"
    open_dues: OpenDues | None = None
    ambiguous: Callable[[str, str], bool] | None = None
    """Whether a bare name, linked from a note, could mean several notes (`check` warns of such links)."""
    today: dt.date | None = None
    """The day the plans table's trend ends on (rollup's `today`)."""
    history: Callable[[str], Sequence[SeriesPoint] | None] | None = None
    """A note's recorded done/total (`vaultkit.history`), for the plans table's trend; None (or a None
    answer: the history could not be read): no history, and the trend column stays empty."""
    renderers: Mapping[str, BlockRenderer] = field(default_factory=dict)
    """Block kinds rendered elsewhere (`chart`, `skills`: `rollup.charts`, which also writes their SVG
    files), by kind."""
    rows: RowCache | None = None
    """Table rows rendered by an earlier run, kept by a caller that renders the same tables again and
    again (the watcher: a dashboard's `plans` and `milestones` tables hold a row per plan and per
    milestone, and a round changes one or two of them). A row is reused only when every value it is
    rendered from is the same; the caller must drop the rows whenever link resolution may have changed
    (a note added, removed, moved or retitled), since a row's links depend on it."""


BlockRenderer = Callable[[Mapping[str, str], SummaryData, str, str], list[str]]
"""Renders one block: (its arguments, the data, the path of the note holding it, that note's body) to
its lines."""


# ---------------------------------------------------------------------------------------------- rendering


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split()) or "—"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(headers: list[str], rows: list[str]) -> list[str]:
    """A table of rows already joined by `_row`."""
    return ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers), *rows]


def _reused(data: SummaryData, key: tuple[str, str, str, str], seen: object) -> str | None:
    """The row `data.rows` holds under `key`, if it was rendered from the same values `seen`."""
    found = data.rows.get(key) if data.rows is not None else None
    return found[1] if found is not None and found[0] == seen else None


def _kept(data: SummaryData, key: tuple[str, str, str, str], seen: object, cells: list[str]) -> str:
    """The row of `cells`, kept in `data.rows` (when there is one) with the values it was rendered from."""
    line = _row(cells)
    if data.rows is not None:
        data.rows[key] = (seen, line)
    return line


def _sort_name(note: RolledNote) -> tuple[str, str]:
    return (note.title.casefold(), note.path)


def _exact(data: SummaryData, name: str, path: str, source: str) -> bool:
    """Whether `[[name]]` in `source` means the note at `path` and nothing else, placeholder-free: a
    dashboard link `check` would warn about (ambiguous, or an unrendered `{{title}}`) is vaultkit's fault."""
    if PLACEHOLDER_RE.search(name) or data.resolve(name, source) != path:
        return False
    return data.ambiguous is None or not data.ambiguous(name, source)


def _alias(text: str) -> str:
    """Text shown for a link: nothing that ends the link or reads as a placeholder."""
    return " ".join(
        PLACEHOLDER_RE.sub("…", text).replace("[", "(").replace("]", ")").replace("|", "/").split()
    )


def _link(data: SummaryData, path: str, source: str, heading: str | None = None) -> str:
    """`[[Name]]`, or `[[folder/Name]]` when the bare name would resolve elsewhere from `source`, could
    mean several notes, or holds a placeholder (with the title as alias where it is not the file name)."""
    note = data.notes.get(path)
    name = note.title if note is not None else path.rsplit("/", 1)[-1].removesuffix(".md")
    alias = ""
    if not _exact(data, name, path, source):
        alias = _alias(name)
        name = path.removesuffix(".md")
        if alias == name.rsplit("/", 1)[-1] or "…" in alias:  # the path says it: `[[Plans/Growth]]`
            alias = ""
    if heading:
        clean = " ".join(_LINK_UNSAFE_RE.sub(" ", heading).split())
        if clean:
            name = f"{name}#{clean}"
    return f"[[{name}|{alias}]]" if alias else f"[[{name}]]"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _bar(data: SummaryData, counts: TaskCounts) -> str:
    return progress_bar(counts.progress, data.bar_width)


def _fraction(counts: TaskCounts) -> str:
    return f"{counts.done}/{counts.total}"


def _due_key(data: SummaryData, note: RolledNote) -> tuple[int, dt.date, str, str]:
    due = as_date(note.properties.get(data.due_key))
    return (due is None, due or dt.date.min, *_sort_name(note))


def _resolve_plan(data: SummaryData, args: Mapping[str, str], source: str) -> tuple[str | None, str]:
    """(plan path, message when the `plan` argument does not name a plan)."""
    value = args.get("plan") or ""
    target = linked_targets(value)[0]
    path = data.resolve(target, source)
    if path is None or path not in data.notes:
        return None, f"No note [[{target}]] in this vault."
    if path not in data.plans:
        return None, f"{_link(data, path, source)} is not a plan (it has no `type: plan`)."
    return path, ""


def _render_plans(data: SummaryData, source: str) -> list[str]:
    rows = []
    for path in sorted(data.plans, key=lambda p: _sort_name(data.notes[p])):
        plan = data.plans[path]
        note = data.notes[path]
        pending = [
            data.notes[m]
            for m in plan.milestones
            if not milestone_done(
                data.notes[m].properties.get("status"), data.notes[m].counts, data.done_statuses
            )
        ]
        first = min(pending, key=lambda n: _due_key(data, n)) if pending else None
        due = as_date(first.properties.get(data.due_key)) if first is not None else None
        recorded = data.history(path) if data.history is not None else None
        seen = (
            note.title,
            _text(note.properties.get("status")),
            plan,
            (first.path, first.title, due) if first is not None else None,
            tuple(recorded) if recorded is not None else None,
            data.today,
        )
        key = ("plans", source, path, "")
        line = _reused(data, key, seen)
        if line is None:
            upcoming = "—"
            if first is not None:
                upcoming = _link(data, first.path, source) + (f" ({due.isoformat()})" if due else "")
            cells = [
                _link(data, path, source),
                _text(note.properties.get("status")),
                _bar(data, plan.counts),
                _trend(data, path, plan.counts, recorded),
                _fraction(plan.counts),
                f"{plan.milestones_done}/{plan.milestones_total}",
                upcoming,
            ]
            line = _kept(data, key, seen, cells)
        rows.append(line)
    if not rows:
        return ["No plans yet (a plan is a note with `type: plan`)."]
    return _table(["Plan", "Status", "Progress", "Trend", "Tasks", "Milestones", "Next milestone"], rows)


def _trend(data: SummaryData, path: str, counts: TaskCounts, recorded: Sequence[SeriesPoint] | None) -> str:
    """The plan's progress over the last 8 weeks as a sparkline (`▁▂▄▅▇`): its recorded history, with its
    counts now as today's point where they differ from the last one recorded. That is exactly the point
    this rollup records, so the next rollup draws the same line, and an unchanged plan adds no bar from
    one day to the next. Empty without a history (`recorded`, `data.history`'s answer for the plan)."""
    if recorded is None:
        return ""
    today = data.today or dt.date.today()
    points = list(recorded)
    if not points or (points[-1].done, points[-1].total) != (counts.done, counts.total):
        points.append(SeriesPoint(today, counts.done, counts.total))
    if not any(point.total for point in points):
        return ""  # no tasks, ever: nothing to trend, as the progress column shows no bar
    return progress_sparkline(points, days=56, today=today)


def _render_milestones(data: SummaryData, args: Mapping[str, str], source: str) -> list[str]:
    headers = ["Milestone", "Plan", "Due", "Status", "Progress", "Tasks"]
    if args.get("plan") is not None:
        plan_path, message = _resolve_plan(data, args, source)
        if plan_path is None:
            return [message]
        members = [data.notes[m] for m in data.plans[plan_path].milestones]
        headers.remove("Plan")
    else:
        members = [n for n in data.notes.values() if n.type == "milestone"]
    rows = []
    shape = "plan" if "Plan" in headers else ""
    for note in sorted(members, key=lambda n: _due_key(data, n)):
        plans: list[str] = []
        if shape:
            targets = [data.resolve(t, note.path) for t in linked_targets(note.properties.get("plan"))]
            plans = list(dict.fromkeys(p for p in targets if p is not None and p in data.plans))
        due = note.properties.get(data.due_key)
        seen = (
            note.title,
            _text(due) if as_date(due) is None else as_date(due),
            _text(note.properties.get("status")),
            note.counts,
            tuple((p, data.notes[p].title) for p in plans),
        )
        key = ("milestones", source, note.path, shape)
        line = _reused(data, key, seen)
        if line is None:
            due_date = as_date(due)
            cells = [
                _link(data, note.path, source),
                due_date.isoformat() if due_date else _text(due),
                _text(note.properties.get("status")),
                _bar(data, note.counts),
                _fraction(note.counts),
            ]
            if shape:
                cells.insert(1, ", ".join(_link(data, p, source) for p in plans))
            line = _kept(data, key, seen, cells)
        rows.append(line)
    if not rows:
        return ["No milestones yet (a milestone is a note with `type: milestone` and a `plan` link)."]
    return _table(headers, rows)


def _plain(text: str) -> str:
    """Copied prose that `check` finds nothing in: placeholders dropped (`…`), `#tags` escaped (`\\#tag`),
    so a dashboard neither shows an error of its own nor adds its notes' tags to the dashboard note."""
    return TAG_RE.sub(lambda m: "\\#" + m.group(1), PLACEHOLDER_RE.sub("…", text))


def _copied_link(data: SummaryData, raw: str, note: str, source: str) -> str:
    """A wikilink from `note`'s text, re-aimed for `source`: at the note it meant where it was written, by
    its path when the bare name is not exact from `source`; plain text when it points nowhere."""
    target, heading, alias = parse_link_target(raw.removeprefix("!")[2:-2])
    path = data.resolve(target, note) if target else note
    shown = alias or (target if target else heading or "")
    if path is None or PLACEHOLDER_RE.search(raw.split("|", 1)[0]):
        return _plain(shown)
    name = target or path.removesuffix(".md")
    if not target or not _exact(data, target, path, source):
        name = path.removesuffix(".md")
        alias = alias or target or heading
    if heading:
        name = f"{name}#{heading}"
    return f"[[{name}|{_alias(alias)}]]" if alias else f"[[{name}]]"


def _task_text(data: SummaryData, task: Task, note: str, source: str) -> str:
    """A task's text as a dashboard lists it: links re-aimed (`_copied_link`), links to files by relative
    path and placeholders and tags made plain (`_plain`); code spans as they are."""
    text = task.text or "(no text)"
    out: list[str] = []
    position = 0
    for match in _COPIED_RE.finditer(text):
        out.append(_plain(text[position : match.start()]))
        if match.group("code"):
            out.append(match.group(0))
        elif match.group("wiki"):
            out.append(_copied_link(data, match.group("wiki"), note, source))
        elif _URL_RE.match(match.group(0)):
            out.append(PLACEHOLDER_RE.sub("…", match.group(0)))
        else:
            out.append(_plain(match.group("label")))
        position = match.end()
    out.append(_plain(text[position:]))
    copied = "".join(out)
    return "\\" + copied if copied.startswith("[") else copied  # never let a listed task become a checkbox


def first_open_due(tasks: Iterable[Task]) -> dt.date | None:
    """The earliest 📅 due date of the open tasks: where a note stands in an open-tasks block."""
    return min((t.due for t in tasks if t.open and t.due is not None), default=None)


def _open_task_notes(data: SummaryData, args: Mapping[str, str], source: str) -> list[RolledNote] | str:
    """The notes an open-tasks block draws from (those with open tasks), or why there are none to draw."""
    notes: Iterable[RolledNote] = data.notes.values()
    if args.get("plan") is not None:
        plan_path, message = _resolve_plan(data, args, source)
        if plan_path is None:
            return message
        wanted = {plan_path, *data.plans[plan_path].milestones}
        notes = (n for n in notes if n.path in wanted)
    return [n for n in notes if n.counts.open]


def _more_line(tasks: int, notes: int, limit: int) -> str:
    """The last line of a cut open-tasks block: how much it leaves out, and why."""
    task_word = "task" if tasks == 1 else "tasks"
    note_word = "note" if notes == 1 else "notes"
    return f"… and {tasks} more open {task_word} in {notes} {note_word} not shown (limit={limit})."


def _render_open_tasks(data: SummaryData, args: Mapping[str, str], source: str) -> list[str]:
    """At most `limit` open tasks: notes by their soonest due task, then each note's tasks by due date,
    under their note's link once (a link on every line made Home hard to read).

    Only the notes shown are asked for their tasks (a large vault holds hundreds of thousands): the order
    of notes needs each note's earliest due date alone (`data.open_dues`), and a bounded heap keeps the
    first `limit` notes, which always hold the first `limit` tasks. Task counts say what is left out.
    """
    notes = _open_task_notes(data, args, source)
    if isinstance(notes, str):
        return [notes]
    if not notes:
        return ["No open tasks."]
    limit = int(args.get("limit") or data.open_tasks_limit)
    dues = data.open_dues(notes) if data.open_dues is not None else {}

    def order(note: RolledNote) -> tuple[bool, dt.date, str, str]:
        due = dues[note.path] if data.open_dues is not None else first_open_due(note.tasks)
        return (due is None, due or dt.date.min, *_sort_name(note))

    out: list[str] = []
    shown = whole = 0
    for note in heapq.nsmallest(limit, notes, key=order):
        tasks = sorted(
            (t for t in note.tasks if t.open), key=lambda t: (t.due is None, t.due or dt.date.min, t.line)
        )
        out.append(f"- {_link(data, note.path, source)}")
        out += [f"  - {_task_text(data, task, note.path, source)}" for task in tasks[: limit - shown]]
        whole += len(tasks) <= limit - shown
        shown += min(len(tasks), limit - shown)
        if shown >= limit:
            break
    left = sum(n.counts.open for n in notes) - shown
    if left > 0:
        out += ["", _more_line(left, len(notes) - whole, limit)]
    return out


def _journal_date(data: SummaryData, note: RolledNote) -> dt.date | None:
    found = as_date(note.properties.get(data.date_key))
    if found is None:
        match = _DATE_IN_NAME_RE.search(note.title)
        if match:
            found = as_date(match.group(0))
    return found


def _render_journal(data: SummaryData, args: Mapping[str, str], source: str) -> list[str]:
    limit = int(args.get("limit") or data.journal_limit)
    entries = [(_journal_date(data, n), n) for n in data.notes.values() if n.type == "journal"]
    entries.sort(key=lambda e: (e[0] is not None, e[0] or dt.date.min, e[1].path), reverse=True)
    rows = [
        _row(
            [
                _link(data, note.path, source),
                day.isoformat() if day else "",
                _bar(data, note.counts),
                _fraction(note.counts),
            ]
        )
        for day, note in entries[:limit]
    ]
    if not rows:
        return ["No journal entries yet (a journal entry is a note with `type: journal`)."]
    return _table(["Entry", "Date", "Progress", "Tasks"], rows)


def render_block(kind: str, args: Mapping[str, str], data: SummaryData, source: str, body: str = "") -> str:
    """The Markdown a block should hold (without the markers), lines joined by `\\n`, no final newline.

    `source` is the vault-relative path of the note holding the block (links resolve from there), `body`
    its body (a `skills` block draws the note's own capability table).
    """
    if kind == "plans":
        lines = _render_plans(data, source)
    elif kind == "milestones":
        lines = _render_milestones(data, args, source)
    elif kind == "open-tasks":
        lines = _render_open_tasks(data, args, source)
    elif kind == "journal":
        lines = _render_journal(data, args, source)
    elif kind in data.renderers:
        lines = data.renderers[kind](args, data, source, body)
    elif kind in ("chart", "skills"):
        lines = [f"A {kind} block is drawn by `vaultkit rollup`, which writes its picture into Charts/."]
    else:
        raise ValueError(f"unknown block kind {kind!r}")
    return "\n".join(lines)
