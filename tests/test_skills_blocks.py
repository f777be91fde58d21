"""The `skills` block where capabilities are: imported career ladders, the starter plan and new plans.

Update the golden files with `VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_skills_blocks.py` (the sample's
golden only where ../shared/samples is present) and review the diff.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import make_vault, sample
from vaultkit import Note, Vault
from vaultkit.history.skills import parse_capability_table
from vaultkit.importing.apply import import_files
from vaultkit.importing.plan import plan_import
from vaultkit.rollup.apply import rollup_vault
from vaultkit.scaffold.create import init_vault, new_note
from vaultkit.scaffold.starter import skills_block

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = FIXTURES / "skills"
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"
WHEN = dt.datetime(2026, 11, 22, 8, 30)
TODAY = dt.date(2026, 11, 22)
BLOCK = "\n".join(skills_block()) + "\n"
SECTIONS_BLOCK = "\n".join(skills_block("the capabilities above")) + "\n"


def golden(rel: str, text: str) -> None:
    path = GOLDEN / rel
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), rel


def imported(text: str, name: str = "ladder.md", **options: object) -> tuple[str, list[str]]:
    plan = plan_import(text, name, when=WHEN, taken=set(), **options)  # type: ignore[arg-type]
    return plan.notes[0].text, [str(r) for r in plan.repairs if r.kind == "skills"]


TABLE_LADDER = """# Platform Engineer Career Ladder

## Capability gaps

| Capability | Current | Target | Priority |
|---|---|---|---|
| Kubernetes | Competent | Expert | High |
| Incident command | 2/5 | 4/5 | Medium |

## Readiness

- [ ] Lead a migration
"""


def test_an_imported_ladder_gets_a_skills_block_after_its_capability_table() -> None:
    text, repairs = imported(TABLE_LADDER, skills=True)
    body = Note.parse(text).body
    assert body == TABLE_LADDER.replace(
        "| Medium |\n\n## Readiness", "| Medium |\n\n" + BLOCK + "\n## Readiness"
    )
    assert repairs == ["line 5: a `skills` block added after the capabilities: rollup draws their chart"]


SECTION_LADDER = """# Data Engineer Career Ladder

## Capability Gap Analysis

### SQL

**Current Level**: Advanced
**Target Level**: Expert

---
### Data modeling

**Current Level**: Competent
**Target Level**: Advanced

---

## Responsibility Evolution

Text.
"""


def test_an_imported_ladder_gets_a_skills_block_at_the_end_of_its_capability_sections() -> None:
    text, repairs = imported(SECTION_LADDER, skills=True)
    assert Note.parse(text).body == SECTION_LADDER.replace(
        "---\n\n## Responsibility", "---\n\n" + SECTIONS_BLOCK + "\n## Responsibility"
    )
    assert repairs == ["line 3: a `skills` block added after the capabilities: rollup draws their chart"]


def test_capability_sections_that_end_the_document_get_the_block_at_its_end() -> None:
    source = SECTION_LADDER.split("\n---\n\n## Responsibility")[0].rstrip("\n")  # no final newline either
    text, _ = imported(source, skills=True)
    assert Note.parse(text).body == source + "\n\n" + SECTIONS_BLOCK


def test_crlf_ladders_get_a_crlf_block() -> None:
    text, _ = imported(TABLE_LADDER.replace("\n", "\r\n"), skills=True)
    expected = TABLE_LADDER.replace("| Medium |\n\n## Readiness", "| Medium |\n\n" + BLOCK + "\n## Readiness")
    assert Note.parse(text).body == expected.replace("\n", "\r\n")


def test_no_block_without_capabilities_with_one_already_for_plans_or_without_the_option() -> None:
    with_block = TABLE_LADDER.replace("## Readiness", BLOCK + "\n## Readiness")
    assert imported(with_block, skills=True)[1] == []
    assert Note.parse(imported(with_block, skills=True)[0]).body == with_block
    empty = TABLE_LADDER.replace("| Kubernetes | Competent | Expert | High |\n", "").replace(
        "| Incident command | 2/5 | 4/5 | Medium |\n", "|  |  |  |  |\n"
    )
    assert imported(empty, skills=True) == (imported(empty)[0], [])
    assert "vaultkit:begin skills" not in imported(TABLE_LADDER, "plan.md", kind="plan", skills=True)[0]
    assert "vaultkit:begin skills" not in imported(TABLE_LADDER)[0]  # the library's default: lines as written


WORDS = st.text(st.sampled_from("abc xyz"), min_size=1, max_size=12).map(str.strip).filter(bool)
LEVELS = st.sampled_from(["Learning", "Competent", "Advanced", "Expert", "3/5", "", "?"])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(WORDS, LEVELS, LEVELS), min_size=1, max_size=5),
    st.lists(WORDS, max_size=3),
    st.lists(WORDS, max_size=3),
)
def test_the_block_only_adds_lines(
    rows: list[tuple[str, str, str]], before: list[str], after: list[str]
) -> None:
    """With or without the block, the document's lines are all there, in order; the block is added once,
    and only where the chart finds capabilities."""
    table = [
        "| Capability | Current | Target |",
        "|---|---|---|",
        *(f"| {n} | {c} | {t} |" for n, c, t in rows),
    ]
    source = "\n".join(["# Career ladder", "", *before, "", *table, "", *after, ""])
    plain, _ = imported(source)
    text, repairs = imported(source, skills=True)
    found = parse_capability_table(Note.parse(plain).body)
    if not found:
        assert (text, repairs) == (plain, [])
        return
    assert text.count("<!-- vaultkit:begin skills -->") == 1 and len(repairs) == 1
    assert text.replace("\n" + BLOCK, "", 1) == plain
    assert parse_capability_table(Note.parse(text).body) == found


def test_vaultkit_import_gives_a_ladder_its_skills_chart(tmp_path: Path) -> None:
    vault = make_vault(tmp_path / "vault", {"Home.md": "# Home\n"})
    source = tmp_path / "platform-ladder.md"
    source.write_text(TABLE_LADDER, encoding="utf-8")
    [result] = import_files(Vault(vault), [source])
    assert [n.path for n in result.notes] == ["Plans/Platform Engineer Career Ladder.md"]
    rollup_vault(Vault(vault), today=TODAY)
    text = (vault / "Plans/Platform Engineer Career Ladder.md").read_text("utf-8")
    assert (
        "<!-- vaultkit:begin skills -->\n\n![[Charts/Platform Engineer Career Ladder skills.svg]]\n" in text
    )
    svg = (vault / "Charts/Platform Engineer Career Ladder skills.svg").read_text("utf-8")
    assert "Kubernetes: 3/5 now, target 5/5; Incident command: 2/5 now, target 4/5." in svg


def test_the_career_ladder_sample_imports_with_its_skills_block() -> None:
    path = sample("career-ladder-senior-to-staff.md")
    plan = plan_import(path.read_text(encoding="utf-8"), path.name, when=WHEN, taken=set(), skills=True)
    [note] = plan.notes
    golden(f"import/{note.path}", note.text)
    assert [str(r) for r in plan.repairs if r.kind == "skills"] == [
        "line 23: a `skills` block added after the capabilities: rollup draws their chart"
    ]
    assert len(parse_capability_table(Note.parse(note.text).body)) == 6


def test_init_draws_the_starter_plans_capability_chart(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    init_vault(root, name="Ada Lovelace", role="Data Engineer", level="senior", today=TODAY, now=WHEN)
    plan = (root / "Plans/Senior Data Engineer PDP.md").read_text("utf-8")
    block = plan[plan.index("| Capability |") : plan.index("## Goals")]
    golden("init/capability-gaps.md", block)
    golden(
        "init/Senior Data Engineer PDP skills.svg",
        (root / "Charts/Senior Data Engineer PDP skills.svg").read_text("utf-8"),
    )


def test_a_new_plan_has_a_skills_block_under_its_empty_capability_table(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    init_vault(root, name="Ada Lovelace", role="Data Engineer", level="senior", today=TODAY, now=WHEN)
    result = new_note(Vault(root), "plan", "Staff Engineer 2027", now=WHEN)
    golden("new-plan/Staff Engineer 2027.md", (root / result.path).read_text("utf-8"))
    rollup_vault(Vault(root), today=TODAY)
    text = (root / result.path).read_text("utf-8")
    assert (
        "<!-- vaultkit:begin skills -->\n\n![[Charts/Staff Engineer 2027 skills.svg]]\n\n"
        "No capabilities with levels yet: fill in the capability table above.\n\n<!-- vaultkit:end -->"
    ) in text
    assert "No capabilities with levels found" in (root / "Charts/Staff Engineer 2027 skills.svg").read_text(
        "utf-8"
    )
