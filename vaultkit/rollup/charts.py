"""Charts in the vault: the burn-up of a plan and a career ladder's skills, as SVG files beside the notes.

The pictures themselves are drawn by `vaultkit.history` (pure); this module decides what they show and
where they go. A plan's burn-up shows its recorded history (`.vaultkit/history.jsonl`) with today's counts
as the last point: the point this rollup records, so the chart a rollup writes is the chart the next
rollup would write (an idle rollup writes nothing). Milestones are marked on their `due` date and on the
day they completed (their `completed` property, or the first recorded day they stood at 100%).

Where: `Charts/<title>.svg` in the vault (`Charts/<title> skills.svg` for a ladder's skills), the title
made a safe file name (`chart_file_name`), two plans of the same title told apart by a number. A chart is
written atomically and only when its bytes change; the `Charts` folder and the file must be real (a link
could take the write outside the vault), and nothing is ever written outside the vault but to a path the
user named (`vaultkit chart --out`).
"""

from __future__ import annotations

import datetime as dt
import re
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit.errors import NoteError, UnsafePathError
from vaultkit.fileio import atomic_write, read_regular
from vaultkit.history.chart import MilestoneMark, SeriesPoint, burnup_svg
from vaultkit.history.skills import parse_capability_table, skills_svg
from vaultkit.history.store import History, follow_history
from vaultkit.notes.links import linked_targets
from vaultkit.notes.progress import PlanProgress
from vaultkit.props.types import as_date
from vaultkit.rollup.render import RolledNote, SummaryData

__all__ = [
    "CHARTS_FOLDER",
    "ChartFiles",
    "PlanChart",
    "chart_file_name",
    "charts_for",
    "embed",
    "plan_chart",
    "plan_chart_paths",
    "read_history",
    "recorded_series",
    "skills_chart_path",
    "write_chart",
    "write_file",
]

CHARTS_FOLDER = "Charts"
"""The vault folder charts are written to."""

CHART_LIMIT = 16 << 20
"""The most of an existing chart file vaultkit reads to compare it with the new one."""

_UNSAFE = re.compile(r'[*"<>:|?#^\[\]/\\\x00-\x1f\x7f]')
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")


def chart_file_name(title: str) -> str:
    """`title` as a file name for a chart (no folder, no suffix): never a path, never empty.

    Unlike a note title typed for `vaultkit new` (refused when it looks like a path), a chart is named
    after a note that already exists, so its title is cleaned rather than refused: separators and the
    characters Obsidian cannot use in a link become `-`, leading dots go (`../../x` is `-..-x`, a plain
    name), and the name is cut to 120 characters.
    """
    name = " ".join(_UNSAFE.sub("-", title).split()).lstrip(".").strip()
    name = name[:120].rstrip(" .")
    if not name.strip("-"):
        name = "chart"
    if _RESERVED.fullmatch(name):
        name += "_"
    return name


def embed(path: str) -> str:
    """The line that shows a chart in a note: `![[Charts/Senior PDP.svg]]`."""
    return f"![[{path}]]"


def plan_chart_paths(notes: Mapping[str, RolledNote], plans: Mapping[str, PlanProgress]) -> dict[str, str]:
    """The vault-relative chart file of every plan: `Charts/<title>.svg`; plans of the same title (in
    path order) after the first get ` 2`, ` 3`, so no two plans ever write the same file."""
    taken: set[str] = set()
    paths: dict[str, str] = {}
    for plan in sorted(plans):
        note = notes.get(plan)
        base = chart_file_name(note.title if note is not None else Path(plan).stem)
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            name = f"{base} {number}"
        taken.add(name.casefold())
        paths[plan] = f"{CHARTS_FOLDER}/{name}.svg"
    return paths


def skills_chart_path(title: str) -> str:
    return f"{CHARTS_FOLDER}/{chart_file_name(title)} skills.svg"


def recorded_series(history: History | None, path: str) -> list[SeriesPoint]:
    """A note's recorded done/total, one point a day; [] without a history."""
    if history is None:
        return []
    return [SeriesPoint(p.day, p.done, p.total) for p in history.series(path)]


def _completed_on(
    note: RolledNote, history: History | None, completed_key: str, today: dt.date
) -> dt.date | None:
    """When a milestone completed: its `completed` property, else the first recorded day it stood at
    100% (and is still done now), else None."""
    written = as_date(note.properties.get(completed_key))
    if written is not None:
        return written
    counts = note.counts
    if not counts.total or counts.done < counts.total:
        return None
    series = [*recorded_series(history, note.path), SeriesPoint(today, counts.done, counts.total)]
    finished = None
    for point in sorted(series, key=lambda p: p.day):
        complete = bool(point.total) and point.done == point.total
        finished = (finished or point.day) if complete else None  # reopened: a later day counts
    return finished


def _value(point: SeriesPoint) -> tuple[int, int]:
    return (point.done, point.total)


@dataclass(frozen=True, slots=True)
class PlanChart:
    """One plan's burn-up: the plan, where its chart goes, the SVG text, and whether any history was
    recorded for it (without, the chart says "No history yet")."""

    plan: str
    title: str
    path: str
    svg: str
    recorded: bool


def plan_chart(
    plan: str,
    notes: Mapping[str, RolledNote],
    plans: Mapping[str, PlanProgress],
    history: History | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    due_key: str = "due",
    completed_key: str = "completed",
    path: str = "",
    include_today: bool = True,
) -> PlanChart:
    """The burn-up of `plan`: its recorded series, with its counts now as today's point where they differ
    from the last recorded (the point a rollup records today; the chart holds the last value until today
    anyway, so an unchanged plan's chart differs from day to day only by its today line).

    `include_today=False` leaves today's point out when nothing was recorded for the plan, so a plan never
    recorded gets the "No history yet" chart (`vaultkit chart` says so and how to start a history).
    """
    progress = plans[plan]
    note = notes[plan]
    recorded = recorded_series(history, plan)
    points = list(recorded)
    now = SeriesPoint(today, progress.counts.done, progress.counts.total)
    if (include_today and not recorded) or (recorded and (now.done, now.total) != _value(recorded[-1])):
        points.append(now)  # what this rollup records: only a change
    marks = [
        MilestoneMark(
            notes[m].title,
            as_date(notes[m].properties.get(due_key)),
            _completed_on(notes[m], history, completed_key, today),
        )
        for m in progress.milestones
        if m in notes
    ]
    svg = burnup_svg(note.title, points, marks, today=today, since=since)
    return PlanChart(plan, note.title, path or plan_chart_paths(notes, plans)[plan], svg, bool(recorded))


# ---------------------------------------------------------------------------------------------- history

def read_history(root: Path) -> History | None:
    """The vault's recorded history for charts and trends; None when it cannot be read (charts then show
    today's counts alone; the rollup warns about the history itself)."""
    try:
        return follow_history(root)
    except NoteError:
        return None


# ---------------------------------------------------------------------------------------------- writing


def _refuse_link(path: Path) -> None:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NoteError(f"cannot read: {exc.strerror or exc}", path) from exc
    if stat.S_ISLNK(mode):
        raise NoteError("is a symbolic link; vaultkit writes charts only into real folders and files", path)


def write_chart(root: Path, rel: str, svg: str) -> bool:
    """Write a chart at the vault-relative `rel` (a `Charts/...svg` path), atomically and only when its
    bytes differ; True when written. NoteError (naming the file) when the folder or file is a link or not
    a file, or the write fails; UnsafePathError when `rel` would leave the vault."""
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or any(part in ("..", "") for part in parts):
        raise UnsafePathError(f"{rel}: a chart's path must stay inside the vault")
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        _refuse_link(folder)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise NoteError(f"cannot make the folder: {exc.strerror or exc}", folder) from exc
    return write_file(root / rel, svg)


def write_file(path: Path, svg: str) -> bool:
    """Write `svg` to `path` atomically when its bytes differ (a link at `path` is refused)."""
    _refuse_link(path)
    data = svg.encode("utf-8")
    try:
        current: bytes | None = read_regular(path, CHART_LIMIT, "a chart file")
    except FileNotFoundError:
        current = None
    except NotADirectoryError as exc:
        raise NoteError("a file stands where a folder should be", path) from exc
    if current == data:
        return False
    return atomic_write(path, data, current)


# ---------------------------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class ChartFiles:
    """The `chart` and `skills` blocks of one rollup: what each renders (the embed) and the SVG files to
    write after the notes (`write`, skipped by a dry run). Rendering stays free of side effects."""

    root: Path
    today: dt.date
    completed_key: str = "completed"
    history: History | None = None
    pending: dict[str, str] = field(default_factory=dict)
    _loaded: bool = False
    _series: dict[str, list[SeriesPoint]] | None = None

    def _history(self) -> History | None:
        if not self._loaded:
            self.history = read_history(self.root)
            self._loaded = True
        return self.history

    def series(self, path: str) -> list[SeriesPoint] | None:
        """What the plans table's trend reads: None when the history cannot be read."""
        history = self._history()
        if history is None:
            return None
        if self._series is None:  # every note's at once: a plans table asks for each plan's
            by_note: dict[str, dict[dt.date, SeriesPoint]] = {}
            for p in history.points:
                by_note.setdefault(p.path, {})[p.day] = SeriesPoint(p.day, p.done, p.total)
            self._series = {note: [days[d] for d in sorted(days)] for note, days in by_note.items()}
        return list(self._series.get(path, ()))

    def chart_block(self, args: Mapping[str, str], data: SummaryData, source: str, body: str) -> list[str]:
        value = args.get("plan") or ""
        if not value:
            return ['A chart block names its plan: <!-- vaultkit:begin chart plan="[[My plan]]" -->']
        target = linked_targets(value)[0]
        plan = data.resolve(target, source)
        if plan is None or plan not in data.notes:
            return [f"No note [[{target}]] in this vault."]
        if plan not in data.plans:
            return [f"[[{target}]] is not a plan (it has no `type: plan`), so it has no burn-up chart."]
        since = as_date(args.get("since"))
        chart = plan_chart(
            plan, data.notes, data.plans, self._history(), self.today,
            since=since, due_key=data.due_key, completed_key=self.completed_key,
        )  # fmt: skip
        self.pending[chart.path] = chart.svg
        return [embed(chart.path)]

    def skills_block(self, args: Mapping[str, str], data: SummaryData, source: str, body: str) -> list[str]:
        note = data.notes.get(source)
        title = note.title if note is not None else Path(source).stem
        capabilities = parse_capability_table(body)
        path = skills_chart_path(title)
        self.pending[path] = skills_svg(capabilities, f"{title}: capabilities")
        if not capabilities:
            return [embed(path), "", "No capabilities with levels yet: fill in the capability table above."]
        return [embed(path)]

    def renderers(self) -> dict[str, Callable[[Mapping[str, str], SummaryData, str, str], list[str]]]:
        return {"chart": self.chart_block, "skills": self.skills_block}

    def write(self) -> tuple[list[str], list[str]]:
        """Write the pending charts; (paths written, warnings for those that could not be)."""
        written: list[str] = []
        warnings: list[str] = []
        for rel in sorted(self.pending):
            try:
                if write_chart(self.root, rel, self.pending[rel]):
                    written.append(rel)
            except (NoteError, UnsafePathError, OSError) as exc:
                reason = exc.reason if isinstance(exc, NoteError) else str(exc)
                warnings.append(f"{rel}: chart not written: {reason}")
        return written, warnings


def charts_for(
    plans_wanted: Sequence[str],
    notes: Mapping[str, RolledNote],
    plans: Mapping[str, PlanProgress],
    history: History | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    due_key: str = "due",
    completed_key: str = "completed",
) -> list[PlanChart]:
    """The charts `vaultkit chart` draws: recorded history only (no history: the "No history yet" chart)."""
    paths = plan_chart_paths(notes, plans)
    def draw(plan: str) -> PlanChart:
        return plan_chart(
            plan, notes, plans, history, today, since=since, due_key=due_key,
            completed_key=completed_key, path=paths[plan], include_today=False,
        )  # fmt: skip

    return [draw(plan) for plan in plans_wanted]
