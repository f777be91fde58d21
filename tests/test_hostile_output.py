"""Hostile note content never reaches the terminal raw, and every `--json` document is strict JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import make_vault

from vaultkit.cli.commands import main
from vaultkit.cli.output import visible

ESC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"


def run(*args: str, vault: Path) -> Result:
    result = CliRunner().invoke(main, list(args), env={"VAULTKIT_VAULT": str(vault), "COLUMNS": "100"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def strict_loads(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return make_vault(
        tmp_path,
        {
            f"Plans/Evil{CLEAR}.md": (
                f"---\ntype: plan\nowner: \"x{ESC_TITLE}y\"\n---\n# Head{CLEAR}ing\n- [ ] task {ESC_TITLE}\n"
            ),
            "Numbers.md": "---\ntype: plan\nbig: .inf\nsmall: -.inf\nodd: .nan\nhuge: 1e400\n---\n- [x] a\n",
        },
    )


def test_visible_escapes_controls_and_keeps_layout() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("x\x1b[2Jy\rz\x7f\x9b\u202e") == "x\\x1b[2Jy\\x0dz\\x7f\\x9b\\u202e"
    assert visible("plain ▰▱ 🔹 café") == "plain ▰▱ 🔹 café"


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("tasks",),
        ("show", "Plans/Evil\x1b[2J.md"),
        ("check",),
        ("rollup", "--dry-run"),
    ],
)
def test_human_output_holds_no_raw_control_characters(hostile: Path, args: tuple[str, ...]) -> None:
    result = run(*args, vault=hostile)
    shown = result.output
    assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown, shown
    if args[0] in ("status", "tasks", "show"):
        assert "\\x1b" in shown  # the name, heading or value is shown, escaped


def test_set_echoes_no_raw_carriage_return(hostile: Path) -> None:
    result = run("set", "Numbers", "note", "a\rb", vault=hostile)
    assert result.exit_code == 0, result.output
    assert "\r" not in result.output
    assert "\\x0d" in result.output


@pytest.mark.parametrize("args", [("show", "Numbers", "--json"), ("status", "--json"), ("tasks", "--json")])
def test_json_output_is_strict(hostile: Path, args: tuple[str, ...]) -> None:
    result = run(*args, vault=hostile)
    data = strict_loads(result.output)
    if args[0] == "show":
        props = data["properties"]
        found = (props["big"], props["small"], props["odd"], props["huge"])
        assert found == (".inf", "-.inf", ".nan", ".inf")
