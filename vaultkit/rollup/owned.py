"""The properties rollup owns: which ones, on which notes, and where a stored value has drifted.

Rollup writes `tasks_done`, `tasks_total`, `progress` (and on plans `milestones_done` /
`milestones_total`) from a note's content, and status automation writes `status` and `completed`. A
value typed by hand into one of those lasts only until the next rollup, so `vaultkit set` refuses it
(unless forced) and `vaultkit check` reports one that already disagrees with the content. Both read the
same settings as rollup (`[rollup] types`, `write`, `names`, `[rollup.status]`) and `stale_values` reads
the same model rollup writes from (`build_model`), so the three never disagree about what is owned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vaultkit.notes.tasks import TaskCounts
from vaultkit.rollup.apply import IndexedNote
from vaultkit.rollup.model import DERIVED, MISSING, RollupSettings, build_model
from vaultkit.vault import Vault

__all__ = ["StaleValue", "owned_properties", "stale_values"]

_WHY = {
    "tasks_done": "from the note's tasks",
    "tasks_total": "from the note's tasks",
    "progress": "from the note's tasks",
    "milestones_done": "from the plan's milestones",
    "milestones_total": "from the plan's milestones",
    "status": "by status automation, from the note's tasks",
    "completed": "by status automation, when every task is done",
}


def owned_properties(settings: RollupSettings, note_type: str | None) -> dict[str, str]:
    """The property names rollup writes on a note of `note_type`, each with how rollup computes it."""
    owned: dict[str, str] = {}
    if note_type is None:
        return owned
    if note_type in settings.types:
        for key in DERIVED:
            if key in settings.write and (note_type == "plan" or not key.startswith("milestones_")):
                plan_counts = note_type == "plan" and not key.startswith("milestones_")
                owned[settings.names[key]] = (
                    "from the plan's and its milestones' tasks" if plan_counts else _WHY[key]
                )
    status = settings.status
    if status.enabled and note_type in status.types:
        owned["status"] = _WHY["status"]
        if status.completed_date:
            owned[settings.names["completed"]] = _WHY["completed"]
    return owned


@dataclass(frozen=True, slots=True)
class StaleValue:
    """A stored value of an owned property that rollup would replace: `computed` is MISSING when rollup
    would remove the property (a `progress` on a note without tasks)."""

    path: str
    key: str
    stored: Any
    computed: Any


def stale_values(vault: Vault, settings: RollupSettings, today: dt.date | None = None) -> list[StaleValue]:
    """Every owned property whose stored value disagrees with what rollup computes from the note now.

    Built from the index's summaries, as rollup builds its model, so no note is read. A property that
    is absent or empty is left out (rollup adds it; nobody typed a value that will be lost), and so is
    one that holds the computed value in another spelling (`progress: "60"` for 60).

    Counts that agree with one another (`progress` is what `tasks_done` of `tasks_total` gives, no more
    milestones done than there are) are as a rollup wrote them: the content changed since (a task
    ticked, a milestone added), and the next rollup brings them up to date; nobody's edit is lost, so
    they are not reported. A hand edit shows as counts that cannot all be a rollup's.
    """
    records = [IndexedNote(summary, vault) for summary in vault.summaries.values()]
    model = build_model(records, vault.resolve_path, settings, today or dt.date.today())
    found = []
    names = settings.names
    tasks = {names[k] for k in ("tasks_done", "tasks_total", "progress")}
    milestones = {names["milestones_done"], names["milestones_total"]}
    for path, changes in model.changes.items():
        props = vault.summaries[path].properties if changes else {}
        for change in changes:
            if change.old is MISSING or change.old in (None, "") or _alike(change.old, change.new):
                continue
            if change.key in tasks and _task_counts_agree(props, settings):
                continue
            if change.key in milestones and _milestone_counts_agree(props, settings):
                continue
            found.append(StaleValue(path, change.key, change.old, change.new))
    return found


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _task_counts_agree(props: Mapping[str, Any], settings: RollupSettings) -> bool:
    """Whether the stored task counts and progress could all have been written by one rollup."""
    names = settings.names
    done = _count(props.get(names["tasks_done"]))
    total = _count(props.get(names["tasks_total"]))
    if done is None or total is None or done > total:
        return False
    if "progress" not in settings.write:
        return True
    progress = TaskCounts(done, total - done, 0).progress
    stored = props.get(names["progress"], MISSING)
    if progress is None:
        return stored is MISSING or stored is None
    return _count(stored) == progress


def _milestone_counts_agree(props: Mapping[str, Any], settings: RollupSettings) -> bool:
    done = _count(props.get(settings.names["milestones_done"]))
    total = _count(props.get(settings.names["milestones_total"]))
    return done is not None and total is not None and done <= total


def _alike(stored: Any, computed: Any) -> bool:
    if computed is MISSING or isinstance(stored, bool) != isinstance(computed, bool):
        return False
    return bool(stored == computed) or str(stored).strip() == str(computed)
