"""Rollup math: which derived properties each managed note should carry, and status automation. Pure.

Bases, Dataview and Notion cannot count checkboxes; they can read properties. So every note whose `type`
is managed (plan, milestone, journal by default) gets `tasks_done`, `tasks_total` and `progress`, and plans
also `milestones_done` / `milestones_total`. This module computes what those values should be and which
property edits get a note there; it never touches files (see `rollup.apply` for that).

Order matters for idempotence: status automation runs first (it only looks at a milestone's own tasks),
then plans are aggregated from the *resulting* statuses, so a second run computes exactly what the first
one wrote. Settings come from the `[rollup]` section of `.vaultkit/config.toml` (docs/configuration.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vaultkit.config import Config
from vaultkit.errors import VaultError
from vaultkit.notes.progress import PlanProgress, aggregate_plans
from vaultkit.notes.tasks import Task, TaskCounts
from vaultkit.rollup.render import RolledNote

__all__ = [
    "DERIVED",
    "MISSING",
    "NoteView",
    "PropertyChange",
    "RollupModel",
    "RollupSettings",
    "StatusSettings",
    "build_model",
    "derived_changes",
    "status_changes",
    "with_changes",
]

DERIVED = ("tasks_done", "tasks_total", "progress", "milestones_done", "milestones_total")
"""The derived values, in the order new properties are added to a note."""

_NAME_KEYS = (*DERIVED, "completed", "due", "date")
_RESERVED = frozenset({"type", "plan", "status", "tags", "aliases", "cssclasses"})
_DEFAULT_OPEN = ("todo", "to-do", "not-started", "planned", "in-progress", "active", "doing")


class _Missing:
    """Marks a property that is absent (None is a real value: an empty `key:`)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# ---------------------------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class StatusSettings:
    """Status automation: which notes, which values, and which statuses vaultkit may change."""

    enabled: bool = True
    types: frozenset[str] = frozenset({"milestone"})
    done: str = "done"
    reopened: str = "in-progress"
    open: frozenset[str] = frozenset(_DEFAULT_OPEN)
    completed_date: bool = True


@dataclass(frozen=True, slots=True)
class RollupSettings:
    """The `[rollup]` section, validated. `names` maps each value to the property name it is written to."""

    types: frozenset[str] = frozenset({"plan", "milestone", "journal"})
    write: tuple[str, ...] = DERIVED
    names: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({k: k for k in _NAME_KEYS}))
    empty_progress: str = "remove"  # "remove" | "empty"
    bar_width: int = 10
    journal_limit: int = 10
    open_tasks_limit: int = 15  # what fits a screen beside Home's other blocks
    status: StatusSettings = field(default_factory=StatusSettings)
    done_statuses: frozenset[str] = frozenset({"done", "complete", "completed"})

    @classmethod
    def from_config(cls, config: Config, path: Path | str) -> RollupSettings:
        """Read `[rollup]` from a vault's config. Raises VaultError naming the file and key when invalid."""
        if not isinstance(config.raw.get("rollup", {}), dict):
            raise VaultError(f"{path}: `rollup` must be a table (a `[rollup]` section)")
        return _parse_settings(config.section("rollup"), str(path), config.milestone_done_statuses)


def _parse_settings(raw: Mapping[str, Any], path: str, done_statuses: frozenset[str]) -> RollupSettings:
    def bad(key: str, what: str) -> VaultError:
        return VaultError(f"{path}: [rollup] {key}: {what} (see docs/configuration.md)")

    def strings(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad(key, f"must be a list of non-empty strings, not {value!r}")
        return tuple(v.strip() for v in value)

    def boolean(key: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise bad(key, f"must be true or false, not {value!r}")
        return value

    def integer(key: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise bad(key, f"must be a whole number from {low} to {high}, not {value!r}")
        return value

    def word(key: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or "\n" in value:
            raise bad(key, f"must be a non-empty text on one line, not {value!r}")
        return value.strip()

    known = {"types", "write", "empty_progress", "bar_width", "journal_limit", "open_tasks_limit"}
    _reject_unknown(raw, known | {"names", "status"}, bad)
    types = frozenset(t.lower() for t in strings("types", raw.get("types", ["plan", "milestone", "journal"])))
    write = strings("write", raw.get("write", list(DERIVED)))
    for key in write:
        if key not in DERIVED:
            raise bad("write", f"unknown value {key!r}; choose from {', '.join(DERIVED)}")
    empty = raw.get("empty_progress", "remove")
    if empty not in ("remove", "empty"):
        raise bad("empty_progress", f'must be "remove" or "empty", not {empty!r}')
    names_raw = raw.get("names", {})
    if not isinstance(names_raw, dict):
        raise bad("names", "must be a table, like [rollup.names]")
    _reject_unknown(names_raw, set(_NAME_KEYS), lambda k, w: bad(f"names.{k}", w))
    names = {key: word(f"names.{key}", names_raw.get(key, key)) for key in _NAME_KEYS}
    for key, name in names.items():
        if name.lower() in _RESERVED:
            raise bad(f"names.{key}", f"{name!r} is a property vaultkit must never overwrite")
    written = [names[k] for k in (*DERIVED, "completed")]
    duplicates = sorted({n for n in written if written.count(n) > 1})
    if duplicates:
        raise bad("names", f"two values would be written to the same property: {', '.join(duplicates)}")
    status_raw = raw.get("status", {})
    if not isinstance(status_raw, dict):
        raise bad("status", "must be a table, like [rollup.status]")
    _reject_unknown(
        status_raw,
        {"enabled", "types", "done", "reopened", "open", "completed_date"},
        lambda k, w: bad(f"status.{k}", w),
    )
    status = StatusSettings(
        enabled=boolean("status.enabled", status_raw.get("enabled", True)),
        types=frozenset(t.lower() for t in strings("status.types", status_raw.get("types", ["milestone"]))),
        done=word("status.done", status_raw.get("done", "done")),
        reopened=word("status.reopened", status_raw.get("reopened", "in-progress")),
        open=frozenset(
            s.lower() for s in strings("status.open", status_raw.get("open", list(_DEFAULT_OPEN)))
        ),
        completed_date=boolean("status.completed_date", status_raw.get("completed_date", True)),
    )
    if status.done.lower() in status.open:
        raise bad("status.open", f"must not contain the done status {status.done!r}")
    return RollupSettings(
        types=types,
        write=write,
        names=MappingProxyType(names),
        empty_progress=empty,
        bar_width=integer("bar_width", raw.get("bar_width", 10), 1, 50),
        journal_limit=integer("journal_limit", raw.get("journal_limit", 10), 1, 1000),
        open_tasks_limit=integer("open_tasks_limit", raw.get("open_tasks_limit", 15), 1, 10000),
        status=status,
        done_statuses=done_statuses | {status.done.lower()},
    )


def _reject_unknown(raw: Mapping[str, Any], known: set[str], bad: Callable[[str, str], VaultError]) -> None:
    for key in raw:
        if key not in known:
            raise bad(key, f"unknown key; valid keys are {', '.join(sorted(known))}")


# ---------------------------------------------------------------------------------------------- changes


@dataclass(frozen=True, slots=True)
class PropertyChange:
    """One property edit: set `key` to `new`, or delete it (`new` is MISSING). `old` is MISSING if absent."""

    key: str
    old: Any
    new: Any

    @property
    def delete(self) -> bool:
        return self.new is MISSING

    def describe(self) -> str:
        """`progress 40 → 60`, `completed added (2026-11-22)`, `completed removed`: why a note changed."""
        if self.delete:
            return f"{self.key} removed"
        if self.old is MISSING:
            return f"{self.key} added ({_show(self.new)})"
        return f"{self.key} {_show(self.old)} → {_show(self.new)}"


def _show(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _same(old: Any, new: Any) -> bool:
    """Equal in value *and* type: `progress: "60"`, `60.0` or `true` are rewritten as the integer."""
    if old is MISSING or new is MISSING:
        return old is new
    return type(old) is type(new) and old == new


def _edit(props: Mapping[str, Any], key: str, new: Any) -> PropertyChange | None:
    old = props.get(key, MISSING)
    return None if _same(old, new) else PropertyChange(key, old, new)


def status_changes(
    props: Mapping[str, Any], counts: TaskCounts, settings: RollupSettings, today: dt.date
) -> list[PropertyChange]:
    """Status automation for one note: all tasks done -> done (+ completed date); reopened -> back.

    Only statuses vaultkit owns move: a missing or empty status and the `open` ones may become done; the
    done statuses may go back to `reopened`. Anything else (cancelled, on-hold, a list) is the user's.
    A note without tasks is never touched: there is nothing to judge it by.
    """
    rules = settings.status
    key, completed = "status", settings.names["completed"]
    value = props.get(key)
    if counts.total == 0 or (value is not None and not isinstance(value, str)):
        return []
    current = (value or "").strip().lower()
    changes: list[PropertyChange] = []
    if counts.open == 0:
        if current in settings.done_statuses or (current and current not in rules.open):
            return []
        changes.append(PropertyChange(key, props.get(key, MISSING), rules.done))
        if rules.completed_date and props.get(completed) in (None, ""):
            change = _edit(props, completed, today)
            if change is not None:
                changes.append(change)
    elif current in settings.done_statuses:
        changes.append(PropertyChange(key, value, rules.reopened))
        if rules.completed_date and completed in props:
            changes.append(PropertyChange(completed, props[completed], MISSING))
    return changes


def derived_changes(
    props: Mapping[str, Any],
    counts: TaskCounts,
    settings: RollupSettings,
    plan: PlanProgress | None = None,
) -> list[PropertyChange]:
    """Edits that make a note's derived properties match `counts` (and, for a plan, its milestones)."""
    values: dict[str, Any] = {
        "tasks_done": counts.done,
        "tasks_total": counts.total,
        "progress": counts.progress,
    }
    if plan is not None:
        values["milestones_done"] = plan.milestones_done
        values["milestones_total"] = plan.milestones_total
    changes: list[PropertyChange] = []
    for key in DERIVED:
        if key not in settings.write or key not in values:
            continue
        name = settings.names[key]
        new = values[key]
        if key == "progress" and new is None:
            new = MISSING if settings.empty_progress == "remove" else None
        change = _edit(props, name, new)
        if change is not None:
            changes.append(change)
    return changes


# ---------------------------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True, eq=False)
class NoteView:
    """A note as it will be once rollup has run: its properties include the planned edits."""

    path: str
    title: str
    type: str | None
    properties: Mapping[str, Any]
    counts: TaskCounts
    source: RolledNote = field(repr=False, compare=False)

    @property
    def tasks(self) -> tuple[Task, ...]:
        """The note's tasks, read from its record only when a summary block lists them: building every
        note's task list costs seconds on a large vault, and most rollups never need it."""
        return self.source.tasks

    @property
    def editable(self) -> bool:
        return self.source.editable

    @property
    def is_template(self) -> bool:
        return self.source.is_template


@dataclass(frozen=True, slots=True)
class RollupModel:
    """The desired state of a vault: per-note property edits, the notes as they will read, plan progress."""

    changes: Mapping[str, tuple[PropertyChange, ...]]  # every managed note (empty tuple: up to date)
    views: Mapping[str, NoteView]
    plans: Mapping[str, PlanProgress]


def with_changes(props: Mapping[str, Any], changes: Iterable[PropertyChange]) -> dict[str, Any]:
    """`props` as they will read once `changes` are written (a deletion drops the key)."""
    result = dict(props)
    for change in changes:
        if change.delete:
            result.pop(change.key, None)
        else:
            result[change.key] = change.new
    return result


def build_model(
    records: Iterable[RolledNote],
    resolve: Callable[[str, str], str | None],
    settings: RollupSettings,
    today: dt.date,
) -> RollupModel:
    """The rollup of a vault. Templates are left out; notes that cannot be edited are read, never planned."""
    notes = [r for r in records if not r.is_template]
    status_plan: dict[str, list[PropertyChange]] = {}
    for record in notes:
        if record.editable and settings.status.enabled and record.type in settings.status.types:
            status_plan[record.path] = status_changes(record.properties, record.counts, settings, today)
    views = {
        r.path: NoteView(
            r.path, r.title, r.type, with_changes(r.properties, status_plan.get(r.path, ())), r.counts, r
        )
        for r in notes
    }
    plans = aggregate_plans(views.values(), resolve, settings.done_statuses)
    changes: dict[str, tuple[PropertyChange, ...]] = {}
    for record in notes:
        managed = record.type in settings.types or record.path in status_plan
        if not record.editable or not managed:
            continue
        plan = plans.get(record.path)
        counts = plan.counts if plan is not None else record.counts
        found = (
            derived_changes(record.properties, counts, settings, plan)
            if record.type in settings.types
            else []
        )
        found += status_plan.get(record.path, [])
        changes[record.path] = tuple(found)
        if found:
            views[record.path] = NoteView(
                record.path,
                record.title,
                record.type,
                with_changes(record.properties, found),
                record.counts,
                record,
            )
    return RollupModel(MappingProxyType(changes), MappingProxyType(views), MappingProxyType(plans))
