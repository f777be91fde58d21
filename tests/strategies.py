"""Hypothesis strategies for notes as people (and Obsidian, and templates) actually write them.

A generated note mixes a BOM, LF/CRLF/CR line ends, comments, every quoting style, flow and block lists,
block scalars, multi-line values, blank lines, trailing whitespace, template placeholders, Unicode, body
`---` rules and a missing final newline. `frontmatter_entries` yields well-formed YAML entries (so edits
can be tested); `notes` may also contain broken YAML and odd bodies (so reading can be tested).
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from vaultkit.props.yaml_format import quote

NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
_VOCAB = ["plan", "Growth", "v1.2", "x", "Q3-goals", "data_eng", "e1", "A.", "mid-senior", "ok", "N0", "2b"]
_WORD = (
    st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=3).map(" ".join).filter(lambda s: s[0].isalpha())
)
_TEXT = st.text(st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufeff"), max_size=20)
_LETTERS = st.text(st.characters(categories=["L", "M", "N"]), min_size=1, max_size=12)
_KEY = st.sampled_from(
    [
        "type",
        "title",
        "status",
        "tags",
        "plan",
        "due",
        "progress",
        "aliases",
        "yes",
        "null",
        "a1",
        "x_y",
        "date",
    ]
)
_COMMENT = st.sampled_from(["", "", "  # note", " # {{date}}", "  # ünïcode 🎯"])
_TRAILING = st.sampled_from(["", "", "", " ", "  ", "\t"])

# Quoted scalars as people write them: doubled single quotes, simple and numeric escapes, links, `#`, `: `.
_SINGLE_QUOTED = st.lists(
    st.sampled_from(["a", " ", "it''s", "''", "[[L]]", " # x", '"', "\\n", ": ", "ü"]), max_size=4
).map(lambda parts: "'" + "".join(parts) + "'")
_DOUBLE_QUOTED = st.lists(
    st.sampled_from(
        [
            "a",
            " ",
            "[[L|b]]",
            '\\"',
            "\\\\",
            "\\t",
            "\\n",
            "\\/",
            "\\ ",
            "\\0",
            "\\e",
            "\\x41",
            "\\u00e9",
            "'",
            " #",
        ]
    ),
    max_size=5,
).map(lambda parts: '"' + "".join(parts) + '"')
# Plain scalars near the edges of the plain subset: leading `-`, inner `#`, links, other number forms.
_PLAIN_EDGES = st.sampled_from(
    [
        "-3",
        "-x",
        "-.inf",
        "+1",
        "0x1F",
        ".5",
        "1e3",
        "a#b",
        "x [[L]] y",
        "a, b",
        "x]",
        "x:y",
        "http://example.com/a#b",
        "2026-01-02T10:30:00Z",
        "2026-1-2 3:04:05",
        "growth/skills",
    ]
)
_SCALAR_TEXT = st.one_of(
    _WORD,
    _LETTERS.filter(lambda s: s[0].isalpha()),
    _TEXT.map(lambda s: "'" + s.replace("'", "''") + "'"),
    _TEXT.map(quote),
    _SINGLE_QUOTED,
    _DOUBLE_QUOTED,
    _PLAIN_EDGES,
    st.sampled_from(
        [
            "42",
            "-3.5",
            "2026-01-02",
            "2026-01-02T10:30:00",
            "true",
            "NO",
            "yes",
            "~",
            "null",
            "",
            "1.10",
            "12:30",
            "{{date}}",
            "{{title}}",
            "<% tp.date.now() %>",
            '"{{date}}"',
            '"[[Growth plan]]"',
            '"[[Plans/X|alias]]"',
            "a #not-a-comment",
            "[]",
            "[blog, ]",
        ]
    ),
)
_FLOW_ITEM = st.one_of(
    _WORD,
    _TEXT.map(quote),
    _SINGLE_QUOTED,
    _DOUBLE_QUOTED,
    st.sampled_from(
        ['"[[A]]"', "'[[B]]'", "{{tag}}", "1", "-1", "2026-01-02", "~", "true", "a b", "-a", "x.y"]
    ),
)


@st.composite
def scalar_entry(draw: st.DrawFn, key: str) -> list[str]:
    value = draw(_SCALAR_TEXT)
    comment = draw(_COMMENT) if value else draw(st.sampled_from(["", " # empty"]))
    return [f"{key}: {value}{comment}".rstrip(" ") if not comment else f"{key}: {value}{comment}"]


@st.composite
def flow_list_entry(draw: st.DrawFn, key: str) -> list[str]:
    items = draw(st.lists(_FLOW_ITEM, max_size=4))
    inside = draw(st.sampled_from([", ", ",", " , "])).join(items)
    if items and draw(st.integers(0, 3)) == 0:
        inside += draw(st.sampled_from([",", ", "]))  # YAML allows one trailing comma
    pad = draw(st.sampled_from(["", "", " "]))
    return [f"{key}: [{pad}{inside}{pad}]{draw(_COMMENT)}"]


@st.composite
def block_list_entry(draw: st.DrawFn, key: str) -> list[str]:
    indent = draw(st.sampled_from(["  ", "", "    "]))
    lines = [f"{key}:{draw(_COMMENT)}"]
    for item in draw(st.lists(st.one_of(_FLOW_ITEM, st.just("")), min_size=1, max_size=4)):
        if draw(st.booleans()) and len(lines) > 1:
            lines.append(f"{indent}# comment in a list")
        comment = draw(_COMMENT)
        lines.append(f"{indent}- {item}{comment}" if item or comment else f"{indent}-")
    return lines


@st.composite
def block_scalar_entry(draw: st.DrawFn, key: str) -> list[str]:
    header = draw(st.sampled_from(["|", ">", "|-", ">+", "|2"]))
    lines = [f"{key}: {header}{draw(_COMMENT)}"]
    for text in draw(st.lists(st.one_of(_WORD, st.just("{{date}}"), st.just("# not a comment")), min_size=1)):
        lines.append(f"  {text}")
        if draw(st.booleans()):
            lines.append("")
    return lines


@st.composite
def multiline_entry(draw: st.DrawFn, key: str) -> list[str]:
    return [f"{key}: {draw(_WORD)}", f"  {draw(_WORD)}"]


_TEMPLATE_RE = re.compile(r"\{\{[^{}]*\}\}|<%.*?%>")


@st.composite
def frontmatter_entries(draw: st.DrawFn, *, templates: bool = True) -> list[str]:
    """Lines of a well-formed properties block (without the `---` fences or line ends).

    With `templates=False`, the shapes of rendered notes only: no block scalars or multi-line values, and
    every template placeholder replaced by a word (so a test can aim at what fast readers accept).
    """
    keys = draw(st.lists(_KEY, unique=True, max_size=6))
    kinds = [scalar_entry, scalar_entry, flow_list_entry, block_list_entry]
    if templates:
        kinds += [block_scalar_entry, multiline_entry]
    lines: list[str] = []
    for key in keys:
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["", "# a comment", "# {{date}} in a comment", "   "])))
        lines.extend(draw(draw(st.sampled_from(kinds))(key)))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["", "# closing comment"])))
    return lines if templates else [_TEMPLATE_RE.sub("date", line) for line in lines]


_BODY_LINE = st.one_of(
    st.sampled_from(
        [
            "",
            "# Heading",
            "## Sub heading #tag",
            "- [ ] open task 📅 2026-01-02",
            "- [x] done task [[Link]]",
            "  - [-] nested cancelled",
            "1. [/] numbered",
            "* [X] star",
            "> - [ ] quoted",
            "> [!todo] Callout",
            "---",
            "***",
            "```",
            "~~~",
            "%%",
            "text %% comment %% more",
            "| a | b |",
            "|---|---|",
            "{{date}} <% tp.file.title %>",
            "Ünïcödé 日本語 🎯",
            "    indented code - [ ] no",
            "<div>",
            "`code [[x]]`",
        ]
    ),
    _TEXT,
)


@st.composite
def notes(draw: st.DrawFn, *, frontmatter: bool | None = None, valid: bool = True) -> str:
    """A whole note's text."""
    newline = draw(NEWLINES)
    mixed = draw(st.integers(0, 5)) == 0

    def end() -> str:
        return draw(NEWLINES) if mixed else newline

    lines: list[str] = []
    has_fm = draw(st.booleans()) if frontmatter is None else frontmatter
    if has_fm:
        entries = draw(frontmatter_entries())
        if not valid and draw(st.booleans()):
            entries.append(
                draw(st.sampled_from(["bad: [unclosed", "- list item", "a: b: c", "x: !!python/name:os"]))
            )
        lines += ["---" + draw(_TRAILING), *entries, "---"]
    lines += [line + draw(_TRAILING) for line in draw(st.lists(_BODY_LINE, max_size=12))]
    text = "".join(line + end() for line in lines)
    if lines and draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    return text


PROPERTY_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.text(st.characters(blacklist_categories=["Cs"]), max_size=30),
    st.sampled_from(["NO", "yes", "1.10", "12:30", "~", "null", "#x", "[[Plan]]", "{{date}}", "", " x "]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.none(),
    st.lists(st.one_of(_WORD, st.text(st.characters(blacklist_categories=["Cs"]), max_size=10)), max_size=4),
)
"""Every kind of value `Note.set_property` accepts."""
