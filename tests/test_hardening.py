"""Nothing hangs, nothing explodes: inputs that once took minutes, dropped tasks silently, left processes
behind or reached the user as a traceback. Each test fails on the code before its fix."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.cli.commands import main
from vaultkit.markdown import oracle, scanner
from vaultkit.notes.lines import LineCounter
from vaultkit.notes.links import link_rows
from vaultkit.props.fast import fast_properties
from vaultkit.props.frontmatter import parse_frontmatter
from vaultkit.props.numbers import MAX_DIGITS, yaml_int
from vaultkit.scaffold.templates import TemplateContext, render_text, unrenderable

ROOT = Path(__file__).resolve().parents[1]


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


# ------------------------------------------------------------------------- deep nesting drops nothing


def _deep_line(markers: int) -> str:
    return "- " * markers + "[ ] deep\n"


@pytest.mark.parametrize("markers", [10, 13, 14, 20, 49])
@pytest.mark.parametrize("engine", ["auto", "oracle"])
def test_tasks_below_a_deeply_nested_line_are_counted(markers: int, engine: str) -> None:
    body = f"- [ ] a\n{_deep_line(markers)}- [ ] b\n- [x] c\n"
    found = scanner.scan(body, 1, engine=engine)  # type: ignore[arg-type]
    assert [(task.line, task.level) for task in found.tasks] == [(1, 0), (2, markers - 1), (3, 0), (4, 0)]


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "deep",
    [
        _deep_line(1000),
        ">" * 1000 + " [ ] [[quoted]]\n",
        "> - " * 500 + "[ ] mixed\n",
        "1. " * 1000 + "[ ] ordered\n",
        "".join("  " * i + f"- [ ] t{i}\n" for i in range(1000)),
    ],
    ids=["list", "quote", "mixed", "ordered", "indented"],
)
@pytest.mark.parametrize("engine", ["auto", "oracle"])
def test_a_thousand_levels_neither_recurse_nor_drop_the_rest(deep: str, engine: str) -> None:
    body = f"- [ ] first\n{deep}\n- [ ] last [[after]]\n"
    last = body.count("\n")
    found = scanner.scan(body, 1, engine=engine)  # type: ignore[arg-type]
    assert (found.tasks[0].line, found.tasks[-1].line) == (1, last)
    assert found.links[-1].target == "after"
    unread = oracle.unread_lines(body)
    assert unread  # what is too deep is named
    read_tasks = {task.line for task in found.tasks}
    assert all(line + 1 not in read_tasks for line in unread)
    if deep.startswith("  "):  # each nested item on its own line: the first 50 levels are read
        assert len(found.tasks) == 2 + 50 and len(unread) == 950


nesting = st.lists(st.integers(min_value=0, max_value=70), min_size=1, max_size=8)


@settings(deadline=None, max_examples=60)
@given(nesting, st.sampled_from(["- ", "* ", "1. ", "> ", "> - "]))
def test_fast_scanner_agrees_with_the_oracle_at_any_depth(depths: list[int], marker: str) -> None:
    body = (
        "".join(marker * depth + f"- [ ] t{i} [[n{i}]]\n" for i, depth in enumerate(depths)) + "- [x] end\n"
    )
    assert scanner.scan(body, 1, engine="auto") == scanner.scan(body, 1, engine="oracle")


def test_check_reports_the_lines_too_deep_and_status_counts_the_rest(tmp_path: Path) -> None:
    indented = "".join("  " * i + "- [ ] t\n" for i in range(52))
    note = f"---\ntype: plan\n---\n- [x] a\n{_deep_line(60)}- [ ] b\n\n{indented}"
    vault = make_vault(tmp_path / "v", {"Deep.md": note})
    found = json.loads(run(vault, "check", "--json").output)["problems"]
    assert [(p["line"], p["code"], p["severity"]) for p in found] == [
        (5, "too-deep", "error"),
        (57, "too-deep", "error"),
    ]
    assert found[0]["message"].startswith("this line nested 50 lists (or 100 quotes) deep or more")
    assert found[1]["message"].startswith("3 lines from here nested 50 lists")
    assert run(vault, "check").exit_code == 1
    tasks = json.loads(run(vault, "tasks", "--json").output)["tasks"]
    assert [t["line"] for t in tasks] == [4, 6, *range(8, 57)]
    status = run(vault, "status", "--json").output
    assert '"done": 1' in status and '"open": 50' in status


# ------------------------------------------------------------------ no worker outlives an interrupted run


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (read from /proc)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by init, does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.generate import generate_vault

    out = tmp_path_factory.mktemp("big")
    generate_vault(out, 3000, seed=5)  # well over PARALLEL_MIN: a cold run parses in the worker pool
    return out / "vault"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.timeout(120)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_workers_end_with_an_interrupted_run(big_vault: Path, sig: signal.Signals) -> None:
    shutil.rmtree(big_vault / ".vaultkit", ignore_errors=True)  # a cold run: the pool parses every note
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VAULTKIT_VAULT": str(big_vault)}
    with subprocess.Popen(
        [sys.executable, "-m", "vaultkit", "status", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            deadline = time.monotonic() + 60
            workers: set[int] = set()
            while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.05)
                workers = _children(proc.pid)
            assert len(workers) >= 2, "the run never started its worker pool"
            time.sleep(0.3)  # the workers are parsing
            proc.send_signal(sig)
            _, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    if sig != signal.SIGKILL:
        assert proc.returncode == 128 + sig, stderr
        assert stderr == f"vaultkit: stopped by {sig.name}\n"
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)], "pool workers outlived their parent"


# ----------------------------------------------------------------------- huge numbers, the calendar's end


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("0x1F", 31),
        ("0o17", 15),
        ("9" * MAX_DIGITS, int("9" * MAX_DIGITS)),
        ("9" * (MAX_DIGITS + 1), "9" * (MAX_DIGITS + 1)),
        ("-" + "9" * (MAX_DIGITS + 1), "-" + "9" * (MAX_DIGITS + 1)),
        ("0x" + "f" * 5000, "0x" + "f" * 5000),
        ("0o" + "7" * 6000, "0o" + "7" * 6000),
    ],
)
def test_an_integer_too_long_to_print_stays_text(text: str, value: int | str) -> None:
    assert yaml_int(text) == value
    assert parse_frontmatter(f"---\nbig: {text}\n---\n").properties == {"big": value}
    fast = fast_properties([f"big: {text}\n"])
    assert fast == {"big": value} or (fast is None and text.startswith("-"))  # `-` first: YAML's to read


@settings(deadline=None, max_examples=40)
@given(
    st.sampled_from(["", "-", "0x", "0o"]),
    st.integers(min_value=MAX_DIGITS - 10, max_value=MAX_DIGITS + 400),
    st.sampled_from("1579"),
)
def test_both_property_readers_give_a_printable_value(prefix: str, digits: int, digit: str) -> None:
    line = f"n: {prefix}{digit * digits}\n"
    value = parse_frontmatter(f"---\n{line}---\n").properties
    assert fast_properties([line]) in (value, None if prefix == "-" else value)
    str(value["n"])  # printable: `show`, `--json` and the index all turn it into text


def test_show_a_note_with_a_5000_digit_hex_property(tmp_path: Path) -> None:
    big = "0x" + "f" * 5000
    vault = make_vault(tmp_path / "v", {"N.md": f"---\nbig: {big}\nsmall: 0x10\n---\n- [ ] a\n"})
    result = run(vault, "show", "N.md", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["properties"] == {"big": big, "small": 16}
    assert big in run(vault, "show", "N.md").output
    assert run(vault, "status").exit_code == 0


def test_new_journal_whose_template_dates_leave_the_calendar(tmp_path: Path) -> None:
    template = '---\ntype: journal\nnext: "{{tomorrow}}"\n---\nTomorrow: {{tomorrow}}\n'
    vault = make_vault(tmp_path / "v", {"Templates/Daily journal.md": template}, templates="Templates")
    result = run(vault, "new", "journal", "--date", "9999-12-31")
    assert result.exit_code == 2
    assert result.output == (
        "vaultkit: 9999-12-31: the template's {{tomorrow}} falls outside the calendar (years 1 to 9999); "
        "choose another --date\n"
    )
    assert not (vault / "9999-12-31.md").exists()
    assert run(vault, "new", "journal", "--date", "9999-12-30").exit_code == 0
    assert (vault / "9999-12-30.md").read_text(
        "utf-8"
    ) == "---\ntype: journal\nnext: 9999-12-31\n---\nTomorrow: 9999-12-31\n"


def test_rendering_leaves_a_date_outside_the_calendar_as_written() -> None:
    ctx = TemplateContext("x", dt.datetime(9999, 12, 31))
    assert render_text("{{tomorrow}} {{yesterday}}", ctx) == "{{tomorrow}} 9999-12-30"
    assert unrenderable("{{title}} {{yesterday}} {{tomorrow:YYYY}}", ctx) == "{{tomorrow:YYYY}}"
    first = TemplateContext("x", dt.datetime(1, 1, 1))
    assert render_text("{{yesterday}} {{tomorrow}}", first) == "{{yesterday}} 0001-01-02"
