"""The `vaultkit` command: transcripts over fixture vaults, the status JSON contract, edits on disk,
vault discovery, and failure modes (one line on stderr, the right exit status, never a traceback).

Transcripts live in tests/fixtures/vaults/<case>/transcript.txt beside the vault they run in:

    $ vaultkit status          a command (run with VAULTKIT_VAULT set to a copy of <case>/vault)
    ...                        its stdout, exactly (the copy's path written as $VAULT)
    ! ...                      its stderr, line by line
    ? 0                        its exit status

Commands run in order on the same copy, so a transcript can edit a note and show the result. After
a deliberate change of output, regenerate with `VAULTKIT_UPDATE_TRANSCRIPTS=1 pytest tests/test_cli.py`
and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit import Note, NoteError, VaultkitError
from vaultkit.cli.commands import main
from vaultkit.cli.values import parse_cli_value

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "vaults"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "transcript.txt").is_file())


def copy_vault(case: str, tmp_path: Path) -> Path:
    target = tmp_path / case
    shutil.copytree(FIXTURES / case / "vault", target)
    return target


def run(*args: str, vault: Path | None = None, env: dict[str, str] | None = None) -> Result:
    full_env = {"VAULTKIT_VAULT": str(vault) if vault else "", "COLUMNS": "100", **(env or {})}
    result = CliRunner().invoke(main, list(args), prog_name="vaultkit", env=full_env, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback would have reached the user
    return result


# ---------------------------------------------------------------------------------------- transcripts


def parse_transcript(text: str) -> list[tuple[str, list[str], int]]:
    blocks: list[tuple[str, list[str], int]] = []
    command: str | None = None
    output: list[str] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            command, output = line[2:], []
        elif line.startswith("? ") and command is not None:
            blocks.append((command, output, int(line[2:])))
            command = None
        elif command is not None:
            output.append(line)
    return blocks


def render_block(command: str, result: Result, vault: Path) -> str:
    """A block as the transcript holds it; the copy's path reads `$VAULT`."""
    lines = [f"$ {command}", *result.stdout.splitlines()]
    lines += [f"! {line}" for line in result.stderr.splitlines()]
    lines.append(f"? {result.exit_code}")
    return "\n".join(lines).replace(str(vault), "$VAULT") + "\n"


@pytest.mark.parametrize("case", CASES)
def test_transcript(case: str, tmp_path: Path) -> None:
    vault = copy_vault(case, tmp_path)
    path = FIXTURES / case / "transcript.txt"
    blocks = parse_transcript(path.read_text(encoding="utf-8"))
    assert blocks, f"{path} holds no commands"
    rendered = []
    for command, _, _ in blocks:
        args = shlex.split(command)
        assert args[0] == "vaultkit"
        rendered.append(render_block(command, run(*args[1:], vault=vault), vault))
    actual = "\n".join(rendered)
    if os.environ.get("VAULTKIT_UPDATE_TRANSCRIPTS"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_transcript_parser_reads_what_render_writes() -> None:
    text = "$ vaultkit x\nline\n\n! err\n? 2\n\n$ vaultkit y\n? 0\n"
    assert parse_transcript(text) == [("vaultkit x", ["line", "", "! err"], 2), ("vaultkit y", [], 0)]


# ---------------------------------------------------------------------------------------- status


def _counts(done: int, open_: int, cancelled: int) -> dict[str, int]:
    return {"done": done, "open": open_, "cancelled": cancelled, "total": done + open_}


BAD_YAML = (
    "invalid YAML in properties: while parsing a flow sequence, did not find expected ',' or ']' "
    "(fix the YAML; the note is left as it is)"
)

PDP_STATUS = {
    "notes": [
        {
            "path": "Journal/2026-01-05.md",
            "type": "journal",
            "title": "2026-01-05",
            "tasks": _counts(1, 1, 0),
            "progress": 50,
            "errors": [],
        },
        {
            "path": "Milestones/Ship the CLI.md",
            "type": "milestone",
            "title": "Ship the CLI",
            "tasks": _counts(1, 2, 0),
            "progress": 33,
            "errors": [],
        },
        {
            "path": "Milestones/Speak at a meetup.md",
            "type": "milestone",
            "title": "Speak at a meetup",
            "tasks": _counts(3, 0, 0),
            "progress": 100,
            "errors": [],
        },
        {
            "path": "Notes/Bad.md",
            "type": None,
            "title": "Bad",
            "tasks": _counts(0, 1, 0),
            "progress": 0,
            "errors": [{"line": 3, "message": BAD_YAML}],
        },
        {
            "path": "Notes/Ideas.md",
            "type": None,
            "title": "Ideas",
            "tasks": _counts(0, 0, 0),
            "progress": None,
            "errors": [],
        },
        {
            "path": "Plans/Growth.md",
            "type": "plan",
            "title": "Growth",
            "tasks": _counts(1, 1, 1),
            "progress": 50,
            "errors": [],
        },
    ],
    "plans": [
        {
            "path": "Plans/Growth.md",
            "done": 5,
            "total": 8,
            "progress": 63,
            "milestones_total": 2,
            "milestones_done": 1,
        }
    ],
    "errors": [{"path": "Notes/Bad.md", "line": 3, "message": BAD_YAML}],
}


def test_status_json_is_the_contract(tmp_path: Path) -> None:
    """Plan = own tasks (1/2) + milestones (3/3, 1/3) = 5/8; Templates/ is left out; Bad.md still counts."""
    result = run("status", "--json", vault=copy_vault("pdp", tmp_path))
    assert result.exit_code == 1
    assert result.stderr == ""
    assert json.loads(result.stdout) == PDP_STATUS
    assert list(json.loads(result.stdout)) == ["notes", "plans", "errors"]
    assert list(json.loads(result.stdout)["notes"][0]) == [
        "path",
        "type",
        "title",
        "tasks",
        "progress",
        "errors",
    ]


def test_status_json_exits_0_without_errors(tmp_path: Path) -> None:
    vault = copy_vault("pdp", tmp_path)
    (vault / "Notes" / "Bad.md").unlink()
    result = run("status", "--json", vault=vault)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["errors"] == []


def test_status_paths_use_slashes_and_are_vault_relative(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    (vault / "a" / "b").mkdir(parents=True)
    (vault / "a" / "b" / "Deep.md").write_text("- [x] one\n", encoding="utf-8")
    data = json.loads(run("status", "--json", vault=vault).stdout)
    assert [n["path"] for n in data["notes"]] == ["a/b/Deep.md"]
    assert data["notes"][0]["progress"] == 100


# ---------------------------------------------------------------------------------------- tasks, show


def test_tasks_json_for_one_note(tmp_path: Path) -> None:
    result = run("tasks", "Ship the CLI", "--open", "--json", vault=copy_vault("pdp", tmp_path))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "tasks": [
            {
                "path": "Milestones/Ship the CLI.md",
                "line": 9,
                "status": "/",
                "done": False,
                "cancelled": False,
                "text": "Write the docs ⏫",
                "level": 0,
                "parent": None,
                "heading": ["Ship the CLI"],
                "tags": [],
                "dates": {},
                "priority": "high",
            },
            {
                "path": "Milestones/Ship the CLI.md",
                "line": 10,
                "status": " ",
                "done": False,
                "cancelled": False,
                "text": "Publish a release",
                "level": 0,
                "parent": None,
                "heading": ["Ship the CLI"],
                "tags": [],
                "dates": {},
                "priority": None,
            },
        ]
    }


def test_tasks_done_filter_and_duplicates(tmp_path: Path) -> None:
    result = run("tasks", "Growth", "Plans/Growth.md", "--done", "--json", vault=copy_vault("pdp", tmp_path))
    assert [(t["path"], t["line"]) for t in json.loads(result.stdout)["tasks"]] == [("Plans/Growth.md", 12)]


def test_tasks_without_any(tmp_path: Path) -> None:
    result = run("tasks", "Ideas", vault=copy_vault("pdp", tmp_path))
    assert (result.exit_code, result.stdout) == (0, "no tasks\n")


def test_show_json(tmp_path: Path) -> None:
    result = run("show", "[[Ship the CLI]]", "--json", vault=copy_vault("pdp", tmp_path))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "path": "Milestones/Ship the CLI.md",
        "type": "milestone",
        "title": "Ship the CLI",
        "properties": {"type": "milestone", "plan": "[[Growth]]", "status": "in-progress"},
        "tasks": _counts(1, 2, 0),
        "progress": 33,
        "headings": [{"level": 1, "text": "Ship the CLI", "line": 6}],
        "links": [
            {
                "target": "Growth",
                "line": 3,
                "heading": None,
                "alias": None,
                "embed": False,
                "kind": "wikilink",
                "source": "property:plan",
                "raw": "[[Growth]]",
                "resolved": "Plans/Growth.md",
            }
        ],
        "tags": [],
        "errors": [],
        "warnings": [],
    }


def test_show_dates_in_json(tmp_path: Path) -> None:
    result = run("show", "Growth", "--json", vault=copy_vault("pdp", tmp_path))
    assert json.loads(result.stdout)["properties"]["due"] == "2026-12-01"


# ---------------------------------------------------------------------------------------- set, unset

NOTE = (
    "---\r\n# why: a comment\r\ntype: plan\r\ndue: 2026-01-01  # keep me\r\ntags: [a, b]\r\n---\r\n"
    "- [ ] x\r\n"
)


def _vault_with(tmp_path: Path, text: str | bytes, name: str = "Plan.md") -> tuple[Path, Path]:
    vault = tmp_path / "v"
    vault.mkdir(exist_ok=True)
    path = vault / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return vault, path


@pytest.mark.parametrize(
    ("args", "expected", "message"),
    [
        (
            ("due", "2026-12-24"),
            NOTE.replace("2026-01-01", "2026-12-24"),
            "Plan.md: due = 2026-12-24\n",
        ),
        (
            ("status", "active"),
            NOTE.replace("---\r\n- [ ]", "status: active\r\n---\r\n- [ ]"),
            "Plan.md: status = active\n",
        ),
        (
            ("version", "1.10"),
            NOTE.replace("---\r\n- [ ]", 'version: "1.10"\r\n---\r\n- [ ]'),
            "Plan.md: version = 1.10\n",
        ),
        (
            ("answer", "NO"),
            NOTE.replace("---\r\n- [ ]", 'answer: "NO"\r\n---\r\n- [ ]'),
            "Plan.md: answer = NO\n",
        ),
        (
            ("plan", "[[Growth plan]]"),
            NOTE.replace("---\r\n- [ ]", 'plan: "[[Growth plan]]"\r\n---\r\n- [ ]'),
            "Plan.md: plan = [[Growth plan]]\n",
        ),
        (
            ("tags", "[pdp, '2026']"),
            NOTE.replace("tags: [a, b]\r\n", 'tags:\r\n  - pdp\r\n  - "2026"\r\n'),
            "Plan.md: tags = [pdp, 2026]\n",
        ),
        (
            ("count", "3"),
            NOTE.replace("---\r\n- [ ]", "count: 3\r\n---\r\n- [ ]"),
            "Plan.md: count = 3\n",
        ),
        (
            ("done", "true"),
            NOTE.replace("---\r\n- [ ]", "done: true\r\n---\r\n- [ ]"),
            "Plan.md: done = true\n",
        ),
        (
            ("topic", "#career"),
            NOTE.replace("---\r\n- [ ]", 'topic: "#career"\r\n---\r\n- [ ]'),
            "Plan.md: topic = #career\n",
        ),
        (
            ("type", ""),
            NOTE.replace("type: plan\r\n", "type:\r\n"),
            "Plan.md: type = \n",
        ),
    ],
)
def test_set_changes_one_property(tmp_path: Path, args: tuple[str, str], expected: str, message: str) -> None:
    vault, path = _vault_with(tmp_path, NOTE)
    result = run("set", "Plan", *args, vault=vault)
    assert (result.exit_code, result.stdout, result.stderr) == (0, message, "")
    assert path.read_bytes() == expected.encode("utf-8")


def test_set_same_value_writes_nothing(tmp_path: Path) -> None:
    vault, path = _vault_with(tmp_path, NOTE)
    before = path.stat().st_mtime_ns
    result = run("set", "Plan", "type", "plan", vault=vault)
    assert result.stdout == "Plan.md: type already plan; nothing written\n"
    assert path.read_bytes() == NOTE.encode("utf-8")
    assert path.stat().st_mtime_ns == before


def test_set_on_a_note_without_properties_adds_a_block(tmp_path: Path) -> None:
    vault, path = _vault_with(tmp_path, "# Title\n\n- [ ] x\n")
    assert run("set", "Plan", "type", "plan", vault=vault).exit_code == 0
    assert path.read_text(encoding="utf-8") == "---\ntype: plan\n---\n# Title\n\n- [ ] x\n"


def test_set_keeps_bom(tmp_path: Path) -> None:
    vault, path = _vault_with(tmp_path, "\ufeff---\ntype: plan\n---\nbody\n")
    assert run("set", "Plan", "type", "milestone", vault=vault).exit_code == 0
    assert path.read_bytes() == "\ufeff---\ntype: milestone\n---\nbody\n".encode()


def test_unset_removes_only_that_property(tmp_path: Path) -> None:
    vault, path = _vault_with(tmp_path, NOTE)
    result = run("unset", "Plan.md", "due", vault=vault)
    assert (result.exit_code, result.stdout) == (0, "Plan.md: due removed\n")
    assert path.read_bytes() == NOTE.replace("due: 2026-01-01  # keep me\r\n", "").encode("utf-8")
    result = run("unset", "Plan.md", "due", vault=vault)
    assert (result.exit_code, result.stdout) == (0, "Plan.md: no property due; nothing written\n")


def test_set_by_file_path_from_another_folder(tmp_path: Path) -> None:
    vault, path = _vault_with(tmp_path, "---\na: 1\n---\n")
    result = run("set", str(path), "a", "2", vault=vault)
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == "---\na: 2\n---\n"


# ---------------------------------------------------------------------------------------- failures


def assert_one_line_error(result: Result, code: int, message: str) -> None:
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == f"vaultkit: {message}\n"


def test_missing_vault_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = run("status", "--vault", str(missing))
    assert_one_line_error(result, 2, f"{missing}: not a folder (from --vault)")


def test_note_not_found(tmp_path: Path) -> None:
    vault = copy_vault("pdp", tmp_path)
    assert_one_line_error(
        run("show", "Nope", vault=vault),
        2,
        f"no note 'Nope' in the vault {vault} (give a vault-relative path, a file path or a note name)",
    )


def test_files_that_are_not_notes_are_refused(tmp_path: Path) -> None:
    vault = copy_vault("pdp", tmp_path)
    (vault / "pic.png").write_bytes(b"\x89PNG")
    (vault / ".trash").mkdir()
    (vault / ".trash" / "Old.md").write_text("- [ ] old\n", encoding="utf-8")
    outside = tmp_path / "Outside.md"
    outside.write_text("- [ ] x\n", encoding="utf-8")
    assert_one_line_error(
        run("show", str(vault / "pic.png"), vault=vault),
        2,
        "pic.png is not a note (notes are .md files outside dot-folders)",
    )
    assert_one_line_error(
        run("tasks", str(vault / ".trash" / "Old.md"), vault=vault),
        2,
        ".trash/Old.md is not a note (notes are .md files outside dot-folders)",
    )
    assert_one_line_error(
        run("set", str(outside), "a", "1", vault=vault),
        2,
        f"{outside} is not inside the vault {vault} (pass --vault PATH)",
    )
    assert outside.read_text(encoding="utf-8") == "- [ ] x\n"


def test_ambiguous_note_name_is_refused(tmp_path: Path) -> None:
    vault = copy_vault("problems", tmp_path)
    assert_one_line_error(
        run("set", "Log", "a", "1", vault=vault),
        2,
        "'Log' could mean Archive/Log.md, Notes/Log.md; give the note's path",
    )
    assert run("set", "Notes/Log", "a", "1", vault=vault).exit_code == 0


def test_set_on_broken_yaml_leaves_the_note_alone(tmp_path: Path) -> None:
    vault = copy_vault("pdp", tmp_path)
    path = vault / "Notes" / "Bad.md"
    before = path.read_bytes()
    assert_one_line_error(
        run("set", "Bad", "status", "done", vault=vault), 1, f"Notes/Bad.md:3: cannot edit: {BAD_YAML}"
    )
    assert_one_line_error(
        run("unset", "Bad", "type", vault=vault), 1, f"Notes/Bad.md:3: cannot edit: {BAD_YAML}"
    )
    assert path.read_bytes() == before


def test_invalid_config(tmp_path: Path) -> None:
    vault = copy_vault("pdp", tmp_path)
    (vault / ".vaultkit").mkdir()
    (vault / ".vaultkit" / "config.toml").write_text("[tasks\n", encoding="utf-8")
    result = run("status", vault=vault)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"vaultkit: {vault / '.vaultkit' / 'config.toml'}: invalid TOML: ")
    assert result.stderr.endswith("(fix or delete the file)\n")
    assert result.stderr.count("\n") == 1


def test_conflict_when_the_note_changes_during_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit.vault import Vault

    vault, path = _vault_with(tmp_path, "---\na: 1\n---\n")
    load = Vault.load

    def load_then_someone_edits(self: Vault, relpath: str) -> object:
        note = load(self, relpath)
        path.write_text("---\na: 1\n---\nTyped in Obsidian meanwhile\n", encoding="utf-8")
        return note

    monkeypatch.setattr(Vault, "load", load_then_someone_edits)
    assert_one_line_error(
        run("set", "Plan", "a", "2", vault=vault),
        1,
        "Plan.md: the file changed on disk after it was read; nothing written (read it again and retry)",
    )
    assert path.read_text(encoding="utf-8") == "---\na: 1\n---\nTyped in Obsidian meanwhile\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "--bogus"), "No such option '--bogus' (see 'vaultkit status --help')"),
        (("--bogus",), "No such option '--bogus' (see 'vaultkit --help')"),
        (("bogus",), "No such command 'bogus' (see 'vaultkit --help')"),
        (("tasks", "--open", "--done"), "--open and --done exclude each other (see 'vaultkit tasks --help')"),
        (("set", "Growth"), "Missing argument 'KEY' (see 'vaultkit set --help')"),
        (("set", "Growth", " ", "x"), "invalid property name ' '"),
        (
            ("set", "Growth", "tags", "[a, [b]]"),
            "'[a, [b]]': a list may hold only plain values, not lists or mappings",
        ),
        (
            ("set", "Growth", "due", "2026-13-01"),
            "cannot read '2026-13-01' as a value: invalid value: month must be in 1..12 "
            "(write dates as YYYY-MM-DD and times as YYYY-MM-DDTHH:MM:SS)",
        ),
        (
            ("set", "Growth", "x", '"unclosed'),
            "cannot read '\"unclosed' as a value: while scanning a quoted scalar, found unexpected end of "
            "stream (check its quotes and brackets)",
        ),
    ],
)
def test_usage_errors_are_one_line_with_status_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    vault = copy_vault("pdp", tmp_path)
    before = (vault / "Plans" / "Growth.md").read_bytes()
    assert_one_line_error(run(*args, vault=vault), 2, message)
    assert (vault / "Plans" / "Growth.md").read_bytes() == before


def test_no_command_prints_help() -> None:
    result = run()
    assert "Usage: vaultkit [OPTIONS] COMMAND [ARGS]..." in result.output
    assert "Traceback" not in result.output


def test_io_error_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vaultkit import vault as vault_module

    def refuse(self: object, relpath: str) -> object:
        raise PermissionError(13, "Permission denied", "/somewhere/Plan.md")

    vault, _ = _vault_with(tmp_path, "---\na: 1\n---\n")
    monkeypatch.setattr(vault_module.Vault, "load", refuse)
    assert_one_line_error(
        run("set", "Plan", "a", "2", vault=vault), 1, "/somewhere/Plan.md: Permission denied"
    )


# ---------------------------------------------------------------------------------------- finding the vault


def _pdp_with_obsidian(tmp_path: Path) -> Path:
    vault = copy_vault("pdp", tmp_path)
    (vault / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    return vault


def _status_paths(result: Result) -> list[str]:
    assert result.exit_code in (0, 1), result.output
    return [n["path"] for n in json.loads(result.stdout)["notes"]]


def test_vault_option_beats_environment(tmp_path: Path) -> None:
    vault = copy_vault("pdp", tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "Only.md").write_text("x\n", encoding="utf-8")
    assert _status_paths(run("status", "--json", vault=vault)) == [n["path"] for n in PDP_STATUS["notes"]]
    assert _status_paths(run("status", "--json", "--vault", str(other), vault=vault)) == ["Only.md"]


@pytest.mark.parametrize(
    ("cwd", "expected"),
    [
        ("pdp/Plans", "pdp"),  # nearest parent holding .obsidian/
        ("loose/sub", None),  # no .obsidian/ above: no vault, nothing read or written
    ],
)
def test_vault_found_from_the_current_folder(tmp_path: Path, cwd: str, expected: str | None) -> None:
    copy_vault("pdp", tmp_path)
    (tmp_path / "loose" / "sub").mkdir(parents=True)
    (tmp_path / "loose" / "sub" / "Here.md").write_text("- [ ] a\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VAULTKIT_VAULT"}
    proc = subprocess.run(
        [sys.executable, "-m", "vaultkit", "status", "--json"],
        cwd=tmp_path / cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    if expected is None:
        assert (proc.returncode, proc.stdout) == (2, "")
        assert proc.stderr.startswith("vaultkit: no vault: no .obsidian/ folder in ")
        assert not (tmp_path / cwd / ".vaultkit").exists()
        return
    paths = [n["path"] for n in json.loads(proc.stdout)["notes"]]
    assert paths == [n["path"] for n in PDP_STATUS["notes"]]


# ---------------------------------------------------------------------------------------- help


def all_commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = [("vaultkit", main)]

    def walk(group: click.Group, prefix: str) -> None:
        for name, command in sorted(group.commands.items()):
            found.append((f"{prefix} {name}", command))
            if isinstance(command, click.Group):
                walk(command, f"{prefix} {name}")

    walk(main, "vaultkit")
    return found


# Commands whose argument is the vault folder they create, so they need no --vault (and `completion`,
# which prints a shell script and reads no vault).
CREATE_A_VAULT = {"vaultkit init", "vaultkit completion"}


@pytest.mark.parametrize(("path", "command"), all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_help_is_complete(path: str, command: click.Command) -> None:
    result = run(*path.split()[1:], "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: {path} ")
    assert command.help and command.get_short_help_str(limit=80).strip(), f"{path} has no description"
    assert not command.get_short_help_str(limit=80).endswith("..."), f"{path}: shorten the first sentence"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts}: explain the option"
    if command is not main and path not in CREATE_A_VAULT and not isinstance(command, click.Group):
        assert "--vault PATH" in result.stdout, f"{path} must take --vault"


@pytest.mark.parametrize("name", ["status", "check", "set"])
def test_help_has_examples(name: str) -> None:
    epilog = main.commands[name].epilog or ""
    assert "Examples:" in epilog
    assert f"vaultkit {name}" in epilog


@pytest.mark.parametrize("name", ["status", "tasks", "show", "check"])
def test_data_commands_take_json(name: str) -> None:
    assert any(isinstance(p, click.Option) and "--json" in p.opts for p in main.commands[name].params)


def test_help_does_not_import_the_library() -> None:
    """`vaultkit --help` stays fast: cli.py imports the library (yaml, markdown-it, ftfy) inside commands."""
    code = (
        "import sys; from click.testing import CliRunner; from vaultkit.cli.commands import main; "
        "r = CliRunner().invoke(main, ['--help']); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('yaml', 'markdown_it', 'ftfy', 'tomllib') or m in ('vaultkit.vault', 'vaultkit.notes.note')); "
        "print(r.exit_code, heavy)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout == "0 []\n"


# ---------------------------------------------------------------------------------------- VALUE parsing


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("42", 42),
        ("-3", -3),
        ("3.5", 3.5),
        ("true", True),
        ("false", False),
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026-12-01T10:30:00", dt.datetime(2026, 12, 1, 10, 30)),
        ("", None),
        ("~", None),
        ("null", None),
        ("[]", []),
        ("[a, b]", ["a", "b"]),
        ("[1, 1.10, NO, '1.10', 2026-01-01, ~]", [1, "1.10", "NO", "1.10", dt.date(2026, 1, 1), None]),
        ("[[Growth plan]]", "[[Growth plan]]"),
        ("[[Growth plan|the plan]]", "[[Growth plan|the plan]]"),
        ('"[[Growth plan]]"', "[[Growth plan]]"),
        ("[[[A]], [[B]]]", ["[[A]]", "[[B]]"]),
        ("plain words", "plain words"),
        ("  padded  ", "padded"),
        # YAML would change these; the typed text is kept
        ("1.10", "1.10"),
        ("NO", "NO"),
        ("yes", "yes"),
        ("True", "True"),
        ("0x1F", "0x1F"),
        ("+5", "+5"),
        ("1e3", "1e3"),
        ("007", "007"),
        ("12:30", "12:30"),
        ("#pdp", "#pdp"),
        ("done # for now", "done # for now"),
        ("&anchor x", "&anchor x"),
        ("*alias", "*alias"),
        ("|", "|"),
        ("Fix: the bug", "Fix: the bug"),
        ("- item", "- item"),
        ("@home", "@home"),
        ("{{date}}", "{{date}}"),
        ("<% tp.date.now() %>", "<% tp.date.now() %>"),
        ("[a, b] # note", "[a, b] # note"),
        ("2026-12-01T10:30", "2026-12-01T10:30"),
        ("line one\nline two", "line one\nline two"),
        # spelled-out YAML is taken as written
        ("'1.10'", "1.10"),
        ('"NO"', "NO"),
        ("!!str 5", "5"),
    ],
)
def test_parse_cli_value(typed: str, value: object) -> None:
    assert parse_cli_value(typed) == value
    assert type(parse_cli_value(typed)) is type(value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ('"unclosed', "while scanning a quoted scalar"),
        ("[a, [b]]", "a list may hold only plain values"),
        ("[a, {b: 1}]", "a list may hold only plain values"),
        ("{a: 1}", "not a mapping"),
        ("2026-13-01", "month must be in 1..12 (write dates as YYYY-MM-DD"),
        ("!!python/object:os.system x", "unsupported YAML tag"),
    ],
)
def test_parse_cli_value_errors(typed: str, message: str) -> None:
    with pytest.raises(VaultkitError, match=re.escape(message)):
        parse_cli_value(typed)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_set_value_reads_back_as_parsed(typed: str) -> None:
    """Whatever is typed: a clear error, or a value that, written with set_property, reads back equal."""
    try:
        value = parse_cli_value(typed)
    except VaultkitError:
        return
    if isinstance(value, float) and math.isnan(value):
        return
    try:
        note = Note.parse("---\na: 1\n---\n")
        note.set_property("k", value)
    except NoteError:
        return  # a value the writer refuses (a control character, say) is refused clearly
    reread = Note.parse(note.dumps())
    assert reread.errors == []
    assert reread.properties["k"] == value
    assert reread.properties["a"] == 1
