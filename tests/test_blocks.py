"""Managed-block markers: one grammar for begin and end, and a mistyped marker never lets rollup reach past
the user's text to the next good marker. The parser, the splice, `vaultkit rollup` and `vaultkit check`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.cli.commands import main
from vaultkit.rollup.dashboards import SummaryData, apply_blocks, block_problems, parse_blocks, render_block

MALFORMED = (
    "malformed vaultkit marker: a marker is a line of its own, "
    "<!-- vaultkit:begin KIND --> or <!-- vaultkit:end -->"
)
BEGIN = "<!-- vaultkit:begin plans -->"
END = "<!-- vaultkit:end -->"
DATA = SummaryData(notes={}, plans={}, resolve=lambda target, source: None)
FRAME = "\n" + render_block("plans", {}, DATA, "Dash.md") + "\n\n"  # what rollup writes between markers


def note(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("begin", "end"),
    [
        (BEGIN, END),
        ("<!--vaultkit:begin plans-->", "<!--vaultkit:end-->"),  # the end follows the begin's grammar
        ("<!--  vaultkit:begin\tplans  -->  ", "   <!--vaultkit:end plans-->"),
    ],
)
def test_well_formed_spellings(begin: str, end: str) -> None:
    blocks, problems = parse_blocks(note("# Dash", begin, "old", end))
    assert problems == []
    assert [(b.kind, b.begin, b.end) for b in blocks] == [("plans", 1, 3)]


@pytest.mark.parametrize(
    "stray",
    [
        "<!-- vaultkit:end -- >",
        "<!-- VAULTKIT:END -->",
        "<!-- vaultkit:End -->",
        "<!-- vaultkit :end -->",
        "<!-- vault kit:end -->",
        "<!-- vault-kit:end -->",
        "<!-- vaultkit: end -->",
        "<!-- vaultkit:end --!>",
        "<!-- vaultkit:end ->",
        "<!-- vaultkit:end --->",
        "<!-- vaultkit:end - -->",
        "<!-- vaultkit:end",
        "<!-- vaultkit:en",
        "<!-- vaul",
        "<!-",
        "<!- vaultkit:end -->",
        "<!--- vaultkit:end -->",
        "< !-- vaultkit:end -->",
        "<-- vaultkit:end -->",
        "<!— vaultkit:end —>",  # an editor's em dashes
        "<!--\u00a0vaultkit:end -->",
        "<!-- vaultkit:end --> trailing text",
        "<!-- vaultkit:endplans -->",
    ],
)
def test_a_stray_marker_inside_a_block_keeps_the_block_and_is_reported_once(stray: str) -> None:
    """The finding: a mistyped end marker let the next good end close the block, so rollup deleted the
    user's text between them (with `-- >` it said both "block plans" and "skipped"; in capitals, nothing)."""
    body = note("# Dash", BEGIN, stray, "My precious notes", END, "after")
    blocks, problems = parse_blocks(body, first_line=5)
    assert blocks == []
    assert len(problems) == 1
    assert problems[0][0] == 7
    assert problems[0][1].endswith("; the block begun on line 6 is left untouched")
    assert apply_blocks(body, DATA, "Dash.md") == (body, [])


def test_the_exact_findings() -> None:
    body = note(BEGIN, "<!-- vaultkit:end -- >", "My precious notes", END)
    assert parse_blocks(body) == ([], [(2, f"{MALFORMED}; the block begun on line 1 is left untouched")])
    assert apply_blocks(body, DATA, "Dash.md") == (body, [])
    body = note(BEGIN, "<!-- VAULTKIT:END -->", "My precious notes", END)
    assert parse_blocks(body) == ([], [(2, f"{MALFORMED}; the block begun on line 1 is left untouched")])
    assert apply_blocks(body, DATA, "Dash.md") == (body, [])


def test_a_mistyped_begin_is_reported_once_and_its_end_with_it() -> None:
    body = note("<!-- VaultKit:begin plans -->", "mine", END, "<!-- vaultkit:begin plans -->", "old", END)
    blocks, problems = parse_blocks(body)
    assert problems == [(1, MALFORMED)]  # the good end on line 3 closes the broken block, silently
    assert [(b.begin, b.end) for b in blocks] == [(3, 5)]
    assert apply_blocks(body, DATA, "Dash.md")[0] == note(
        "<!-- VaultKit:begin plans -->", "mine", END, BEGIN
    ) + FRAME + END + "\n"


def test_both_markers_mistyped_is_one_problem() -> None:
    body = note("<!-- VAULTKIT:BEGIN plans -->", "mine", "<!-- VAULTKIT:END -->", "more")
    assert parse_blocks(body) == ([], [(1, MALFORMED)])
    assert block_problems(body) == [(1, MALFORMED)]  # `vaultkit:` in lower case appears nowhere


def test_a_marker_inside_a_comment_left_open_is_not_a_marker() -> None:
    """`<!--` with no `-->` opens a comment that Markdown runs to the next `-->`: the good end below it
    is hidden text, so the block has no end (a cut-short end marker often leaves just that)."""
    body = note(BEGIN, "<!--", "My precious notes", END, "after")
    assert parse_blocks(body, first_line=3) == (
        [],
        [
            (
                6,
                "vaultkit marker inside an HTML comment left open on line 4; "
                "the block begun on line 3 is left untouched",
            )
        ],
    )
    assert apply_blocks(body, DATA, "Dash.md") == (body, [])
    # A comment closed before the end marker is the user's text inside a well-formed block, as before.
    body = note(BEGIN, "<!--", "a comment", "-->", END)
    assert [(b.begin, b.end) for b in parse_blocks(body)[0]] == [(0, 4)]


def test_ordinary_comments_and_html_are_not_markers() -> None:
    body = note("<!-- a note to self -->", "<!--", "several lines", "-->", "<b>bold</b>", "a < b", "<!-- -->")
    assert parse_blocks(body) == ([], [])
    assert block_problems(body) == []


def test_a_later_good_block_is_still_filled() -> None:
    body = note(BEGIN, "<!-- VAULTKIT:END -->", "mine", BEGIN, "old", END)
    blocks, problems = parse_blocks(body)
    assert problems == [(2, f"{MALFORMED}; the block begun on line 1 is left untouched")]
    assert [(b.begin, b.end) for b in blocks] == [(3, 5)]
    new, changed = apply_blocks(body, DATA, "Dash.md")
    assert changed == ["plans"]
    assert new == note(BEGIN, "<!-- VAULTKIT:END -->", "mine", BEGIN) + FRAME + END + "\n"
    # `-- >` leaves the comment open down to the next `-->`: Markdown hides that begin marker too.
    body = note(BEGIN, "<!-- vaultkit:end -- >", "mine", BEGIN, "old", END)
    assert parse_blocks(body) == ([], [(2, f"{MALFORMED}; the block begun on line 1 is left untouched")])
    assert apply_blocks(body, DATA, "Dash.md") == (body, [])


# ---------------------------------------------------------------------------------------------- property

# The documented grammar, spelled out for the two markers this test mutates (spaces only: the mutations
# insert no tabs), independently of the parser's own expressions.
GOOD_BEGIN = re.compile(r" {0,3}<!-- *vaultkit:begin +plans *--> *")
GOOD_END = re.compile(r" {0,3}<!-- *vaultkit:end *--> *")


@st.composite
def mutated(draw: st.DrawFn, marker: str) -> str:
    """`marker` after a few random edits: case changes, spaces and dashes inserted or removed, cut short."""
    text = marker
    for _ in range(draw(st.integers(0, 3))):
        edit = draw(st.sampled_from(["case", "insert", "remove", "truncate"]))
        at = draw(st.integers(0, len(text)))
        if edit == "case" and at < len(text):
            text = text[:at] + text[at].swapcase() + text[at + 1 :]
        elif edit == "insert":
            text = text[:at] + draw(st.sampled_from([" ", "-", "  "])) + text[at:]
        elif edit == "remove" and at < len(text) and text[at] in " -":
            text = text[:at] + text[at + 1 :]
        elif edit == "truncate":
            text = text[:at]
    return text


def gone(line: str) -> bool:
    """Cut short before its `<`: no marker is left on the line, only (perhaps) a dash or spaces."""
    return "<" not in line


def vanished(line: str) -> bool:
    """Cut short to nothing a reader could take for a marker: gone, or the bare opener of a comment."""
    return gone(line) or re.fullmatch(r"\s*<!--\s*", line) is not None


@settings(max_examples=500, deadline=None)
@given(begin=mutated(BEGIN), end=mutated(END), trailing=st.booleans())
def test_mutated_markers_never_cost_a_byte_outside_a_well_formed_block(
    begin: str, end: str, trailing: bool
) -> None:
    """A block and the user's text after it, with (`trailing`) the layout of the finding: a good end
    marker further down that a mistyped end could reach. The block is rewritten only when both its
    markers are well formed, or when its end was cut short before its `<`, which makes the later end its
    end; otherwise the note stays as it is. Problems are reported on a marker's line, never twice on one;
    without the later end, a broken block is exactly one problem."""
    body = note("# Dash", begin, "stale", end, "My precious notes", *([END] if trailing else []), "outro")
    new, _ = apply_blocks(body, DATA, "Dash.md")
    lines = body.splitlines(keepends=True)
    if GOOD_BEGIN.fullmatch(begin) and GOOD_END.fullmatch(end):
        assert new == "".join(lines[:2]) + FRAME + "".join(lines[3:])
    elif GOOD_BEGIN.fullmatch(begin) and gone(end) and trailing:
        assert new == "".join(lines[:2]) + FRAME + "".join(lines[5:])
    else:
        assert new == body
    where = [line for line, _ in parse_blocks(body)[1]]
    assert len(where) == len(set(where))
    assert set(where) <= {2, 4, 6}
    if trailing:
        assert len(where) <= 2
    elif GOOD_BEGIN.fullmatch(begin) and GOOD_END.fullmatch(end):
        assert where == []
    elif (vanished(begin) or begin.startswith("    ")) and vanished(end):
        assert where == []  # no marker left at all (four spaces after a heading: indented code)
    else:
        assert len(where) == 1


# ---------------------------------------------------------------------------------------------- commands


def make_vault(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / "Dash.md").write_bytes(text.encode("utf-8"))
    (root / "Plan.md").write_text("---\ntype: plan\nstatus: active\n---\n- [ ] a\n", encoding="utf-8")
    return root


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


MISTYPED = "# Dash\n" + BEGIN + "\n<!-- vaultkit:end -- >\nMy precious notes\n" + END + "\n"
EXPECTED = f"line 3: {MALFORMED}; the block begun on line 2 is left untouched"


@pytest.mark.parametrize("json_out", [False, True])
def test_rollup_leaves_a_note_with_a_mistyped_marker_alone(tmp_path: Path, json_out: bool) -> None:
    vault = make_vault(tmp_path, MISTYPED)
    (vault / "Plan.md").write_text(
        "---\ntype: plan\nstatus: active\ntasks_done: 0\ntasks_total: 1\nprogress: 0\n"
        "milestones_done: 0\nmilestones_total: 0\n---\n- [ ] a\n",
        encoding="utf-8",
    )
    before = (vault / "Dash.md").read_bytes()
    code, out = invoke("rollup", "--vault", str(vault), *(["--json"] if json_out else []))
    assert code == 1
    assert (vault / "Dash.md").read_bytes() == before
    if json_out:
        report = json.loads(out)
        assert report["changed"] == []
        assert report["skipped"] == [{"path": "Dash.md", "reason": EXPECTED}]
    else:
        assert "block plans" not in out
        assert [line for line in out.splitlines() if "Dash.md" in line] == [f"skipped Dash.md: {EXPECTED}"]


def test_rollup_with_a_capitalised_end_marker(tmp_path: Path) -> None:
    text = MISTYPED.replace("<!-- vaultkit:end -- >", "<!-- VAULTKIT:END -->")
    vault = make_vault(tmp_path, text)
    code, out = invoke("rollup", "--vault", str(vault))
    assert code == 1
    assert (vault / "Dash.md").read_text(encoding="utf-8") == text
    assert f"skipped Dash.md: {EXPECTED}" in out.splitlines()


def test_check_reports_a_mistyped_marker_once_with_its_line(tmp_path: Path) -> None:
    vault = make_vault(tmp_path, MISTYPED)
    code, out = invoke("check", "--vault", str(vault))
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("Dash.md")] == [
        f"Dash.md:3: error: {EXPECTED.removeprefix('line 3: ')} [block]"
    ]


def test_a_long_line_is_read_in_linear_time() -> None:
    """The old marker pattern (a lazy middle between runs of spaces) took seconds on a few thousand
    spaces and minutes on a few more; every such line is read by slicing now."""
    spaces = " " * 20_000
    assert block_problems(f"<!-- vaultkit:begin{spaces}x\n") == [(1, MALFORMED)]
    assert block_problems(f"<!-- {' -' * 10_000}v{' -' * 10_000}x\n") == []
    assert block_problems(f"<!-- vaultkit:begin plans{spaces}-->\n<!-- vaultkit:end -->\n") == []
