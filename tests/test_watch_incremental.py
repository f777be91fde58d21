"""The watcher's incremental rounds: after each, the vault holds exactly the bytes a full rollup writes.

Each step edits a note as a user would (a box ticked, a task added, a milestone moved to another plan, a
status or due date set, a type changed, a dashboard edited, a note created or deleted), then runs the round
the watcher runs (`rollup_vault(state=..., changed=...)`) and compares it with a full rollup of a copy of
the same vault taken before the round. A full rollup afterwards must write nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_vault
from tests.test_summary import VAULT as SUMMARY_VAULT
from tests.test_summary import FakeNote, make_data
from vaultkit.history import store
from vaultkit.history.store import HISTORY_PATH, Point
from vaultkit.rollup import apply, charts
from vaultkit.rollup.apply import rollup_vault
from vaultkit.rollup.dashboards import SummaryData, render_block
from vaultkit.rollup.incremental import RollupState
from vaultkit.rollup.render import RowCache
from vaultkit.vault import Change, Vault

TODAY = dt.date(2026, 11, 22)


def milestone(plan: str, *tasks: str) -> str:
    return f'---\ntype: milestone\nplan: "[[{plan}]]"\nstatus: in-progress\n---\n' + "".join(
        f"- {task}\n" for task in tasks
    )


HOME = """# Home

<!-- vaultkit:begin plans -->
<!-- vaultkit:end -->

<!-- vaultkit:begin milestones -->
<!-- vaultkit:end -->

<!-- vaultkit:begin open-tasks limit=4 -->
<!-- vaultkit:end -->

<!-- vaultkit:begin journal -->
<!-- vaultkit:end -->

My own notes.
"""

GROWTH = """# Growth

<!-- vaultkit:begin milestones plan="[[Growth]]" -->
<!-- vaultkit:end -->

<!-- vaultkit:begin open-tasks plan="[[Growth]]" -->
<!-- vaultkit:end -->
"""

JOURNAL_ONLY = """# Days

<!-- vaultkit:begin journal limit=3 -->
<!-- vaultkit:end -->
"""

FILES = {
    "Plans/Growth.md": "---\ntype: plan\nstatus: active\n---\n- [x] write it\n",
    "Plans/Writing.md": "---\ntype: plan\n---\n- [ ] outline\n",
    "Milestones/Kafka.md": milestone("Growth", "[ ] read 📅 2026-12-01", "[x] run"),
    "Milestones/Flink.md": milestone("Growth", "[ ] stream"),
    "Milestones/Essay.md": milestone("Writing", "[ ] draft 📅 2026-11-30", "[ ] edit"),
    "Milestones/Talk.md": milestone("Writing"),
    "Journal/2026-11-20.md": "---\ntype: journal\n---\n- [x] walked\n- [ ] read\n",
    "Home.md": HOME,
    "Dashboards/Growth board.md": GROWTH,
    "Dashboards/Days.md": JOURNAL_ONLY,
}
MILESTONES = sorted(p for p in FILES if p.startswith("Milestones/"))
NOTES = sorted(p for p in FILES if not p.startswith("Dashboards/") and p != "Home.md")


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*.md"))
        if ".vaultkit" not in path.parts
    }


def full_rollup_of(root: Path, scratch: Path) -> dict[str, bytes]:
    """What a full rollup writes into a copy of `root` as it is now (its index left out)."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".vaultkit"))
    rollup_vault(Vault(scratch), today=TODAY)
    return snapshot(scratch)


def set_property(text: str, key: str, line: str | None) -> str:
    head, body = text.split("---\n", 2)[1:]
    lines = [item for item in head.splitlines(keepends=True) if not item.startswith(f"{key}:")]
    if line is not None:
        lines.append(f"{key}: {line}\n")
    return "---\n" + "".join(lines) + "---\n" + body


def edit(root: Path, step: tuple[str, int, int]) -> tuple[str, str] | None:
    """Apply one user edit; (kind of change, path), or None when it changes nothing."""
    action, i, j = step
    path = MILESTONES[i % len(MILESTONES)]
    note = root / path
    if action == "new":
        new = f"Milestones/New {j}.md"
        if (root / new).exists():
            return None
        (root / new).write_text(milestone(["Growth", "Writing"][j % 2], "[ ] fresh", "[x] old"), "utf-8")
        return "created", new
    if not note.exists():
        return None
    if action == "delete":
        note.unlink()
        return "created", path  # a structural change, as the watcher follows it
    text = note.read_text("utf-8")
    if action == "tick":
        boxes = [k for k in range(len(text)) if text.startswith("- [", k)]
        if not boxes:
            return None
        at = boxes[j % len(boxes)] + 3
        text = text[:at] + (" " if text[at] == "x" else "x") + text[at + 1 :]
    elif action == "task":
        text += f"- [{' x'[j % 2]}] task {j}" + (f" 📅 2026-12-{j % 28 + 1:02d}" if j % 3 else "") + "\n"
    elif action == "plan":
        value = ['"[[Growth]]"', '"[[Writing]]"', '["[[Growth]]", "[[Writing]]"]', '"[[Nowhere]]"'][j % 4]
        text = set_property(text, "plan", value)
    elif action == "status":
        text = set_property(text, "status", [None, "done", "in-progress", "cancelled", '""'][j % 5])
    elif action == "due":
        text = set_property(text, "due", [None, "2026-12-24", "2027-01-05"][j % 3])
    elif action == "broken":  # properties that do not load, and back
        text = "---\ntype: milestone\nplan: [[[\n---\n- [ ] x\n" if j % 2 else milestone("Growth", "[x] y")
    elif action == "markers":  # a note that starts or stops holding a block
        block = "<!-- vaultkit:begin plans -->\n<!-- vaultkit:end -->\n"
        text = text.replace(block, "") if block in text else text + "\n" + block
    elif action == "type":
        text = set_property(text, "type", ["milestone", "journal", "note"][j % 3])
    elif action == "plan-note":
        path = ["Plans/Growth.md", "Plans/Writing.md"][j % 2]
        text = (root / path).read_text("utf-8") + f"- [{' x'[j % 2]}] plan task {j}\n"
        note = root / path
    elif action == "home":
        path, note = "Home.md", root / "Home.md"
        text = note.read_text("utf-8")
        text = text.replace("My own notes.", f"My own notes, {j}.") if j % 2 else text + f"line {j}\n"
    note.write_text(text, "utf-8")
    return "changed", path


ACTIONS = [
    *("tick", "tick", "task", "plan", "status", "due", "type", "broken", "markers"),
    *("plan-note", "home", "new", "delete"),
]
steps = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(0, 7), st.integers(0, 30)), min_size=1, max_size=8
)


@pytest.fixture
def full_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times a round built the whole model (an incremental round builds none)."""
    calls: list[int] = []
    real = apply.build_model

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(apply, "build_model", counted)
    yield calls


def run_round(vault: Vault, state: RollupState, changed: list[str] | None, hold: Sequence[str] = ()) -> Any:
    return rollup_vault(vault, following=True, state=state, changed=changed, hold=hold, today=TODAY)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_each_incremental_round_writes_what_a_full_rollup_writes(
    tmp_path_factory: pytest.TempPathFactory, full_builds: list[int], steps: list[tuple[str, int, int]]
) -> None:
    base = tmp_path_factory.mktemp("incremental")
    root = make_vault(base / "vault", FILES)
    vault = Vault(root)
    state = RollupState()
    rollup_vault(vault, state=state, today=TODAY)
    for step in steps:
        done = edit(root, step)
        if done is None:
            continue
        kind, path = done
        vault.apply_change(Change(kind, path))
        expected = full_rollup_of(root, base / "full")
        full_builds.clear()
        run_round(vault, state, [path] if kind == "changed" else None)
        assert snapshot(root) == expected, step
        if kind == "changed":
            assert not full_builds, f"{step}: the round rebuilt the whole model"
        assert not rollup_vault(Vault(root), dry_run=True, today=TODAY).changed


def test_a_held_note_is_written_by_a_later_round_as_a_full_rollup_would(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", FILES)
    vault = Vault(root)
    state = RollupState()
    rollup_vault(vault, state=state, today=TODAY)
    edit(root, ("tick", 0, 1))  # Milestones/Essay.md: its first box
    path = MILESTONES[0]
    vault.apply_change(Change("changed", path))
    expected = full_rollup_of(root, tmp_path / "full")
    held = run_round(vault, state, [path], hold=[path])
    assert held.held == [path]
    assert snapshot(root) != expected
    assert snapshot(root)["Plans/Writing.md"] == expected["Plans/Writing.md"]  # its plan at once
    run_round(vault, state, [])  # the note is quiet now: the next round writes it
    assert snapshot(root) == expected


def test_a_tick_visits_only_the_notes_and_dashboards_it_can_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(tmp_path / "vault", FILES)
    vault = Vault(root)
    state = RollupState()
    rollup_vault(vault, state=state, today=TODAY)
    run_round(vault, state, [])  # the notes the full run wrote, settled
    visited: list[str] = []
    real = apply._roll_note

    def spy(vault: Vault, path: str, *args: Any) -> Any:
        visited.append(path)
        return real(vault, path, *args)

    monkeypatch.setattr(apply, "_roll_note", spy)
    path = "Milestones/Kafka.md"
    (root / path).write_text((root / path).read_text("utf-8").replace("- [ ] read", "- [x] read"), "utf-8")
    vault.apply_change(Change("changed", path))
    report = run_round(vault, state, [path])
    assert sorted(visited) == [
        "Dashboards/Growth board.md",
        "Home.md",
        "Milestones/Kafka.md",
        "Plans/Growth.md",
    ]
    assert [change.path for change in report.changed] == sorted(visited)
    visited.clear()
    report = run_round(vault, state, [])  # nothing changed since: nothing is read
    assert visited == []
    assert not report.changed


def test_should_stop_ends_a_run_between_notes(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", FILES)
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    state = RollupState()
    report = rollup_vault(Vault(root), should_stop=stop, state=state, today=TODAY)
    assert report.stopped
    assert len(report.changed) <= 2
    assert state.model is None  # the next run is a full one
    report = rollup_vault(Vault(root), state=state, today=TODAY)
    assert not report.stopped
    assert snapshot(root) == full_rollup_of(root, tmp_path / "full")


# ---------------------------------------------------------------------------------------------- rows kept


def _render_all(data: SummaryData) -> list[str]:
    return [
        render_block(kind, args, data, "Home.md")
        for kind, args in (("plans", {}), ("milestones", {}), ("milestones", {"plan": "[[Plans/Growth]]"}))
    ]


@dataclasses.dataclass
class TitledNote(FakeNote):
    """A note whose title is not its file name (as rollup's stand-ins may give it)."""

    shown: str = ""

    @property
    def title(self) -> str:
        return self.shown or super().title


def _with(notes: Sequence[FakeNote], target: str, **changes: Any) -> list[FakeNote]:
    return [TitledNote(**{**vars(note), **changes}) if note.path == target else note for note in notes]


@pytest.mark.parametrize(
    "changes",
    [
        {"shown": "Kubernetes"},
        {"body": "- [x] exam\n- [x] course\n"},  # its progress
        {"properties": {"plan": "[[Plans/Growth]]", "due": "2027-01-15", "status": "in-progress"}},
        {"properties": {"plan": "[[Plans/Growth]]", "due": "2026-11-30", "status": "done"}},
    ],
    ids=["title", "progress", "due", "status"],
)
def test_a_kept_row_is_rendered_again_when_what_it_shows_changes(changes: dict[str, Any]) -> None:
    rows: RowCache = {}
    notes = list(SUMMARY_VAULT)
    first = _render_all(make_data(*notes, rows=rows))
    assert first == _render_all(make_data(*notes))  # the rows kept are the rows rendered
    assert {key[:3] for key in rows} >= {("milestones", "Home.md", "Milestones/K8s.md")}
    changed = _with(notes, "Milestones/K8s.md", **changes)
    again = _render_all(make_data(*changed, rows=rows))
    assert again == _render_all(make_data(*changed))  # exactly what rendering afresh gives
    assert again != first


def test_a_row_whose_values_are_the_same_is_taken_from_the_kept_rows() -> None:
    rows: RowCache = {}
    render_block("milestones", {}, make_data(*SUMMARY_VAULT, rows=rows), "Home.md")
    key = ("milestones", "Home.md", "Milestones/Talk.md", "plan")
    rows[key] = (rows[key][0], "| kept |")
    changed = _with(list(SUMMARY_VAULT), "Milestones/K8s.md", body="- [x] exam\n")
    lines = render_block("milestones", {}, make_data(*changed, rows=rows), "Home.md").splitlines()
    assert "| kept |" in lines  # Talk's row: nothing it shows changed, so it was not rendered again
    assert "| [[K8s]] | [[Plans/Growth]] | 2026-11-30 | in-progress | ▰▰▰▰▰▰▰▰▰▰ 100% | 1/1 |" in lines


def test_a_full_round_drops_the_kept_rows(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", FILES)
    vault = Vault(root)
    state = RollupState()
    rollup_vault(vault, state=state, today=TODAY)
    assert state.rows  # the dashboards' table rows, for the next round
    state.rows[next(iter(state.rows))] = ((), "| stale |")
    (root / "Milestones/New.md").write_text(milestone("Growth", "[ ] new"), "utf-8")
    vault.apply_change(Change("created", "Milestones/New.md"))
    run_round(vault, state, None)  # a note added: links may resolve elsewhere now
    assert "| stale |" not in (root / "Home.md").read_text("utf-8")
    assert snapshot(root) == full_rollup_of(root, tmp_path / "full")


# ---------------------------------------------------------------------------------------------- history


def test_a_history_that_only_grew_is_read_by_its_new_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / HISTORY_PATH
    file.parent.mkdir()
    points = [Point(TODAY, f"Plans/P{i}.md", "plan", i, 10) for i in range(5)]
    file.write_bytes(b"".join(point.line() for point in points))
    parsed: list[int] = []
    real = store.parse_history

    def whole() -> Any:  # what `load_history` gives: the whole file parsed (not counted)
        return real(file.read_bytes())

    def counted(data: bytes) -> Any:
        parsed.append(data.count(b"\n"))
        return real(data)

    monkeypatch.setattr(store, "parse_history", counted)
    assert charts.read_history(tmp_path) == whole()
    assert charts.read_history(tmp_path) is charts.read_history(tmp_path)  # unchanged: not read again
    with file.open("ab") as handle:  # what a round's `record_progress` does
        handle.write(Point(TODAY, "Plans/P1.md", "plan", 2, 10).line())
    grown = charts.read_history(tmp_path)
    assert grown == whole()
    assert parsed == [5, 1]  # the whole file once, then the line appended
    file.write_bytes(b"".join(point.line() for point in reversed(points)))  # rewritten (a compaction)
    assert charts.read_history(tmp_path) == whole()
    with file.open("ab") as handle:  # a torn line: the whole file is read, and the line reported
        handle.write(b'{"path": "Plans/P1.md"')
    assert charts.read_history(tmp_path) == whole()
    assert parsed[2:] == [5, 0, 5]  # rewritten: whole; torn: the new bytes tried, then the whole file
