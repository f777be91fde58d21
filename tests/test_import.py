"""`vaultkit import`: every sample (or our fixtures with the same flaws) becomes clean notes that keep every
line, headings and tasks; refusals for paths outside the vault and for existing notes.

Golden files: tests/fixtures/import/expected/. After a deliberate change of output, regenerate with
`VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_import.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vaultkit.cli.commands import main
from vaultkit.importing.plan import (
    ImportSettings,
    PlannedNote,
    clean_heading,
    infer_kind,
    infer_title,
    note_name,
)
from vaultkit.importing.plan import plan_import as _plan_import
from vaultkit.markdown.mojibake import find_mojibake, repair_text
from vaultkit.notes.note import Note
from vaultkit.scaffold.templates import TemplateContext, render_text

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXPECTED = FIXTURES / "expected"
SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
WHEN = dt.datetime(2025, 1, 31, 9, 30)
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"

FIXTURE_DOCS = sorted(FIXTURES.glob("*.md"))
SAMPLE_DOCS = sorted(SAMPLES.glob("*.md")) if SAMPLES.is_dir() else []
ALL_DOCS = [pytest.param(p, id=f"fixture:{p.name}") for p in FIXTURE_DOCS] + [
    pytest.param(p, id=f"sample:{p.name}") for p in SAMPLE_DOCS
]


def plan_import(path: Path, **options: object) -> list[PlannedNote]:
    return _plan_import(path.read_text(encoding="utf-8"), path.name, when=WHEN, taken=set(), **options).notes  # type: ignore[arg-type]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def make_vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    return vault


def files(root: Path) -> dict[str, bytes]:
    """Every file under `root` but vaultkit's own index cache (`.vaultkit/`), which is not note data."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".vaultkit" not in p.relative_to(root).parts
    }


# ---------------------------------------------------------------------------------------------- content kept


def repaired_source(path: Path, title: str) -> Note:
    """The source with the listed repairs applied the way the import applies them: mojibake everywhere,
    placeholders on the lines `check` flags (code stays as it is)."""
    note = Note.parse(repair_text(path.read_text(encoding="utf-8").removeprefix("\ufeff")))
    lines = note.text.splitlines(keepends=True)
    for line, _token in note.structure.placeholders:
        lines[line - 1] = render_text(lines[line - 1], TemplateContext(title, WHEN))
    return Note.parse("".join(lines))


def body_lines(note: Note) -> list[str]:
    return note.body.splitlines()


@pytest.mark.parametrize("path", ALL_DOCS)
def test_import_keeps_every_line_heading_and_task(path: Path) -> None:
    [planned] = plan_import(path)
    note = Note.parse(planned.text)
    source = repaired_source(path, planned.title)
    assert note.errors == [] and note.warnings == []  # no placeholder warnings either
    assert find_mojibake(planned.text) == []
    assert body_lines(note) == body_lines(source)
    assert [(h.level, h.text) for h in note.headings] == [(h.level, h.text) for h in source.headings]
    assert [(t.status, t.text) for t in note.tasks] == [(t.status, t.text) for t in source.tasks]
    for key, value in source.properties.items():  # properties kept, except the repaired ones
        if value not in (None, "") and "{{" not in str(value):
            assert key in note.properties


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("path", ALL_DOCS)
def test_split_keeps_every_line_and_links_both_ways(path: Path, level: int) -> None:
    notes = plan_import(path, split_level=level)
    parent, children = notes[0], notes[1:]
    parsed = [Note.parse(n.text) for n in notes]
    source = repaired_source(path, parent.title)
    links = {f"- [[{child.title}]]" for child in children}
    kept = Counter(line for n in parsed for line in body_lines(n) if line.strip() and line not in links)
    assert kept == Counter(line for line in body_lines(source) if line.strip())
    assert Counter((h.level, h.text) for n in parsed for h in n.headings) == Counter(
        (h.level, h.text) for h in source.headings
    )
    assert sorted((t.status, t.text) for n in parsed for t in n.tasks) == sorted(
        (t.status, t.text) for t in source.tasks
    )
    assert {line for line in body_lines(parsed[0]) if line in links} == links  # the parent links each child
    for child, note in zip(children, parsed[1:], strict=True):
        assert note.errors == [] and note.warnings == []
        assert note.properties["type"] == "milestone"
        assert note.properties["plan"] == f"[[{parent.title}]]"
        assert note.headings[0].level == level
        assert child.path.startswith("Milestones/")


# ---------------------------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("path", FIXTURE_DOCS, ids=lambda p: p.name)
def test_golden_notes(path: Path) -> None:
    [planned] = plan_import(path)
    golden = EXPECTED / planned.path
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(planned.text, encoding="utf-8")
    assert planned.text == golden.read_text(encoding="utf-8")


def test_golden_split() -> None:
    notes = plan_import(FIXTURES / "growth-plan-macroman.md", split_level=3)
    root = EXPECTED / "split"
    if UPDATE:
        shutil.rmtree(root, ignore_errors=True)
        for planned in notes:
            (root / planned.path).parent.mkdir(parents=True, exist_ok=True)
            (root / planned.path).write_text(planned.text, encoding="utf-8")
    assert {n.path: n.text.encode() for n in notes} == files(root)


def test_reports_each_repair_with_its_line() -> None:
    plan = _plan_import(
        (FIXTURES / "pdp-placeholder.md").read_text(encoding="utf-8"),
        "pdp-placeholder.md",
        when=WHEN,
        taken=set(),
    )
    assert [str(r) for r in plan.repairs] == [
        "line 2: empty 'title' set to 'Junior, Senior'",  # its H1s are sections: together they name it
        "line 3: date: '{{date}}' -> '2025-01-31'",
        "line 16: '- [ ] Finish the {{title}} reading list'"
        " -> '- [ ] Finish the Junior, Senior reading list'",
        "set to plan",
        "set to blog, pdp",
        "created set to 2025-01-31 (the date the document states on line 8)",
    ]
    ladder = _plan_import(
        (FIXTURES / "ladder-comments.md").read_text(encoding="utf-8"),
        "ladder-comments.md",
        when=WHEN,
        taken=set(),
    )
    assert [(r.line, r.kind) for r in ladder.repairs] == [
        (3, "metadata"),
        (4, "metadata"),
        (5, "metadata"),
        (6, "metadata"),
        (7, "metadata"),
        (10, "mojibake"),
        (None, "type"),
        (None, "tags"),
        (None, "metadata"),
        (None, "metadata"),
        (None, "metadata"),
        (None, "metadata"),
    ]


@pytest.mark.skipif(not SAMPLE_DOCS, reason="../shared/samples is not present")
def test_sample_properties() -> None:
    by_name = {p.name: plan_import(p)[0] for p in SAMPLE_DOCS}
    ladder = Note.parse(by_name["career-ladder-senior-to-staff.md"].text)
    assert dict(ladder.properties) == {
        "artifact_type": "career_ladder",
        "role": "Data Engineer",
        "from_seniority": "Senior",
        "to_seniority": "Staff",
        "source_profile": "roles/data-engineer/profile.md",
        "Generated": dt.datetime(2025, 9, 10, 22, 21, 48),
        "type": "plan",
        "tags": ["pdp", "career-ladder"],
        "level": "senior",
        "target_level": "staff",
        "status": "planned",
        "created": dt.date(2025, 9, 10),
    }
    assert (
        by_name["career-ladder-senior-to-staff.md"].path == "Plans/Data Engineer Career Progression Ladder.md"
    )
    pdp = Note.parse(by_name["pdp-junior-mid-senior.md"].text)
    assert dict(pdp.properties) == {
        "title": "Junior, Mid-Level, Senior",  # three H1 sections: together they name it
        "date": dt.date(2025, 1, 31),
        "tags": ["blog", "pdp"],
        "status": "draft",
        "type": "plan",
        "created": dt.date(2025, 1, 31),
    }
    growth = by_name["12-month-growth-plan.md"]
    assert growth.path == "Plans/12-Month Career Growth Plan.md"
    assert growth.text.startswith(
        "---\ntype: plan\ntags:\n  - pdp\nstatus: planned\ncreated: 2025-01-31\n---\n"
        "## 🔹 12-Month Career Growth Plan\n"
    )


# ---------------------------------------------------------------------------------------------- inference


@pytest.mark.parametrize(
    ("body", "stem", "title"),
    [
        ("# Data Engineer Ladder\ntext\n", "x", "Data Engineer Ladder"),
        ("\n## 🔹 **12-Month** Plan\n### a\n## b\n", "x", "12-Month Plan"),  # opens the document
        ("intro\n# Junior\n# Senior\n", "pdp-junior-mid-senior", "Junior, Senior"),  # H1 sections
        ("intro\n## Only [[Link|one]]\n### x\n", "x", "Only one"),  # the only H2
        ("no headings\n", "2025-01-31", "2025-01-31"),
        ("#### Deep\n", "my_plan", "My plan"),
    ],
)
def test_infer_title(body: str, stem: str, title: str) -> None:
    assert infer_title(body, stem)[0] == title


def test_clean_heading_and_note_name() -> None:
    assert clean_heading("**Phase 1 (Months 1–3): Foundation**") == "Phase 1 (Months 1–3): Foundation"
    assert clean_heading("📅 `Weekly` _Routine_ ##") == "Weekly Routine"
    assert note_name("Phase 1: Foundation") == "Phase 1 - Foundation"
    assert note_name("CI/CD and ../../etc") == "CI-CD and ..-..-etc"
    assert note_name("..") == "Untitled"
    assert note_name("a [b] #c | d?") == "a -b- -c - d-"


@pytest.mark.parametrize(
    ("properties", "title", "stem", "kind"),
    [
        ({"artifact_type": "career_ladder"}, "X", "x", "ladder"),
        ({}, "Data Engineer Career Progression Ladder", "x", "ladder"),
        ({"tags": ["career-ladder"]}, "X", "x", "ladder"),
        ({}, "X", "2025-01-31", "journal"),
        ({"type": "journal"}, "X", "x", "journal"),
        ({"tags": ["blog"]}, "PDP", "pdp", "plan"),
    ],
)
def test_infer_kind(properties: dict[str, object], title: str, stem: str, kind: str) -> None:
    assert infer_kind(properties, title, stem) == kind


def test_journal_import_uses_the_date_name() -> None:
    notes = _plan_import("Did things.\n", "2025-02-03.md", when=WHEN, taken=set()).notes
    assert [(n.path, n.type) for n in notes] == [("Journal/2025-02-03.md", "journal")]
    assert notes[0].text == "---\ntype: journal\ntags:\n  - journal\ndate: 2025-02-03\n---\nDid things.\n"


def test_split_names_avoid_existing_notes() -> None:
    text = "# Plan\n## SQL\n- [ ] a\n## Goals\nb\n"  # SQL holds a task, so it is a milestone
    notes = _plan_import(text, "p.md", when=WHEN, split_level=2, taken={"sql"}).notes
    assert [n.path for n in notes] == ["Plans/Plan.md", "Milestones/Plan - SQL.md", "Milestones/Goals.md"]
    assert notes[0].text.endswith("# Plan\n- [[Plan - SQL]]\n- [[Goals]]\n")


def test_parent_named_like_another_note_is_linked_by_path() -> None:
    notes = _plan_import(
        "# Plan\n## A\n- [ ] x\n",
        "p.md",
        when=WHEN,
        split_level=2,
        taken={"plan"},
        settings=ImportSettings(into="In"),
    ).notes
    assert [n.path for n in notes] == ["In/Plan.md", "In/A.md"]
    assert Note.parse(notes[1].text).properties["plan"] == "[[In/Plan]]"


# ---------------------------------------------------------------------------------------------- on disk


@pytest.mark.parametrize("path", ALL_DOCS)
def test_cli_import_then_check_passes(tmp_path: Path, path: Path) -> None:
    vault = make_vault(tmp_path)
    result = run("import", str(path), "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert "created Plans/" in result.stdout
    checked = run("check", "--vault", str(vault), "--json")
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["errors"] == 0


@pytest.mark.parametrize("path", ALL_DOCS)
def test_cli_split_import_rolls_up_and_checks(tmp_path: Path, path: Path) -> None:
    vault = make_vault(tmp_path)
    assert run("import", str(path), "--split-level", "3", "--vault", str(vault)).exit_code == 0
    assert run("check", "--vault", str(vault)).exit_code == 0
    status = json.loads(run("status", "--vault", str(vault), "--json").stdout)
    milestones = sorted(p.relative_to(vault).as_posix() for p in (vault / "Milestones").glob("*.md"))
    assert [p["milestones_total"] for p in status["plans"]] == [len(milestones)]


def test_overwrite_is_refused(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    doc = FIXTURES / "ladder-comments.md"
    assert run("import", str(doc), "--vault", str(vault)).exit_code == 0
    note = vault / "Plans" / "Platform Engineer Career Ladder.md"
    note.write_text("my edits\n", encoding="utf-8")
    before = files(vault)
    result = run("import", str(doc), str(FIXTURES / "pdp-placeholder.md"), "--vault", str(vault))
    assert result.exit_code == 1
    assert "Plans/Platform Engineer Career Ladder.md already exists; not overwritten" in result.stderr
    after = files(vault)
    assert after.pop("Plans/Junior, Senior.md")  # the other document still came in
    assert after == before


@pytest.mark.parametrize("into", ["../outside", "/tmp/vaultkit-outside-{n}", ".obsidian", "Link/x"])
def test_paths_outside_the_vault_are_refused(tmp_path: Path, into: str) -> None:
    vault = make_vault(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (vault / "Link").symlink_to(outside, target_is_directory=True)
    into = into.replace("{n}", tmp_path.name)
    before = files(tmp_path)
    result = run("import", str(FIXTURES / "pdp-placeholder.md"), "--into", into, "--vault", str(vault))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("vaultkit: ")
    assert "Traceback" not in result.output
    assert files(tmp_path) == before
    assert not Path(f"/tmp/vaultkit-outside-{tmp_path.name}").exists()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    before = sorted(p for p in vault.rglob("*") if ".vaultkit" not in p.parts)
    result = run("import", *map(str, FIXTURE_DOCS), "--split-level", "2", "--dry-run", "--vault", str(vault))
    assert result.exit_code == 0
    assert "would create Plans/Six-Month Growth Plan.md  (plan)" in result.stdout
    assert result.stdout.rstrip().endswith("dry run, nothing written")
    assert sorted(p for p in vault.rglob("*") if ".vaultkit" not in p.parts) == before  # no folders either


def test_json_shape_and_into(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    result = run(
        "import",
        str(FIXTURES / "ladder-comments.md"),
        "--into",
        "Imported/2025",
        "--json",
        "--vault",
        str(vault),
    )
    data = json.loads(result.stdout)
    assert data["dry_run"] is False
    [item] = data["imported"]
    assert set(item) == {"source", "type", "notes", "repairs", "written", "error"}
    assert item["type"] == "ladder" and item["written"] is True and item["error"] is None
    assert item["notes"] == [
        {
            "path": "Imported/2025/Platform Engineer Career Ladder.md",
            "title": "Platform Engineer Career Ladder",
            "type": "plan",
        }
    ]
    assert item["repairs"][5] == {
        "line": 10,
        "kind": "mojibake",
        "message": "'â†’' -> '→' (UTF-8 read as cp1252)",
        "before": "â†’",
        "after": "→",
    }
    assert (vault / "Imported" / "2025" / "Platform Engineer Career Ladder.md").is_file()


def test_bad_documents_do_not_stop_the_others(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\x00\x00")
    legacy = tmp_path / "legacy.md"
    legacy.write_bytes("# Plan\nCaf\u00e9 \u2013 ok\n".encode("cp1252"))
    broken = tmp_path / "broken.md"
    broken.write_text("---\nbad: [x\n---\n# B\n", encoding="utf-8")
    result = run(
        "import", str(binary), str(tmp_path / "missing.md"), str(broken), str(legacy), "--vault", str(vault)
    )
    assert result.exit_code == 1
    assert "binary file" in result.stderr and "no such file" in result.stderr
    assert "broken.md:2: invalid YAML in properties" in result.stderr
    assert (
        "legacy.md: encoding: the file is Windows cp1252 text, not UTF-8; converted to UTF-8" in result.stdout
    )
    assert (vault / "Plans" / "Plan.md").read_text(encoding="utf-8").endswith("# Plan\nCafé – ok\n")
    assert sorted(files(vault)) == ["Plans/Plan.md"]


def test_type_option_and_usage_errors(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    doc = FIXTURES / "pdp-placeholder.md"
    assert (
        run("import", str(doc), "--type", "journal", "--split-level", "2", "--vault", str(vault)).exit_code
        == 2
    )
    assert run("import", str(doc), "--split-level", "9", "--vault", str(vault)).exit_code == 2
    assert run("import", "--vault", str(vault)).exit_code == 2
    result = run("import", str(doc), "--type", "ladder", "--vault", str(vault))
    assert result.exit_code == 0
    assert Note.load(vault / "Plans" / "Junior, Senior.md").properties["tags"] == [
        "blog",
        "pdp",
        "career-ladder",
    ]
