"""Note repairs: placeholders, mojibake, comment metadata. Exact text after each, and exact reports."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.importing.repair import (
    Repair,
    TemplateContext,
    fill_empty_property,
    recover_comment_metadata,
    repair_encoding,
    repair_placeholders,
)
from vaultkit.notes.note import Note

CTX = TemplateContext("Growth: 2026", dt.datetime(2025, 1, 31, 9, 5))


def fixed(text: str) -> tuple[str, list[Repair]]:
    note = Note.parse(text)
    repairs = repair_placeholders(note, CTX)
    return note.text, repairs


# ---------------------------------------------------------------------------------------------- placeholders


def test_property_placeholders_become_values() -> None:
    text, repairs = fixed(
        "---\n"
        "title: {{title}}\n"
        'created: "{{date:YYYY-MM-DD}}"\n'
        "at: {{date}}T{{time}}\n"
        "day: '{{date:dddd}}'\n"
        'aliases: ["{{title}}", x]\n'
        "status: draft  # keep me\n"
        "---\n"
        "body\n"
    )
    assert text == (
        "---\n"
        'title: "Growth: 2026"\n'
        "created: 2025-01-31\n"
        "at: 2025-01-31T09:05\n"
        "day: Friday\n"
        "aliases:\n"
        '  - "Growth: 2026"\n'
        "  - x\n"
        "status: draft  # keep me\n"
        "---\n"
        "body\n"
    )
    assert [(r.line, r.kind) for r in repairs] == [(n, "placeholder") for n in (2, 3, 4, 5, 6)]
    assert repairs[1].message == "created: '{{date:YYYY-MM-DD}}' -> '2025-01-31'"
    assert Note.parse(text).warnings == []


def test_the_pdp_sample_case_changes_only_the_date_line() -> None:
    text, repairs = fixed("---\ntitle: \ndate: {{date}}\ntags: [blog, ]\nstatus: draft\n---\n\n# Junior\n")
    assert text == "---\ntitle: \ndate: 2025-01-31\ntags: [blog, ]\nstatus: draft\n---\n\n# Junior\n"
    assert repairs == [Repair(3, "placeholder", "date: '{{date}}' -> '2025-01-31'", "{{date}}", "2025-01-31")]


def test_body_placeholders_outside_code() -> None:
    source = (
        "# {{title}}\n"
        "Made {{date:D MMMM YYYY}}, see `{{date}}`.\n"
        "```\n"
        "{{date}} in a fence\n"
        "```\n"
        "    {{date}} indented code\n"
        "%% {{date}} in a comment %%\n"
    )
    text, repairs = fixed(source)
    assert text == (
        "# Growth: 2026\n"
        "Made 31 January 2025, see `{{date}}`.\n"
        "```\n"
        "{{date}} in a fence\n"
        "```\n"
        "    {{date}} indented code\n"
        "%% {{date}} in a comment %%\n"
    )
    assert [r.line for r in repairs] == [1, 2]


def test_unknown_and_templater_placeholders_are_reported_not_guessed() -> None:
    source = "---\nwho: <% tp.file.title %>\nx: {{author}}\n---\nBy {{author}}.\n"
    text, repairs = fixed(source)
    assert text == source
    assert [(r.line, r.kind) for r in repairs] == [(2, "left-alone"), (3, "left-alone"), (5, "left-alone")]
    assert "Templater code" in repairs[0].message
    assert repairs[1].message.startswith("{{author}}: not an Obsidian core variable")


def test_comments_in_the_properties_are_left_alone() -> None:
    source = "---\n# made from {{title}} on {{date}}\ntype: plan\n---\n"
    assert fixed(source) == (source, [])


def test_crlf_is_kept() -> None:
    text, _ = fixed("---\r\ndate: {{date}}\r\n---\r\nOn {{date}}\r\n")
    assert text == "---\r\ndate: 2025-01-31\r\n---\r\nOn 2025-01-31\r\n"


def test_a_placeholder_that_breaks_the_yaml_is_repaired_on_its_line_only() -> None:
    source = "---\ntype: journal\n{{date}}: done\nmood: ok\n---\nbody {{date}}\n"
    assert Note.parse(source).errors  # the key placeholder breaks the block
    text, repairs = fixed(source)
    assert text == "---\ntype: journal\n2025-01-31: done\nmood: ok\n---\nbody 2025-01-31\n"
    assert [(r.line, r.kind) for r in repairs] == [(3, "placeholder"), (6, "placeholder")]
    assert Note.parse(text).errors == []


def test_broken_yaml_not_caused_by_a_placeholder_is_left_alone() -> None:
    source = "---\ndate: {{date}}\nbad: [unclosed\n---\nbody {{date}}\n"
    text, repairs = fixed(source)
    assert text == source
    assert [r.kind for r in repairs] == ["left-alone"]
    assert "left alone" in repairs[0].message


def test_placeholder_repair_is_idempotent() -> None:
    once, _ = fixed("---\ndate: {{date}}\nt: {{title}}\n---\n# {{title}}\n")
    note = Note.parse(once)
    assert repair_placeholders(note, CTX) == []
    assert note.text == once


# ---------------------------------------------------------------------------------------------- encoding


def encoding_fixed(text: str) -> tuple[str, list[Repair]]:
    note = Note.parse(text)
    repairs = repair_encoding(note)
    return note.text, repairs


def test_mojibake_in_values_comments_and_body() -> None:
    text, repairs = encoding_fixed(
        "---\n# from Ã©cole\ntitle: Senior â†’ Staff  # note\ntags: [caf\u00c3\u00a9, ok]\n---\nMon‚ÄìWed\n"
    )
    assert text == (
        "---\n# from école\ntitle: Senior → Staff  # note\ntags:\n  - café\n  - ok\n---\nMon–Wed\n"
    )
    assert [(r.line, r.before, r.after) for r in repairs] == [
        (2, "Ã©", "é"),
        (3, "â†’", "→"),
        (4, "Ã©", "é"),
        (6, "‚Äì", "–"),
    ]
    assert {r.kind for r in repairs} == {"mojibake"}


def test_a_multiline_value_is_repaired_in_place() -> None:
    text, _ = encoding_fixed("---\nabout: |\n  line â†’ one\n  two\n---\n")
    assert text == "---\nabout: |\n  line → one\n  two\n---\n"


def test_broken_yaml_is_left_alone_by_encoding_repair() -> None:
    source = "---\nbad: [x\n---\nâ†’\n"
    text, repairs = encoding_fixed(source)
    assert text == source
    assert [r.kind for r in repairs] == ["left-alone"]


def test_clean_text_is_untouched() -> None:
    source = "---\ntitle: Café → Straße – 🔹\n---\n日本語 “ok”\n"
    assert encoding_fixed(source) == (source, [])


@settings(max_examples=60, deadline=None)
@given(st.text(st.sampled_from("Ãâ€™†‚ÄìÜìüîπ\uf8ffé©ßÂ»’“ ab\n:#-"), max_size=80))
def test_encoding_repair_is_safe_and_idempotent(body: str) -> None:
    source = f"---\ntitle: x\n---\n{body}"
    note = Note.parse(source)
    repair_encoding(note)
    assert note.text.count("\n") == source.count("\n")
    once = note.text
    repair_encoding(note)
    assert note.text == once  # a second pass finds nothing more


# ---------------------------------------------------------------------------------------------- metadata


LADDER_HEAD = (
    "---\n"
    "# Generated Artifact Metadata\n"
    "# artifact_type: career_ladder\n"
    "# role: Data Engineer\n"
    "# Generated: 2025-09-10 22:21:48\n"
    "# count: 3\n"
    "  # indented: not a property\n"
    "---\n"
    "# Title\n"
)


def test_comment_metadata_becomes_properties_in_place() -> None:
    note = Note.parse(LADDER_HEAD)
    repairs = recover_comment_metadata(note)
    assert note.text == (
        "---\n"
        "# Generated Artifact Metadata\n"
        "artifact_type: career_ladder\n"
        "role: Data Engineer\n"
        "Generated: 2025-09-10T22:21:48\n"
        "count: 3\n"
        "  # indented: not a property\n"
        "---\n"
        "# Title\n"
    )
    assert [r.line for r in repairs] == [3, 4, 5, 6]
    assert dict(note.properties) == {
        "artifact_type": "career_ladder",
        "role": "Data Engineer",
        "Generated": dt.datetime(2025, 9, 10, 22, 21, 48),
        "count": 3,
    }


def test_comment_metadata_never_overrides_a_property() -> None:
    note = Note.parse("---\nrole: Analyst\n# role: Data Engineer\n---\n")
    assert recover_comment_metadata(note) == []
    assert note.properties["role"] == "Analyst"


def test_fill_empty_title() -> None:
    note = Note.parse("---\ntitle: \ndate: 2025-01-31\n---\n")
    assert fill_empty_property(note, "title", "My plan") == [
        Repair(2, "title", "empty 'title' set to 'My plan'", "", "My plan")
    ]
    assert note.text == "---\ntitle: My plan\ndate: 2025-01-31\n---\n"
    assert fill_empty_property(note, "title", "Other") == []
