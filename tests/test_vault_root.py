"""Where vaultkit works: outside a vault, with no `--vault` and no `$VAULTKIT_VAULT`, nothing is guessed.

A command run by mistake in a folder of other projects must neither index its Markdown files nor roll
progress into them: it stops with one line saying how to point at a vault, and the folder stays as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaultkit.cli.commands import main

PLAN = "---\ntype: plan\n---\n# Old plan\n\n- [x] done\n- [ ] open\n"

COMMANDS = [
    ("status",),
    ("status", "--json"),
    ("tasks",),
    ("show", "oldplan"),
    ("set", "oldplan", "due", "2026-01-01"),
    ("unset", "oldplan", "type"),
    ("check",),
    ("new", "plan", "Growth"),
    ("new", "journal"),
    ("rollup",),
    ("rollup", "--dry-run"),
    ("import", "projects/oldplan.md"),
    ("fix", "--placeholders"),
]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    full = {"VAULTKIT_VAULT": "", "COLUMNS": "100", **(env or {})}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=full, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file and folder under `root`, files with their bytes."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def projects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of other projects, no `.obsidian/` anywhere, as the current folder."""
    root = tmp_path / "projects-home"
    (root / "projects").mkdir(parents=True)
    (root / "projects" / "oldplan.md").write_text(PLAN, encoding="utf-8")
    (root / "README.md").write_text("# Some project\n\n- [ ] ship it\n", encoding="utf-8")
    monkeypatch.delenv("VAULTKIT_VAULT", raising=False)
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_outside_a_vault_commands_stop_and_write_nothing(projects: Path, args: tuple[str, ...]) -> None:
    before = snapshot(projects)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"vaultkit: no vault: no .obsidian/ folder in {projects.resolve()} or above it; pass --vault PATH, "
        "set VAULTKIT_VAULT, or make a vault with 'vaultkit init DIR'\n"
    )
    assert snapshot(projects) == before
    assert not (projects / ".vaultkit").exists()


def test_a_vault_is_found_from_its_subfolder(projects: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (projects / ".obsidian").mkdir()
    monkeypatch.chdir(projects / "projects")
    result = run("status", "--json")
    assert result.exit_code == 0
    assert '"path": "projects/oldplan.md"' in result.stdout


def test_an_explicit_vault_without_obsidian_still_works(projects: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for how in ("option", "variable"):
        if how == "option":
            result = run("rollup", "--vault", str(projects))
        else:
            result = run("rollup", env={"VAULTKIT_VAULT": str(projects)})
        assert result.exit_code == 0, result.output
    text = (projects / "projects" / "oldplan.md").read_text(encoding="utf-8")
    assert "progress: 50" in text


def test_a_bad_path_says_where_it_came_from(projects: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = run("status", "--vault", str(missing))
    assert (result.exit_code, result.stderr) == (2, f"vaultkit: {missing}: not a folder (from --vault)\n")
    result = run("status", env={"VAULTKIT_VAULT": str(missing)})
    assert (result.exit_code, result.stderr) == (
        2,
        f"vaultkit: {missing}: not a folder (from $VAULTKIT_VAULT)\n",
    )
    note = projects / "projects" / "oldplan.md"
    result = run("status", "--vault", str(note))  # a file, not a folder
    assert (result.exit_code, result.stderr) == (2, f"vaultkit: {note}: not a folder (from --vault)\n")
    assert not (tmp_path / "nope").exists()


def test_the_option_wins_over_the_variable(projects: Path, tmp_path: Path) -> None:
    result = run("status", "--json", "--vault", str(projects), env={"VAULTKIT_VAULT": str(tmp_path / "nope")})
    assert result.exit_code == 0
    assert '"path": "projects/oldplan.md"' in result.stdout
