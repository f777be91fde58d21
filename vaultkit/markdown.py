"""The one Markdown parser, and the structure vaultkit reads from a note's body. Pure.

markdown-it-py (CommonMark plus tables) decides the block structure, so a `- [ ]` inside fenced or
indented code, an HTML block or a table cell is not a task, while tasks in blockquotes, callouts and nested
lists are. Obsidian's `%% comments %%` are blanked out first (newlines kept, so line numbers hold). Only the
block phase runs: links, tags and task text are read from each inline token's source text, with code spans
blanked, which is all we need and several times faster than full inline parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .comments import mask_comments
from .links import Link, find_links
from .tasks import DEFAULT_STATUSES, Task, TaskStatuses, parse_task_fields

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["Heading", "Structure", "mask_comments", "note_tags", "scan"]


@cache
def _build_parser() -> MarkdownIt:
    """Built on first use: importing markdown-it costs more than a warm `status` run (see fastscan)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.disable("inline")  # we read inline source text ourselves; see the module docstring
    return md


_TASK_RE = re.compile(r"\[([^\n])\](?:[ \t\n]|$)")
_CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# Obsidian's own rule (app.js): `#` at the start or after whitespace, then characters other than
# whitespace and this punctuation; at least one must be a non-digit (`#1984` is not a tag).
_TAG_RE = re.compile(r"(?<!\S)#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
_LINK_SPAN_RE = re.compile(r"!?\[\[[^\[\]\n]*\]\]|\]\([^)\n]*\)")
_PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]*\}\}|<%[^\n]*?%>")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int

    def as_dict(self) -> dict[str, object]:
        return {"level": self.level, "text": self.text, "line": self.line}


@dataclass(frozen=True, slots=True)
class Structure:
    """What a body holds. Line numbers are 1-based in the whole file."""

    tasks: tuple[Task, ...] = ()
    headings: tuple[Heading, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    placeholders: tuple[tuple[int, str], ...] = ()


def note_tags(prop: object, body_tags: Iterable[str]) -> tuple[str, ...]:
    """A note's tags (`Note.tags`): those of its `tags` property (a list, or words split by blanks and
    commas; `#` dropped), then its body's, without `#`, in order of appearance; tags ignore case."""
    found: dict[str, str] = {}  # lower-case -> first spelling (Obsidian tags ignore case)
    values = prop if isinstance(prop, list) else str(prop).replace(",", " ").split() if prop else []
    for value in values:
        tag = value.strip().lstrip("#") if isinstance(value, str) else ""
        if tag:
            found.setdefault(tag.lower(), tag)
    for tag in body_tags:
        found.setdefault(tag.lower(), tag)
    return tuple(found.values())


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\r\n]", " ", match.group(0))


def _code_lines(tokens: list[Token]) -> set[int]:
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def scan(
    body: str, first_line: int = 1, statuses: TaskStatuses = DEFAULT_STATUSES, *, fast: bool = True
) -> Structure:
    """Read tasks, headings, links, tags and leftover `{{placeholders}}` from a note body.

    `first_line` is the 1-based file line of the body's first line (frontmatter comes before it).
    With `fast`, `fastscan` decides the block structure when it can do so exactly (several times faster;
    tests hold it to this function with `fast=False`, markdown-it-py, the oracle).
    """
    if fast:
        from .fastscan import UndecidedError, scan_fast

        try:
            return scan_fast(body, first_line, statuses)
        except UndecidedError:
            pass
    tokens = _build_parser().parse(body)
    if "%%" in body:
        code = _code_lines(tokens)
        for _ in range(3):  # a comment can hide a fence opener, which changes what is code
            masked = mask_comments(body, code)
            tokens = _build_parser().parse(masked)
            new_code = _code_lines(tokens)
            if new_code == code:
                break
            code = new_code
    return _walk(tokens, first_line, statuses)


@dataclass(slots=True)
class _Item:
    task_line: int | None = None


def _walk(tokens: list[Token], first_line: int, statuses: TaskStatuses) -> Structure:
    tasks: list[Task] = []
    headings: list[Heading] = []
    links: list[Link] = []
    tags: dict[str, str] = {}  # lower-case -> first spelling (tags ignore case)
    placeholders: list[tuple[int, str]] = []
    heading_path: list[Heading] = []
    items: list[_Item] = []
    pending_item_line: int | None = None
    pending_heading: int | None = None

    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "list_item_open":
            items.append(_Item())
            pending_item_line = token.map[0] if token.map else None
            continue
        if kind == "list_item_close":
            items.pop()
            continue
        if kind == "heading_open":
            pending_heading = int(token.tag[1])
            continue
        if kind != "inline":
            if kind != "paragraph_open":
                pending_item_line = None
            continue

        line0 = token.map[0] if token.map else 0
        content = token.content
        searchable = _CODE_SPAN_RE.sub(_blank, content) if "`" in content else content
        line = first_line + line0

        if pending_heading is not None:
            heading = Heading(pending_heading, content.strip(), line)
            headings.append(heading)
            while heading_path and heading_path[-1].level >= heading.level:
                heading_path.pop()
            heading_path.append(heading)
            pending_heading = None

        if (
            pending_item_line is not None
            and pending_item_line == line0
            and tokens[index - 1].type == "paragraph_open"
        ):
            match = _TASK_RE.match(content)
            if match:
                items[-1].task_line = line
                tasks.append(_make_task(match, content, searchable, line, items, heading_path, statuses))
        pending_item_line = None

        if "[" in searchable:
            links.extend(find_links(searchable, line))
        if "#" in searchable:
            for tag in _tags(searchable):
                tags.setdefault(tag.lower(), tag)
        if "{{" in searchable or "<%" in searchable:
            placeholders += [
                (line + searchable.count("\n", 0, m.start()), m.group(0))
                for m in _PLACEHOLDER_RE.finditer(searchable)
            ]

    return Structure(tuple(tasks), tuple(headings), tuple(links), tuple(tags.values()), tuple(placeholders))


def _tags(text: str) -> list[str]:
    """`#tags` in inline text (link targets and anchors are not tags)."""
    if "[" in text:
        text = _LINK_SPAN_RE.sub(_blank, text)
    return [tag for tag in _TAG_RE.findall(text) if not tag.isdigit()]


def _make_task(
    match: re.Match[str],
    content: str,
    searchable: str,
    line: int,
    items: list[_Item],
    heading_path: list[Heading],
    statuses: TaskStatuses,
) -> Task:
    status = match.group(1)
    # A task is one line, as in the Tasks plugin: a wrapped continuation is not part of its text or fields.
    after = match.start() + 3
    end = content.find("\n", after)
    end = len(content) if end < 0 else end
    text = " ".join(content[after:end].split())
    fields = searchable[after:end]
    dates, priority = parse_task_fields(fields) if not fields.isascii() or "::" in fields else ({}, None)
    parent = next((item.task_line for item in reversed(items[:-1]) if item.task_line is not None), None)
    return Task(
        line=line,
        status=status,
        state=statuses.classify(status),
        text=text,
        level=len(items) - 1,
        parent=parent,
        heading=tuple(h.text for h in heading_path),
        tags=tuple(dict.fromkeys(_tags(fields))),
        dates=dates,
        priority=priority,
    )
