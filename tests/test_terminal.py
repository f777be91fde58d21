"""Terminal manners: a closed pipe, tables that fit, colour only on a terminal, progress bars on stderr,
shell completion, suggestions for a misspelled note, labelled task counts, and a quiet rollup footer.

Colour is forced the way a person would force it (FORCE_COLOR, which rich honours), and checked by the
ANSI codes present or absent; widths by COLUMNS.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from benchmarks.generate import generate_vault
from vaultkit.cli.commands import main
from vaultkit.cli.output import shorten_middle, table

ROOT = Path(__file__).resolve().parent.parent
ESC = "\x1b["


def run(*args: str, vault: Path | None = None, env: dict[str, str] | None = None) -> Result:
    full_env = {"VAULTKIT_VAULT": str(vault) if vault else "", "COLUMNS": "", "NO_COLOR": "", **(env or {})}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=full_env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def write(vault: Path, path: str, text: str) -> None:
    target = vault / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    (root / ".obsidian").mkdir(parents=True)
    write(root, "Plans/Kubernetes.md", "---\ntype: plan\n---\n# Kubernetes\n\n- [x] one\n- [ ] two\n")
    write(
        root,
        "Milestones/Pods.md",
        '---\ntype: milestone\nplan: "[[Kubernetes]]"\n---\n- [x] a\n- [x] b\n- [ ] c\n',
    )
    write(root, "Notes/Kubectl.md", "- [ ] learn\n")
    return root


# ------------------------------------------------------------------------------------------ closed pipe


def test_a_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    """`vaultkit tasks | head -1`: the reader goes away after one line, with far more than a pipe buffer
    (64 KiB) still to come. vaultkit says nothing and exits 0."""
    generate_vault(tmp_path, 300, seed=2)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VAULTKIT_VAULT": str(tmp_path / "vault")}
    env.pop("NO_COLOR", None)
    full = subprocess.run(
        [sys.executable, "-m", "vaultkit", "tasks"], env=env, capture_output=True, timeout=120, check=True
    )
    assert len(full.stdout) > 4 * 65536  # the pipe fills: the writer really meets a closed pipe
    script = (
        f"{shlex.join([sys.executable, '-m', 'vaultkit', 'tasks'])} | "
        f"{shlex.join([sys.executable, '-c', 'import sys; print(sys.stdin.readline(), end=str())'])}; "
        'echo "status=${PIPESTATUS[0]}"'
    )
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120)
    first, status = proc.stdout.splitlines()
    assert first == full.stdout.decode().splitlines()[0]
    assert status == "status=0"
    assert proc.stderr == ""


# ------------------------------------------------------------------------------------------ tables


def test_tables_fit_columns_shortening_paths_in_the_middle() -> None:
    rows = [("Plans/Career/2027/A very long plan name about platform engineering.md", "plan", "1/2")]
    text = table(rows, ["plan", "type", "done"], width=40)
    assert text.splitlines() == [
        "plan                          type  done",
        "────────────────────────────  ────  ────",
        "Plans/Career/2…ngineering.md  plan  1/2",
    ]
    assert all(cell_len(line) <= 40 for line in text.splitlines())


def test_wide_characters_count_as_two_cells() -> None:
    text = table([("学習計画.md", "1/2"), ("🚀 launch.md", "0/1"), ("plain.md", "3/3")], ["note", "done"])
    assert text.splitlines() == [
        "note          done",
        "────────────  ────",
        "学習計画.md   1/2",
        "🚀 launch.md  0/1",
        "plain.md      3/3",
    ]


def test_headers_are_never_cut() -> None:
    text = table([("x" * 60, "y" * 30)], ["a long header", "another header"], width=20)
    header, rule, row = text.splitlines()
    assert header == "a long header  another header"
    assert rule == "─" * 13 + "  " + "─" * 30  # only the first column (a path) is flexible
    assert row.startswith("xxxxxx…xxxxxx  ")  # shrunk to the header's width, not below


@given(st.text(min_size=0, max_size=40), st.integers(min_value=1, max_value=30))
def test_shorten_middle_fits_and_keeps_both_ends(text: str, width: int) -> None:
    short = shorten_middle(text, width)
    assert cell_len(short) <= max(width, 0)
    if cell_len(text) <= width:
        assert short == text
    else:
        head, _, tail = short.partition("…")
        assert text.startswith(head) and text.endswith(tail)


def test_status_fits_columns_and_is_whole_without_it(vault: Path) -> None:
    long = "Notes/" + "deeply/" * 8 + "学習 note with a long title.md"
    write(vault, long, "- [ ] x\n")
    narrow = run("status", vault=vault, env={"COLUMNS": "60"}).stdout.splitlines()
    notes = narrow[narrow.index("Notes") + 1 :]
    assert notes == [
        "note                  type              done  progress",
        "────────────────────  ────────────────  ────  ──────────────",
        "Milestones/Pods.md    milestone         2/3   ▰▰▰▰▰▰▰▱▱▱ 67%",
        "Notes/Kubectl.md                        0/1   ▱▱▱▱▱▱▱▱▱▱ 0%",
        "Notes/deep… title.md                    0/1   ▱▱▱▱▱▱▱▱▱▱ 0%",
        "Plans/Kubernetes.md   plan (own tasks)  1/2   ▰▰▰▰▰▱▱▱▱▱ 50%",
    ]
    assert all(cell_len(line) <= 60 for line in notes)
    assert narrow[3].startswith("Plans/…es.md  1/2")  # as narrow as its names go (12 cells)
    whole = run("status", vault=vault)
    assert long in whole.stdout  # a pipe with no COLUMNS: as wide as the values need


# ------------------------------------------------------------------------------------------ colour


def test_errors_are_red_on_a_terminal_and_plain_otherwise(vault: Path) -> None:
    forced = run("show", "Kubernets", vault=vault, env={"FORCE_COLOR": "1"})
    assert forced.exit_code == 2
    assert forced.stderr.startswith(f"{ESC}31mvaultkit: no note 'Kubernets'")
    for env, args in (
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, ()),
        ({"FORCE_COLOR": "1"}, ("--no-color",)),
        ({}, ()),
    ):
        plain = run(*args, "show", "Kubernets", vault=vault, env=env)
        assert ESC not in plain.stderr
        assert plain.stderr.startswith("vaultkit: no note 'Kubernets'")


def test_diffs_are_coloured_on_a_terminal(vault: Path) -> None:
    forced = run("rollup", "--dry-run", vault=vault, env={"FORCE_COLOR": "1"})
    lines = forced.stdout.splitlines()
    assert any(line.startswith(f"{ESC}32m+") for line in lines)
    assert any(line.startswith(f"{ESC}36m@@") for line in lines)
    plain = run("rollup", "--dry-run", vault=vault)
    assert ESC not in plain.stdout
    assert plain.stdout.replace("\n", "") == "".join(
        line.replace(f"{ESC}32m", "")
        .replace(f"{ESC}36m", "")
        .replace(f"{ESC}31m", "")
        .replace(f"{ESC}2m", "")
        .replace(f"{ESC}0m", "")
        for line in lines
    )


def test_note_text_cannot_inject_markup_or_escapes(vault: Path) -> None:
    write(vault, "Notes/[red]x[/red] \x1b]0;pwn\x07.md", "---\ntype: [\n---\n")
    result = run("check", vault=vault, env={"FORCE_COLOR": "1"})
    line = next(line for line in result.stdout.splitlines() if "[red]x[/red]" in line)
    assert "\\x1b]0;pwn\\x07" in line  # escaped first, then styled
    assert line.count(ESC) == 2  # one style on, one off: nothing from the note


# ------------------------------------------------------------------------------------------ progress


def test_progress_bar_on_a_terminal_stderr_only(tmp_path: Path) -> None:
    generate_vault(tmp_path, 600, seed=4)
    result = run("status", "--json", vault=tmp_path / "vault", env={"FORCE_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code in (0, 1)
    assert result.stdout.startswith("{")
    assert "indexing notes" in result.stderr
    quiet = tmp_path / "again"
    generate_vault(quiet, 600, seed=4)
    plain = run("status", vault=quiet / "vault")
    assert "indexing" not in plain.stderr and "indexing" not in plain.stdout


def test_index_reports_progress_through_its_hook(tmp_path: Path) -> None:
    from vaultkit import Vault
    from vaultkit.reporting import reporting_progress

    generate_vault(tmp_path, 120, seed=5)
    seen: list[tuple[str, int, int]] = []
    with reporting_progress(lambda label, done, total: seen.append((label, done, total))):
        Vault(tmp_path / "vault").summaries  # noqa: B018 - builds the index
    total = seen[0][2]
    assert total == 121  # 120 notes and the template
    label = "indexing notes"
    assert seen == [(label, 0, total), (label, 50, total), (label, 100, total), (label, total, total)]


def test_rollup_and_import_report_progress_through_the_same_hook(tmp_path: Path) -> None:
    from vaultkit import Vault
    from vaultkit.importing.apply import import_files
    from vaultkit.reporting import reporting_progress
    from vaultkit.rollup.apply import rollup_vault

    generate_vault(tmp_path, 60, seed=5)
    vault = Vault(tmp_path / "vault")
    vault.summaries  # noqa: B018 - the index first, reported apart
    seen: list[tuple[str, int, int]] = []
    with reporting_progress(lambda label, done, total: seen.append((label, done, total))):
        rollup_vault(vault)
    assert seen[0][:2] == ("rolling up notes", 0) and seen[-1][0] == "rolling up notes"
    assert seen[-1][1] == seen[-1][2] > 0
    documents = []
    for index in range(3):
        documents.append(tmp_path / f"doc{index}.md")
        documents[-1].write_text(f"# Doc {index}\n\n- [ ] task\n", encoding="utf-8")
    seen.clear()
    with reporting_progress(lambda label, done, total: seen.append((label, done, total))):
        import_files(Vault(tmp_path / "vault"), documents)
    assert seen == [("importing documents", 0, 3), ("importing documents", 3, 3)]


# ------------------------------------------------------------------------------------------ completion


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F"),
        ("zsh", "#compdef vaultkit"),
        ("fish", "complete --no-files --command vaultkit"),
    ],
)
def test_completion_prints_the_script(shell: str, marker: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert marker in result.stdout
    assert "_VAULTKIT_COMPLETE" in result.stdout


def test_completion_completes_commands() -> None:
    """The installed `vaultkit` script answers the shell's completion call (`_VAULTKIT_COMPLETE`)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "_VAULTKIT_COMPLETE": "bash_complete",
        "COMP_WORDS": "vaultkit ro",
        "COMP_CWORD": "1",
    }
    code = "from vaultkit.cli import main; main(prog_name='vaultkit')"  # what the console script runs
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.stdout.splitlines() == ["plain,rollup"]


# ------------------------------------------------------------------------------------------ messages


def test_a_misspelled_note_gets_suggestions(vault: Path) -> None:
    result = run("show", "Kubernets", vault=vault)
    assert result.exit_code == 2
    assert result.stderr == (
        f"vaultkit: no note 'Kubernets' in the vault {vault} (give a vault-relative path, a file path or "
        "a note name); did you mean 'Kubernetes' or 'Kubectl'?\n"
    )
    by_path = run("tasks", "Plans/Kubernets.md", vault=vault)
    assert by_path.stderr.endswith("; did you mean 'Plans/Kubernetes.md'?\n")
    nothing = run("show", "Zebra", vault=vault)
    assert nothing.stderr.endswith("a note name)\n")


def test_status_and_show_label_own_tasks_and_with_milestones(vault: Path) -> None:
    status = run("status", vault=vault).stdout.splitlines()
    assert status[:4] == [
        "Plans",
        "plan                 own tasks  with milestones  progress        milestones",
        "───────────────────  ─────────  ───────────────  ──────────────  ──────────",
        "Plans/Kubernetes.md  1/2        3/5              ▰▰▰▰▰▰▱▱▱▱ 60%  0/1",
    ]
    assert "Plans/Kubernetes.md  plan (own tasks)  1/2   ▰▰▰▰▰▱▱▱▱▱ 50%" in status
    show = run("show", "Kubernetes", vault=vault).stdout.splitlines()
    assert "Tasks  own tasks 1/2 done, 1 open, 0 cancelled  ▰▰▰▰▰▱▱▱▱▱ 50%" in show
    assert "       with milestones 3/5 done  ▰▰▰▰▰▰▱▱▱▱ 60%  (what rollup writes to progress)" in show
    milestone = run("show", "Pods", vault=vault).stdout.splitlines()
    assert "Tasks  2/3 done, 1 open, 0 cancelled  ▰▰▰▰▰▰▰▱▱▱ 67%" in milestone


def test_rollup_says_templates_only_when_verbose(vault: Path) -> None:
    write(vault, "Templates/Plan.md", "---\ntype: plan\n---\n- [ ] {{title}}\n")
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}\n')
    quiet = run("rollup", "--dry-run", vault=vault)
    assert "left alone" not in quiet.stdout
    verbose = run("rollup", "--dry-run", "-v", vault=vault)
    assert verbose.stdout.splitlines()[-1] == "1 template left alone (never rolled up)"


def test_demo_prints_commands_that_paste(tmp_path: Path) -> None:
    samples = tmp_path / "my samples"
    samples.mkdir()
    (samples / "a plan.md").write_text("# A plan\n\n- [ ] one\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "demo.py"),
            "--vault",
            str(tmp_path / "demo vault"),
            "--samples",
            str(samples),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    commands = [line[2:] for line in proc.stdout.splitlines() if line.startswith("$ vaultkit ")]
    assert commands[0] == shlex.join(
        [
            "vaultkit",
            "init",
            str(tmp_path / "demo vault"),
            "--name",
            "Demo User",
            "--role",
            "Data Engineer",
            "--level",
            "senior",
        ]
    )
    assert shlex.split(commands[1])[-1] == str(samples / "a plan.md")
