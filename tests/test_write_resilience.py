"""Notes vaultkit cannot or must not write: one such note never stops a rollup, is reported with its path,
and keeps its bytes, owner, group and mode; stale index entries never reach a write; temp files an
interrupted write left behind are swept by later runs.

Tests run as root, which passes every permission check: a read-only note is made by its mode bits, and
another user's note by `os.chown` to a uid that does not exist.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit.cli.commands import main
from vaultkit.fileio import STALE_TEMP_AGE
from vaultkit.rollup.apply import rollup_vault
from vaultkit.vault import Vault

READ_ONLY = "read-only (no write permission for its owner); make it writable to let vaultkit update it"
MAPPING = "cannot edit: the properties are written as one `{...}` mapping; edit them in Obsidian instead"
PLAN = "---\ntype: plan\n---\n- [x] a\n- [ ] b\n"
ROLLED = (
    "---\ntype: plan\ntasks_done: 1\ntasks_total: 2\nprogress: 50\nmilestones_done: 0\nmilestones_total: 0\n"
    "---\n- [x] a\n- [ ] b\n"
)
NO_SUCH_PID = 0x3FFFFFFF  # above any pid_max: never a running process


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def make_vault(tmp_path: Path, notes: dict[str, str]) -> Path:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for name, text in notes.items():
        path = vault / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return vault


def rollup_json(vault: Path, *extra: str) -> tuple[int, dict[str, object]]:
    code, out, err = run("rollup", "--vault", str(vault), "--json", *extra)
    assert err == ""
    return code, json.loads(out)


# ------------------------------------------------------------------------ one note never stops the rollup


def test_a_note_whose_properties_cannot_be_edited_is_skipped_and_the_rest_rolled_up(tmp_path: Path) -> None:
    journal = "---\n{type: journal}\n---\n- [x] wrote\n"
    vault = make_vault(tmp_path, {"A journal.md": journal, "Plan.md": PLAN})
    for _ in range(2):  # every run says the same, and never aborts
        code, report = rollup_json(vault)
        assert code == 1
        assert report["skipped"] == [{"path": "A journal.md", "reason": MAPPING}]
        assert (vault / "A journal.md").read_text(encoding="utf-8") == journal
    assert (vault / "Plan.md").read_text(encoding="utf-8") == ROLLED
    (vault / "Plan.md").write_text(PLAN, encoding="utf-8")
    code, out, _ = run("rollup", "--vault", str(vault))
    assert code == 1
    assert out.splitlines()[-1] == f"skipped A journal.md: {MAPPING}"
    assert out.splitlines()[0].startswith("Plan.md: tasks_done added (1)")


def test_a_note_that_cannot_be_written_is_skipped_and_the_rest_rolled_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(tmp_path, {"Locked/Plan.md": PLAN, "Plan.md": PLAN})
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: object, dir: str | Path, **kwargs: object) -> tuple[int, str]:
        if Path(dir).name == "Locked":  # a folder we may not create files in (root may: simulated)
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_mkstemp(*args, dir=dir, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    code, report = rollup_json(vault)
    assert code == 1
    assert report["skipped"] == [{"path": "Locked/Plan.md", "reason": "cannot write: Permission denied"}]
    assert report["changed"] == [
        {
            "path": "Plan.md",
            "properties": ["tasks_done", "tasks_total", "progress", "milestones_done", "milestones_total"],
            "blocks": [],
        }
    ]
    assert (vault / "Locked" / "Plan.md").read_text(encoding="utf-8") == PLAN
    assert (vault / "Plan.md").read_text(encoding="utf-8") == ROLLED


def test_a_note_with_the_longest_file_name_is_rolled_up(tmp_path: Path) -> None:
    name = "p" * 252 + ".md"  # 255 bytes: no room for a temp name built from it
    vault = make_vault(tmp_path, {name: PLAN})
    code, report = rollup_json(vault)
    assert (code, report["skipped"]) == (0, [])
    assert (vault / name).read_text(encoding="utf-8") == ROLLED
    assert sorted(p.name for p in vault.iterdir()) == [".obsidian", ".vaultkit", name]


# ------------------------------------------------------------------------ what is written is from the file


def test_counts_come_from_the_bytes_written_over_not_a_stale_index_entry(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Plan.md": "---\ntype: plan\n---\n- [ ] a\n"})
    path = vault / "Plan.md"
    moment = 1_000_000_000_000_000_000
    os.utime(path, ns=(moment, moment))
    assert Vault(vault).summaries["Plan.md"].counts.done == 0  # indexed: summary only
    path.write_text("---\ntype: plan\n---\n- [x] a\n", encoding="utf-8")  # same size ...
    os.utime(path, ns=(moment, moment))  # ... and mtime: the index entry looks current
    rollup_vault(Vault(vault))
    assert path.read_text(encoding="utf-8") == (
        "---\ntype: plan\ntasks_done: 1\ntasks_total: 1\nprogress: 100\nmilestones_done: 0\n"
        "milestones_total: 0\n---\n- [x] a\n"
    )


# ------------------------------------------------------------------------ permissions and ownership


@pytest.mark.parametrize("dry_run", [False, True])
def test_rollup_leaves_a_read_only_note_alone(tmp_path: Path, dry_run: bool) -> None:
    vault = make_vault(tmp_path, {"Locked.md": PLAN, "Plan.md": PLAN})
    (vault / "Locked.md").chmod(0o444)
    code, report = rollup_json(vault, *(["--dry-run"] if dry_run else []))
    assert code == 1
    assert report["skipped"] == [{"path": "Locked.md", "reason": READ_ONLY}]
    assert [change["path"] for change in report["changed"]] == ["Plan.md"]  # type: ignore[attr-defined]
    assert (vault / "Locked.md").read_text(encoding="utf-8") == PLAN
    assert (vault / "Locked.md").stat().st_mode & 0o777 == 0o444
    assert (vault / "Plan.md").read_text(encoding="utf-8") == (PLAN if dry_run else ROLLED)


def test_rollup_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Plan.md": PLAN})
    os.chown(vault / "Plan.md", 12345, 12345)
    (vault / "Plan.md").chmod(0o620)
    rollup_vault(Vault(vault))
    found = (vault / "Plan.md").stat()
    assert (vault / "Plan.md").read_text(encoding="utf-8") == ROLLED
    assert (found.st_uid, found.st_gid, found.st_mode & 0o7777) == (12345, 12345, 0o620)


def test_set_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Plan.md": PLAN})
    os.chown(vault / "Plan.md", 12345, 12345)
    (vault / "Plan.md").chmod(0o604)
    code, out, _ = run("set", "Plan", "status", "done", "--vault", str(vault))
    assert (code, out) == (0, "Plan.md: status = done\n")
    found = (vault / "Plan.md").stat()
    assert (found.st_uid, found.st_gid, found.st_mode & 0o7777) == (12345, 12345, 0o604)
    assert (vault / "Plan.md").read_text(encoding="utf-8") == PLAN.replace("plan\n", "plan\nstatus: done\n")


def test_set_refuses_a_read_only_note(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"Plan.md": PLAN})
    (vault / "Plan.md").chmod(0o444)
    code, out, err = run("set", "Plan", "status", "done", "--vault", str(vault))
    assert (code, out, err) == (1, "", f"vaultkit: Plan.md: {READ_ONLY}\n")
    assert (vault / "Plan.md").read_text(encoding="utf-8") == PLAN
    assert (vault / "Plan.md").stat().st_mode & 0o777 == 0o444
    code, out, _ = run("set", "Plan", "type", "plan", "--vault", str(vault))
    assert (code, out) == (0, "Plan.md: type already plan; nothing written\n")  # nothing to write: fine


# ------------------------------------------------------------------------ stale temp files


def leftovers(vault: Path) -> dict[str, Path]:
    """What `kill -9` mid-write leaves: a full copy of a note, mode 0600, in the note's folder."""
    found = {}
    for name, age in [
        (f"Sub/.vk-{NO_SUCH_PID:x}-abcd1234.tmp", 120.0),  # its writer is gone
        (".Plan.md.k2j4_9xq.vaultkit-tmp", STALE_TEMP_AGE + 60),  # an earlier version's name, old
        (".Plan.md.fresh_12.vaultkit-tmp", 5.0),  # too young to judge: kept
        (".Plan.md.swp", STALE_TEMP_AGE * 10),  # an editor's file: never ours to delete
    ]:
        path = vault / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(PLAN, encoding="utf-8")
        path.chmod(0o600)
        moment = path.stat().st_mtime - age
        os.utime(path, (moment, moment))
        found[name] = path
    return found


@pytest.mark.parametrize(
    "command",
    [("rollup",), ("fix",), ("import", "{source}")],
    ids=["rollup", "fix", "import"],
)
def test_later_runs_remove_stale_temp_files_and_nothing_else(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    vault = make_vault(tmp_path, {"Plan.md": PLAN})
    source = tmp_path / "Imported plan.md"
    source.write_text("# Imported plan\n\n- [ ] a\n", encoding="utf-8")
    paths = leftovers(vault)
    args = [arg.format(source=source) for arg in command]
    run(*args, "--dry-run", "--vault", str(vault))
    assert all(path.exists() for path in paths.values())  # a dry run deletes nothing either
    code, _, _ = run(*args, "--vault", str(vault))
    assert code == 0
    assert sorted(name for name, path in paths.items() if path.exists()) == [
        ".Plan.md.fresh_12.vaultkit-tmp",
        ".Plan.md.swp",
    ]
