"""The public API: `vaultkit.__all__` is complete and importable, and the library does not need click."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import vaultkit
from vaultkit import errors

PACKAGE = Path(vaultkit.__file__).resolve().parent


@pytest.mark.parametrize("name", vaultkit.__all__)
def test_every_exported_name_is_importable(name: str) -> None:
    value = getattr(vaultkit, name)
    assert value is not None
    namespace: dict[str, object] = {}
    exec(f"from vaultkit import {name}", namespace)
    assert namespace[name] is value


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from vaultkit import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(vaultkit.__all__)


def test_all_has_no_duplicates_and_unknown_names_fail() -> None:
    assert len(vaultkit.__all__) == len(set(vaultkit.__all__))
    with pytest.raises(AttributeError):
        _ = vaultkit.NoSuchThing  # type: ignore[attr-defined]


def test_every_error_is_exported() -> None:
    """The whole error tree is public: callers catch these by name."""
    tree = {
        name
        for name, value in vars(errors).items()
        if inspect.isclass(value)
        and issubclass(value, errors.VaultkitError)
        and value.__module__ == errors.__name__
    }
    assert tree <= set(vaultkit.__all__), sorted(tree - set(vaultkit.__all__))


@pytest.mark.parametrize(
    "name",
    [
        "Note",
        "Vault",
        "NoteRecord",
        "Task",
        "TaskCounts",
        "TaskStatuses",
        "Link",
        "Heading",
        "Problem",
        "Config",
    ],
)
def test_core_names_from_the_issue_are_exported(name: str) -> None:
    assert name in vaultkit.__all__


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module",
            "__import__",
        ):
            found |= {
                a.value.split(".")[0]
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def test_only_cli_imports_click() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] != "cli" and "click" in _imports(path)
    ]
    assert offenders == [], f"only vaultkit/cli/ may import click: {offenders}"


def test_the_check_sees_a_click_import(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from click import echo\n    import click.testing\n", encoding="utf-8")
    assert _imports(sample) == {"click"}


def test_library_works_without_click(tmp_path: Path) -> None:
    """Block click entirely: reading a vault, checking it and editing a note still work."""
    (tmp_path / "Plan.md").write_text("---\ntype: plan\n---\n- [x] a\n- [ ] b\n", encoding="utf-8")
    code = f"""
import sys
sys.modules["click"] = None  # any import of click now fails
from vaultkit import Vault
from vaultkit.check.findings import check_vault
from vaultkit.status import vault_status
vault = Vault({str(tmp_path)!r})
note = vault.load("Plan.md")
note.set_property("status", "active")
note.save()
print(vault_status(vault)["plans"], check_vault(vault))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (
        "[{'path': 'Plan.md', 'done': 1, 'total': 2, 'progress': 50, 'milestones_total': 0, "
        "'milestones_done': 0}] []\n"
    )


def test_import_vaultkit_is_lazy() -> None:
    """`import vaultkit` loads no parser: names are imported on first use (keeps `vaultkit --help` fast)."""
    code = (
        "import sys, vaultkit; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('yaml', 'markdown_it', 'ftfy', 'click') "
        "or m.startswith('vaultkit.')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout == "[]\n"
