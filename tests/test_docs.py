"""docs/: the CLI reference is generated from `--help` and must match it; the docs index links every page.

When this fails after a change to a command, run `make docs` and commit docs/cli.md.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import click
import pytest

from vaultkit.cli.commands import main

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def command_paths(group: click.Group = main, prefix: str = "vaultkit") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        if command.hidden:
            continue
        paths.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            paths += command_paths(command, f"{prefix} {name}")
    return paths


def test_cli_reference_is_up_to_date() -> None:
    expected = load_generator().render()
    actual = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is out of date with the CLI's --help: run `make docs`"


def test_cli_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    generator = load_generator()
    monkeypatch.setenv("COLUMNS", "40")
    narrow = generator.render()
    monkeypatch.setenv("COLUMNS", "250")
    assert generator.render() == narrow


@pytest.mark.parametrize("path", ["vaultkit", *command_paths()])
def test_every_command_has_a_section(path: str) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert f"\n## `{path}`\n" in text, f"docs/cli.md has no section for `{path}`: run `make docs`"
    assert f"Usage: {path} " in text, f"docs/cli.md lacks the help of `{path}`: run `make docs`"


def test_generator_check_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generator = load_generator()
    stale = tmp_path / "cli.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(generator, "DOC", stale)
    monkeypatch.setattr(generator, "ROOT", tmp_path)
    monkeypatch.setattr("sys.argv", ["gen_cli_docs.py", "--check"])
    assert generator.main() == 1
    assert stale.read_text(encoding="utf-8") == "old\n"
    monkeypatch.setattr("sys.argv", ["gen_cli_docs.py"])
    assert generator.main() == 0
    assert stale.read_text(encoding="utf-8") == generator.render()


def test_docs_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", index))
    pages = {p.name for p in DOCS.glob("*.md")} - {"README.md"}
    assert pages <= linked, f"docs/README.md does not link {sorted(pages - linked)}"
    for target in linked:
        assert (DOCS / target).is_file(), f"docs/README.md links a missing page {target}"


def test_relative_links_in_docs_resolve() -> None:
    for page in [*DOCS.glob("*.md"), ROOT / "README.md"]:
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)  # examples in code are not links
        text = re.sub(r"`[^`\n]*`", "", text)
        for target in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", text):
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links a missing {target}"


@pytest.mark.parametrize(
    ("page", "must_mention"),
    [
        ("getting-started.md", ["make demo", "make test", "vaultkit status", "vaultkit check", "progress"]),
        ("note-format.md", ["- [x]", "- [-]", "cancelled", "📅", "[[", "type: plan", "%%"]),
    ],
)
def test_guides_cover_their_subject(page: str, must_mention: list[str]) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    for phrase in must_mention:
        assert phrase in text, f"docs/{page} should explain {phrase!r}"
