"""`check` and `fix` agree: every command a finding recommends, run as written, repairs that finding, and
what it cannot repair it names (`left alone:`, exit 1), at exactly the places `check` still reports."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

RECOMMENDED_RE = re.compile(r"`(vaultkit [^`]+)`")
LEFT_ALONE_RE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d*): left alone: ", re.MULTILINE)

#: Per case: the notes, and (code, recommended command) of the findings that name a command.
CASES: dict[str, dict[str, str]] = {
    "core variables, property and body": {
        "Notes/Meeting.md": '---\ncreated: {{date}}\ntitle: "{{title}}"\n---\n'
        "# {{title}}\nOn {{date:YYYY}}.\n",
    },
    "mojibake, property and body": {
        "Notes/Ladder.md": "---\nrole: Senior â†’ Staff\n---\nCafÃ© on Monâ€“Wed\n",
    },
    "a core variable beside Templater code and an unknown variable": {
        "Notes/Daily.md": "---\ncreated: {{date}}\nmood: <% tp.system.prompt() %>\n---\n"
        "Written {{date}} by <% tp.file.title %> with {{weather}}.\n- [ ] task <% tp.date.now() %>\n",
    },
}


def run(*args: str) -> Result:
    from vaultkit.cli.commands import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def make_vault(tmp_path: Path, notes: dict[str, str]) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for name, text in notes.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[dict[str, object]]:
    result = run("check", "--json", "--vault", str(root))
    found = json.loads(result.output)["problems"]
    assert isinstance(found, list)
    return found


@pytest.mark.parametrize("case", list(CASES))
def test_every_recommended_command_repairs_what_it_is_recommended_for(tmp_path: Path, case: str) -> None:
    root = make_vault(tmp_path, CASES[case])
    before = problems(root)
    commands = {m.group(1) for p in before for m in RECOMMENDED_RE.finditer(str(p["message"]))}
    assert commands, "the case must make check recommend a command"
    left_alone: set[tuple[str, int]] = set()
    for command in sorted(commands):
        args = shlex.split(command)[1:]
        result = run(*args, "--vault", str(root))
        assert result.exit_code in (0, 1), result.output
        found = {(m["path"], int(m["line"])) for m in LEFT_ALONE_RE.finditer(result.output)}
        assert (result.exit_code == 1) == bool(found), result.output
        left_alone |= found
    after = problems(root)
    # Nothing that recommended a command is still there, unless that command said it left it alone.
    for problem in after:
        assert "`vaultkit " not in str(problem["message"]), problem
    assert {(str(p["path"]), int(str(p["line"]))) for p in after} == left_alone


def test_templater_code_is_reported_once_where_it_is_with_advice_that_works(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Daily.md": "# Day\n\nBy <% tp.file.title %> and <% tp.file.title %>.\n"})
    found = problems(root)
    assert [(p["path"], p["line"], p["code"]) for p in found] == [("Daily.md", 3, "placeholder")]
    message = str(found[0]["message"])
    assert "vaultkit fix does not run Templater" in message
    assert "fix --placeholders" not in message
    result = run("fix", "--vault", str(root))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Daily.md:3: left alone: <% tp.file.title %>: Templater code, which vaultkit does not run; "
        "replace or delete it by hand",
        "0 notes repaired",
    ]
    assert (root / "Daily.md").read_text(encoding="utf-8").endswith("<% tp.file.title %>.\n")


def test_an_unknown_variable_is_not_sent_to_fix(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Note.md": '---\nmood: "{{mood}}"\n---\nToday {{weather}}.\n'})
    messages = [str(p["message"]) for p in problems(root)]
    assert len(messages) == 2
    for message in messages:
        assert "not a variable vaultkit fills in" in message
        assert "fix --placeholders" not in message
