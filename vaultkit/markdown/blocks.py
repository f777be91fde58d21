"""Managed-block markers: where rollup may write in a note, read from its text. Pure.

A user puts `<!-- vaultkit:begin KIND ARGS -->` and `<!-- vaultkit:end -->` lines in any note; rollup
replaces only the lines between them (`vaultkit.rollup.dashboards`). A marker inside code or a
`%%comment%%` is not a marker. Anything this module cannot read (unknown kind, bad argument, a begin
without an end) is reported by `block_problems`, which `vaultkit check` and `vaultkit rollup` show, and
its lines are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vaultkit.markdown.comments import mask_comments
from vaultkit.markdown.scanner import code_lines
from vaultkit.notes.links import linked_targets
from vaultkit.props.frontmatter import parse_frontmatter, split_lines

__all__ = ["KINDS", "Block", "block_problems", "parse_blocks"]

KINDS: dict[str, frozenset[str]] = {
    "plans": frozenset(),
    "milestones": frozenset({"plan"}),
    "open-tasks": frozenset({"plan", "limit"}),
    "journal": frozenset({"limit"}),
}
"""Every block kind and the arguments it accepts."""

_MARKER_RE = re.compile(r" {0,3}<!--[ \t]*vaultkit:(begin|end)(?![\w-])[ \t]*(.*?)[ \t]*-->[ \t]*")
_CANDIDATE_RE = re.compile(r" {0,3}<!--.*vaultkit:")
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


def _marker_lines(lines: list[str], body: str) -> list[int]:
    """Indexes of lines that may be markers: not in fenced or indented code, not in a `%%comment%%`."""
    code = code_lines(body)
    visible = split_lines(mask_comments(body, code)) if "%%" in body else lines
    return [
        i
        for i, line in enumerate(visible)
        if i not in code and "vaultkit:" in line and _CANDIDATE_RE.match(line)
    ]


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
        known = ", ".join(sorted(KINDS))
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
        if name == "plan" and not linked_targets(value):
            return kind, (), f'plan must name a plan, like plan="[[My Plan]]", not {value!r}'
    return kind, tuple(args), None


def parse_blocks(body: str, first_line: int = 1) -> tuple[list[Block], list[tuple[int, str]]]:
    """Well-formed blocks of a note body, and problems as (1-based file line, message).

    A block is a begin marker, then an end marker with no other begin marker between them. Anything else
    (a begin without an end, a stray end, an unknown kind) is reported, and its lines are left alone.
    """
    if "vaultkit:" not in body:
        return [], []
    lines = split_lines(body)
    blocks: list[Block] = []
    problems: list[tuple[int, str]] = []
    opened: tuple[int, str] | None = None
    for index in _marker_lines(lines, body):
        match = _MARKER_RE.fullmatch(lines[index].rstrip("\r\n"))
        line = first_line + index
        if match is None:
            problems.append(
                (
                    line,
                    "malformed vaultkit marker: a marker is a line of its own, "
                    "<!-- vaultkit:begin KIND --> or <!-- vaultkit:end -->",
                )
            )
            continue
        what, rest = match.group(1), match.group(2)
        if what == "begin":
            if opened is not None:
                problems.append(
                    (
                        first_line + opened[0],
                        f"begin marker has no end marker before the next begin (line {line})",
                    )
                )
            opened = (index, rest)
            continue
        if opened is None:
            problems.append((line, "end marker without a begin marker above it"))
            continue
        begin, header = opened
        opened = None
        kind, args, problem = _read_header(header)
        if problem is None and rest and rest != kind:
            problem = f"end marker says {rest!r} but closes a {kind!r} block (line {first_line + begin})"
        if problem is not None:
            problems.append((first_line + begin, problem))
            continue
        spec = " ".join(header.split())
        blocks.append(Block(kind, args, spec, begin, index, first_line + begin))
    if opened is not None:
        problems.append(
            (first_line + opened[0], "begin marker has no end marker (add <!-- vaultkit:end --> below it)")
        )
    problems.sort()
    return blocks, problems


def block_problems(text: str) -> list[tuple[int, str]]:
    """Problems with the managed blocks of a whole note text, as (1-based file line, message)."""
    if "vaultkit:" not in text:
        return []
    fm = parse_frontmatter(text)
    body = fm.body_of(text)
    return parse_blocks(body, fm.body_start_line + 1)[1]
