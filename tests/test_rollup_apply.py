"""`rollup_vault` on real files: the golden fixture vault, idempotence, untouched bytes, dry runs, and
notes that change while rollup runs.

The fixture is tests/fixtures/vaults/rollup/: `input/` is rolled up with today = 2026-11-22 and must
equal `expected/` byte for byte; `report.json` and `dry-run.diff` are the JSON report and the dry-run
diff. After a deliberate change of output, regenerate with `VAULTKIT_UPDATE_GOLDEN=1 pytest
tests/test_rollup_apply.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import vaultkit.rollup.apply as rollup_apply
from vaultkit.check.findings import check_vault
from vaultkit.errors import ConflictError
from vaultkit.notes.note import Note
from vaultkit.rollup.apply import MAX_PASSES, rollup_vault
from vaultkit.rollup.dashboards import parse_blocks
from vaultkit.vault import Vault

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "vaults" / "rollup"
TODAY = dt.date(2026, 11, 22)
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"
DERIVED_KEYS = ("tasks_done", "tasks_total", "progress", "milestones_done", "milestones_total")


def tree(root: Path) -> dict[str, bytes]:
    """Every file and its bytes, vaultkit's own state left out: the index cache (`.vaultkit/cache/`) and
    the progress history (`.vaultkit/history.jsonl`, tested in test_history.py)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and not p.relative_to(root).as_posix().startswith((".vaultkit/cache/", ".vaultkit/history.jsonl"))
    }


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).as_posix().startswith(".vaultkit/cache/")
    }


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(FIXTURE / "input", target)
    return target


def golden(name: str, actual: str) -> None:
    path = FIXTURE / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- golden


def test_fixture_vault_matches_the_golden_tree(vault_dir: Path) -> None:
    report = rollup_vault(Vault(vault_dir), today=TODAY)
    if UPDATE:
        shutil.rmtree(FIXTURE / "expected")
        shutil.copytree(vault_dir, FIXTURE / "expected")
    assert tree(vault_dir) == tree(FIXTURE / "expected")
    golden("report.json", json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    assert report.diff == ""
    assert report.problems  # a broken note and broken blocks were skipped


def test_report_contents(vault_dir: Path) -> None:
    report = rollup_vault(Vault(vault_dir), today=TODAY)
    skipped = {(s.path, s.reason.split(":")[0], s.problem) for s in report.skipped}
    assert skipped == {
        ("Dashboards/Broken blocks.md", "line 3", True),
        ("Dashboards/Broken blocks.md", "line 7", True),
        ("Notes/Broken.md", "line 3", True),
        ("Notes/Orphan.md", "has a `plan` property but no `type` (add `type", False),
        ("Templates/Milestone.md", "in the templates folder (templates are never rolled up)", False),
    }
    assert report.unchanged == 1  # Milestones/Mentoring.md was already up to date
    lines = report.render().splitlines()
    assert lines[5] == (
        "Milestones/Public speaking.md: tasks_done added (2), tasks_total added (2), progress added (100), "
        "status in-progress → done, completed added (2026-11-22)"
    )
    assert lines[10] == "updated 10 notes, 1 note up to date"


def test_dry_run_writes_nothing_and_shows_the_diff(vault_dir: Path) -> None:
    before, times = tree(vault_dir), mtimes(vault_dir)
    report = rollup_vault(Vault(vault_dir), dry_run=True, today=TODAY)
    assert tree(vault_dir) == before
    assert mtimes(vault_dir) == times
    golden("dry-run.diff", report.diff)
    real = rollup_vault(Vault(vault_dir), today=TODAY)
    assert report.as_dict() == real.as_dict()
    assert report.render().splitlines()[10] == (
        "would update 10 notes, 1 note up to date (dry run: nothing written)"
    )


def test_second_run_writes_nothing(vault_dir: Path) -> None:
    rollup_vault(Vault(vault_dir), today=TODAY)
    for path in vault_dir.rglob("*"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before, times = tree(vault_dir), mtimes(vault_dir)
    report = rollup_vault(Vault(vault_dir), today=TODAY + dt.timedelta(days=3))
    assert report.changed == []
    assert report.unchanged == 11
    assert report.render().splitlines()[0] == "nothing to change (11 notes up to date)"
    assert tree(vault_dir) == before
    assert mtimes(vault_dir) == times
    assert not list(vault_dir.rglob("*.vaultkit-tmp"))
    assert not list(vault_dir.rglob(".vk-*.tmp"))


def _outside_managed_parts(text: str) -> tuple[list[str], str]:
    """A note's property lines that rollup does not own, and its body with block contents cut out."""
    note = Note.parse(text)
    owned = (*DERIVED_KEYS, "status", "completed")
    header = text[: len(text) - len(note.body)]
    kept = [
        line
        for line in header.splitlines(keepends=True)
        if not line.startswith(tuple(f"{k}:" for k in owned))
    ]
    blocks, _ = parse_blocks(note.body)
    lines = note.body.splitlines(keepends=True)
    for block in reversed(blocks):
        del lines[block.begin + 1 : block.end]
    return kept, "".join(lines)


def test_nothing_outside_blocks_and_derived_properties_changes(vault_dir: Path) -> None:
    before = tree(vault_dir)
    rollup_vault(Vault(vault_dir), today=TODAY)
    after = tree(vault_dir)
    assert after.keys() == before.keys()
    for path, data in before.items():
        if path.endswith(".md"):
            assert _outside_managed_parts(after[path].decode()) == _outside_managed_parts(data.decode()), path
        else:
            assert after[path] == data


def test_check_reports_the_broken_blocks(vault_dir: Path) -> None:
    found = [(f.path, f.line, f.severity, f.code) for f in check_vault(Vault(vault_dir)) if f.code == "block"]
    assert found == [
        ("Dashboards/Broken blocks.md", 3, "error", "block"),
        ("Dashboards/Broken blocks.md", 7, "error", "block"),
    ]


# ---------------------------------------------------------------------------------------------- formats


def test_crlf_bom_note_keeps_its_bytes(tmp_path: Path) -> None:
    note = tmp_path / "M.md"
    note.write_bytes(
        "\ufeff---\r\ntype: milestone\r\nstatus: todo # mine\r\n---\r\n- [x] a\r\n"
        "<!-- vaultkit:begin open-tasks -->\r\n<!-- vaultkit:end -->\r\nend".encode()
    )
    report = rollup_vault(Vault(tmp_path), today=TODAY)
    assert note.read_bytes().decode() == (
        "\ufeff---\r\ntype: milestone\r\nstatus: done # mine\r\ntasks_done: 1\r\ntasks_total: 1\r\n"
        "progress: 100\r\ncompleted: 2026-11-22\r\n---\r\n- [x] a\r\n"
        "<!-- vaultkit:begin open-tasks -->\r\n\r\nNo open tasks.\r\n\r\n<!-- vaultkit:end -->\r\nend"
    )
    assert report.as_dict()["changed"] == [
        {
            "path": "M.md",
            "properties": ["tasks_done", "tasks_total", "progress", "status", "completed"],
            "blocks": ["open-tasks"],
        }
    ]


def test_note_without_properties_gets_only_its_blocks(tmp_path: Path) -> None:
    (tmp_path / "Dash.md").write_text(
        "<!-- vaultkit:begin plans -->\n<!-- vaultkit:end -->\n", encoding="utf-8"
    )
    rollup_vault(Vault(tmp_path), today=TODAY)
    assert (tmp_path / "Dash.md").read_text(encoding="utf-8") == (
        "<!-- vaultkit:begin plans -->\n\nNo plans yet (a plan is a note with `type: plan`).\n\n"
        "<!-- vaultkit:end -->\n"
    )


def test_notes_linked_from_outside_the_vault_are_not_written(tmp_path: Path) -> None:
    vault, outside = tmp_path / "vault", tmp_path / "outside.md"
    vault.mkdir()
    outside.write_text("---\ntype: milestone\n---\n- [x] a\n", encoding="utf-8")
    (vault / "Linked.md").symlink_to(outside)
    report = rollup_vault(Vault(vault), today=TODAY)
    assert outside.read_text(encoding="utf-8") == "---\ntype: milestone\n---\n- [x] a\n"
    assert [(s.path, "outside the vault" in s.reason) for s in report.skipped] == [("Linked.md", True)]
    assert report.problems


# ---------------------------------------------------------------------------------------------- concurrency


def tick_exam(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- [ ] Pass the CKA exam", "- [x] Pass the CKA exam"), encoding="utf-8")


def clean_rollup_of_changed_input(tmp_path: Path, change: Callable[[Path], None]) -> dict[str, bytes]:
    """What a rollup of the vault *with the user's change already made* produces."""
    reference = tmp_path / "reference"
    shutil.copytree(FIXTURE / "input", reference)
    change(reference / "Milestones" / "Kubernetes.md")
    rollup_vault(Vault(reference), today=TODAY)
    return tree(reference)


def test_a_file_changed_between_read_and_write_is_reread_and_recomputed(
    vault_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = rollup_apply._save
    conflicts: list[str] = []

    def save_after_user_edit(note: Note) -> bool:
        assert note.path is not None
        if note.path.name == "Kubernetes.md" and not conflicts:
            tick_exam(note.path)  # the user ticks a box in Obsidian at the last moment
            with pytest.raises(ConflictError):
                real_save(note)
            conflicts.append(note.path.name)
            raise ConflictError("changed", note.path)
        return real_save(note)

    monkeypatch.setattr(rollup_apply, "_save", save_after_user_edit)
    report = rollup_vault(Vault(vault_dir), today=TODAY)
    assert conflicts == ["Kubernetes.md"]
    assert tree(vault_dir) == clean_rollup_of_changed_input(tmp_path, tick_exam)
    kubernetes = (vault_dir / "Milestones" / "Kubernetes.md").read_text(encoding="utf-8")
    assert "- [x] Pass the CKA exam" in kubernetes  # the user's edit survived
    assert "status: done\ncompleted: 2026-10-01\ntasks_done: 3\ntasks_total: 3\nprogress: 100\n" in kubernetes
    changed = {c["path"]: c for c in report.as_dict()["changed"]}
    assert changed["Milestones/Kubernetes.md"]["properties"] == ["tasks_done", "tasks_total"]
    assert not any(s.path == "Milestones/Kubernetes.md" for s in report.skipped)


def test_a_file_changed_after_the_vault_was_indexed_is_recomputed(vault_dir: Path, tmp_path: Path) -> None:
    vault = Vault(vault_dir)
    assert vault.records["Milestones/Kubernetes.md"].counts.open == 1  # index built before the edit
    tick_exam(vault_dir / "Milestones" / "Kubernetes.md")
    rollup_vault(vault, today=TODAY)
    assert tree(vault_dir) == clean_rollup_of_changed_input(tmp_path, tick_exam)


def test_a_file_that_keeps_changing_is_skipped_not_overwritten(
    vault_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = rollup_apply._save
    edits: list[int] = []

    def save_while_user_types(note: Note) -> bool:
        assert note.path is not None
        if note.path.name == "Kubernetes.md":
            edits.append(1)
            with note.path.open("a", encoding="utf-8") as handle:
                handle.write(f"more text {len(edits)}\n")
        return real_save(note)

    monkeypatch.setattr(rollup_apply, "_save", save_while_user_types)
    report = rollup_vault(Vault(vault_dir), today=TODAY)
    assert len(edits) == MAX_PASSES
    kubernetes = vault_dir / "Milestones" / "Kubernetes.md"
    original = (FIXTURE / "input" / "Milestones" / "Kubernetes.md").read_text(encoding="utf-8")
    assert kubernetes.read_text(encoding="utf-8") == original + "more text 1\nmore text 2\nmore text 3\n"
    assert [s.reason for s in report.skipped if s.path == "Milestones/Kubernetes.md"] == [
        f"changed on disk while rollup ran ({MAX_PASSES} tries); nothing written, run again"
    ]
    assert report.problems
    assert "Milestones/Kubernetes.md" not in {c.path for c in report.changed}
