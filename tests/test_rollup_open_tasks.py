"""Open-tasks blocks with a limit, on real files: the golden vault, a second run that writes nothing,
`check` reporting a bad limit, and the documented example.

The fixture is tests/fixtures/vaults/open-tasks/: `input/` rolled up with today = 2026-11-22 must equal
`expected/` byte for byte. Regenerate with `VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_rollup_open_tasks.py`
after a deliberate change of output, and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from test_rollup_apply import mtimes, tree

from vaultkit.check import check_vault
from vaultkit.rollup_apply import rollup_vault
from vaultkit.vault import Vault

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "vaults" / "open-tasks"
TODAY = dt.date(2026, 11, 22)
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"
BAD_LIMIT = "limit must be a whole number of 1 or more, not '0'"


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    target = tmp_path / "vault"
    shutil.copytree(FIXTURE / "input", target)
    return target


def test_limited_blocks_match_the_golden_vault(vault_dir: Path) -> None:
    report = rollup_vault(Vault(vault_dir), today=TODAY)
    if UPDATE:
        shutil.rmtree(FIXTURE / "expected", ignore_errors=True)
        shutil.copytree(vault_dir, FIXTURE / "expected", ignore=shutil.ignore_patterns("index.sqlite*"))
    assert tree(vault_dir) == tree(FIXTURE / "expected")
    assert report.render().splitlines() == [
        "Journal/2026-11-21.md: tasks_done added (1), tasks_total added (2), progress added (50)",
        "Milestones/Conference talk.md: tasks_done added (1), tasks_total added (4), progress added (25)",
        'Next up.md: blocks open-tasks, open-tasks limit=2, open-tasks plan="[[Career]]" limit=1, '
        "open-tasks limit=100",
        "Plans/Career.md: tasks_done added (2), tasks_total added (7), progress added (29), "
        "milestones_done added (0), milestones_total added (1)",
        "updated 4 notes, 0 notes up to date",
        f"skipped Next up.md: line 25: {BAD_LIMIT}",
    ]


def test_a_second_run_has_nothing_to_change_and_writes_nothing(vault_dir: Path) -> None:
    rollup_vault(Vault(vault_dir), today=TODAY)
    for path in vault_dir.rglob("*.md"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before, times = tree(vault_dir), mtimes(vault_dir)
    report = rollup_vault(Vault(vault_dir), today=TODAY)
    assert report.changed == []
    assert report.render().splitlines() == [
        "nothing to change (3 notes up to date)",  # Next up.md is reported below
        f"skipped Next up.md: line 67: {BAD_LIMIT}",  # the blocks above it grew
    ]
    assert (tree(vault_dir), mtimes(vault_dir)) == (before, times)


def test_check_reports_a_bad_limit_as_a_block_problem(vault_dir: Path) -> None:
    findings = [f for f in check_vault(Vault(vault_dir)) if f.code == "block"]
    assert [str(f) for f in findings] == [f"Next up.md:25: error: {BAD_LIMIT} [block]"]


def test_the_documented_example_is_the_golden_one() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "rollup.md").read_text(encoding="utf-8")
    example = docs.split("```markdown\n<!-- vaultkit:begin open-tasks limit=2 -->\n\n", 1)[1].split("```")[0]
    golden = (FIXTURE / "expected" / "Next up.md").read_text(encoding="utf-8")
    assert "<!-- vaultkit:begin open-tasks limit=2 -->\n\n" + example in golden
    assert example.count("\n") == 8
