"""Untrusted names and the messages users see: each test here names a case that once went wrong.

Note arguments whose file names hold link syntax (`#`, `|`, trailing spaces), titles too long for a file
name, and messages that said the wrong thing (a UTF-16 note called binary, a `.vaultkit` file reported as
"Not a directory", a read refused as a write, a long property name said to "change other data").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaultkit.cli.commands import main


def run(*args: str, vault: Path | None = None) -> Result:
    env = {"VAULTKIT_VAULT": str(vault) if vault else "", "COLUMNS": "100"}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user
    return result


def make_vault(tmp_path: Path, notes: dict[str, str]) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for rel, text in notes.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# ------------------------------------------------------------------------ notes named by their path

NAMES = ["Plans/C# notes.md", "A|B.md", "Name .md", "Folder /Inner.md", "Ends with # and space .md"]


@pytest.mark.parametrize("rel", NAMES)
def test_a_vault_relative_path_with_link_syntax_is_found_from_anywhere(
    tmp_path: Path, rel: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Decoys the link reading would pick: `C`, `A` and `Name` exist as notes of their own.
    root = make_vault(
        tmp_path,
        {rel: "---\nstatus: open\n---\n", "C.md": "", "A.md": "", "Name.md": "", "Other/A.md": ""},
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("show", rel, "--json", vault=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == rel
    result = run("set", rel, "status", "done", vault=root)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{rel}: status = done\n"
    assert (root / rel).read_text(encoding="utf-8") == "---\nstatus: done\n---\n"
    assert (root / "C.md").read_text(encoding="utf-8") == ""


@pytest.mark.parametrize(
    ("name", "rel"), [("Plans/C# notes", "Plans/C# notes.md"), ("Name ", "Name .md"), ("A|B", "A|B.md")]
)
def test_a_vault_relative_path_may_leave_off_md(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, rel: str
) -> None:
    root = make_vault(tmp_path, {rel: "", "C.md": "", "Name.md": "", "A.md": ""})
    monkeypatch.chdir(tmp_path)
    result = run("show", name, "--json", vault=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == rel


def test_link_names_still_resolve_when_no_path_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": "# Goals\n"})
    monkeypatch.chdir(tmp_path)
    for name in ("Growth", "[[Growth#Goals]]", "Growth|alias", " Growth "):
        result = run("show", name, "--json", vault=root)
        assert result.exit_code == 0, (name, result.output)
        assert json.loads(result.stdout)["path"] == "Plans/Growth.md"
