"""Rollup math (pure): the [rollup] settings, status automation, derived properties, the vault model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from vaultkit.config import Config, load_config
from vaultkit.errors import VaultError
from vaultkit.notes.links import LinkIndex
from vaultkit.notes.note import Note
from vaultkit.notes.progress import PlanProgress
from vaultkit.notes.record import NoteRecord
from vaultkit.notes.tasks import TaskCounts
from vaultkit.rollup.model import (
    MISSING,
    PropertyChange,
    RollupSettings,
    build_model,
    derived_changes,
    status_changes,
)

TODAY = dt.date(2026, 11, 22)
DEFAULT = RollupSettings()


def settings_from(tmp_path: Path, toml: str) -> RollupSettings:
    (tmp_path / ".vaultkit").mkdir(exist_ok=True)
    (tmp_path / ".vaultkit" / "config.toml").write_text(toml, encoding="utf-8")
    return RollupSettings.from_config(load_config(tmp_path), tmp_path / ".vaultkit" / "config.toml")


def edits(changes: list[PropertyChange]) -> list[tuple[str, Any, Any]]:
    return [(c.key, c.old, c.new) for c in changes]


# ---------------------------------------------------------------------------------------------- settings


def test_defaults_without_a_rollup_section() -> None:
    settings = RollupSettings.from_config(Config(), "config.toml")
    assert settings == DEFAULT
    assert settings.types == {"plan", "milestone", "journal"}
    assert settings.write == ("tasks_done", "tasks_total", "progress", "milestones_done", "milestones_total")
    assert settings.status.enabled and settings.status.types == {"milestone"}
    assert settings.done_statuses == {"done", "complete", "completed"}
    assert (settings.journal_limit, settings.open_tasks_limit) == (10, 15)


def test_every_key_is_read(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        """
[milestones]
done_statuses = ["finished"]

[rollup]
types = ["Plan", "project"]
write = ["progress"]
empty_progress = "empty"
bar_width = 5
journal_limit = 3
open_tasks_limit = 10000

[rollup.names]
progress = "percent"
completed = "finished_on"
due = "deadline"
date = "day"

[rollup.status]
enabled = false
types = ["milestone", "project"]
done = "complete"
reopened = "active"
open = ["Todo", "active"]
completed_date = false
""",
    )
    assert settings.types == {"plan", "project"}
    assert settings.write == ("progress",)
    assert settings.empty_progress == "empty"
    assert (settings.bar_width, settings.journal_limit, settings.open_tasks_limit) == (5, 3, 10000)
    assert settings.names["progress"] == "percent"
    assert settings.names["tasks_done"] == "tasks_done"
    assert (settings.names["completed"], settings.names["due"], settings.names["date"]) == (
        "finished_on",
        "deadline",
        "day",
    )
    status = settings.status
    assert (status.enabled, status.types, status.done, status.reopened) == (
        False,
        {"milestone", "project"},
        "complete",
        "active",
    )
    assert status.open == {"todo", "active"} and status.completed_date is False
    assert settings.done_statuses == {"finished", "complete"}


@pytest.mark.parametrize(
    ("toml", "key", "what"),
    [
        ("[rollup]\ntypo = 1", "typo", "unknown key"),
        ('[rollup]\ntypes = "plan"', "types", "must be a list of non-empty strings"),
        ('[rollup]\nwrite = ["percent"]', "write", "unknown value 'percent'"),
        ('[rollup]\nempty_progress = "zero"', "empty_progress", 'must be "remove" or "empty"'),
        ("[rollup]\nbar_width = 0", "bar_width", "must be a whole number from 1 to 50"),
        ("[rollup]\nbar_width = true", "bar_width", "must be a whole number"),
        ("[rollup]\njournal_limit = 2.5", "journal_limit", "must be a whole number"),
        ("[rollup]\nopen_tasks_limit = 0", "open_tasks_limit", "a whole number from 1 to 10000, not 0"),
        ("[rollup]\nopen_tasks_limit = 10001", "open_tasks_limit", "from 1 to 10000, not 10001"),
        ('[rollup]\nopen_tasks_limit = "50"', "open_tasks_limit", "from 1 to 10000, not '50'"),
        ("[rollup]\nopen_tasks_limit = true", "open_tasks_limit", "from 1 to 10000, not True"),
        ("[rollup]\nnames = 3", "names", "must be a table"),
        ('[rollup.names]\nprogres = "p"', "names.progres", "unknown key"),
        ('[rollup.names]\nprogress = ""', "names.progress", "must be a non-empty text"),
        ('[rollup.names]\nprogress = "type"', "names.progress", "must never overwrite"),
        ('[rollup.names]\nprogress = "status"', "names.progress", "must never overwrite"),
        ('[rollup.names]\ntasks_done = "n"\ntasks_total = "n"', "names", "the same property: n"),
        ("[rollup]\nstatus = true", "status", "must be a table"),
        ('[rollup.status]\nenabled = "yes"', "status.enabled", "must be true or false"),
        ("[rollup.status]\ndone = 1", "status.done", "must be a non-empty text"),
        ('[rollup.status]\nopen = ["todo", "done"]', "status.open", "must not contain the done status"),
        ("[rollup.status]\nauto = true", "status.auto", "unknown key"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, toml: str, key: str, what: str) -> None:
    with pytest.raises(VaultError) as caught:
        settings_from(tmp_path, toml)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / '.vaultkit' / 'config.toml'}: [rollup] {key}: ")
    assert what in message
    assert message.endswith("(see docs/configuration.md)")


def test_rollup_must_be_a_table() -> None:
    with pytest.raises(VaultError, match=r"^cfg.toml: `rollup` must be a table \(a `\[rollup\]` section\)$"):
        RollupSettings.from_config(Config(raw={"rollup": 3}), "cfg.toml")


# ---------------------------------------------------------------------------------------------- status


def counts(done: int, open_: int, cancelled: int = 0) -> TaskCounts:
    return TaskCounts(done, open_, cancelled)


@pytest.mark.parametrize("status", ["in-progress", "todo", "Not-Started", "", None])
def test_all_tasks_done_makes_an_owned_status_done(status: str | None) -> None:
    props = {"type": "milestone", "status": status}
    assert edits(status_changes(props, counts(2, 0, 1), DEFAULT, TODAY)) == [
        ("status", status, "done"),
        ("completed", MISSING, TODAY),
    ]


def test_missing_status_is_added() -> None:
    assert edits(status_changes({"type": "milestone"}, counts(1, 0), DEFAULT, TODAY)) == [
        ("status", MISSING, "done"),
        ("completed", MISSING, TODAY),
    ]


def test_a_completed_date_the_user_wrote_is_kept() -> None:
    props = {"status": "in-progress", "completed": dt.date(2026, 11, 1)}
    assert edits(status_changes(props, counts(1, 0), DEFAULT, TODAY)) == [("status", "in-progress", "done")]
    props = {"status": "in-progress", "completed": None}
    assert edits(status_changes(props, counts(1, 0), DEFAULT, TODAY)) == [
        ("status", "in-progress", "done"),
        ("completed", None, TODAY),
    ]


@pytest.mark.parametrize("status", ["done", "Done", "complete", "completed"])
def test_reopened_goes_back_to_in_progress_and_loses_completed(status: str) -> None:
    props = {"status": status, "completed": dt.date(2026, 10, 1)}
    assert edits(status_changes(props, counts(2, 1), DEFAULT, TODAY)) == [
        ("status", status, "in-progress"),
        ("completed", dt.date(2026, 10, 1), MISSING),
    ]
    assert edits(status_changes({"status": status}, counts(0, 1), DEFAULT, TODAY)) == [
        ("status", status, "in-progress")
    ]


@pytest.mark.parametrize("status", ["cancelled", "on-hold", "blocked", ["done"], 3])
def test_statuses_vaultkit_does_not_own_are_never_changed(status: Any) -> None:
    assert status_changes({"status": status}, counts(3, 0), DEFAULT, TODAY) == []
    assert status_changes({"status": status}, counts(1, 2), DEFAULT, TODAY) == []


def test_no_tasks_no_automation_and_steady_states_stay() -> None:
    assert status_changes({"status": "done"}, counts(0, 0, 2), DEFAULT, TODAY) == []
    assert status_changes({"status": "todo"}, counts(0, 0), DEFAULT, TODAY) == []
    assert status_changes({"status": "done"}, counts(2, 0), DEFAULT, TODAY) == []
    assert status_changes({"status": "in-progress"}, counts(1, 1), DEFAULT, TODAY) == []


def test_custom_status_values(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path,
        '[rollup.status]\ndone = "finished"\nreopened = "doing"\ncompleted_date = false\n'
        '[rollup.names]\ncompleted = "ended"\n',
    )
    assert edits(status_changes({"status": "todo"}, counts(1, 0), settings, TODAY)) == [
        ("status", "todo", "finished")
    ]
    assert edits(status_changes({"status": "finished", "ended": TODAY}, counts(1, 1), settings, TODAY)) == [
        ("status", "finished", "doing")
    ]


# ---------------------------------------------------------------------------------------------- derived


def test_derived_values_only_changed_ones() -> None:
    props = {"tasks_done": 2, "tasks_total": 5, "progress": 10}
    assert edits(derived_changes(props, counts(2, 3), DEFAULT)) == [("progress", 10, 40)]
    assert derived_changes({"tasks_done": 2, "tasks_total": 5, "progress": 40}, counts(2, 3), DEFAULT) == []


@pytest.mark.parametrize("wrong", ["40", 40.0, True, None, [40]])
def test_values_of_the_wrong_type_are_rewritten(wrong: Any) -> None:
    props = {"tasks_done": 2, "tasks_total": 5, "progress": wrong}
    assert edits(derived_changes(props, counts(2, 3), DEFAULT)) == [("progress", wrong, 40)]


def test_plans_get_milestone_counts() -> None:
    plan = PlanProgress("P.md", counts(3, 1), ("A.md", "B.md"), 1)
    assert edits(derived_changes({}, plan.counts, DEFAULT, plan)) == [
        ("tasks_done", MISSING, 3),
        ("tasks_total", MISSING, 4),
        ("progress", MISSING, 75),
        ("milestones_done", MISSING, 1),
        ("milestones_total", MISSING, 2),
    ]


def test_no_tasks_removes_progress_or_leaves_it_empty(tmp_path: Path) -> None:
    props = {"tasks_done": 0, "tasks_total": 0, "progress": 0}
    assert edits(derived_changes(props, counts(0, 0, 1), DEFAULT)) == [("progress", 0, MISSING)]
    assert derived_changes({"tasks_done": 0, "tasks_total": 0}, counts(0, 0), DEFAULT) == []
    empty = settings_from(tmp_path, '[rollup]\nempty_progress = "empty"\n')
    assert edits(derived_changes(props, counts(0, 0), empty)) == [("progress", 0, None)]
    assert derived_changes({"tasks_done": 0, "tasks_total": 0, "progress": None}, counts(0, 0), empty) == []


def test_names_and_write_list(tmp_path: Path) -> None:
    settings = settings_from(
        tmp_path, '[rollup]\nwrite = ["progress"]\n[rollup.names]\nprogress = "percent"\n'
    )
    props = {"progress": 99, "tasks_done": 99}  # not ours any more: left alone
    assert edits(derived_changes(props, counts(1, 1), settings)) == [("percent", MISSING, 50)]


def test_change_descriptions() -> None:
    assert PropertyChange("progress", 40, 60).describe() == "progress 40 → 60"
    assert PropertyChange("completed", MISSING, TODAY).describe() == "completed added (2026-11-22)"
    assert PropertyChange("completed", TODAY, MISSING).describe() == "completed removed"
    assert PropertyChange("progress", 0, None).describe() == "progress 0 → empty"


# ---------------------------------------------------------------------------------------------- model


def record(path: str, text: str, *, template: bool = False) -> NoteRecord:
    return NoteRecord.from_note(Note.parse(text, path), path, is_template=template)


def model_of(*records: NoteRecord, settings: RollupSettings = DEFAULT) -> Any:
    index = LinkIndex(r.path for r in records)
    return build_model(records, lambda t, s: index.resolve(t, s).path, settings, TODAY)


def test_plans_aggregate_after_status_automation() -> None:
    """A reopened milestone stops counting as done in the same run, so a second run changes nothing."""
    notes = (
        record("P.md", "---\ntype: plan\n---\n- [x] own\n"),
        record("A.md", '---\ntype: milestone\nplan: "[[P]]"\nstatus: done\n---\n- [x] a\n- [ ] b\n'),
        record("B.md", '---\ntype: milestone\nplan: "[[P]]"\nstatus: todo\n---\n- [x] c\n'),
    )
    model = model_of(*notes)
    assert model.plans["P.md"].milestones_done == 1  # B (now done); A was reopened
    assert edits(list(model.changes["P.md"])) == [
        ("tasks_done", MISSING, 3),
        ("tasks_total", MISSING, 4),
        ("progress", MISSING, 75),
        ("milestones_done", MISSING, 1),
        ("milestones_total", MISSING, 2),
    ]
    assert [c.key for c in model.changes["A.md"]] == ["tasks_done", "tasks_total", "progress", "status"]
    assert model.views["A.md"].properties["status"] == "in-progress"
    assert model.views["B.md"].properties["completed"] == TODAY


def test_what_is_never_planned() -> None:
    notes = (
        record("T/M.md", "---\ntype: milestone\n---\n- [x] t\n", template=True),
        record("Bad.md", "---\ntype: plan\nx: [\n---\n- [x] a\n"),
        record("Plain.md", "- [x] no type\n"),
        record("Other.md", "---\ntype: person\n---\n- [x] other type\n"),
    )
    model = model_of(*notes)
    assert dict(model.changes) == {}
    assert set(model.views) == {"Bad.md", "Plain.md", "Other.md"}  # templates are not even listed


def test_status_automation_can_be_switched_off(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, "[rollup.status]\nenabled = false\n")
    note = record("A.md", "---\ntype: milestone\nstatus: todo\n---\n- [x] a\n")
    model = model_of(note, settings=settings)
    assert [c.key for c in model.changes["A.md"]] == ["tasks_done", "tasks_total", "progress"]


def test_status_automation_for_a_type_without_derived_properties(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, '[rollup]\ntypes = ["plan"]\n[rollup.status]\ntypes = ["goal"]\n')
    note = record("G.md", "---\ntype: goal\nstatus: todo\n---\n- [x] a\n")
    assert edits(list(model_of(note, settings=settings).changes["G.md"])) == [
        ("status", "todo", "done"),
        ("completed", MISSING, TODAY),
    ]
