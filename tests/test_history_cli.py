"""`vaultkit history show` (a table, --json, --csv, one note) and `history backfill`, as transcripts."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import make_vault
from tests.test_history_backfill import history_repo
from vaultkit.cli.commands import main
from vaultkit.history.store import HISTORY_PATH, Point, record

D1, D2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)
PLAN = "Plans/Senior PDP.md"
LINKED = "is a symbolic link; vaultkit keeps its history only in a real file"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env={"COLUMNS": "100"})
    return result.exit_code, result.stdout, result.stderr


def vault_with_history(tmp_path: Path) -> Path:
    root = make_vault(tmp_path / "vault", {PLAN: "---\ntype: plan\n---\n", "Milestones/Kafka.md": "# K\n"})
    record(root, [Point(D1, PLAN, "plan", 1, 4, 0, 1), Point(D1, "Milestones/Kafka.md", "milestone", 0, 3)])
    record(root, [Point(D2, PLAN, "plan", 2, 4, 0, 1), Point(D2, "Gone.md", "milestone", 0, 0)])
    return root


def test_show_prints_a_row_per_note_and_day(tmp_path: Path) -> None:
    root = vault_with_history(tmp_path)
    code, out, err = run("history", "show", "--vault", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "day         note                 done  progress",
        "──────────  ───────────────────  ────  ────────",
        "2026-12-02  Gone.md              0/0",
        "2026-12-01  Milestones/Kafka.md  0/3   0%",
        "2026-12-01  Plans/Senior PDP.md  1/4   25%",
        "2026-12-02  Plans/Senior PDP.md  2/4   50%",
    ]


def test_show_one_note_by_name_and_a_deleted_note_by_path(tmp_path: Path) -> None:
    root = vault_with_history(tmp_path)
    code, out, _ = run("history", "show", "Senior PDP", "--vault", str(root), "--csv")
    assert code == 0
    assert out == (
        "day,path,type,done,total,milestones_done,milestones_total\n"
        "2026-12-01,Plans/Senior PDP.md,plan,1,4,0,1\n"
        "2026-12-02,Plans/Senior PDP.md,plan,2,4,0,1\n"
    )
    code, out, _ = run("history", "show", "Gone", "--vault", str(root), "--json")
    assert code == 0
    assert json.loads(out) == {
        "points": [{"day": "2026-12-02", "path": "Gone.md", "type": "milestone", "done": 0, "total": 0}],
        "problems": [],
    }
    code, _, err = run("history", "show", "Nothing", "--vault", str(root))
    assert code == 2
    assert "no note 'Nothing'" in err


def test_show_json_lists_damaged_lines_and_the_table_warns_of_them(tmp_path: Path) -> None:
    root = vault_with_history(tmp_path)
    with (root / HISTORY_PATH).open("ab") as handle:
        handle.write(b"{broken\n")
    code, out, _ = run("history", "show", "--vault", str(root), "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data["points"]) == 4
    assert data["problems"] == [
        {"line": 5, "reason": "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
         "; line skipped"}
    ]  # fmt: skip
    code, out, err = run("history", "show", "--vault", str(root))
    assert code == 0
    assert err.startswith("vaultkit: .vaultkit/history.jsonl:5: Expecting property name")
    assert len(out.splitlines()) == 6


def test_show_without_a_history(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {})
    code, out, _ = run("history", "show", "--vault", str(root))
    assert code == 0
    assert out == "no history yet: a rollup records it (`vaultkit history backfill` rebuilds it from git)\n"
    code, out, _ = run("history", "show", "--vault", str(root), "--csv")
    assert out == "day,path,type,done,total,milestones_done,milestones_total\n"
    assert run("history", "show", "--vault", str(root), "--csv", "--json")[0] == 2


def test_show_refuses_a_symlinked_history(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {})
    (root / ".vaultkit").mkdir()
    (tmp_path / "elsewhere.jsonl").write_bytes(b"")
    (root / HISTORY_PATH).symlink_to(tmp_path / "elsewhere.jsonl")
    code, out, err = run("history", "show", "--vault", str(root))
    assert (code, out) == (1, "")
    assert err == f"vaultkit: {root / HISTORY_PATH}: {LINKED}\n"


def test_rollup_then_show(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {"P.md": "---\ntype: plan\n---\n- [x] a\n- [ ] b\n"})
    assert run("rollup", "--vault", str(root), "--today", "2026-12-01")[0] == 0
    out = run("history", "show", "P", "--vault", str(root), "--json")[1]
    assert json.loads(out)["points"] == [
        {"day": "2026-12-01", "path": "P.md", "type": "plan", "done": 1, "total": 2,
         "milestones_done": 0, "milestones_total": 0}
    ]  # fmt: skip


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_backfill_command(tmp_path: Path) -> None:
    root = history_repo(tmp_path)
    code, out, err = run("history", "backfill", "--vault", str(root))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        ".vaultkit/history.jsonl: 9 points from 4 days of git history",
        "followed a rename: Milestones/Two.md → Milestones/Renamed.md",
    ]
    code, out, _ = run("history", "backfill", "--vault", str(root), "--json")
    assert json.loads(out) == {
        "days": 4,
        "points": 9,
        "kept": 0,
        "renamed": {"Milestones/Two.md": "Milestones/Renamed.md"},
        "warnings": [],
    }


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_backfill_outside_a_repository_is_a_usage_error(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {})
    code, out, err = run("history", "backfill", "--vault", str(root))
    assert (code, out) == (2, "")
    assert err == f"vaultkit: {root.resolve()}: not in a git repository (nothing to backfill from)\n"
