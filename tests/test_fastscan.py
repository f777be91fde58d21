"""The fast scanner against the oracle: markdown-it-py (`markdown.oracle.scan`, through the `markdown.scanner`
facade) must give the same tasks, headings, links, tags and placeholders for every note the fast scanner
decides, and the same task counts.

Differential over every fixture note, the sample documents, a generated vault, hand-written quirks and
hypothesis-generated Markdown; plus checks that the constants copied from markdown-it still are its own.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import fixture_notes, sample_paths
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import frontmatter_entries, notes

from benchmarks.generate import generate_vault
from vaultkit.index.rows import NoteSummary, decode, full_parts, reference_record, summary_parts
from vaultkit.markdown import comments, patterns, scanner
from vaultkit.markdown import oracle as markdown
from vaultkit.markdown._fast import blockrules
from vaultkit.markdown._fast import blocks as fastblocks
from vaultkit.markdown._fast import scan as fastscan
from vaultkit.markdown._fast.scan import UndecidedError, count_tasks, header_lines
from vaultkit.notes.note import Note
from vaultkit.notes.tasks import DEFAULT_STATUSES, TaskCounts, TaskStatuses
from vaultkit.props import frontmatter
from vaultkit.props.fast import fast_properties

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def check_body(body: str, first_line: int = 1, statuses: TaskStatuses = DEFAULT_STATUSES) -> bool:
    """Assert the fast scanner agrees with markdown-it on `body`; False when it declined the note."""
    expected = scanner.scan(body, first_line, statuses, engine="oracle")
    try:
        got = scanner.scan(body, first_line, statuses, engine="fast")
        counts = count_tasks(body, statuses)
    except UndecidedError:
        return False
    assert got.tasks == expected.tasks
    assert got.headings == expected.headings
    assert got.links == expected.links
    assert got.tags == expected.tags
    assert got.placeholders == expected.placeholders
    want = TaskCounts.of(expected.tasks)
    assert counts == (want.done, want.open, want.cancelled)
    return True


def check_file(path: Path) -> bool:
    note = Note.load(path)
    return check_body(note.body, note.body_line)


# ---------------------------------------------------------------------------------------------- constants


def test_copied_constants_are_markdown_its() -> None:
    from markdown_it.common.utils import MD_TRIM_CHARS
    from markdown_it.rules_block.html_block import HTML_SEQUENCES

    assert blockrules.MD_TRIM_CHARS == MD_TRIM_CHARS
    assert len(blockrules.HTML_SEQUENCES) == len(HTML_SEQUENCES)
    for mine, theirs in zip(blockrules.HTML_SEQUENCES, HTML_SEQUENCES, strict=True):
        assert (mine[0].pattern, mine[0].flags, mine[1].pattern, mine[1].flags, mine[2]) == (
            theirs[0].pattern,
            theirs[0].flags,
            theirs[1].pattern,
            theirs[1].flags,
            theirs[2],
        )


def test_copied_patterns_are_vaultkits() -> None:
    assert blockrules._TASK_RE.pattern == patterns.TASK_RE.pattern
    assert fastscan._LINE_RE.pattern == frontmatter._LINE_RE.pattern
    assert fastscan._FENCE_RE.pattern == frontmatter._FENCE_RE.pattern


# ---------------------------------------------------------------------------------------------- real notes


def test_every_fixture_note_agrees() -> None:
    paths = [*fixture_notes(), *sorted((FIXTURES / "vaults").rglob("*.md")), *sample_paths()]
    assert len(paths) > 20
    decided = [path.name for path in paths if check_file(path)]
    assert "plan.md" in decided and "structure.md" in decided  # the plain notes must not be declined
    assert len(decided) >= len(paths) // 2


def test_generated_vault_agrees_and_is_decided(tmp_path: Path) -> None:
    generate_vault(tmp_path, 40, seed=7)
    paths = sorted((tmp_path / "vault").rglob("*.md"))
    assert len(paths) == 41
    assert all(check_file(path) for path in paths)  # the benchmark's notes never need markdown-it


# ---------------------------------------------------------------------------------------------- quirks

QUIRKS = {
    # markdown-it lets a table interrupt a paragraph
    "para then table": ("text\na | b\n--|--\n- [ ] t | x\n", (0, 1, 0)),
    # a setext underline makes the item's paragraph a heading: no task
    "setext in item": ("- [ ] title\n  ---\n- [x] real\n", (1, 0, 0)),
    "setext wins over rule": ("- [ ] a\n  ***\n- [ ] b\n---\n", (0, 2, 0)),
    # an ordered item other than 1 cannot interrupt a paragraph
    "ordered 2 continues": ("- [ ] a\n  2. [ ] not an item\n  1. [x] item\n", (1, 1, 0)),
    "ordered at top": ("text\n2. [ ] continues\n\n2. [ ] starts\n", (0, 1, 0)),
    # lazy continuation lines and what ends them
    "lazy line": ("- [ ] a\nlazy text\n- [x] b\n", (1, 1, 0)),
    "thematic break": ("- [ ] a\n- - -\n* * *\n- [x] b\n", (1, 1, 0)),
    "fence in item": ("- [ ] a\n  ```\n  - [ ] code\n  ```\n  - [x] child\n", (1, 1, 0)),
    "fence ends item": ("- [ ] a\n```\n- [ ] code\n```\n", (0, 1, 0)),
    "indented code": ("text\n\n    - [ ] code\n- [x] item\n", (1, 0, 0)),
    "deep indent continues": ("- [ ] a\n      - [ ] continuation\n", (0, 1, 0)),
    "tabs": ("- [ ] a\n\t- [x] b\n\t\t- [-] c\n", (1, 1, 1)),
    "callouts": ("> [!todo] T\n> - [ ] a\n>   - [x] b\n>\n> > - [ ] c\n", (1, 2, 0)),
    "html block": ('<div class="x">\n- [ ] no\n</div>\n\n- [ ] yes\n', (0, 1, 0)),
    "html comment across blanks": ("<!--\n\n- [ ] no\n\n-->\n- [x] yes\n", (1, 0, 0)),
    "comments": ("%%\n- [ ] hidden\n%%\n- [x] shown %%note%%\n```\n%%\n```\n- [ ] after\n", (1, 1, 0)),
    "boxes": ("- [ ]x\n- [  ] y\n- [x]\n- [X]\tz\n* [>] q\n+ [!] r\n1) [/] s\n", (2, 3, 0)),
    "table cell": ("| a | b |\n|---|---|\n| - [ ] c | d |\n- [ ] e\n", (0, 1, 0)),
    "heading item": ("- # [ ] heading\n- > [ ] quote\n- - [x] nested\n", (1, 0, 0)),
    "crlf and cr": ("- [ ] a\r\n- [x] b\r- [-] c\r\n", (1, 1, 1)),
    "blank first line trimmed": ("- \u00a0[x] nbsp\n", (1, 0, 0)),
}


@pytest.mark.parametrize("name", sorted(QUIRKS))
def test_quirks(name: str) -> None:
    body, want = QUIRKS[name]
    counts = TaskCounts.of(scanner.scan(body, engine="oracle").tasks)
    assert (counts.done, counts.open, counts.cancelled) == want  # the oracle says so
    assert check_body(body), "the fast scanner should decide this note"


@pytest.mark.parametrize(
    "body",
    [
        "[ref]: http://example.com\n- [ ] a\n",  # a link reference definition
        "- \n  - [ ] empty item\n",
        "> quote\nlazy\n",
        "> - [ ]\ttab\n>\tx\n",
        "1.   wide\n    - [ ] x\nlazy\n",
    ],
)
def test_declines_what_it_cannot_decide(body: str) -> None:
    with pytest.raises(UndecidedError):
        count_tasks(body, DEFAULT_STATUSES)
    with pytest.raises(UndecidedError):
        scanner.scan(body, engine="fast")


def test_custom_statuses() -> None:
    statuses = TaskStatuses(done=frozenset("x/"), cancelled=frozenset("~"))
    body = "- [x] a\n- [/] b\n- [~] c\n- [-] d\n"
    assert check_body(body, 1, statuses)
    assert count_tasks(body, statuses) == (2, 1, 1)


# ---------------------------------------------------------------------------------------------- generated

_INDENTS = ["", "", "", " ", "  ", "   ", "    ", "     ", "      ", "\t", "  \t", "\t\t"]
_MARKERS = [
    "- ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2. ",
    "1) ",
    "10. ",
    "-  ",
    "-    ",
    "-     ",
    "-\t",
    "> ",
    ">",
    "> - ",
]
_CONTENT = [
    "[ ] a", "[x] b #tag", "[-] c [[Link]]", "[/] d", "[ ]x", "[  ] e", "[X]", "text", "[[Note|alias]] f",
    "- [ ] g", "> h", "# heading", "```", "~~~", "[x]: ref", "| a | b |", "|--|--|", "", "---", "===",
    "***", "<div>", "</div>", "<!--", "-->", "    code", "%%", "x %%c%% y", "`[x] code`", "\u00a0[x] nb",
    "{{date}}", "1. [ ] i", "[ ] ✅ 2026-01-02 📅 2026-02-03 ⏫",
]  # fmt: skip
_LINE = st.tuples(st.sampled_from(_INDENTS), st.sampled_from(["", *_MARKERS]), st.sampled_from(_CONTENT))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=14), st.sampled_from(["\n", "\r\n"]))
def test_generated_markdown_agrees(lines: list[tuple[str, str, str]], newline: str) -> None:
    check_body(newline.join("".join(parts) for parts in lines) + newline)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(valid=False))
def test_generated_notes_agree(text: str) -> None:
    note = Note.parse(text)
    check_body(note.body, note.body_line)


def check_code_lines(body: str) -> bool:
    """Assert `code_lines` gives markdown-it-py's fence and code_block lines (what managed blocks ignore);
    False when the fast scanner declined and markdown-it-py answered."""
    expected = scanner.code_lines(body, engine="oracle")
    assert scanner.code_lines(body) == expected
    blocks = fastblocks._Blocks(fastscan._normalize(body), DEFAULT_STATUSES)
    try:
        blocks.run()
    except UndecidedError:
        return False
    assert blocks.code == expected
    return True


def test_code_lines_agree_on_every_fixture_note() -> None:
    paths = [*fixture_notes(), *sorted((FIXTURES / "vaults").rglob("*.md")), *sample_paths()]
    bodies = [Note.load(path).body for path in paths]
    decided = [path.name for path, body in zip(paths, bodies, strict=True) if check_code_lines(body)]
    assert "structure.md" in decided and "unclosed_fence.md" in decided
    assert len(decided) >= len(paths) // 2
    assert sum(bool(markdown.code_lines(b)) for b in bodies) >= 3


@pytest.mark.parametrize(
    "body",
    [
        "```markdown\n<!-- vaultkit:begin plans -->\n```\n    <!-- vaultkit:begin plans -->\n",
        "text\n    not code: a paragraph goes on\n\n    code\n",
        "a | b\n--|--\n    code after a table\n",
        "- item\n\n      code in an item\n> ```\n> fenced in a quote\n",
        "~~~\nunclosed fence runs to the end\n\n- [ ] x\n",
        "%%\n```\n%%\ntext\n",
        "a\r\n```\r\nb\r\n```\r\nc\rd\r",
    ],
)
def test_code_lines_agree_on_quirks(body: str) -> None:
    check_code_lines(body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=14), st.sampled_from(["\n", "\r\n", "\r"]))
def test_code_lines_agree_on_generated_markdown(lines: list[tuple[str, str, str]], newline: str) -> None:
    check_code_lines(newline.join("".join(parts) for parts in lines) + newline)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(valid=False))
def test_code_lines_agree_on_generated_notes(text: str) -> None:
    check_code_lines(Note.parse(text).body)


# ---------------------------------------------------------------------------------------------- full records


def oracle_parts(
    path: str, data: bytes, template: bool, statuses: TaskStatuses = DEFAULT_STATUSES
) -> tuple[object, object]:
    """`full_parts` the reference way: `NoteRecord.from_note` of a `Note` whose body markdown-it-py reads
    (the fast scanner declines every body), walked by `markdown._walk`."""
    from vaultkit.index.rows import _record, detail_of_record, parts_of_record
    from vaultkit.markdown.findings import text_findings

    with mock.patch.dict(os.environ, {scanner.ENV_VAR: "oracle"}):  # the facade's own switch
        record = _record(path, data, None, statuses, template)
    try:
        findings = text_findings(data.decode("utf-8"))
    except UnicodeDecodeError:
        findings = ()
    return parts_of_record(record, data), detail_of_record(record, findings)


def shown(parts: tuple[object, object]) -> str:
    """Summary and detail as text, stored values decoded: equal text, equal values of the same types."""
    summary, detail = parts
    assert isinstance(summary, tuple)
    blobs = [decode(blob) if isinstance(blob, bytes) else blob for blob in summary[6:]]
    return repr((summary[:6], blobs, detail))


def check_full(path: str, data: bytes, statuses: TaskStatuses = DEFAULT_STATUSES) -> bool:
    """Assert `full_parts` (the fast detail) equals the oracle's for `data`; False when it was not fast."""
    for template in (False, True):
        got = full_parts(path, data, None, statuses, template)
        assert shown(got) == shown(oracle_parts(path, data, template, statuses)), path
    return fastscan.fast_detail(path, data, statuses) is not None


def test_every_fixture_note_has_the_oracles_full_record() -> None:
    paths = [*fixture_notes(), *sorted((FIXTURES / "vaults").rglob("*.md")), *sample_paths()]
    fast = [path.name for path in paths if check_full(f"Notes/{path.name}", path.read_bytes())]
    assert "plan.md" in fast and "structure.md" in fast and "crlf.md" in fast
    assert len(fast) >= len(paths) // 2


def test_generated_vault_has_the_oracles_full_records(tmp_path: Path) -> None:
    generate_vault(tmp_path, 40, seed=11)
    root = tmp_path / "vault"
    paths = sorted(root.rglob("*.md"))
    assert all(check_full(path.relative_to(root).as_posix(), path.read_bytes()) for path in paths)


def test_full_records_with_custom_statuses() -> None:
    statuses = TaskStatuses(done=frozenset("x/"), cancelled=frozenset("~"))
    text = "---\ntags: [a, b]\nplan: '[[P]]'\n---\n# H #b\n- [x] a\n  - [/] b #t\n- [~] c [[L]]\n- [-] d\n"
    assert check_full("a.md", text.encode(), statuses)


@pytest.mark.parametrize(
    "text",
    [
        '---\nplan: "[[Growth]]"\nrelated:\n  - "[[A|a]]"\n  - x [[B#h]] y\ntags: x, Y\n---\n- [ ] t #y\n',
        '---\nplan: "[[Growth]]"\nrelated:\n  - "[[A|a]]"\n  - x [[B#h]] y\ntags: x, #Y\n---\n- [ ] t #y\n',
        "---\nrelated:\n- '[[A]] [[B]]'\n- 2026-01-02\n---\n<% tp.file.title %> and `<% code %>`\n",
        "---\nplan: [[Growth]]\n---\n- [ ] flow list: YAML reads it\n",
        "---\r\nplan: '[[C]]'\r\ntags:\r\n- q\r\n---\r\n- [x] crlf [[D]]\r\n",
        "\ufeff---\nt: {{date}}\n---\n{{title}} [[E]]\n",
        "---\ntitle: [unclosed\n---\n- [ ] broken YAML\n",
        "---\nx: 1\nx: 2\n---\nkey twice\n",
        "- [ ] a\n\u00e2\u20ac\u2122 mojibake\n",
        "[ref]: x\n- [ ] declined body\n",
        "\ufeff# BOM, no properties\n- [ ] t\n",
    ],
)
def test_full_records_of_odd_notes(text: str) -> None:
    check_full("Folder/Odd.md", text.encode("utf-8"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(valid=False))
def test_generated_notes_have_the_oracles_full_record(text: str) -> None:
    check_full("Folder/A note.md", text.encode("utf-8"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=14), st.sampled_from(["\n", "\r\n"]))
def test_generated_markdown_has_the_oracles_full_record(
    lines: list[tuple[str, str, str]], newline: str
) -> None:
    check_full("a.md", (newline.join("".join(parts) for parts in lines) + newline).encode("utf-8"))


def test_the_fast_walk_reads_tasks_as_markdowns_pattern() -> None:
    from vaultkit.markdown._fast.walk import _is_task

    for content in ["[ ]", "[x] a", "[ ]x", "[\n] a", "[x]\tb", "[x]\nc", "[]", "[  ] d", "x", "[x]"]:
        assert _is_task(content) == (patterns.TASK_RE.match(content) is not None), repr(content)


# ---------------------------------------------------------------------------------------------- summaries


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(valid=False))
def test_fast_summary_equals_the_record(text: str) -> None:
    data = text.encode("utf-8")
    path = "Folder/A note.md"
    for template in (False, True):
        parts = summary_parts(path, data, None, DEFAULT_STATUSES, template)
        reference = reference_record_of(path, data, template)
        assert NoteSummary.from_parts(path, parts) == NoteSummary.of(reference)


def reference_record_of(path: str, data: bytes, template: bool) -> object:
    from vaultkit.index.rows import _record

    return _record(path, data, None, DEFAULT_STATUSES, template)


@settings(max_examples=150, deadline=None)
def assert_fast_properties_equal_yaml(text: str) -> bool:
    """Assert `fast_properties` gives what `parse_frontmatter` gives for `text`'s block, or declines (False).

    Equal values of equal types, item by item (repr: NaN equals NaN, 1 is not True, a date is not a
    datetime), and the same `linked` scalars: the values holding `[[`, with their file lines.
    """
    linked: list[tuple[str, int, str]] = []
    fast = fast_properties(header_lines(text)[1:-1], linked)
    if fast is None:
        return False
    reference = frontmatter.parse_frontmatter(text)
    assert not reference.problems
    assert repr(fast) == repr(reference.properties)
    assert [type(v) for v in fast.values()] == [type(v) for v in reference.properties.values()]
    for got, want in zip(fast.values(), reference.properties.values(), strict=True):
        if isinstance(want, list):
            assert [type(v) for v in got] == [type(v) for v in want]
    assert linked == [scalar for scalar in reference.scalars if "[[" in scalar[2]]
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(frontmatter_entries(), frontmatter_entries(templates=False)))
def test_fast_properties_equal_yaml(entries: list[str]) -> None:
    assert_fast_properties_equal_yaml("---\n" + "".join(line + "\n" for line in entries) + "---\nbody\n")


def test_fast_properties_take_the_plain_subset() -> None:
    lines = [
        "type: plan\n",
        "# a comment\n",
        "due: 2026-11-22\n",
        "done: 3\n",
        "tags:\n",
        "  - a\n",
        "  - b c\n",
    ]
    lines += ['plan: "[[Growth]]"\n', "flag: true\n", "empty:\n", "no: NO\n", "ratio: 1.10\n", "t: 12:30\n"]
    props = fast_properties(lines)
    assert props is not None
    assert props == frontmatter.parse_frontmatter("---\n" + "".join(lines) + "---\n").properties
    for odd in ("a: {{date}}\n", "a: b\n  c\n", "a: 1\na: 2\n"):
        assert fast_properties([odd]) is None, odd


# The common shapes the fast reader keeps, each with the exact value YAML gives.
_COMMON_SHAPES = [
    ("a: [1, 2]", {"a": [1, 2]}),
    ("a: x # c", {"a": "x"}),
    ("a: x  #  c # d", {"a": "x"}),
    ("a: x#y", {"a": "x#y"}),
    ("a: 'it''s'", {"a": "it's"}),
    ("a: ''''", {"a": "'"}),
    ("a: ''", {"a": ""}),
    ('a: ""  # empty', {"a": ""}),
    (r'a: "x\ty\"z\\ \/"', {"a": 'x\ty"z\\ /'}),
    (r'a: "\0\a\b\e\f\n\r\v\ "', {"a": "\0\a\b\x1b\f\n\r\v "}),
    ("a: [a, \"b c\", 'd']  # tags", {"a": ["a", "b c", "d"]}),
    ("a: [ growth/skills,q3 , '[[B]]', ]", {"a": ["growth/skills", "q3", "[[B]]"]}),
    ("a: []", {"a": []}),
    ("a: [ ]  # none yet", {"a": []}),
    ("a: [2026-01-02, -1, ~, true, -x]", {"a": [dt.date(2026, 1, 2), -1, None, True, "-x"]}),
    ('plan: "[[Growth]]"  # the parent', {"plan": "[[Growth]]"}),
    ("plan: '[[Plans/X|x]]'", {"plan": "[[Plans/X|x]]"}),
    ("due: 2026-11-22 # monthly", {"due": dt.date(2026, 11, 22)}),
    ("at: 2026-11-22T10:30:00", {"at": dt.datetime(2026, 11, 22, 10, 30)}),
    ("a: -3.5", {"a": -3.5}),
    ("a: ---", {"a": "---"}),
    ("a:  # set later", {"a": None}),
    (
        "a: # tags\n  - x # first\n  - '[[L]]'\n  -\n  - # none\n  - \"y\" # last",
        {"a": ["x", "[[L]]", None, None, "y"]},
    ),
    ("a:\n- b\n# between\n- c # d\nb: 1", {"a": ["b", "c"], "b": 1}),
]


@pytest.mark.parametrize(("block", "expected"), _COMMON_SHAPES)
def test_fast_properties_keep_the_common_shapes(block: str, expected: dict[str, Any]) -> None:
    text = f"---\n{block}\n---\nbody\n"
    assert repr(fast_properties(header_lines(text)[1:-1])) == repr(expected)
    assert assert_fast_properties_equal_yaml(text)


def test_fast_properties_report_linked_values_with_their_lines() -> None:
    lines = ['up: "[[A]]" # c\n', "tags: [x, '[[B]]', \"[[C|c]]\"]\n", "rel:\n"]
    lines += ["  - '[[D]]' # d\n", "  - e\n"]
    linked: list[tuple[str, int, str]] = []
    assert fast_properties(lines, linked) is not None
    assert linked == [("up", 2, "[[A]]"), ("tags", 3, "[[B]]"), ("tags", 3, "[[C|c]]"), ("rel", 5, "[[D]]")]


@pytest.mark.parametrize(
    "odd",
    [
        "a: [[x]]",  # a list in a list
        "a: [a, [b]]",
        "a: [a,,b]",
        "a: [,a]",
        "a: [a, b",  # a flow list over several lines
        "a: [a] [b]",
        "a: [a]x",
        "a: [a #c]",
        "a: [a: b]",
        "a: [a'b]",
        "a: [-]",
        "a:\n  - [a, b]",
        "a: 'x' 'y'",
        'a: "x"#c',
        r'a: "x\x41"',
        r'a: "x\u00e9"',
        r'a: "x\N"',
        'a: "x',
        "a: 'it's'",
        "a: -",
        "a: - x",
        "a: b: c # d",
        "a: b: # c",
        "a: &x b",
        "a: !!str b",
        "a: |",
        "a: x # {{date}}",
    ],
)
def test_fast_properties_decline_what_they_do_not_read(odd: str) -> None:
    assert fast_properties([line + "\n" for line in odd.split("\n")]) is None


def test_fast_summary_declines_binary_and_bad_utf8() -> None:
    assert scanner.note_summary("a.md", b"\x00\x01binary", DEFAULT_STATUSES) is None
    assert scanner.note_summary("a.md", b"caf\xe9", DEFAULT_STATUSES) is None


def test_reference_record_reports_unreadable(tmp_path: Path) -> None:
    record = reference_record(tmp_path, "missing.md", DEFAULT_STATUSES, False)
    assert [p.code for p in record.errors] == ["io"]
    assert re.search("no such file", record.errors[0].message)


def test_the_resolver_table_is_yaml_safes() -> None:
    from vaultkit.props.fast import RESOLVERS
    from vaultkit.props.yaml_safe import Yaml12Resolver

    def table(resolvers: dict[str, list[tuple[str, re.Pattern[str]]]]) -> dict[str, list[tuple[str, str]]]:
        return {k: [(tag, pattern.pattern) for tag, pattern in v] for k, v in resolvers.items()}

    assert table(RESOLVERS) == table(Yaml12Resolver.yaml_implicit_resolvers)


_PLAIN_CHARS = st.sampled_from([*"0123456789-+.:eExXoTtZ nNulfasrFALSETRUE~_abc", ".nan", ".inf", "0x", "0o"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PLAIN_CHARS, min_size=1, max_size=22).map("".join).map(str.strip).filter(bool))
def test_plain_values_resolve_as_yaml_reads_them(text: str) -> None:
    fast = fast_properties([f"key: {text}\n"])
    reference = frontmatter.parse_frontmatter(f"---\nkey: {text}\n---\n")
    if fast is not None:
        assert not reference.problems
        assert repr(fast) == repr(reference.properties)  # repr: NaN equals NaN, 1 is not True
        assert type(fast["key"]) is type(reference.properties["key"])


_LIST_LINE = st.text(alphabet=" \t-*+0123456789.)[]x|a:\\\u00a0\u3000🔹", max_size=16)


@given(_LIST_LINE)
def test_run_item_matches_as_its_regular_expression(line: str) -> None:
    found = fastblocks._RUN_RE.match(line)
    got = blockrules._run_item(line)
    if found is None:
        assert got == (-1, -1, -1, -1)
    else:
        assert got == (found.start(2), found.end(2), found.end(), blockrules._indent(line, 0)[1])


@given(_LIST_LINE.filter(bool))
def test_one_line_task_reads_as_a_one_line_paragraph(tail: str) -> None:
    line, at = "- " + tail, 2
    head = line[at:].lstrip(blockrules.MD_TRIM_CHARS).rstrip(blockrules.MD_TRIM_CHARS)
    found = blockrules._TASK_RE.match(head)
    assert blockrules._one_line_task(line, at) == (found.group(1) if found else "")


def test_may_nest_is_the_nested_set() -> None:
    assert {chr(c) for c in range(128) if blockrules._may_nest(c)} == set(fastblocks._NESTED)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, max_size=14), st.booleans())
def test_counting_on_lines_equals_counting_the_text(lines: list[tuple[str, str, str]], end: bool) -> None:
    """The plain path counts a body from its lines (`_parse_lines`); `count_tasks` from its text."""
    body = "\n".join("".join(parts) for parts in lines) + ("\n" if end else "")
    try:
        expected: object = count_tasks(body, DEFAULT_STATUSES)
    except UndecidedError:
        expected = UndecidedError
    fences = fastscan._MAY_FENCE if "```" in body or "~~~" in body else 0
    for hints in (fastscan._UNKNOWN, fastscan._MAY_COMMENT | fences):  # all possible; what the bytes say
        try:
            got: object = fastscan._count_lines(body.split("\n"), DEFAULT_STATUSES, hints)
        except UndecidedError:
            got = UndecidedError
        assert got == expected


@given(st.lists(_LINE, max_size=14), st.sets(st.integers(0, 14)))
def test_masking_lines_equals_masking_the_text(lines: list[tuple[str, str, str]], code: set[int]) -> None:
    text = "\n".join("".join(parts) for parts in lines)
    masked = comments.mask_comments(text, code)
    assert comments.mask_comment_lines(text.split("\n"), code) == masked.split("\n")


@given(_LIST_LINE)
def test_item_at_matches_as_its_regular_expression(text: str) -> None:
    found = fastblocks._ITEM_RE.match(text)
    assert blockrules._item_at(text) == (found.end() if found else -1)


@given(st.text(alphabet="ab_-9 :#\t\u00e9", max_size=14))
def test_key_end_matches_as_the_key_pattern(line: str) -> None:
    from vaultkit.props import fast as fastprops

    found = fastprops._KEY_RE.fullmatch(line)
    expected = (found.end(1), found.start(2) if found.group(2) is not None else -1) if found else (-1, -1)
    assert fastprops._key_end(line) == expected
