"""A line scanner for Markdown block structure that gives markdown-it-py's answer, or declines.

the oracle's `scan` runs markdown-it-py, the oracle, at several milliseconds per note: a 10,000-note vault
took a minute to count. This module decides the same block structure in one pass over the lines, for the
constructs notes are made of: paragraphs, ATX and setext headings, bullet and ordered lists nested by spaces
or tabs, blockquotes and callouts, fenced and indented code, HTML blocks, tables, thematic breaks, `%%
comments %%`. It follows markdown-it's rules (including its quirks: a table may interrupt a paragraph, a
setext underline wins over a thematic break). Whenever a note holds something it cannot decide exactly (a lazy
continuation line after a blockquote, an empty list item, a possible link reference definition, tabs inside
blockquotes, an unusually deep nesting), it raises `UndecidedError` and the caller uses markdown-it-py for
that note. Exactness first: a differential test holds the two to identical tasks, headings, links and tags
over every fixture note and over generated notes.

Three outputs: `count_tasks` (done, open, cancelled) for the status summary, without building any
object; `scan_fast`, the same `Structure` as the oracle's `scan`, from the rows `_fast.walk` reads off the
block events (the token walk `markdown._walk` does on markdown-it's tokens, without building tokens; its
patterns are markdown.py's); and `fast_detail`, what a note's full record holds, as rows (the index's detail),
without building a `Note`, its record or any task object.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from vaultkit.markdown._fast.blockrules import UndecidedError
from vaultkit.markdown._fast.blocks import _Blocks, parse_blocks
from vaultkit.markdown._fast.walk import Rows, walk
from vaultkit.markdown.comments import mask_comment_lines, mask_comments
from vaultkit.notes.links import Link, LinkRow, property_link_rows, title_of
from vaultkit.notes.structure import Heading, Structure
from vaultkit.notes.tasks import DEFAULT_STATUSES, Task, TaskStatuses
from vaultkit.props.fast import fast_properties

__all__ = [
    "FastDetail",
    "FastSummary",
    "UndecidedError",
    "code_lines",
    "count_tasks",
    "fast_summary",
    "header_lines",
    "parse_blocks",
    "scan_fast",
]

_NEWLINES_RE: Final = re.compile(r"\r\n?")
# What a note's bytes may hold (`fast_summary` asks the bytes once: searching UTF-8 bytes is many times
# faster than searching the decoded text, which is four bytes a character once a note has an emoji).
_MAY_CR: Final = 1
_MAY_NUL: Final = 2
_MAY_COMMENT: Final = 4
_MAY_FENCE: Final = 8
_UNKNOWN: Final = 15


# ---------------------------------------------------------------------------------------------- reading


def _normalize(text: str, hints: int = _UNKNOWN) -> str:
    """markdown-it's input normalization (line ends to LF, NUL to U+FFFD)."""
    if hints & _MAY_CR and "\r" in text:
        text = _NEWLINES_RE.sub("\n", text)
    return text.replace("\0", "\ufffd") if hints & _MAY_NUL and "\0" in text else text


def _comment_lines(body: str, hints: int = _UNKNOWN) -> set[int] | None:
    """The 0-based lines that hold `%%` when no reading of the body can make one of them code: there is
    no fence anywhere, and each is indented by fewer than four spaces, with no tab and no `>`. Else None.
    """
    if (hints & _MAY_FENCE and ("```" in body or "~~~" in body)) or (hints & _MAY_CR and "\r" in body):
        return None
    found: set[int] = set()
    for index, line in enumerate(body.split("\n")):
        if "%%" in line:
            if not _never_code(line):
                return None
            found.add(index)
    return found


def _parse(body: str, statuses: TaskStatuses | None = None, hints: int = _UNKNOWN) -> _Blocks:
    """The block structure of a note body, as the oracle's `scan` derives it (comments masked, re-parsed).

    the oracle's `scan` parses the body, masks its comments (a `%%` on a code line is literal), and parses the
    masked text again until the code lines settle. When no line with a `%%` can be code in either text
    (`_comment_lines`, then checked on the result), masking ignores code lines, so that loop ends on the
    masked text's parse: one parse instead of two, for most notes with comments.
    """
    comments = bool(hints & _MAY_COMMENT) and "%%" in body
    if comments:
        lines = _comment_lines(body, hints)
        if lines is not None:
            blocks = _Blocks(_normalize(mask_comments(body), hints), statuses)
            blocks.run()
            if not lines & blocks.code:
                return blocks
    blocks = _Blocks(_normalize(body, hints), statuses)
    blocks.run()
    if comments:
        code = blocks.code
        for attempt in range(3):  # as the oracle's scan does: a comment can hide a fence opener
            masked = mask_comments(body, code)
            if attempt == 0 and masked == body:
                break  # nothing hidden: parsing the same text again would give the same blocks
            blocks = _Blocks(_normalize(masked, hints), statuses)
            blocks.run()
            if blocks.code == code:
                break
            code = blocks.code
    return blocks


def _parse_lines(lines: list[str], statuses: TaskStatuses | None, hints: int) -> _Blocks:
    """`_parse` of the body `"\\n".join(lines)` (which `hints` say holds no CR and no NUL), on its lines:
    the same steps, without joining the lines into a text and splitting it again for each parse."""
    marked = [i for i, line in enumerate(lines) if "%%" in line] if hints & _MAY_COMMENT else []
    if not marked:
        blocks = _Blocks("", statuses, lines)
        blocks.run()
        return blocks
    fenced = bool(hints & _MAY_FENCE) and any("```" in line or "~~~" in line for line in lines)
    if not fenced and all(_never_code(lines[i]) for i in marked):  # see `_parse`
        blocks = _Blocks("", statuses, mask_comment_lines(lines, set(), marked))
        blocks.run()
        if not blocks.code.intersection(marked):
            return blocks
    blocks = _Blocks("", statuses, list(lines))
    blocks.run()
    code = blocks.code
    for attempt in range(3):
        masked = mask_comment_lines(lines, code, marked)
        if attempt == 0 and masked == lines:
            break
        blocks = _Blocks("", statuses, masked)
        blocks.run()
        if blocks.code == code:
            break
        code = blocks.code
    return blocks


def _never_code(line: str) -> bool:
    """A line indented by fewer than four spaces, with no tab and no `>`: code in no reading."""
    text = line.lstrip(" ")
    return len(line) - len(text) < 4 and text[:1] != "\t" and text[:1] != ">"


def _count_lines(lines: list[str], statuses: TaskStatuses, hints: int) -> tuple[int, int, int]:
    """`count_tasks` of the body `"\\n".join(lines)`, with `hints` that rule out CR and NUL."""
    done, open_, cancelled = _parse_lines(lines, statuses, hints).counts
    return done, open_, cancelled


def count_tasks(body: str, statuses: TaskStatuses, hints: int = _UNKNOWN) -> tuple[int, int, int]:
    """(done, open, cancelled) of a note body, as `TaskCounts.of(oracle.scan(body).tasks)`.

    A task is a paragraph that is the first child of a list item, on the item's line (`markdown._walk`);
    such a paragraph is exactly one whose first part starts after a list marker.
    """
    done, open_, cancelled = _parse(body, statuses, hints).counts
    return done, open_, cancelled


def code_lines(body: str) -> set[int]:
    """The 0-based lines of a note body that are fenced or indented code, as markdown-it-py reads them
    (comments not masked: a `%%` on a code line is literal), or `UndecidedError`. A 30,000-line summary
    note takes a tenth of a second here, a dozen seconds in markdown-it-py."""
    blocks = _Blocks(_normalize(body), DEFAULT_STATUSES)  # counting mode: no events to build
    blocks.run()
    return blocks.code


def scan_fast(body: str, first_line: int = 1, statuses: TaskStatuses | None = None) -> Structure:
    """Exactly the oracle's `scan(body, first_line, statuses)`, or `UndecidedError`."""

    tasks, headings, links, tags, placeholders = walk(_parse(body), first_line, statuses or DEFAULT_STATUSES)
    return Structure(
        tuple([Task(*row) for row in tasks]),
        tuple([Heading(*row) for row in headings]),
        tuple([Link(*row) for row in links]),
        tuple(tags),
        tuple(placeholders),
    )


# ---------------------------------------------------------------------------------------------- notes

_LINE_RE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")  # frontmatter.split_lines
_FENCE_RE: Final = re.compile(r"---[ \t]*(?:\r\n|\r|\n|\Z)")  # frontmatter's `---` line


def header_lines(text: str) -> list[str]:
    """The lines of `text` up to its closing properties fence (all `parse_frontmatter` reads of it)."""
    lines: list[str] = []
    for match in _LINE_RE.finditer(text):
        line = match.group(0)
        lines.append(line)
        if len(lines) == 1:
            if not _FENCE_RE.fullmatch(line[1:] if line.startswith("\ufeff") else line):
                break
        elif _FENCE_RE.fullmatch(line):
            break
    return lines


class FastSummary(NamedTuple):
    """What `fast_summary` reads of a note file: all that `status` and plan progress need."""

    title: str
    type: str | None
    counts: tuple[int, int, int]  # (done, open, cancelled)
    properties: dict[str, Any]
    problems: tuple[Any, ...]  # the properties' errors, then their warnings
    has_properties: bool


def _is_fence(line: str) -> bool:
    """`_FENCE_RE` on a line without its line end: `---` and blanks."""
    return line.startswith("---") and not line[3:].strip(" \t")


def _plain_summary(
    path: str, data: bytes, statuses: TaskStatuses, hints: int, count_body: CountBody
) -> FastSummary | None:
    """`fast_summary` of a note without CR or NUL whose properties `fast_properties` reads, from its lines
    decoded one by one; None to take the general path. Splitting the UTF-8 bytes and decoding each line
    costs a fraction of decoding the whole note (four bytes a character once it holds an emoji) and
    splitting that."""
    split = _plain_split(data, None)
    if split is None:
        return None
    body, body_line, props, present = split
    try:
        counts = _count_lines(body, statuses, hints)
    except UndecidedError:
        counts = count_body("\n".join(body), body_line, statuses)
    return FastSummary(title_of(path), _kind(props), counts, props, (), present)


def _plain_split(
    data: bytes, linked: list[tuple[str, int, str]] | None
) -> tuple[list[str], int, dict[str, Any], bool] | None:
    """(body lines, the body's first line, properties, has properties) of a note without CR or NUL, its
    lines decoded one by one; None when it is not UTF-8 or its properties are outside what
    `fast_properties` reads (the general path decides those). With `linked`, as `fast_properties`."""
    try:
        lines = [line.decode("utf-8") for line in data.split(b"\n")]
    except UnicodeDecodeError:
        return None  # the general path says so
    first = lines[0].removeprefix("\ufeff")
    close = 0
    if _is_fence(first):
        for index in range(1, len(lines)):
            if _is_fence(lines[index]):
                close = index
                break
    if close:
        found = fast_properties(lines[1:close], linked)
        if found is None:
            return None
        return lines[close + 1 :], close + 2, found, True
    lines[0] = first
    return lines, 1, {}, False


def _kind(props: dict[str, Any]) -> str | None:
    """The note's type as `Note.type` reads it: the `type` property, trimmed and lower-cased."""
    value = props.get("type")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


#: (done, open, cancelled) of a body the scanner declines (its text, its first line, the statuses): the
#: caller's other engine, so this module never imports markdown-it-py (see `vaultkit.markdown.scanner`).
CountBody = Callable[[str, int, TaskStatuses], tuple[int, int, int]]

#: How many notes' properties took the YAML path here (`parse_frontmatter`) instead of `fast_properties`.
YAML_READS: Final[list[int]] = [0]


def fast_summary(path: str, data: bytes, statuses: TaskStatuses, count_body: CountBody) -> FastSummary | None:
    """(title, type, counts, properties, problems, has properties) of a note file, or None to use the
    reference path (binary or non-UTF-8 files). `count_body` counts a body the block scanner declines."""
    if data.find(b"\x00", 0, 8192) >= 0:
        return None
    hints = _hints(data)
    if not hints & (_MAY_CR | _MAY_NUL):
        plain = _plain_summary(path, data, statuses, hints, count_body)
        if plain is not None:
            return plain
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    body, body_line, props, present, problems = _split(text, None)
    try:
        counts = count_tasks(body, statuses, hints)
    except UndecidedError:
        counts = count_body(body, body_line, statuses)
    return FastSummary(title_of(path), _kind(props), counts, props, problems, present)


def _split(
    text: str, linked: list[tuple[str, int, str]] | None
) -> tuple[str, int, dict[str, Any], bool, tuple[Any, ...]]:
    """(body, its first line, properties, has properties, problems) of a note's text: plain properties
    read directly, anything else by `parse_frontmatter`. With `linked`, the property values that may hold
    links are added to it (as `fast_properties` and `Frontmatter.scalars` give them)."""
    lines = header_lines(text)
    props: dict[str, Any] | None = {}
    present = len(lines) > 1 and _FENCE_RE.fullmatch(lines[-1]) is not None
    if present:
        props = fast_properties(lines[1:-1], linked)
    if props is not None:
        body = text[sum(map(len, lines)) :] if present else text.removeprefix("\ufeff")
        return body, len(lines) + 1 if present else 1, props, present, ()
    from vaultkit.props.frontmatter import parse_frontmatter

    YAML_READS[0] += 1
    fm = parse_frontmatter(text, lines)
    if linked is not None:
        linked[:] = fm.scalars
    body = fm.body_of(text)
    errors = tuple(p for p in fm.problems if p.severity == "error")
    problems = errors + tuple(p for p in fm.problems if p.severity != "error")
    return body, fm.body_start_line + 1, fm.properties, fm.present, problems


def _hints(data: bytes) -> int:
    """What a note's bytes may hold that decides the scanner's path (searched once, in the bytes)."""
    return (
        (_MAY_CR if b"\r" in data else 0)
        | (_MAY_NUL if b"\0" in data else 0)
        | (_MAY_COMMENT if b"%%" in data else 0)
        | (_MAY_FENCE if b"```" in data or b"~~~" in data else 0)
    )


class FastDetail(NamedTuple):
    """What `fast_detail` reads of a note file: what its full record holds, as rows."""

    title: str
    type: str | None
    properties: dict[str, Any]
    problems: tuple[Any, ...]  # the properties' errors, then their warnings
    has_properties: bool
    body: Rows  # the body's tasks, headings, links, tags and placeholders
    property_links: list[LinkRow]


def fast_detail(path: str, data: bytes, statuses: TaskStatuses) -> FastDetail | None:
    """What `NoteRecord.from_note` reads of a note file, as rows, or None to use the reference path
    (binary or non-UTF-8 files, and bodies the block scanner declines).

    The parts are those `fast_summary` reads, and the body's structure (`fastwalk`); the problems are the
    properties' errors, then their warnings, as `Note` lists them.
    """
    if data.find(b"\x00", 0, 8192) >= 0:
        return None
    hints = _hints(data)
    try:
        if not hints & (_MAY_CR | _MAY_NUL):
            plain = _plain_detail(path, data, statuses, hints)
            if plain is not None:
                return plain
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        linked: list[tuple[str, int, str]] = []
        body, body_line, props, present, problems = _split(text, linked)
        rows = walk(_parse(body, None, hints), body_line, statuses)
    except UndecidedError:
        return None
    links = property_link_rows(linked)
    return FastDetail(title_of(path), _kind(props), props, problems, present, rows, links)


def _plain_detail(path: str, data: bytes, statuses: TaskStatuses, hints: int) -> FastDetail | None:
    """`fast_detail` of a note without CR or NUL whose properties `fast_properties` reads, from its lines
    decoded one by one (see `_plain_summary`); None to take the general path."""
    linked: list[tuple[str, int, str]] = []
    split = _plain_split(data, linked)
    if split is None:
        return None
    body, body_line, props, present = split
    rows = walk(_parse_lines(body, None, hints), body_line, statuses)
    return FastDetail(title_of(path), _kind(props), props, (), present, rows, property_link_rows(linked))
