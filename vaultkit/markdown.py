"""The one Markdown parser, and the structure vaultkit reads from a note's body. Pure.

markdown-it-py (CommonMark plus tables) decides the block structure, so a `- [ ]` inside fenced or
indented code, an HTML block or a table cell is not a task, while tasks in blockquotes, callouts and nested
lists are. Obsidian's `%% comments %%` are blanked out first (newlines kept, so line numbers hold). Only the
block phase runs: links, tags and task text are read from each inline token's source text, with code spans
blanked, which is all we need and several times faster than full inline parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .links import Link, find_links
from .tasks import DEFAULT_STATUSES, Task, TaskStatuses, parse_task_fields

__all__ = ["Heading", "Structure", "mask_comments", "scan"]


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.disable("inline")  # we read inline source text ourselves; see the module docstring
    return md


_MD = _build_parser()

_TASK_RE = re.compile(r"\[([^\n])\](?:\s|$)")
_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_TAG_RE = re.compile(r"(?<![^\s(\[{,;])#([\w/-]*[^\W\d][\w/-]*)")
_PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]*\}\}")
_COMMENT_RE = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)


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


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\r\n]", " ", match.group(0))


def _code_lines(tokens: list[Token]) -> set[int]:
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def mask_comments(text: str, code_lines: set[int] | None = None) -> str:
    """Blank out `%%…%%` comments (an unclosed `%%` runs to the end), except on code lines."""
    if "%%" not in text:
        return text
    if not code_lines:
        return _COMMENT_RE.sub(_blank, text)
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    chunk: list[str] = []
    for index, line in enumerate(lines):
        if index in code_lines:
            out.append(_COMMENT_RE.sub(_blank, "".join(chunk)))
            chunk = []
            out.append(line)
        else:
            chunk.append(line)
    out.append(_COMMENT_RE.sub(_blank, "".join(chunk)))
    return "".join(out)


def scan(body: str, first_line: int = 1, statuses: TaskStatuses = DEFAULT_STATUSES) -> Structure:
    """Read tasks, headings, links, tags and leftover `{{placeholders}}` from a note body.

    `first_line` is the 1-based file line of the body's first line (frontmatter comes before it).
    """
    tokens = _MD.parse(body)
    if "%%" in body:
        masked = mask_comments(body, _code_lines(tokens))
        if masked != body:
            tokens = _MD.parse(masked)
    return _walk(tokens, first_line, statuses)


@dataclass(slots=True)
class _Item:
    task_line: int | None = None


def _walk(tokens: list[Token], first_line: int, statuses: TaskStatuses) -> Structure:
    tasks: list[Task] = []
    headings: list[Heading] = []
    links: list[Link] = []
    tags: dict[str, None] = {}
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
            for tag in _TAG_RE.findall(searchable):
                tags.setdefault(tag, None)
        if "{{" in searchable:
            placeholders += [
                (line + searchable.count("\n", 0, m.start()), m.group(0))
                for m in _PLACEHOLDER_RE.finditer(searchable)
            ]

    return Structure(tuple(tasks), tuple(headings), tuple(links), tuple(tags), tuple(placeholders))


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
    text = " ".join(content[match.end() :].split())
    parent = next((item.task_line for item in reversed(items[:-1]) if item.task_line is not None), None)
    dates, priority = parse_task_fields(text) if not text.isascii() or "::" in text else ({}, None)
    return Task(
        line=line,
        status=status,
        state=statuses.classify(status),
        text=text,
        level=len(items) - 1,
        parent=parent,
        heading=tuple(h.text for h in heading_path),
        tags=tuple(dict.fromkeys(_TAG_RE.findall(searchable[match.end() :]))),
        dates=dates,
        priority=priority,
    )
