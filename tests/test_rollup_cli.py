"""`vaultkit rollup`: the JSON contract, human output, --dry-run, exit statuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from vaultkit.cli.commands import main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "vaults" / "rollup"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def fixture_copy(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(FIXTURE / "input", target)
    return target


def clean_vault(tmp_path: Path) -> Path:
    vault = tmp_path / "clean"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "Plan.md").write_text("---\ntype: plan\n---\n- [x] a\n- [ ] b\n", encoding="utf-8")
    return vault


def test_json_is_the_contract(tmp_path: Path) -> None:
    vault = fixture_copy(tmp_path)
    code, out, err = run("rollup", "--vault", str(vault), "--json", "--today", "2026-11-22")
    assert code == 1  # the fixture has a broken note and broken blocks
    assert err == ""
    assert json.loads(out) == json.loads((FIXTURE / "report.json").read_text(encoding="utf-8"))


def test_human_output_then_nothing_to_change(tmp_path: Path) -> None:
    vault = clean_vault(tmp_path)
    code, out, _ = run("rollup", "--vault", str(vault))
    assert code == 0
    assert out == (
        "Plan.md: tasks_done added (1), tasks_total added (2), progress added (50), "
        "milestones_done added (0), milestones_total added (0)\n"
        "updated 1 note, 0 notes up to date\n"
    )
    code, out, _ = run("rollup", "--vault", str(vault))
    assert (code, out) == (0, "nothing to change (1 note up to date)\n")


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path: Path) -> None:
    vault = clean_vault(tmp_path)
    before = (vault / "Plan.md").read_bytes()
    code, out, _ = run("rollup", "--dry-run", "--vault", str(vault))
    assert code == 0
    assert out == (
        "--- a/Plan.md\n+++ b/Plan.md\n@@ -1,5 +1,10 @@\n ---\n type: plan\n"
        "+tasks_done: 1\n+tasks_total: 2\n+progress: 50\n+milestones_done: 0\n+milestones_total: 0\n"
        " ---\n - [x] a\n - [ ] b\n"
        "Plan.md: tasks_done added (1), tasks_total added (2), progress added (50), "
        "milestones_done added (0), milestones_total added (0)\n"
        "would update 1 note, 0 notes up to date (dry run: nothing written)\n"
    )
    assert (vault / "Plan.md").read_bytes() == before


def test_dry_run_json_has_the_same_shape(tmp_path: Path) -> None:
    vault = clean_vault(tmp_path)
    code, out, _ = run("rollup", "--dry-run", "--json", "--vault", str(vault))
    assert code == 0
    assert json.loads(out) == {
        "changed": [
            {
                "path": "Plan.md",
                "properties": [
                    "tasks_done",
                    "tasks_total",
                    "progress",
                    "milestones_done",
                    "milestones_total",
                ],
                "blocks": [],
            }
        ],
        "unchanged": 0,
        "skipped": [],
    }


def test_bad_config_is_a_usage_error(tmp_path: Path) -> None:
    vault = clean_vault(tmp_path)
    (vault / ".vaultkit").mkdir()
    (vault / ".vaultkit" / "config.toml").write_text("[rollup]\nbar_width = 0\n", encoding="utf-8")
    before = (vault / "Plan.md").read_bytes()
    code, out, err = run("rollup", "--vault", str(vault))
    assert code == 2
    assert out == ""
    assert "config.toml: [rollup] bar_width: must be a whole number from 1 to 50, not 0" in err
    assert "Traceback" not in err
    assert (vault / "Plan.md").read_bytes() == before


def test_help_documents_the_command() -> None:
    code, out, _ = run("rollup", "--help")
    assert code == 0
    assert "--dry-run" in out and "--json" in out and "--vault" in out
    assert "--today" not in out  # a hidden option for tests and demos
