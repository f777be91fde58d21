"""Open-tasks blocks with a limit, on real files: the golden vault, a second run that writes nothing,
`check` reporting a bad limit, and a block that builds the tasks of the notes it shows and no others.

The fixture is tests/fixtures/vaults/open-tasks/: `input/` rolled up with today = 2026-11-22 must equal
`expected/` byte for byte. Regenerate with `VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_rollup_open_tasks.py`
after a deliberate change of output, and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import make_vault
from test_rollup_apply import mtimes, tree

from vaultkit.check.findings import check_vault
from vaultkit.index.store import NoteIndex
from vaultkit.notes.record import NoteRecord
from vaultkit.rollup.apply import rollup_vault
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
        shutil.copytree(vault_dir, FIXTURE / "expected", ignore=shutil.ignore_patterns("cache"))
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


HOME = "# Home\n<!-- vaultkit:begin open-tasks limit=3 -->\n<!-- vaultkit:end -->\n"


def _many_notes(root: Path, count: int) -> Path:
    files: dict[str, str | bytes] = {
        f"Notes/N{i:02}.md": f"# N{i:02}\n- [ ] a{i} 📅 2026-12-{1 + i % 28:02}\n- [ ] b{i}\n- [x] c{i}\n"
        for i in range(count)
    }
    files["Home.md"] = HOME
    return make_vault(root, files)


def test_a_block_builds_only_the_records_of_the_notes_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _many_notes(tmp_path, 40)
    rollup_vault(Vault(root), today=TODAY)
    (root / "Home.md").write_text(HOME)
    built: list[str] = []
    records = NoteIndex.records

    def spy(self: NoteIndex, paths: Iterable[str]) -> dict[str, NoteRecord]:
        found = records(self, paths)
        built.extend(found)
        return found

    monkeypatch.setattr(NoteIndex, "records", spy)
    report = rollup_vault(Vault(root), today=TODAY)
    assert [change.why() for change in report.changed] == ["block open-tasks limit=3"]
    assert sorted(built) == ["Notes/N00.md", "Notes/N28.md"]  # the notes shown (Home.md is current by hash)
    assert (root / "Home.md").read_text(encoding="utf-8") == (
        "# Home\n<!-- vaultkit:begin open-tasks limit=3 -->\n\n"
        "- [[N00]]\n  - a0 📅 2026-12-01\n  - b0\n"
        "- [[N28]]\n  - a28 📅 2026-12-01\n\n"
        "… and 77 more open tasks in 39 notes not shown (limit=3).\n\n"
        "<!-- vaultkit:end -->\n"
    )


def test_the_documented_example_is_the_golden_one() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "rollup.md").read_text(encoding="utf-8")
    example = docs.split("```markdown\n<!-- vaultkit:begin open-tasks limit=2 -->\n\n", 1)[1].split("```")[0]
    golden = (FIXTURE / "expected" / "Next up.md").read_text(encoding="utf-8")
    assert "<!-- vaultkit:begin open-tasks limit=2 -->\n\n" + example in golden
    assert example.count("\n") == 8
