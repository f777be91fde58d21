"""Progress math across notes: a plan's own tasks plus its milestones'. Pure.

A note belongs to a plan when its `plan` property links to that plan (a link or a list of links).
A plan's done/total adds its milestones' tasks to its own; a milestone counts as done when its
`status` says so (done/complete/completed by default) or when it has tasks and none is open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from vaultkit.notes.links import linked_targets
from vaultkit.notes.tasks import TaskCounts

__all__ = ["PlanProgress", "aggregate_plans", "milestone_done"]


@dataclass(frozen=True, slots=True)
class PlanProgress:
    path: str
    counts: TaskCounts
    milestones: tuple[str, ...]
    milestones_done: int

    @property
    def milestones_total(self) -> int:
        return len(self.milestones)

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "done": self.counts.done,
            "total": self.counts.total,
            "progress": self.counts.progress,
            "milestones_total": self.milestones_total,
            "milestones_done": self.milestones_done,
        }




def milestone_done(status: Any, counts: TaskCounts, done_statuses: frozenset[str]) -> bool:
    """Done when its `status` says so (any case), or when it has tasks and none of them is open.

    A milestone whose tasks are all cancelled has tasks and none open, so it is done: nothing is left.
    """
    if isinstance(status, str) and status.strip().lower() in done_statuses:
        return True
    return counts.total + counts.cancelled > 0 and counts.open == 0


class NoteFacts(Protocol):
    """What aggregation needs to know of one note (a `NoteRecord` has it)."""

    @property
    def path(self) -> str: ...
    @property
    def type(self) -> str | None: ...
    @property
    def properties(self) -> Mapping[str, Any]: ...
    @property
    def counts(self) -> TaskCounts: ...


def aggregate_plans(
    notes: Iterable[NoteFacts],
    resolve: Callable[[str, str], str | None],
    done_statuses: frozenset[str] = frozenset({"done", "complete", "completed"}),
) -> dict[str, PlanProgress]:
    """PlanProgress for every `type: plan` note, keyed by path, in path order."""
    notes = list(notes)
    plans = {n.path: n for n in notes if n.type == "plan"}
    members: dict[str, dict[str, NoteFacts]] = {path: {} for path in plans}
    for note in notes:
        if note.type != "milestone":
            continue
        for target in linked_targets(note.properties.get("plan")):
            plan_path = resolve(target, note.path)
            if plan_path in members:  # a milestone linking its plan twice counts once
                members[plan_path][note.path] = note
    result: dict[str, PlanProgress] = {}
    for path in sorted(plans):
        milestones = [members[path][key] for key in sorted(members[path])]
        counts = plans[path].counts
        for milestone in milestones:
            counts = counts + milestone.counts
        done = sum(milestone_done(m.properties.get("status"), m.counts, done_statuses) for m in milestones)
        result[path] = PlanProgress(path, counts, tuple(m.path for m in milestones), done)
    return result


def progress_bar(progress: int | None, width: int = 10) -> str:
    """A text progress bar that reads well in a terminal and in Markdown: `▰▰▰▰▰▰▱▱▱▱ 60%`."""
    if progress is None:
        return "—"
    filled = min(width, max(0, (progress * width + 50) // 100))
    return "▰" * filled + "▱" * (width - filled) + f" {progress}%"
