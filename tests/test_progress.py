"""Plan aggregation math (pure): membership, own + milestone tasks, milestones_done rules, the bar."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from vaultkit.notes.progress import aggregate_plans, linked_targets, milestone_done, progress_bar
from vaultkit.notes.tasks import TaskCounts

DONE = frozenset({"done", "complete", "completed"})


@dataclass(frozen=True)
class Facts:
    path: str
    type: str | None
    properties: dict[str, Any] = field(default_factory=dict)
    counts: TaskCounts = field(default_factory=TaskCounts)


def resolve(target: str, source: str) -> str | None:
    return {"growth": "Plans/Growth.md", "plans/growth": "Plans/Growth.md", "side": "Plans/Side.md"}.get(
        target.lower()
    )


@pytest.mark.parametrize(
    ("value", "targets"),
    [
        ("[[Growth]]", ["Growth"]),
        ("[[Plans/Growth|alias]]", ["Plans/Growth"]),
        ("[[Growth#Goals]]", ["Growth"]),
        (["[[A]]", "[[B]]", "", None, 3], ["A", "B"]),
        ("Growth", ["Growth"]),
        (None, []),
        ("  ", []),
    ],
)
def test_linked_targets(value: Any, targets: list[str]) -> None:
    assert linked_targets(value) == targets


@pytest.mark.parametrize(
    ("status", "counts", "done"),
    [
        ("done", TaskCounts(0, 3), True),
        ("Complete", TaskCounts(), True),
        (" COMPLETED ", TaskCounts(0, 1), True),
        ("active", TaskCounts(2, 0), True),  # has tasks and none open
        ("active", TaskCounts(2, 1), False),
        (None, TaskCounts(), False),  # no tasks: nothing says it is done
        (None, TaskCounts(0, 0, 2), True),  # only cancelled tasks: none open
        (["done"], TaskCounts(0, 1), False),
    ],
)
def test_milestone_done(status: Any, counts: TaskCounts, done: bool) -> None:
    assert milestone_done(status, counts, DONE) is done


def test_aggregate_plans() -> None:
    notes = [
        Facts("Plans/Growth.md", "plan", {}, TaskCounts(1, 1)),
        Facts("Plans/Side.md", "plan", {}, TaskCounts()),
        Facts("M/b.md", "milestone", {"plan": "[[Growth]]", "status": "done"}, TaskCounts(0, 2)),
        Facts(
            "M/a.md",
            "milestone",
            {"plan": ["[[Plans/Growth]]", "[[Growth]]", "[[Side]]"]},
            TaskCounts(3, 0, 1),
        ),
        Facts("M/c.md", "milestone", {"plan": "[[Unknown]]"}, TaskCounts(5, 5)),
        Facts("N/note.md", "note", {"plan": "[[Growth]]"}, TaskCounts(9, 9)),
    ]
    plans = aggregate_plans(notes, resolve, DONE)
    assert list(plans) == ["Plans/Growth.md", "Plans/Side.md"]
    growth = plans["Plans/Growth.md"]
    assert growth.milestones == ("M/a.md", "M/b.md")
    assert growth.counts == TaskCounts(4, 3, 1)
    assert growth.as_dict() == {
        "path": "Plans/Growth.md",
        "done": 4,
        "total": 7,
        "progress": 57,
        "milestones_total": 2,
        "milestones_done": 2,
    }
    assert plans["Plans/Side.md"].as_dict()["progress"] == 100
    assert plans["Plans/Side.md"].milestones_done == 1


def test_a_plan_without_tasks_has_no_progress() -> None:
    plans = aggregate_plans([Facts("P.md", "plan")], resolve)
    assert plans["P.md"].as_dict()["progress"] is None


@pytest.mark.parametrize(
    ("progress", "bar"),
    [
        (None, "—"),
        (0, "▱▱▱▱▱▱▱▱▱▱ 0%"),
        (44, "▰▰▰▰▱▱▱▱▱▱ 44%"),
        (45, "▰▰▰▰▰▱▱▱▱▱ 45%"),
        (100, "▰" * 10 + " 100%"),
    ],
)
def test_progress_bar(progress: int | None, bar: str) -> None:
    assert progress_bar(progress) == bar


def test_progress_bar_width() -> None:
    assert progress_bar(60, width=5) == "▰▰▰▱▱ 60%"
