"""Nothing hangs, nothing explodes: inputs that once took minutes, dropped tasks silently, left processes
behind or reached the user as a traceback. Each test fails on the code before its fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import make_vault
from vaultkit.cli.commands import main
from vaultkit.markdown import scanner
from vaultkit.notes.lines import LineCounter
from vaultkit.notes.links import link_rows


def run(vault: Path, *args: str) -> Result:
    env = {"VAULTKIT_VAULT": str(vault), "COLUMNS": "100"}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user
    return result


# ------------------------------------------------------------------------------- long lines are linear

LONG_LINE = "w [[x]] " * 250_000  # 2 MB, one line: counting lines from the start per link took minutes


def test_line_counter_matches_counting_from_the_start() -> None:
    text = "a\nbb\n\nccc\nd"
    counter = LineCounter(text, 5)
    for offset in [0, 1, 2, 5, 6, 9, 10, 3, 11]:  # increasing, then one going back (recounted)
        assert counter.line_at(offset) == 5 + text.count("\n", 0, offset)


@pytest.mark.timeout(30)
def test_links_of_a_2mb_line_are_found_in_linear_time() -> None:
    rows = link_rows(f"first\n{LONG_LINE}\n[[y]]", 3)
    assert len(rows) == 250_001
    assert {row[1] for row in rows[:-1]} == {4}
    assert rows[-1][:2] == ("y", 5)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("engine", ["auto", "oracle"])
def test_a_2mb_line_of_links_and_placeholders_scans_in_linear_time(engine: str) -> None:
    body = f"- [ ] before\n{LONG_LINE}{' {{x}}' * 20_000}\n- [ ] after {{{{y}}}}\n"
    found = scanner.scan(body, 1, engine=engine)  # type: ignore[arg-type]
    assert [task.line for task in found.tasks] == [1, 3]
    assert len(found.links) == 250_000
    assert len(found.placeholders) == 20_001
    assert found.placeholders[-1] == (3, "{{y}}")


@pytest.mark.timeout(60)
def test_tasks_check_and_rollup_on_a_note_with_a_2mb_line(tmp_path: Path) -> None:
    note = f"- [ ] before\n{LONG_LINE}\n- [x] after\n"
    vault = make_vault(tmp_path / "v", {"Long.md": note, "x.md": "x\n"})
    tasks = json.loads(run(vault, "tasks", "--json").output)
    assert [(t["line"], t["text"]) for t in tasks["tasks"]] == [(1, "before"), (3, "after")]
    assert run(vault, "check").exit_code == 0
    assert run(vault, "rollup").exit_code == 0
