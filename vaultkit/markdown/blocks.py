"""Managed-block markers: where rollup may write in a note, read from its text. Pure.

A user puts `<!-- vaultkit:begin KIND ARGS -->` and `<!-- vaultkit:end -->` lines in any note; rollup
replaces only the lines between them (`vaultkit.rollup.dashboards`). A marker inside code or a
`%%comment%%` is not a marker.

One grammar for both markers, so the two cannot drift apart: a line of its own, up to three spaces, then
`<!--`, optional spaces or tabs, `vaultkit:` and `begin` or `end` in lower case, then (after at least one
space; optional on an end) the kind and arguments, which neither hold `-->` nor end in a dash, optional
spaces, `-->`, optional trailing spaces. So `<!--vaultkit:end-->` and `<!--  vaultkit:begin plans  -->`
are markers; `<!-- VaultKit:end -->`, `<!-- vaultkit :end -->`, `<!-- vaultkit:end -- >`,
`<!-- vaultkit:end --!>`, `<!-- vaultkit:end --->` and `<!-- vaultkit:end` are not.

Rollup deletes what lies between a begin and its end, so a mistyped marker must never let it reach past
the user's text to the next good marker. Any line that looks meant as a marker and is not one (see
`_CANDIDATE_RE`: `vaultkit` in any case or spacing after a comment opener, even a mangled one; a marker
cut short like `<!-- vaul`), and any marker inside an HTML comment left open above it (Markdown shows it
as hidden text), breaks the block around it: a well-formed begin followed by such a line before its end
is never rewritten, and neither is a block whose begin is such a line. Each broken block is reported
once, on the line of its first broken marker, by `block_problems`, which `vaultkit check` and `vaultkit
rollup` show; its lines are left alone. Anything else this module cannot read (unknown kind, bad
argument, a begin without an end) is reported and left alone the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from vaultkit.markdown.comments import mask_comments
from vaultkit.markdown.patterns import ISO_DATE_RE
from vaultkit.markdown.scanner import code_lines
from vaultkit.notes.links import linked_targets
from vaultkit.props.frontmatter import parse_frontmatter, split_lines

__all__ = ["KINDS", "WRITTEN_ELSEWHERE", "Block", "block_problems", "parse_blocks"]

KINDS: dict[str, frozenset[str]] = {
    "review": frozenset({"period", "start", "end"}),
    "plans": frozenset(),
    "milestones": frozenset({"plan"}),
    "open-tasks": frozenset({"plan", "limit"}),
    "journal": frozenset({"limit"}),
    "chart": frozenset({"plan", "since"}),
    "skills": frozenset(),
}
"""Every block kind and the arguments it accepts."""

WRITTEN_ELSEWHERE = frozenset({"review"})
"""Kinds a command of their own fills (`vaultkit review`), which rollup leaves as they are."""

_MARKER_HEAD_RE = re.compile(r" {0,3}<!--[ \t]*+vaultkit:(begin|end)")
# What may be meant as a marker: `vaultkit` (any case, spaces or dashes between its letters) after a `<`
# and any mix of `!`, dashes (typed or turned into en/em dashes by an editor) and spaces; `vaultkit:`
# anywhere in a comment that starts the line; or a line that is only the start of a marker, cut short
# (`<!-`, `<!-- vaul`; not `<!--` alone, the usual opener of a comment over several lines). Wide on
# purpose: a false alarm leaves a block alone and says so, a miss could let rollup delete the user's text.
_SPACE = r"[^\S\r\n]"  # any space but a line break: a pattern never runs on into the next line
# Possessive runs (`*+`): each run is followed by a character it cannot hold, so giving characters back
# could never help, and a long run of spaces and dashes stays linear instead of quadratic.
_SEP = rf"(?:{_SPACE}|-)*+"
_LEAD = rf"(?:{_SPACE}|[\-\u2013\u2014])*+"  # a dash typed before a marker (or a bullet) does not hide it
_OPENER = rf"<(?:{_SPACE}|[!\-\u2013\u2014])*+"
_PREFIX = "".join(f"(?:{_SEP if i else ''}{c}" for i, c in enumerate("vaultki")) + ")?" * 7
_LOOSE = _OPENER + _SEP.join("vaultkit") + r"|<!.*?vaultkit[ \t]*:"
_CANDIDATE_RE = re.compile(_LEAD + "(?:" + _LOOSE + ")", re.IGNORECASE)
_CUT_SHORT_RE = re.compile(r"(?![ \t]*<!--[ \t]*$)" + _LEAD + _OPENER + _PREFIX + _SEP, re.IGNORECASE)
_ANY_CANDIDATE_RE = re.compile(
    "^" + _LEAD + "(?:" + _LOOSE + "|" + _OPENER + r"(?:v|\r?$))", re.IGNORECASE | re.MULTILINE
)
_COMMENT_OPEN_RE = re.compile(r"[ \t]*<!--")
_MALFORMED = (
    "malformed vaultkit marker: a marker is a line of its own, "
    "<!-- vaultkit:begin KIND --> or <!-- vaultkit:end -->"
)
_ARG_RE = re.compile(r"""[ \t]+([A-Za-z][\w-]*)=("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'=]+)""")
_KIND_RE = re.compile(r"[\w-]+")


@dataclass(frozen=True, slots=True)
class Block:
    """A well-formed managed block. `begin`/`end` index its marker lines in `split_lines(body)`."""

    kind: str
    args: tuple[tuple[str, str], ...]
    spec: str  # kind and arguments as written in the begin marker, e.g. `milestones plan="[[Growth]]"`
    begin: int
    end: int
    line: int  # 1-based file line of the begin marker

    def arg(self, name: str) -> str | None:
        return dict(self.args).get(name)


# ---------------------------------------------------------------------------------------------- parsing


def _may_be_marker(line: str) -> bool:
    return bool(_CANDIDATE_RE.match(line) or _CUT_SHORT_RE.fullmatch(line.rstrip("\r\n")))


def _marker_lines(lines: list[str], body: str) -> list[tuple[int, int | None]]:
    """Lines that may be markers, not in fenced or indented code nor in a `%%comment%%`, each with the
    line of the HTML comment left open above it (None when outside one).

    A line starting with `<!--` and no `-->` opens a comment that runs to the next `-->`, as Markdown
    reads it; a marker inside is hidden text, never a marker, and a mistyped end marker often opens one.
    """
    code = code_lines(body)
    visible = split_lines(mask_comments(body, code)) if "%%" in body else lines
    found: list[tuple[int, int | None]] = []
    comment: int | None = None
    for i, line in enumerate(visible):
        if i in code:
            continue
        if _may_be_marker(line):
            found.append((i, comment))
        if comment is not None:
            if "-->" in line:
                comment = None
        elif _COMMENT_OPEN_RE.match(line) and "-->" not in line[line.index("<!--") + 4 :]:
            comment = i
    return found


def _read_marker(line: str) -> tuple[str, str] | None:
    """("begin" or "end", the text after it) for a well-formed marker line, None for anything else.

    The text after the word may not close the comment early (`-->`, `--!>`) nor end in a dash: those are
    mistyped closers (`-- -->`, `--->`) that would otherwise read as a kind or an argument. Read by
    slicing, not by one pattern: a pattern with a lazy middle between runs of spaces backtracks in
    cubic time on a long line of spaces.
    """
    text = line.rstrip("\r\n").rstrip(" \t")
    head = _MARKER_HEAD_RE.match(text)
    if head is None or not text.endswith("-->"):
        return None
    inner = text[head.end() : len(text) - 3]
    rest = inner.strip(" \t")
    if rest and inner[0] not in " \t":  # `vaultkit:beginplans`, `vaultkit:end-`
        return None
    if "-->" in rest or "--!>" in rest or rest.endswith("-"):
        return None
    return head.group(1), rest


@dataclass(slots=True)
class _Open:
    """The block being read: from a begin marker, or from a broken marker (`header` None)."""

    index: int
    header: str | None
    problem: tuple[int, str] | None = None  # why it is left alone, reported once when it closes


def _unquote(value: str) -> str:
    if value.startswith('"'):
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if value.startswith("'"):
        return value[1:-1]
    return value


def _read_header(header: str) -> tuple[str, tuple[tuple[str, str], ...], str | None]:
    """(kind, args, problem) from the text after `vaultkit:begin`."""
    kind_match = _KIND_RE.match(header)
    if not kind_match:
        return "", (), "begin marker without a kind (write e.g. <!-- vaultkit:begin plans -->)"
    kind = kind_match.group(0)
    if kind not in KINDS:
        known = ", ".join(sorted(set(KINDS) - WRITTEN_ELSEWHERE))  # the kinds a note's author places
        return kind, (), f"unknown block kind {kind!r} (known kinds: {known}); block left untouched"
    rest, pos, args = header[kind_match.end() :], 0, []
    while pos < len(rest.rstrip()):
        match = _ARG_RE.match(rest, pos)
        if not match:
            return kind, (), f'cannot read the arguments {rest.strip()!r} of {kind!r} (write key="value")'
        args.append((match.group(1), _unquote(match.group(2))))
        pos = match.end()
    names = [name for name, _ in args]
    for name in names:
        if name not in KINDS[kind]:
            allowed = ", ".join(sorted(KINDS[kind])) or "none"
            return kind, (), f"{kind!r} blocks take no argument {name!r} (allowed: {allowed})"
        if names.count(name) > 1:
            return kind, (), f"argument {name!r} is given twice"
    for name, value in args:
        if name == "limit" and not (value.isascii() and value.isdigit() and int(value) >= 1):
            return kind, (), f"limit must be a whole number of 1 or more, not {value!r}"
        if name == "since" and not _is_date(value):
            return kind, (), f'since must be a date like since="2026-01-01", not {value!r}'
        if name in ("start", "end") and not _is_date(value):
            return kind, (), f"{name} must be a date like 2026-12-28, not {value!r}"
        if name == "period" and value not in ("week", "month", "quarter"):
            return kind, (), f"period must be week, month or quarter, not {value!r}"
        if name == "plan" and not linked_targets(value):
            return kind, (), f'plan must name a plan, like plan="[[My Plan]]", not {value!r}'
    if kind == "chart" and "plan" not in names:
        return kind, (), 'a chart block names its plan, like <!-- vaultkit:begin chart plan="[[My Plan]]" -->'
    return kind, tuple(args), None


def _is_date(value: str) -> bool:
    """Whether `value` is a calendar date written `YYYY-MM-DD` (`2026-02-30` is not)."""
    if not ISO_DATE_RE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_blocks(body: str, first_line: int = 1) -> tuple[list[Block], list[tuple[int, str]]]:
    """Well-formed blocks of a note body, and problems as (1-based file line, message).

    A block is a well-formed begin marker, then a well-formed end marker, with no other marker, good or
    broken, between them. Anything else (a broken marker, a begin without an end, a stray end, an unknown
    kind) is reported once, and its lines are left alone. A broken marker opens or breaks the block it is
    in; the next end marker closes that broken block, so text after a mistyped end is never taken as part
    of a block, and the good end below it is not reported a second time.
    """
    if "<" not in body or not _ANY_CANDIDATE_RE.search(body):
        return [], []
    lines = split_lines(body)
    blocks: list[Block] = []
    problems: list[tuple[int, str]] = []
    opened: _Open | None = None
    for index, comment in _marker_lines(lines, body):
        marker = _read_marker(lines[index]) if comment is None else None
        line = first_line + index
        if marker is None:
            why = _MALFORMED
            if comment is not None:
                why = f"vaultkit marker inside an HTML comment left open on line {first_line + comment}"
            if opened is None:
                opened = _Open(index, None, (line, why))
            elif opened.problem is None:
                begin = first_line + opened.index
                opened.problem = (line, f"{why}; the block begun on line {begin} is left untouched")
            continue
        what, rest = marker
        if what == "begin":
            if opened is not None:
                problems.append(
                    opened.problem
                    or (
                        first_line + opened.index,
                        f"begin marker has no end marker before the next begin (line {line})",
                    )
                )
            opened = _Open(index, rest)
            continue
        if opened is None:
            problems.append((line, "end marker without a begin marker above it"))
            continue
        closed, opened = opened, None
        if closed.problem is not None or closed.header is None:
            problems.append(closed.problem or (line, _MALFORMED))
            continue
        begin, header = closed.index, closed.header
        kind, args, problem = _read_header(header)
        if problem is None and rest and rest != kind:
            problem = f"end marker says {rest!r} but closes a {kind!r} block (line {first_line + begin})"
        if problem is not None:
            problems.append((first_line + begin, problem))
            continue
        spec = " ".join(header.split())
        blocks.append(Block(kind, args, spec, begin, index, first_line + begin))
    if opened is not None:
        no_end = "begin marker has no end marker (add <!-- vaultkit:end --> below it)"
        problems.append(opened.problem or (first_line + opened.index, no_end))
    problems.sort()
    return blocks, problems


def block_problems(text: str) -> list[tuple[int, str]]:
    """Problems with the managed blocks of a whole note text, as (1-based file line, message)."""
    if "<" not in text or not _ANY_CANDIDATE_RE.search(text.removeprefix("\ufeff")):
        return []
    fm = parse_frontmatter(text)
    body = fm.body_of(text)
    return parse_blocks(body, fm.body_start_line + 1)[1]
