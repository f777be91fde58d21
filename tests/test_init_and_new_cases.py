"""`init --force` on an existing vault, and `new` messages and names that fit their case.

`init --force` on a vault adds only the template's missing files (no starter plan unless `--role` or
`--level` asks for one); `new journal` on a day that has one says so without talking about a title; a
title with `/` is saved under a safe file name, its `title` property keeping the `/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from vaultkit import Note
from vaultkit.cli.commands import main
from vaultkit.errors import UnsafePathError
from vaultkit.scaffold.templates import safe_note_name

#: Files `init` copies from the template that an existing vault may lack.
MISSING = ["Home.md", "Templates/Milestone.md", ".obsidian/templates.json"]


def run(*args: str) -> Result:
    env = {"VAULTKIT_VAULT": "", "COLUMNS": "100"}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("made") / "pdp"
    result = run("init", str(root), "--role", "Data Engineer", "--level", "senior")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def vault(made: Path, tmp_path: Path) -> Path:
    root = tmp_path / "pdp"
    shutil.copytree(made, root, ignore=shutil.ignore_patterns(".vaultkit"))
    return root


def _user_vault(vault: Path) -> dict[str, bytes]:
    """The made vault as a user has it: their own plan, no starter notes, some template files gone."""
    for path in [*vault.glob("Plans/*.md"), *vault.glob("Milestones/*.md"), *(vault / p for p in MISSING)]:
        path.unlink()
    (vault / "Plans" / "My plan.md").write_text("---\ntype: plan\n---\n- [ ] mine\n", encoding="utf-8")
    return {p.relative_to(vault).as_posix(): p.read_bytes() for p in vault.rglob("*") if p.is_file()}


def test_init_force_on_a_vault_adds_only_the_missing_template_files(vault: Path) -> None:
    before = _user_vault(vault)
    result = run("init", str(vault), "--force")
    assert result.exit_code == 0, result.output
    created = sorted(result.stdout.split("\nskipped")[0].splitlines()[1:])
    assert created == [f"  {p}" for p in sorted(MISSING)]
    assert "no starter plan: the folder is a vault already; pass --role or --level to add one\n" in (
        result.stdout
    )
    assert "your plan:" not in result.stdout
    assert sorted(p.name for p in (vault / "Plans").iterdir()) == ["My plan.md"]
    assert not list((vault / "Milestones").glob("*.md"))
    for rel, data in before.items():
        assert (vault / rel).read_bytes() == data


def test_init_force_on_an_empty_obsidian_vault_makes_no_starter_plan(tmp_path: Path) -> None:
    root = tmp_path / "v"
    (root / ".obsidian").mkdir(parents=True)
    result = run("init", str(root), "--force")
    assert result.exit_code == 0, result.output
    assert "no starter plan:" in result.stdout
    assert not list(root.glob("Plans/*.md")) and not list(root.glob("Milestones/*.md"))
    assert (root / "Home.md").is_file() and (root / "Templates" / "Milestone.md").is_file()


@pytest.mark.parametrize("option", [("--level", "junior"), ("--role", "Tester")])
def test_init_force_makes_a_starter_plan_when_asked(vault: Path, option: tuple[str, str]) -> None:
    _user_vault(vault)
    result = run("init", str(vault), "--force", *option)
    assert result.exit_code == 0, result.output
    plans = sorted(p.name for p in (vault / "Plans").iterdir())
    assert len(plans) == 2 and "My plan.md" in plans
    assert len(list((vault / "Milestones").glob("*.md"))) == 2
    assert "no starter plan" not in result.stdout


def test_new_journal_on_a_day_that_has_one(vault: Path) -> None:
    assert run("new", "journal", "--date", "2026-11-20", "--vault", str(vault)).exit_code == 0
    journal = vault / "Journal" / "Daily" / "2026-11-20.md"
    before = journal.read_bytes()
    result = run("new", "journal", "--date", "2026-11-20", "--vault", str(vault))
    assert result.exit_code == 1
    assert result.stderr == (
        "vaultkit: Journal/Daily/2026-11-20.md: the journal for 2026-11-20 already exists; not overwritten "
        "(open it, or pass --date for another day)\n"
    )
    assert "title" not in result.stderr
    assert journal.read_bytes() == before


@pytest.mark.parametrize(
    ("kind", "title", "rel"),
    [
        ("milestone", "CI/CD pipeline", "Milestones/CI-CD pipeline.md"),
        ("plan", "Kubernetes / Helm", "Plans/Kubernetes - Helm.md"),
        ("milestone", "Read 2/3 of: DDIA", "Milestones/Read 2-3 of - DDIA.md"),
    ],
)
def test_a_title_with_a_slash_gets_a_safe_file_name(vault: Path, kind: str, title: str, rel: str) -> None:
    result = run("new", kind, title, "--vault", str(vault))
    assert (result.exit_code, result.stdout, result.stderr) == (0, f"created {rel}\n", "")
    assert Note.load(vault / rel).properties["title"] == title
    assert run("check", "--vault", str(vault)).exit_code == 0


@pytest.mark.parametrize("title", ["../x", "a/../b", "/tmp/x", "a\\b", "./x"])
def test_a_title_that_is_a_path_is_still_refused(vault: Path, title: str) -> None:
    before = sorted(vault.parent.rglob("*"))
    result = run("new", "milestone", title, "--vault", str(vault))
    assert result.exit_code == 2
    assert sorted(p for p in vault.parent.rglob("*") if ".vaultkit" not in p.parts) == [
        p for p in before if ".vaultkit" not in p.parts
    ]


_WORDS = st.text(st.characters(codec="utf-8", exclude_characters="/\\"), min_size=1, max_size=12)


@given(st.lists(_WORDS, min_size=2, max_size=4))
def test_a_slash_between_words_is_replaced_like_other_unsafe_characters(words: list[str]) -> None:
    title = "/".join(words)
    if title.strip().startswith("/") or any(w.strip() in (".", "..") for w in words):
        return
    try:
        expected = safe_note_name("-".join(words))
    except UnsafePathError:
        with pytest.raises(UnsafePathError):
            safe_note_name(title, slash="-")
        return
    assert safe_note_name(title, slash="-") == expected
    assert "/" not in expected
