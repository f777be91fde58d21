"""`vaultkit import` of documents with TOML (`+++`, Hugo and Zola) or JSON (`{ }`) frontmatter: the
metadata becomes YAML properties written the way vaultkit writes them, the body is kept byte for byte,
and the report says what was converted.

Golden files: tests/fixtures/import/expected/frontmatter/. After a deliberate change of output,
regenerate with `VAULTKIT_UPDATE_GOLDEN=1 pytest tests/test_import_frontmatter.py` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_import import make_vault, run

from vaultkit.errors import NoteError
from vaultkit.importing.foreign import convert_frontmatter
from vaultkit.importing.plan import plan_import
from vaultkit.notes.note import Note
from vaultkit.props.frontmatter import same_value

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "frontmatter"
EXPECTED = Path(__file__).parent / "fixtures" / "import" / "expected" / "frontmatter"
DOCS = sorted(FIXTURES.glob("*.md"))
WHEN = dt.datetime(2025, 1, 31, 9, 30)
UPDATE = os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1"


def notes_in(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.md"))
        if ".vaultkit" not in p.relative_to(root).parts
    }


# ---------------------------------------------------------------------------------------------- the CLI


def test_golden_files_from_the_cli(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    result = run("import", *map(str, DOCS), "--vault", str(vault))
    assert result.exit_code == 0, result.output
    written = notes_in(vault)
    if UPDATE:
        for rel, data in written.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    assert written == notes_in(EXPECTED)
    assert sorted(written) == ["Plans/Growth Plan 2025.md", "Plans/Reading list.md"]
    checked = run("check", "--vault", str(vault), "--json")
    assert json.loads(checked.stdout)["errors"] == 0, checked.stdout


def test_hugo_toml_document_exact_bytes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    source = FIXTURES / "hugo-growth-plan.md"
    result = run("import", str(source), "--vault", str(vault))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:6] == [
        "created Plans/Growth Plan 2025.md  (plan)",
        "  hugo-growth-plan.md:1: frontmatter: TOML frontmatter (+++ fences) converted to YAML: "
        "10 properties",
        "  hugo-growth-plan.md: frontmatter: property 'review': a time of day kept as text",
        "  hugo-growth-plan.md: frontmatter: property 'params': a TOML table has no property form; "
        "kept as JSON text",
        "  hugo-growth-plan.md: type: set to plan",
        "  hugo-growth-plan.md: tags: set to career, growth, pdp",
    ]
    data = (vault / "Plans" / "Growth Plan 2025.md").read_bytes()
    body = source.read_bytes().split(b"+++\n", 2)[2]  # everything after the closing fence
    assert data == (
        b"---\n"
        b"title: Growth Plan 2025\n"
        b"date: 2025-01-06\n"
        b"lastmod: 2025-02-01T09:30:00+01:00\n"
        b"draft: false\n"
        b"weight: 10\n"
        b"progress: 0.25\n"
        b"tags:\n"
        b"  - career\n"
        b"  - growth\n"
        b"  - pdp\n"
        b'owner: Sam "the builder" Lee\n'
        b'review: "14:30:00"\n'
        b'params: "{\\"mentor\\": \\"Alex\\", \\"focus\\": [\\"architecture\\", \\"mentoring\\"]}"\n'
        b"type: plan\n"
        b"status: planned\n"
        b"created: 2025-01-06\n"
        b"---\n" + body
    )
    note = Note.load(vault / "Plans" / "Growth Plan 2025.md")
    assert note.properties["date"] == dt.date(2025, 1, 6)
    assert note.properties["lastmod"] == dt.datetime(
        2025, 2, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert json.loads(note.properties["params"]) == {"mentor": "Alex", "focus": ["architecture", "mentoring"]}
    assert [(t.status, t.text) for t in note.tasks] == [
        (" ", "Lead the storage migration"),
        ("x", "Pair with a staff engineer every week"),
    ]


def test_json_document_exact_bytes(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    source = FIXTURES / "reading-list.md"
    result = run("import", str(source), "--vault", str(vault), "--json")
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)["imported"]
    assert [(r["line"], r["kind"], r["message"]) for r in item["repairs"]] == [
        (1, "frontmatter", "JSON frontmatter (a { } object) converted to YAML: 8 properties"),
        (None, "frontmatter", "property 'author': a JSON object has no property form; kept as JSON text"),
        (
            None,
            "frontmatter",
            "property 'chapters': a list of objects or lists has no property form; kept as JSON text",
        ),
        (None, "type", "set to plan"),
        (None, "metadata", "status set to 'planned'"),
        (None, "metadata", "created set to 2025-03-01 (the document's 'date' property)"),
    ]
    data = (vault / "Plans" / "Reading list.md").read_bytes()
    source_bytes = source.read_bytes()
    body = source_bytes[source_bytes.index(b"\n}\n") + 3 :]
    assert b"\r\n" in body and not body.endswith(b"\n")  # mixed line ends, no final newline: both kept
    assert data == (
        b"---\n"
        b"title: Reading list\n"
        b'date: "2025-03-01"\n'  # a JSON string stays a string, even when it looks like a date
        b"tags:\n"
        b"  - reading\n"
        b"  - pdp\n"
        b"pages: 320\n"
        b"done: false\n"
        b"rating:\n"
        b'author: "{\\"name\\": \\"Ana\\", \\"links\\": [\\"a\\", \\"b\\"]}"\n'
        b'chapters: "[[1, 2], [3]]"\n'
        b"type: plan\n"
        b"status: planned\n"
        b"created: 2025-03-01\n"
        b"---\n" + body + b"\n"  # the final newline every imported note gets
    )


def test_broken_toml_imports_nothing(tmp_path: Path) -> None:
    vault = make_vault(tmp_path)
    doc = tmp_path / "broken.md"
    doc.write_text('+++\ntitle = "unclosed\n+++\n# Plan\n', encoding="utf-8")
    unclosed = tmp_path / "unclosed.md"
    unclosed.write_text('+++\ntitle = "x"\n# Plan\n', encoding="utf-8")
    result = run("import", str(doc), str(unclosed), "--vault", str(vault))
    assert result.exit_code == 1
    assert "broken.md:1: invalid TOML frontmatter (" in result.stderr
    assert "unclosed.md:1: TOML frontmatter is not closed; nothing imported" in result.stderr
    assert notes_in(vault) == {}


# ---------------------------------------------------------------------------------------------- planning


def test_crlf_document_keeps_its_line_ends() -> None:
    text = '{\r\n  "title": "Plan",\r\n  "tags": ["a"]\r\n}\r\n# Plan\r\n\r\n- [ ] one\r\n'
    [planned] = plan_import(text, "doc.md", when=WHEN).notes
    assert planned.text == (
        "---\r\ntitle: Plan\r\ntags:\r\n  - a\r\n  - pdp\r\ntype: plan\r\n"
        "status: planned\r\ncreated: 2025-01-31\r\n"
        "---\r\n# Plan\r\n\r\n- [ ] one\r\n"
    )


def test_repairs_name_the_documents_lines() -> None:
    """A TOML block of 6 lines becomes a YAML block of 4: body repairs still name the document's lines."""
    text = (
        "+++\n"  # 1
        'title = "Plan"\n'  # 2
        "\n"  # 3
        "[params]\n"  # 4
        'x = "y"\n'  # 5
        "+++\n"  # 6
        "# Plan\n"  # 7
        "Started {{date}}\n"  # 8
        "## Phase one\n"  # 9
        "- [ ] caf\u00c3\u00a9\n"  # 10: mojibake
    )
    plan = plan_import(text, "doc.md", when=WHEN, split_level=2)
    lines = {(r.line, r.kind) for r in plan.repairs}
    assert {(1, "frontmatter"), (8, "placeholder"), (9, "split"), (10, "mojibake")} <= lines
    assert "Started 2025-01-31\n" in plan.notes[0].text
    assert plan.notes[1].text.endswith("## Phase one\n- [ ] café\n")


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: x\n---\nbody\n",  # YAML is vaultkit's own
        "# Plan\n{\n}\n",  # not at the start
        "{not json}\nbody\n",  # a `{` line must stand alone, as python-frontmatter's JSON handler reads it
        "++ not a fence\n",
        "",
    ],
)
def test_other_documents_are_not_converted(text: str) -> None:
    assert convert_frontmatter(text, "doc.md") is None


def test_json_that_does_not_load_imports_nothing() -> None:
    with pytest.raises(NoteError, match=r"invalid JSON frontmatter"):
        plan_import('{\n"title": "x",\n}\n# Plan\n', "doc.md", when=WHEN)


# ---------------------------------------------------------------------------------------------- round trips


_KEYS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
).filter(lambda k: k.strip() == k and k != "")
_STRINGS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x7f"), max_size=20
)
_SCALARS = st.one_of(
    _STRINGS,
    st.sampled_from(["NO", "yes", "1.10", "12:30", "~", "null", "#x", "[[Plan]]", "2025-01-02", ""]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.booleans(),
)
_TOML_VALUES = st.one_of(
    _SCALARS,
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-5, minutes=-30))])),
    st.lists(_SCALARS, max_size=4),
)
_BODIES = st.lists(
    st.sampled_from(["# Plan", "", "- [ ] task", "+++", "---", "}", "{", "text  ", "\t x"]), max_size=6
).map(lambda lines: "".join(f"{line}\n" for line in lines))


_JSON_SCALARS = _SCALARS.filter(lambda v: not isinstance(v, float) or math.isfinite(v))  # JSON has no nan
_JSON_VALUES = st.one_of(_JSON_SCALARS, st.none(), st.lists(_JSON_SCALARS, max_size=4))


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string reads JSON's escapes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _TOML_VALUES, max_size=6), _BODIES, st.sampled_from(["\n", "\r\n", "\r"]))
def test_toml_values_survive_as_properties(metadata: dict[str, Any], body: str, newline: str) -> None:
    fm = "".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}\n" for k, v in metadata.items())
    body = body.replace("\n", newline)
    converted = convert_frontmatter(f"+++\n{fm}+++\n".replace("\n", newline) + body, "doc.md")
    assert converted is not None
    note = Note.parse(converted.text)
    assert note.errors == [] and note.body == body
    assert list(note.properties) == list(metadata)
    assert same_value(dict(note.properties), metadata)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _JSON_VALUES, max_size=6), _BODIES)
def test_json_values_survive_as_properties(metadata: dict[str, Any], body: str) -> None:
    text = json.dumps(metadata, indent=4, ensure_ascii=False)
    converted = convert_frontmatter(f"{text}\n{body}" if metadata else f"{{\n}}\n{body}", "doc.md")
    assert converted is not None
    note = Note.parse(converted.text)
    assert note.errors == [] and note.body == body
    assert list(note.properties) == list(metadata)
    assert same_value(dict(note.properties), metadata)


def test_import_vaultkit_does_not_load_python_frontmatter() -> None:
    code = (
        "import sys, vaultkit.notes.note; print([m for m in sys.modules if m.split('.')[0] == 'frontmatter'])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert proc.stdout == "[]\n"
