"""`vaultkit import` of real documents (issue 12): links that follow split headings and the other documents
of the run, `--tasks` for goal and criteria sections, `status` and `created`, the first H1 as title, and
which split sections become milestones.

Golden files: tests/fixtures/import/expected/documents/. After a deliberate change of output, regenerate
with `VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_import_documents.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import sample
from hypothesis import given
from hypothesis import strategies as st

from vaultkit.cli.commands import main
from vaultkit.importing.goals import looks_like_milestone, make_tasks, stated_date
from vaultkit.importing.plan import plan_import
from vaultkit.importing.relink import github_anchor
from vaultkit.notes.note import Note

DOCS = Path(__file__).parent / "fixtures" / "import" / "documents"
EXPECTED = Path(__file__).parent / "fixtures" / "import" / "expected" / "documents"
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"
WHEN = dt.datetime(2025, 3, 1, 8, 0)
FILE_DAY = dt.datetime(2025, 3, 2, 12, 0).timestamp()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def documents(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A vault and copies of the two fixture documents, dated 2 March 2025 on disk."""
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    shutil.copytree(DOCS, tmp_path / "docs")
    ladder, lead = tmp_path / "docs" / "team-ladder.md", tmp_path / "docs" / "TechLead.md"
    for path in (ladder, lead):
        os.utime(path, (FILE_DAY, FILE_DAY))
    return vault, ladder, lead


def notes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*.md"))
        if ".vaultkit" not in p.parts
    }


def test_links_follow_split_headings_and_documents_golden(tmp_path: Path) -> None:
    vault, ladder, lead = documents(tmp_path)
    result = run("import", str(ladder), str(lead), "--split-level", "2", "--tasks", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    written = notes(vault)
    if UPDATE:
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for path, text in written.items():
            (EXPECTED / path).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / path).write_text(text, encoding="utf-8")
    assert written == notes(EXPECTED)
    assert result.stdout.splitlines() == [
        "created Plans/Team Ladder.md  (plan)",
        "created Milestones/D1 - Developer 1.md  (milestone)",
        "created Milestones/D2 - Developer 2.md  (milestone)",
        "created Milestones/Readiness.md  (milestone)",
        "  team-ladder.md:5: link: '[D1 - Developer 1](#d1---developer-1)' -> '[[D1 - Developer 1]]'",
        "  team-ladder.md:5: link: '[D2](#d2---developer-2)' -> '[[D2 - Developer 2|D2]]'",
        "  team-ladder.md:5: link: '[[#Readiness]]' -> '[[Readiness]]'",
        "  team-ladder.md:5: link: '[Tech Lead](TechLead.md)' -> '[[Tech Lead]]'",
        "  team-ladder.md:7: split: section 'D1 - Developer 1' moved to Milestones/D1 - Developer 1.md",
        "  team-ladder.md:9: tasks: 2 list items under 'Expectations' made tasks",
        "  team-ladder.md:15: link: '[the D2 expectations](#expectations-1)'"
        " -> '[[D2 - Developer 2#Expectations|the D2 expectations]]'",
        "  team-ladder.md:17: split: section 'D2 - Developer 2' moved to Milestones/D2 - Developer 2.md",
        "  team-ladder.md:19: tasks: 2 list items under 'Expectations' made tasks",
        "  team-ladder.md:24: split: section 'SQL' stays in the plan:"
        " it holds no tasks and its heading names no goal",
        "  team-ladder.md:30: split: section 'Notes & Reflections' stays in the plan:"
        " it holds no tasks and its heading names no goal",
        "  team-ladder.md:32: link: '[D1](#d1---developer-1)' -> '[[D1 - Developer 1|D1]]'",
        "  team-ladder.md:34: tasks: 2 list items under 'Readiness' made tasks",
        "  team-ladder.md:34: split: section 'Readiness' moved to Milestones/Readiness.md",
        "  team-ladder.md: type: set to plan",
        "  team-ladder.md: tags: set to pdp, career-ladder",
        "  team-ladder.md: metadata: status set to 'planned'",
        "  team-ladder.md: metadata: created set to 2024-11-05 (the date the document states on line 3)",
        "created Plans/Tech Lead.md  (plan)",
        "created Milestones/Goals.md  (milestone)",
        "  TechLead.md:6: link: '[D2](team-ladder.md#d2---developer-2)' -> '[[D2 - Developer 2|D2]]'",
        "  TechLead.md:6: link: '[ladder](./team-ladder.md)' -> '[[Team Ladder|ladder]]'",
        "  TechLead.md:8: tasks: 1 list item under 'Goals' made tasks",
        "  TechLead.md:8: split: section 'Goals' moved to Milestones/Goals.md",
        "  TechLead.md: type: set to plan",
        "  TechLead.md: tags: set to pdp",
        "  TechLead.md: metadata: status set to 'planned'",
        "  TechLead.md: metadata: created set to 2025-02-14 (the document's 'date' property)",
        "6 notes from 2 documents written",
    ]
    checked = json.loads(run("check", "--vault", str(vault), "--json").stdout)
    assert (checked["errors"], checked["warnings"]) == (0, 0)  # every rewritten link resolves


def test_without_split_or_other_documents_links_stay(tmp_path: Path) -> None:
    vault, ladder, _lead = documents(tmp_path)
    assert run("import", str(ladder), "--vault", str(vault)).exit_code == 0
    text = (vault / "Plans" / "Team Ladder.md").read_text(encoding="utf-8")
    assert "[D1 - Developer 1](#d1---developer-1)" in text  # its heading is still in this note
    assert "[Tech Lead](TechLead.md)" in text  # not imported in this run
    assert "- Ships small changes with tests" in text  # no --tasks: bullets stay bullets


def test_tasks_make_progress_countable(tmp_path: Path) -> None:
    vault, ladder, _lead = documents(tmp_path)
    assert run("import", str(ladder), "--tasks", "--vault", str(vault)).exit_code == 0
    note = Note.load(vault / "Plans" / "Team Ladder.md")
    assert [(t.text, t.line) for t in note.tasks] == [
        ("Ships small changes with tests", 19),
        ("Asks for review early", 20),
        ("Owns a service end to end", 29),
        ("Reviews others' changes", 30),
        ("Two quarters at the level", 44),
        ("A sponsor agrees", 45),
    ]
    assert "  - pairs when stuck" in note.text  # nested details stay details
    status = json.loads(run("status", "--vault", str(vault), "--json").stdout)
    assert [(p["done"], p["total"]) for p in status["plans"]] == [(0, 6)]


def test_created_from_the_file_when_the_document_states_no_date(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    doc = tmp_path / "undated.md"
    doc.write_text("# Undated plan\n\n## Goals\n\n- [ ] one\n", encoding="utf-8")
    os.utime(doc, (FILE_DAY, FILE_DAY))
    result = run("import", str(doc), "--vault", str(vault))
    assert (
        "  undated.md: metadata: created set to 2025-03-02 (the file's date: the document states none)"
        in (result.stdout.splitlines())
    )
    props = Note.load(vault / "Plans" / "Undated plan.md").properties
    assert (props["status"], props["created"]) == ("planned", dt.date(2025, 3, 2))


def test_kept_status_and_created_and_h1_sections_title() -> None:
    text = "---\nstatus: active\ncreated: 2024-01-02\n---\nintro\n# Junior\nx\n# Senior\ny\n"
    plan = plan_import(text, "pdp-levels.md", when=WHEN, taken=set())
    props = Note.parse(plan.notes[0].text).properties
    assert (plan.notes[0].path, props["status"], props["created"]) == (
        "Plans/Junior, Senior.md",
        "active",
        dt.date(2024, 1, 2),
    )
    split = plan_import(
        text.replace("x\n", "- [ ] x\n"), "pdp-levels.md", when=WHEN, split_level=1, taken=set()
    )
    assert [n.path for n in split.notes] == [
        "Plans/Junior, Senior.md",
        "Milestones/Junior.md",
    ]  # two H1 sections: neither is the title heading


@pytest.mark.parametrize(
    ("heading", "has_tasks", "milestone"),
    [
        ("Phase 1 (Months 1–3): Foundation", False, True),
        ("3-Month Milestones", False, True),
        ("Annual Goals", False, True),
        ("Success criteria", False, True),
        ("Q3", False, True),
        ("SQL", False, False),
        ("Notes & Reflections", False, False),
        ("Weekly Routine", False, False),
        ("Notes & Reflections", True, True),
    ],
)
def test_which_sections_are_milestones(heading: str, has_tasks: bool, milestone: bool) -> None:
    assert looks_like_milestone(heading, has_tasks) is milestone


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("D1 - Developer 1", "d1---developer-1"),
        ("Phase 1 (Months 1–3): Foundation", "phase-1-months-13-foundation"),
        ("Café & Co.", "café--co"),
        ("snake_case", "snake_case"),
    ],
)
def test_github_anchor(text: str, anchor: str) -> None:
    assert github_anchor(text) == anchor


@pytest.mark.parametrize(
    ("lines", "found"),
    [
        (["---\n", "date: x\n", "---\n", "_2025-01-31 by R1_\n"], (dt.date(2025, 1, 31), 4)),
        (["*Generated on: 2025-09-10*\n"], (dt.date(2025, 9, 10), 1)),
        (["Plan for 2025-09-10\n"], None),  # a date inside a sentence is not the document's date
        (["a\n"] * 10 + ["2025-01-31\n"], None),  # too far down
        (["2025-02-30\n", "2025-03-01\n"], (dt.date(2025, 3, 1), 2)),  # not a real day: the next one
    ],
)
def test_stated_date(lines: list[str], found: tuple[dt.date, int] | None) -> None:
    first = 4 if lines[0] == "---\n" else 1
    assert stated_date({}, lines, first) == found
    assert stated_date({"Created": dt.datetime(2024, 5, 6, 7, 8)}, lines, first) == (
        dt.date(2024, 5, 6),
        "Created",
    )


_LINE = st.sampled_from(
    [
        "## Goals\n",
        "## Notes\n",
        "**Success criteria**:\n",
        "---\n",
        "```\n",
        "- item\n",
        "  - nested\n",
        "1. first\n",
        "* star\n",
        "- [x] done\n",
        "text\n",
        "\n",
        "- \n",
    ]
)


@given(st.lists(_LINE, max_size=30))
def test_make_tasks_only_adds_checkboxes(lines: list[str]) -> None:
    doc = "".join(lines)
    note = Note.parse(doc)
    edited = note.text.splitlines(keepends=True)
    make_tasks(edited, note.headings, note.body_line, {h.line: h.text for h in note.headings})
    assert len(edited) == len(lines)
    for before, after in zip(lines, edited, strict=True):
        assert after == before or after.replace("[ ] ", "", 1) == before
    again = list(edited)
    make_tasks(again, Note.parse("".join(edited)).headings, note.body_line, {})
    assert again == edited  # a task is never made twice


def test_sample_ladder_tasks_and_split() -> None:
    path = sample("career-ladder-senior-to-staff.md")
    text = path.read_text(encoding="utf-8")
    plain = plan_import(text, path.name, when=WHEN, split_level=3, taken=set())
    kept = [r.message.split("'")[1] for r in plain.repairs if "stays in the plan" in r.message]
    assert "SQL" in kept and "Notes & Reflections" in kept
    assert [n.title for n in plain.notes[1:]] == [
        "3-Month Milestones",
        "6-Month Milestones",
        "Annual Goals",
        "Technical Competencies",
        "Leadership & Influence",
        "Business Impact",
        "Feedback & Validation",
        "Monthly Check-ins",
    ]
    tasked = plan_import(text, path.name, when=WHEN, tasks=True, taken=set())
    note = Note.parse(tasked.notes[0].text)
    untasked = Note.parse(plan_import(text, path.name, when=WHEN, taken=set()).notes[0].text)
    assert (len(untasked.tasks), len(note.tasks)) == (28, 52)  # + 18 success indicators, 6 milestones
    assert note.properties["created"] == dt.date(2025, 9, 10)


def test_sample_pdp_title_and_created() -> None:
    path = sample("pdp-junior-mid-senior.md")
    plan = plan_import(path.read_text(encoding="utf-8"), path.name, when=WHEN, taken=set())
    assert plan.notes[0].path == "Plans/Junior, Mid-Level, Senior.md"
    assert "created set to 2025-01-31 (the date the document states on line 8)" in [
        r.message for r in plan.repairs
    ]
