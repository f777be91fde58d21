"""The hostile vault (tests/fixtures/hostile.py) through every vault-wide command: no traceback, no hang,
nothing outside the vault changed, and no note's body changed (it holds no well-formed managed block)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fixtures.hostile import NOTES, build

from vaultkit.cli.commands import main
from vaultkit.props.frontmatter import parse_frontmatter


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every regular file below `folder` (links not followed) and its bytes."""
    found: dict[str, bytes] = {}
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            found[str(path.relative_to(folder))] = path.read_bytes()
    return found


def _body(data: bytes) -> bytes:
    """A note's bytes after its properties block (the whole file where none loads or it is not text)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    fm = parse_frontmatter(text)
    return fm.body_of(text).encode("utf-8")


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path / "vault", tmp_path / "outside"), tmp_path / "outside"


def _run(root: Path, *args: str) -> Result:
    env = {"VAULTKIT_VAULT": str(root), "COLUMNS": "100"}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"vaultkit {' '.join(args)} raised") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output
    return result


@pytest.mark.timeout(180)
def test_every_vault_wide_command_survives_the_hostile_vault(hostile: tuple[Path, Path]) -> None:
    root, outside = hostile
    outside_before = _snapshot(outside)
    bodies_before = {name: _body(data) for name, data in _snapshot(root).items() if name.endswith(".md")}
    for args in (
        ("status",),
        ("status", "--json"),
        ("check",),
        ("check", "--json"),
        ("tasks",),
        ("tasks", "--json"),
        ("rollup", "--dry-run"),
        ("rollup",),
        ("rollup", "--json"),
        ("status",),
    ):
        _run(root, *args)
    for name in NOTES:
        if not name.endswith(".md"):
            continue
        _run(root, "show", name)
        _run(root, "show", name, "--json")
    assert _snapshot(outside) == outside_before
    bodies_after = {name: _body(data) for name, data in _snapshot(root).items() if name.endswith(".md")}
    assert bodies_after == bodies_before
    assert (root / "Read only.md").read_bytes() == b"---\ntype: plan\n---\n- [x] frozen\n"
    assert not (root / "owned").exists()
