"""Frontmatter: finding the block, value formatting, and one-property edits asserted as exact text."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import sample

from vaultkit.errors import UnparsableError
from vaultkit.notes.note import Note
from vaultkit.props.frontmatter import (
    KeySpan,
    find_links_in_properties,
    format_property,
    format_scalar,
    parse_frontmatter,
    same_value,
    split_lines,
)
from vaultkit.props.yaml_format import quote


def edited(text: str, key: str, value: object) -> str:
    note = Note.parse(text)
    note.set_property(key, value)  # type: ignore[arg-type]
    return note.dumps()


def deleted(text: str, key: str) -> str:
    note = Note.parse(text)
    note.delete_property(key)
    return note.dumps()


# ---------------------------------------------------------------------------------------- finding


def test_split_lines_keeps_every_line_end() -> None:
    assert split_lines("a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]
    assert split_lines("a\u2028b\n") == ["a\u2028b\n"]  # not a Markdown line break
    assert "".join(split_lines("x\n\n\r\n")) == "x\n\n\r\n"


@pytest.mark.parametrize(
    ("text", "present", "body_line"),
    [
        ("---\na: 1\n---\nbody", True, 3),
        ("\ufeff---\na: 1\n---\n", True, 3),
        ("---  \r\na: 1\r\n---\t\r\nbody", True, 3),
        ("---\r---\r", True, 2),
        ("---\na: 1\n", False, 0),  # unclosed: the `---` is body text
        ("text\n---\na: 1\n---\n", False, 0),
        ("----\na: 1\n---\n", False, 0),
        ("", False, 0),
    ],
)
def test_block_detection(text: str, present: bool, body_line: int) -> None:
    fm = parse_frontmatter(text)
    assert fm.present is present
    assert fm.body_start_line == body_line


@pytest.mark.usefixtures("yaml_parser")
def test_spans_cover_exactly_the_lines_of_each_property() -> None:
    text = (
        "---\n"
        "# lead comment\n"  # 1
        "title: 'x'   # trailing\n"  # 2
        "empty:\n"  # 3
        "nulled: # comment on an empty value\n"  # 4
        "tags:  # on the key line\n"  # 5
        "  - a\n"
        "  # inside\n"
        "  - b\n"  # 8
        "\n"
        "# between\n"
        "desc: |  # header comment\n"  # 11
        "  # content, not a comment\n"
        "\n"
        "  more\n"  # 14
        "\n"
        "flow: [1,\n"  # 16
        "  2]  # after flow\n"
        "multi: plain\n"  # 18
        "  continued\n"
        '"quoted key": 1\n'  # 20
        "anchor_def: &anchor x\n"
        "ref: *anchor  # alias\n"
        "# tail\n"
        "---\n"
    )
    fm = parse_frontmatter(text)
    assert fm.ok, fm.problems
    assert fm.spans == {
        "title": KeySpan("title", 2, 3, "title", 0, "   # trailing"),
        "empty": KeySpan("empty", 3, 4, "empty", 0, ""),
        "nulled": KeySpan("nulled", 4, 5, "nulled", 0, " # comment on an empty value"),
        "tags": KeySpan("tags", 5, 9, "tags", 0, "  # on the key line"),
        "desc": KeySpan("desc", 11, 15, "desc", 0, "  # header comment"),
        "flow": KeySpan("flow", 16, 18, "flow", 0, ""),
        "multi": KeySpan("multi", 18, 20, "multi", 0, ""),
        "quoted key": KeySpan("quoted key", 20, 21, '"quoted key"', 0, ""),
        "anchor_def": KeySpan("anchor_def", 21, 22, "anchor_def", 0, ""),
        "ref": KeySpan("ref", 22, 23, "ref", 0, "  # alias"),
    }
    assert fm.properties["desc"] == "# content, not a comment\n\nmore\n"


def test_duplicate_keys_are_an_error_with_the_line() -> None:
    fm = parse_frontmatter("---\nstatus: open\ntitle: t\nstatus: done\n---\n")
    assert [(p.line, p.severity) for p in fm.problems] == [(4, "error")]
    assert "'status' is set twice" in fm.problems[0].message


def test_links_in_properties_carry_their_own_line() -> None:
    fm = parse_frontmatter('---\nplan: "[[Growth]]"\nrelated:\n  - "[[A|alias]]"\n  - "[[B#Goals]]"\n---\n')
    links = find_links_in_properties(fm)
    assert [(link.target, link.line, link.source, link.alias, link.heading) for link in links] == [
        ("Growth", 2, "property:plan", None, None),
        ("A", 4, "property:related", "alias", None),
        ("B", 5, "property:related", None, "Goals"),
    ]


# ---------------------------------------------------------------------------------------- placeholders


@pytest.mark.usefixtures("yaml_parser")
def test_placeholders_keep_their_raw_value_and_warn_with_the_line() -> None:
    text = (
        "---\n"
        "title: {{title}}\n"
        "date: {{date}}  # set by the template\n"
        'created: <% tp.date.now("YYYY-MM-DD") %>\n'
        "tags: [{{tag}}, daily]\n"
        "summary: |\n"
        "  Written on {{date}}\n"
        "# {{in a comment}}\n"
        "---\n"
    )
    fm = parse_frontmatter(text)
    assert fm.ok
    assert fm.properties == {
        "title": "{{title}}",
        "date": "{{date}}",
        "created": '<% tp.date.now("YYYY-MM-DD") %>',
        "tags": ["{{tag}}", "daily"],
        "summary": "Written on {{date}}\n",  # block scalar text is never quoted
    }
    assert [(p.line, p.severity, p.code) for p in fm.problems] == [
        (2, "warning", "placeholder"),
        (3, "warning", "placeholder"),
        (4, "warning", "placeholder"),
        (5, "warning", "placeholder"),
        (7, "warning", "placeholder"),
    ]
    assert fm.problems[1].message.startswith("unrendered template placeholder '{{date}}' (kept as text")
    assert fm.spans["date"].comment == "  # set by the template"
    assert (
        edited(text, "date", dt.date(2026, 1, 2)).splitlines()[2] == "date: 2026-01-02  # set by the template"
    )


def test_a_placeholder_does_not_hide_a_real_error() -> None:
    fm = parse_frontmatter("---\ndate: {{date}}\nbad: [x\n---\n")
    assert [(p.line, p.severity) for p in fm.problems] == [(2, "warning"), (3, "error")]


# ---------------------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text", "plain text"),
        ("Über café 🎯", "Über café 🎯"),
        ("NO", '"NO"'),
        ("yes", '"yes"'),
        ("on", '"on"'),
        ("true", '"true"'),
        ("1.10", '"1.10"'),
        ("100", '"100"'),
        ("12:30", '"12:30"'),
        ("~", '"~"'),
        ("null", '"null"'),
        ("", '""'),
        ("#x", '"#x"'),
        ("a #b", '"a #b"'),
        ("a#b", "a#b"),
        ("key: value", '"key: value"'),
        ("ends:", '"ends:"'),
        ("- item", '"- item"'),
        ("[[Plan]]", '"[[Plan]]"'),
        ("{{date}}", '"{{date}}"'),
        ("2026-11-22", '"2026-11-22"'),
        (" padded", '" padded"'),
        ('say "hi"', 'say "hi"'),
        ("'quoted'", "\"'quoted'\""),
        ("line\nbreak\ttab", '"line\\nbreak\\ttab"'),
        ("sep\u2028x\x85\ufeff", '"sep\\u2028x\\x85\\ufeff"'),
        ("bell\x07", '"bell\\x07"'),
        ("back\\slash", "back\\slash"),
        ('"back\\slash', '"\\"back\\\\slash"'),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (1.5, "1.5"),
        (float("inf"), ".inf"),
        (float("-inf"), "-.inf"),
        (float("nan"), ".nan"),
        (None, ""),
        (dt.date(2026, 11, 22), "2026-11-22"),
        (dt.datetime(2026, 11, 22, 10, 30), "2026-11-22T10:30:00"),
        (dt.datetime(2026, 11, 22, 10, 30, 5, 250000), "2026-11-22T10:30:05.250000"),
    ],
)
def test_format_scalar(value: object, expected: str) -> None:
    assert format_scalar(value) == expected


def test_format_scalar_refuses_other_types() -> None:
    with pytest.raises(TypeError):
        format_scalar({"a": 1})


def test_quote_refuses_lone_surrogates() -> None:
    with pytest.raises(ValueError, match="lone surrogate"):
        quote("\ud800")


def test_format_property_shapes() -> None:
    assert format_property("tags", ["pdp", "[[Plan]]", None]) == 'tags:\n  - pdp\n  - "[[Plan]]"\n  -\n'
    assert format_property("tags", []) == "tags: []\n"
    assert format_property("due", None, "\r\n") == "due:\r\n"
    assert format_property("my key: x", 1) == '"my key: x": 1\n'


def test_same_value_is_type_exact() -> None:
    assert same_value([1, "a"], (1, "a"))
    assert same_value(float("nan"), float("nan"))
    assert not same_value(1, True)
    assert not same_value(1, 1.0)
    assert not same_value(dt.date(2026, 1, 1), dt.datetime(2026, 1, 1))
    assert not same_value({"a": 1}, {"a": 2})
    assert math.isnan(float("nan"))


# ---------------------------------------------------------------------------------------- editing


def test_set_on_crlf_changes_one_line() -> None:
    text = "---\r\ntype: plan\r\nprogress: 10\r\n---\r\nbody\r\n"
    assert edited(text, "progress", 40) == "---\r\ntype: plan\r\nprogress: 40\r\n---\r\nbody\r\n"
    assert edited(text, "due", dt.date(2026, 1, 2)) == (
        "---\r\ntype: plan\r\nprogress: 10\r\ndue: 2026-01-02\r\n---\r\nbody\r\n"
    )
    assert deleted(text, "type") == "---\r\nprogress: 10\r\n---\r\nbody\r\n"


def test_set_on_cr_only() -> None:
    assert edited("---\ra: 1\r---\rbody", "a", 2) == "---\ra: 2\r---\rbody"


def test_set_with_bom() -> None:
    text = "\ufeff---\ntitle: x\n---\nbody\n"
    assert edited(text, "title", "y") == "\ufeff---\ntitle: y\n---\nbody\n"
    assert edited(text, "new", True) == "\ufeff---\ntitle: x\nnew: true\n---\nbody\n"
    assert deleted(text, "title") == "\ufeff---\n---\nbody\n"
    assert edited("\ufeffbody\n", "type", "plan") == "\ufeff---\ntype: plan\n---\nbody\n"


def test_trailing_comment_on_the_key_line_is_kept() -> None:
    text = "---\n# head\nstatus: open  # review monthly\nnext: 1 # keep\n---\n"
    assert (
        edited(text, "status", "done") == "---\n# head\nstatus: done  # review monthly\nnext: 1 # keep\n---\n"
    )
    assert edited(text, "status", None) == "---\n# head\nstatus:  # review monthly\nnext: 1 # keep\n---\n"
    assert edited(text, "status", ["a"]) == (
        "---\n# head\nstatus:  # review monthly\n  - a\nnext: 1 # keep\n---\n"
    )
    assert edited("---\nkey: # empty\n---\n", "key", 3) == "---\nkey: 3 # empty\n---\n"
    assert edited("---\nk: 'a # not a comment'\n---\n", "k", "b") == "---\nk: b\n---\n"


def test_flow_list_becomes_a_block_list() -> None:
    text = "---\ntitle: t\ntags: [a, b]  # flow\nnext: 1\n---\n"
    assert edited(text, "tags", ["a", "c"]) == "---\ntitle: t\ntags:  # flow\n  - a\n  - c\nnext: 1\n---\n"
    assert edited(text, "tags", ["a", "b"]) == text  # same value: nothing rewritten
    assert edited(text, "tags", []) == "---\ntitle: t\ntags: []  # flow\nnext: 1\n---\n"


def test_block_list_edits() -> None:
    text = "---\ntags:\n  - a\n  # a comment in the list\n  - b\n# after the list\nnext: 1\n---\n"
    assert edited(text, "tags", ["x"]) == "---\ntags:\n  - x\n# after the list\nnext: 1\n---\n"
    assert edited(text, "tags", "solo") == "---\ntags: solo\n# after the list\nnext: 1\n---\n"
    assert deleted(text, "tags") == "---\n# after the list\nnext: 1\n---\n"
    indentless = "---\ntags:\n- a\n- b\nnext: 1\n---\n"
    assert edited(indentless, "tags", ["c"]) == "---\ntags:\n  - c\nnext: 1\n---\n"


def test_multi_line_values_and_block_scalars() -> None:
    text = (
        '---\nmulti: first line\n  second line\nquoted: "a\n  b"\ndesc: |  # notes\n  one\n\n  two\n\n'
        "# real comment\nlast: 1\n---\n"
    )
    assert edited(text, "multi", "x") == (
        '---\nmulti: x\nquoted: "a\n  b"\ndesc: |  # notes\n  one\n\n  two\n\n# real comment\nlast: 1\n---\n'
    )
    assert edited(text, "quoted", 1) == (
        "---\nmulti: first line\n  second line\nquoted: 1\ndesc: |  # notes\n  one\n\n  two\n\n"
        "# real comment\nlast: 1\n---\n"
    )
    assert edited(text, "desc", "short") == (
        '---\nmulti: first line\n  second line\nquoted: "a\n  b"\ndesc: short  # notes\n\n'
        "# real comment\nlast: 1\n---\n"
    )
    assert deleted(text, "desc") == (
        '---\nmulti: first line\n  second line\nquoted: "a\n  b"\n\n# real comment\nlast: 1\n---\n'
    )


def test_new_keys_go_at_the_end_of_the_block() -> None:
    text = "---\na: 1\n\n# closing comment\n---\nbody\n"
    assert edited(text, "b", "[[Plan]]") == '---\na: 1\n\n# closing comment\nb: "[[Plan]]"\n---\nbody\n'
    assert edited("---\n---\n", "tags", ["x", "y"]) == "---\ntags:\n  - x\n  - y\n---\n"
    assert edited("---\na: 1\n---", "b", 2) == "---\na: 1\nb: 2\n---"


def test_a_note_without_frontmatter_gets_a_block_at_the_top() -> None:
    assert edited("# Title\n\n- [ ] a\n", "type", "plan") == "---\ntype: plan\n---\n# Title\n\n- [ ] a\n"
    assert edited("", "type", "plan") == "---\ntype: plan\n---\n"
    assert edited("line\r\n", "n", 1) == "---\r\nn: 1\r\n---\r\nline\r\n"
    assert edited("---\nunclosed\n", "n", 1) == "---\nn: 1\n---\n---\nunclosed\n"


def test_comment_only_frontmatter_gets_the_key_after_the_comments() -> None:
    text = "---\n# Generated Artifact Metadata\n# role: Data Engineer\n---\n# Ladder\n"
    assert edited(text, "type", "plan") == (
        "---\n# Generated Artifact Metadata\n# role: Data Engineer\ntype: plan\n---\n# Ladder\n"
    )


def test_comment_only_sample_gets_a_one_line_diff() -> None:
    original = sample("career-ladder-senior-to-staff.md").read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    result = edited(original, "type", "plan")
    assert result == "".join([*lines[:8], "type: plan\n", *lines[8:]])


def test_key_spelling_and_indentation_are_kept() -> None:
    assert edited("---\n\"my key\": 1\n'b': 2\n---\n", "my key", 5) == "---\n\"my key\": 5\n'b': 2\n---\n"
    assert edited("---\n  a: 1\n  b: 2\n---\n", "c", [1]) == "---\n  a: 1\n  b: 2\n  c:\n    - 1\n---\n"
    assert edited("---\n  a: 1\n  b: 2\n---\n", "a", 3) == "---\n  a: 3\n  b: 2\n---\n"


def test_alias_values_keep_their_comment() -> None:
    assert edited("---\na: &x 1\nb: *x  # same\n---\n", "b", 2) == "---\na: &x 1\nb: 2  # same\n---\n"


def test_deleting_a_missing_key_changes_nothing() -> None:
    note = Note.parse("---\na: 1\n---\n")
    note.delete_property("missing")
    assert not note.changed


@pytest.mark.parametrize(
    "text",
    [
        "---\n{a: 1, b: 2}\n---\n",
        "---\n? a\n: 1\n---\n",
    ],
)
def test_blocks_that_cannot_be_spliced_are_refused(text: str) -> None:
    note = Note.parse(text)
    assert note.errors == []
    with pytest.raises(UnparsableError, match="cannot edit"):
        note.set_property("a", 2)
    assert note.dumps() == text


def test_broken_yaml_is_never_edited() -> None:
    text = "---\na: [1\n---\n"
    note = Note.parse(text)
    with pytest.raises(UnparsableError) as info:
        note.set_property("b", 1)
    assert info.value.line == 2
    with pytest.raises(UnparsableError):
        note.delete_property("a")
    assert note.dumps() == text


def test_placeholder_sample_edits_are_one_property_diffs() -> None:
    original = sample("pdp-junior-mid-senior.md").read_text(encoding="utf-8")
    head = "---\ntitle: \ndate: {{date}}\ntags: [blog, ]\nstatus: draft\n---\n"
    assert original.startswith(head)
    note = Note.parse(original)
    assert note.properties == {"title": None, "date": "{{date}}", "tags": ["blog"], "status": "draft"}
    assert [(p.line, p.code) for p in note.warnings] == [(3, "placeholder")]
    rest = original[len(head) :]
    assert edited(original, "status", "active") == head.replace("draft", "active") + rest
    assert (
        edited(original, "tags", ["blog", "pdp"])
        == head.replace("tags: [blog, ]\n", "tags:\n  - blog\n  - pdp\n") + rest
    )
    assert edited(original, "date", dt.date(2025, 1, 31)) == head.replace("{{date}}", "2025-01-31") + rest
    assert edited(original, "title", "PDP") == head.replace("title: \n", "title: PDP\n") + rest
