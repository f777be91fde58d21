"""`vaultkit check`: each kind of finding, its severity and exact text, and the exit status rules.

Severities (documented in vaultkit/check.py and `vaultkit check --help`): errors for what makes a
note wrong (YAML, encoding, placeholders, `plan` links, mojibake); warnings for links that do not
resolve cleanly, which are normal in a vault still being written. `--strict` fails on warnings too.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaultkit import Vault
from vaultkit.check.findings import Finding, check_vault
from vaultkit.cli.commands import main

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
FIX = "run `vaultkit fix --encoding`"
PLACEHOLDER_FIX = "fill it in, or run `vaultkit fix --placeholders`"
TEMPLATER_FIX = "Templater code: replace or delete it by hand; vaultkit fix does not run Templater"


def make_vault(tmp_path: Path, files: dict[str, str | bytes], templates: str | None = "Templates") -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    if templates:
        (root / ".obsidian" / "templates.json").write_text(
            json.dumps({"folder": templates}), encoding="utf-8"
        )
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


def findings(tmp_path: Path, files: dict[str, str | bytes]) -> list[Finding]:
    return check_vault(Vault(make_vault(tmp_path, files)))


def cli(vault: Path, *args: str) -> Result:
    result = CliRunner().invoke(main, ["check", "--vault", str(vault), *args], prog_name="vaultkit")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


# ---------------------------------------------------------------------------------------- errors


def test_invalid_yaml_with_file_and_line(tmp_path: Path) -> None:
    found = findings(tmp_path, {"Bad.md": "---\ntype: plan\ndue: [2026\n---\n- [ ] a\n"})
    assert found == [
        Finding(
            "Bad.md",
            3,
            "error",
            "invalid",
            "invalid YAML in properties: while parsing a flow sequence, did not find expected ',' or ']' "
            "(fix the YAML; the note is left as it is)",
        )
    ]
    assert str(found[0]).startswith("Bad.md:3: error: invalid YAML in properties: ")


def test_key_set_twice(tmp_path: Path) -> None:
    assert findings(tmp_path, {"Twice.md": "---\na: 1\na: 2\n---\n"}) == [
        Finding(
            "Twice.md",
            3,
            "error",
            "invalid",
            "property 'a' is set twice; Obsidian refuses such properties (remove one)",
        )
    ]


def test_not_utf8_and_binary(tmp_path: Path) -> None:
    found = findings(tmp_path, {"Latin.md": b"---\na: 1\n---\ncaf\xe9\n", "Blob.md": b"\x00\x01\x02"})
    assert found == [
        Finding(
            "Blob.md",
            None,
            "error",
            "invalid",
            "binary file, not a Markdown note (move it out of the vault or rename it)",
        ),
        Finding(
            "Latin.md",
            4,
            "error",
            "encoding",
            "not valid UTF-8 (byte 0xe9 at offset 16); re-save the file as UTF-8 (vaultkit leaves it alone "
            "until then)",
        ),
    ]


def test_placeholders_outside_the_templates_folder(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "Meeting.md": "---\ndate: {{date}}\n---\n# {{title}}\n\n```\n{{not in code}}\n```\n",
            "Daily.md": "Created <% tp.date.now() %>\n",
            "Templates/Meeting.md": "---\ndate: {{date}}\n---\n# {{title}}\n[[Nowhere]]\n",
        },
    )
    assert found == [
        Finding(
            "Daily.md",
            1,
            "error",
            "placeholder",
            "unrendered template placeholder '<% tp.date.now() %>' outside the templates folder "
            f"({TEMPLATER_FIX})",
        ),
        Finding(
            "Meeting.md",
            2,
            "error",
            "placeholder",
            "unrendered template placeholder '{{date}}' (kept as text; fill it in, or run "
            "`vaultkit fix --placeholders`)",
        ),
        Finding(
            "Meeting.md",
            4,
            "error",
            "placeholder",
            "unrendered template placeholder '{{title}}' outside the templates folder "
            f"({PLACEHOLDER_FIX})",
        ),
    ]


def test_templates_are_still_checked_for_yaml_errors(tmp_path: Path) -> None:
    found = findings(tmp_path, {"Templates/Broken.md": "---\na: [\n---\n"})
    assert [(f.path, f.severity, f.code) for f in found] == [("Templates/Broken.md", "error", "invalid")]


def test_plan_property_must_point_at_a_plan(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "Plans/Growth.md": "---\ntype: plan\n---\n",
            "Notes/Idea.md": "---\ntype: idea\n---\n",
            "Plain.md": "just text\n",
            "Good.md": '---\ntype: milestone\nplan: "[[Growth]]"\n---\n',
            "Missing.md": '---\ntype: milestone\nplan: "[[Nowhere]]"\n---\n',
            "Typed.md": '---\nplan: "[[Idea]]"\n---\n',
            "Untyped.md": '---\nplan:\n  - "[[Growth]]"\n  - "[[Plain]]"\n---\n',
            "Number.md": "---\nplan: 3\n---\n",
            "Empty.md": "---\nplan:\n---\n",
            "Plans/Sub.md": '---\ntype: plan\nplan: "[[Idea]]"\n---\n',
        },
    )
    assert [str(f) for f in found] == [
        "Missing.md:3: error: `plan` links to 'Nowhere', but no note has that name "
        "(create the plan, or fix the link) [plan]",
        'Number.md: error: `plan` should be a link like "[[My Plan]]", not 3 [plan]',
        "Typed.md:2: error: `plan` links to Notes/Idea.md, which is not a plan (its `type` is 'idea'; "
        "set `type: plan` there, or fix the link) [plan]",
        "Untyped.md:4: error: `plan` links to Plain.md, which is not a plan (it has no `type`; "
        "set `type: plan` there, or fix the link) [plan]",
    ]


GARBLED = {
    "â€™": "’",
    "Ã©": "é",
    "â†’": "→",
    "‚Äì": "–",
    "\uf8ffüîπ": "🔹",
}


@pytest.mark.parametrize(("bad", "good"), list(GARBLED.items()))
def test_mojibake(tmp_path: Path, bad: str, good: str) -> None:
    found = findings(tmp_path, {"Note.md": f"---\ntype: journal\n---\nclean line\nIt{bad}s here\n"})
    assert found == [
        Finding(
            "Note.md",
            5,
            "error",
            "mojibake",
            f"garbled characters (UTF-8 read as another encoding): {bad!r} should read {good!r}; {FIX}",
        )
    ]


def test_mojibake_lines_count_like_the_editor(tmp_path: Path) -> None:
    """CRLF, a BOM and form feeds do not shift the reported line; several runs on a line are listed."""
    text = "\ufeff# T\r\n\x0cpage\r\nA â†’ B â€™ C\r\n"
    found = findings(tmp_path, {"Note.md": text})
    assert [(f.line, f.message) for f in found] == [
        (
            3,
            "garbled characters (UTF-8 read as another encoding): 'â†’' should read '→', 'â€™' should read "
            f"'’'; {FIX}",
        )
    ]


def test_correct_accents_are_not_mojibake(tmp_path: Path) -> None:
    assert findings(tmp_path, {"Note.md": "Café, naïve, résumé → ok – Ça va 🔹\n"}) == []


# ---------------------------------------------------------------------------------------- warnings


def test_link_findings_are_warnings(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "Notes/Ideas.md": (
                "# Ideas\n\n## Goals\n\n"
                "[[Someday]] [[Growth#Goals]] [[Growth#Nope]] [[Log]] ![[pic.png]] [[#Goals]] [[#Missing]]\n"
                "[[Growth#^block]] [[Archive/Log]] [x](Growth.md) [web](https://example.com)\n"
            ),
            "Plans/Growth.md": "# Growth\n## Goals\n",
            "Notes/Log.md": "",
            "Archive/Log.md": "",
            "Notes/pic.png": b"\x89PNG",
        },
    )
    assert [str(f) for f in found] == [
        "Notes/Ideas.md:5: warning: link '[[Log]]' could mean several notes; it resolves to Notes/Log.md "
        "(also: Archive/Log.md); write the folder to be exact [ambiguous-link]",
        "Notes/Ideas.md:5: warning: link '[[#Missing]]': Notes/Ideas.md has no heading 'Missing' "
        "[broken-heading]",
        "Notes/Ideas.md:5: warning: link '[[Growth#Nope]]': Plans/Growth.md has no heading 'Nope' "
        "[broken-heading]",
        "Notes/Ideas.md:5: warning: link '[[Someday]]' points to no file in the vault [broken-link]",
    ]


# ---------------------------------------------------------------------------------------- the index


def test_a_warm_check_reads_no_note_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a note's text alone decides (mojibake, managed blocks) is kept in the index with its outline:
    a second check finds the same, reading no note; an edited note is read again."""
    vault = make_vault(
        tmp_path,
        {
            "A.md": "# A\nIt’s â†’ here\n[[B#Nope]]\n",
            "B.md": "---\ntype: journal\n---\n<!-- vaultkit:begin nonsense -->\n<!-- vaultkit:end -->\n",
            "C.md": "---\nplan: \"[[B]]\"\n---\n{{date}}\n",
        },
    )
    for note in vault.glob("*.md"):  # older than the index's racy window: the stat alone is trusted
        os.utime(note, (1_700_000_000, 1_700_000_000))
    first = [str(f) for f in check_vault(Vault(vault))]
    assert [f.split(": ")[0] + " " + f.rsplit("[", 1)[1] for f in first] == [
        "A.md:2 mojibake]",
        "A.md:3 broken-heading]",
        "B.md:4 block]",
        "C.md:2 plan]",
        "C.md:4 placeholder]",
    ]
    opened: list[str] = []
    real_open = os.open

    def spy(path: str, *args: object, **kwargs: object) -> int:
        if str(path).endswith(".md"):
            opened.append(str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"read {self}"))
    assert [str(f) for f in check_vault(Vault(vault))] == first
    assert opened == []
    monkeypatch.undo()
    (vault / "A.md").write_text("# A\nfine now\n", encoding="utf-8")
    assert [str(f) for f in check_vault(Vault(vault))] == first[2:]


# ---------------------------------------------------------------------------------------- the command


def test_exit_status_and_strict(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"A.md": "[[Nowhere]]\n"})
    result = cli(vault)
    assert (result.exit_code, result.stdout) == (
        0,
        "A.md:1: warning: link '[[Nowhere]]' points to no file in the vault [broken-link]\n"
        "1 note checked: 0 errors, 1 warning\n",
    )
    assert cli(vault, "--strict").exit_code == 1
    (vault / "A.md").write_text("fine\n", encoding="utf-8")
    assert (cli(vault, "--strict").exit_code, cli(vault).stdout) == (0, "1 note checked: no problems\n")


def test_json(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"A.md": "[[Nowhere]]\nIt’s â†’\n"})
    result = cli(vault, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "problems": [
            {
                "path": "A.md",
                "line": 1,
                "severity": "warning",
                "code": "broken-link",
                "message": "link '[[Nowhere]]' points to no file in the vault",
            },
            {
                "path": "A.md",
                "line": 2,
                "severity": "error",
                "code": "mojibake",
                "message": "garbled characters (UTF-8 read as another encoding): 'â†’' should read '→'; "
                f"{FIX}",
            },
        ],
        "errors": 1,
        "warnings": 1,
    }


def test_one_bad_note_does_not_stop_the_rest(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, {"A.md": b"\xff\xfe", "B.md": "[[Nowhere]]\n", "C.md": "---\na: [\n---\n"})
    assert [(f.path, f.code) for f in check_vault(Vault(vault))] == [
        ("A.md", "encoding"),
        ("B.md", "broken-link"),
        ("C.md", "invalid"),
    ]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples not present")
def test_samples(tmp_path: Path) -> None:
    vault = tmp_path / "samples"
    shutil.copytree(SAMPLES, vault)
    found = check_vault(Vault(vault))
    summary: dict[tuple[str, str], int] = {}
    for finding in found:
        summary[(finding.path, finding.code)] = summary.get((finding.path, finding.code), 0) + 1
    assert summary == {
        ("12-month-growth-plan.md", "mojibake"): 16,
        ("career-ladder-senior-to-staff.md", "mojibake"): 1,
        ("pdp-junior-mid-senior.md", "placeholder"): 1,
        ("pdp-junior-mid-senior.md", "broken-link"): 1,
    }
    first = next(f for f in found if f.code == "mojibake")
    assert (first.line, first.message) == (
        1,
        f"garbled characters (UTF-8 read as another encoding): '\\uf8ffüîπ' should read '🔹'; {FIX}",
    )
