"""`backfill`: the history rebuilt from a git repository built here, commit by commit, with exact series."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_vault
from vaultkit.errors import VaultError
from vaultkit.history.store import HISTORY_PATH, Point, load_history, record
from vaultkit.rollup.apply import rollup_vault
from vaultkit.rollup.history import backfill
from vaultkit.vault import Vault

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "A",
    "GIT_AUTHOR_EMAIL": "a@example.org",
    "GIT_COMMITTER_NAME": "A",
    "GIT_COMMITTER_EMAIL": "a@example.org",
}

PLAN = """---
type: plan
---
- [ ] plan it
"""


def milestone(*ticked: bool) -> str:
    names = "ab" if len(ticked) == 2 else "x"
    rows = "".join(
        f"- [{'x' if done else ' '}] task {name}\n" for done, name in zip(ticked, names, strict=False)
    )
    return f'---\ntype: milestone\nplan: "[[Plan]]"\n---\n{rows}'


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, **ENV}
    if when is not None:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit(root: Path, when: str, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, when=when)


def history_repo(tmp_path: Path) -> Path:
    """A plan and two milestones, boxes ticked over five commits on four days, one milestone renamed."""
    root = make_vault(tmp_path / "vault", {})
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text(".vaultkit/\n", "utf-8")
    commit(root, "2026-01-05T09:00:00+00:00",
           {"Plan.md": PLAN, "Milestones/One.md": milestone(False, False),
            "Milestones/Two.md": milestone(False, False)}, "start")  # fmt: skip
    commit(root, "2026-01-06T10:00:00+00:00", {"Milestones/One.md": milestone(True, False)}, "a")
    commit(root, "2026-01-06T18:00:00+00:00", {"Plan.md": PLAN.replace("[ ]", "[x]")}, "plan it")
    # 00:30 on the 7th for the committer (UTC+2), still the 6th in UTC: the committer's date counts.
    git(root, "mv", "Milestones/Two.md", "Milestones/Renamed.md")
    commit(root, "2026-01-07T00:30:00+02:00", {"Milestones/Renamed.md": milestone(True, False)}, "move")
    commit(root, "2026-01-10T12:00:00+00:00", {"Milestones/One.md": milestone(True, True)}, "b")
    return root


def series(root: Path, path: str) -> list[tuple[str, int, int, int | None, int | None]]:
    return [
        (p.day.isoformat(), p.done, p.total, p.milestones_done, p.milestones_total)
        for p in load_history(root).series(path)
    ]


def test_backfill_gives_the_exact_series_of_every_plan_and_milestone(tmp_path: Path) -> None:
    root = history_repo(tmp_path)
    status = git(root, "status", "--porcelain")  # (status itself refreshes git's index: before the stat)
    index = (root / ".git" / "index").stat().st_mtime_ns
    report = backfill(Vault(root))
    assert report.days == 4
    assert report.renamed == {"Milestones/Two.md": "Milestones/Renamed.md"}
    assert report.warnings == []
    assert series(root, "Plan.md") == [
        ("2026-01-05", 0, 5, 0, 2),
        ("2026-01-06", 2, 5, 0, 2),
        ("2026-01-07", 3, 5, 0, 2),
        ("2026-01-10", 4, 5, 1, 2),
    ]
    assert series(root, "Milestones/One.md") == [
        ("2026-01-05", 0, 2, None, None),
        ("2026-01-06", 1, 2, None, None),
        ("2026-01-10", 2, 2, None, None),
    ]
    assert series(root, "Milestones/Renamed.md") == [
        ("2026-01-05", 0, 2, None, None),
        ("2026-01-07", 1, 2, None, None),
    ]
    assert load_history(root).paths() == ["Milestones/One.md", "Milestones/Renamed.md", "Plan.md"]
    assert report.points == 9
    # The working tree and git's index are untouched.
    assert (root / ".git" / "index").stat().st_mtime_ns == index
    assert git(root, "status", "--porcelain") == status
    # A rollup of the vault as it stands (the last commit) has nothing new to record.
    assert rollup_vault(Vault(root), today=dt.date(2026, 1, 11)).recorded == 0


def test_backfill_replaces_the_days_git_covers_and_keeps_the_others(tmp_path: Path) -> None:
    root = history_repo(tmp_path)
    record(root, [Point(dt.date(2026, 1, 6), "Plan.md", "plan", 9, 9, 2, 2)])  # replaced: git has the 6th
    record(root, [Point(dt.date(2026, 1, 12), "Plan.md", "plan", 5, 5, 2, 2)])  # kept: git has no 12th
    (root / HISTORY_PATH).write_bytes((root / HISTORY_PATH).read_bytes() + b"damaged\n")
    report = backfill(Vault(root))
    assert report.kept == 1
    assert series(root, "Plan.md")[-2:] == [("2026-01-10", 4, 5, 1, 2), ("2026-01-12", 5, 5, 2, 2)]
    assert ("2026-01-06", 2, 5, 0, 2) in series(root, "Plan.md")
    assert (root / HISTORY_PATH).read_bytes().endswith(b"\ndamaged\n")  # the user's line is not dropped
    again = backfill(Vault(root))
    assert (again.points, again.kept) == (report.points, report.kept)


def test_a_vault_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    vault = make_vault(repo / "Notes", {})
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "2026-02-01T09:00:00+00:00", {"Notes/Plan.md": PLAN, "Elsewhere/Plan.md": PLAN}, "start")
    report = backfill(Vault(vault))
    assert report.days == 1
    assert load_history(vault).paths() == ["Plan.md"]
    assert series(vault, "Plan.md") == [("2026-02-01", 0, 1, 0, 0)]


def test_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {"Plan.md": PLAN})
    with pytest.raises(VaultError, match="not in a git repository"):
        backfill(Vault(root))
    assert not (root / HISTORY_PATH).exists()


def test_no_git_installed_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault(tmp_path / "vault", {"Plan.md": PLAN})
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(VaultError, match=r"git is not installed"):
        backfill(Vault(root))


def test_a_repository_without_commits_backfills_nothing(tmp_path: Path) -> None:
    root = make_vault(tmp_path / "vault", {"Plan.md": PLAN})
    git(root, "init", "-q", "-b", "main")
    report = backfill(Vault(root))
    assert (report.days, report.points) == (0, 0)


def test_a_shallow_clone_is_backfilled_with_a_warning(tmp_path: Path) -> None:
    origin = history_repo(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{origin}", str(clone))
    report = backfill(Vault(clone))
    assert report.days == 2
    assert report.warnings == [
        "a shallow clone: days before its first commit are missing (`git fetch --unshallow` gets them)"
    ]
    assert series(clone, "Plan.md") == [("2026-01-07", 3, 5, 0, 2), ("2026-01-10", 4, 5, 1, 2)]
