"""The fast scanner's block events read as a note's structure: its tasks, headings, links, tags and
placeholders, as rows.

`markdown._walk` reads these from markdown-it-py's tokens, the oracle. This module reads them straight from
the events of `fastblocks._Blocks` (no token objects), by the same inline rules, and gives each task,
heading and link as a row: the tuple of its fields in the order of its class (`Task`, `Heading`, `Link`).
The index stores rows as they are; `_fast.scan.scan_fast` builds the objects from them. Compiled by mypyc
with the scanner (setup.py); the differential tests hold it to `markdown._walk` on markdown-it's tokens.

What makes it cheaper than the token walk, besides the compiler: every regular expression is tried only
where a plain substring test says it can match (`[[` or `](` for links, `#` for tags), a task's heading
path is built once per heading rather than once per task, and task states are classified once per
status character.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, NamedTuple

from vaultkit.markdown._fast.blockrules import MD_TRIM_CHARS
from vaultkit.markdown._fast.blocks import _Blocks
from vaultkit.markdown.patterns import CODE_SPAN_RE, LINK_SPAN_RE, PLACEHOLDER_RE, TAG_RE
from vaultkit.notes.lines import LineCounter
from vaultkit.notes.links import LinkRow, link_rows
from vaultkit.notes.tasks import TaskStatuses, parse_task_fields

__all__ = ["HeadingRow", "Rows", "TaskRow", "walk"]

#: A task's fields in `Task`'s order: line, status, state, text, level, parent, heading, tags, dates,
#: priority.
TaskRow = tuple[
    int, str, str, str, int, int | None, tuple[str, ...], tuple[str, ...], dict[str, dt.date], str | None
]
#: A heading's fields in `Heading`'s order: level, text, line.
HeadingRow = tuple[int, str, int]
#: (tasks, headings, links, tags, placeholders): a `markdown.Structure` as rows.
class Rows(NamedTuple):
    """A body's structure as rows (each row a tuple of its object's fields, in order)."""

    tasks: list[TaskRow]
    headings: list[HeadingRow]
    links: list[LinkRow]
    tags: list[str]
    placeholders: list[tuple[int, str]]

_NOT_NEWLINE_RE: Final = re.compile(r"[^\r\n]")


def _content(lines: list[str], parts: tuple[tuple[int, int, int], ...], indent: int) -> str:
    """An inline token's content: markdown-it's `getLines(start, end, blkIndent)`, trimmed."""
    if len(parts) == 1:
        line, bmark, start = parts[0]
        if start >= 0:  # a list item's first line, the paragraph's only one: the most common inline
            return lines[line][start:].strip(MD_TRIM_CHARS)
    out = []
    for line, bmark, start in parts:
        s = lines[line]
        if start >= 0:  # a list item's first line: its content starts after the marker
            out.append(s[start:])
            continue
        column = 0
        pos = bmark
        n = len(s)
        while pos < n and column < indent:
            ch = s[pos]
            if ch == " ":
                column += 1
            elif ch == "\t":
                column += 4 - column % 4
            else:
                break
            pos += 1
        out.append(" " * (column - indent) + s[pos:] if column > indent else s[pos:])
    return "\n".join(out).strip(MD_TRIM_CHARS)


def _blank(match: re.Match[str]) -> str:
    """`markdown._blank`: the match with every character but line ends made a space."""
    text = match.group(0)
    if "\n" in text or "\r" in text:
        return _NOT_NEWLINE_RE.sub(" ", text)
    return " " * len(text)


def _tags(text: str) -> list[str]:
    """`markdown._tags`: `#tags` in inline text (link targets and anchors are not tags)."""
    if "[[" in text or "](" in text:  # what `LINK_SPAN_RE` needs to match at all
        text = LINK_SPAN_RE.sub(_blank, text)
    return [tag for tag in TAG_RE.findall(text) if not tag.isdigit()]


def _is_task(content: str) -> bool:
    """`markdown._TASK_RE.match(content)`: `[`, one character but a newline, `]`, then a blank or the end."""
    n = len(content)
    if n < 3 or content[0] != "[" or content[2] != "]" or content[1] == "\n":
        return False
    return n == 3 or content[3] in " \t\n"


class _Walk:
    """What the walk keeps between events (see `walk`)."""

    def __init__(self, first_line: int, statuses: TaskStatuses) -> None:
        self.first_line = first_line
        self.statuses = statuses
        self.tasks: list[TaskRow] = []
        self.headings: list[HeadingRow] = []
        self.links: list[LinkRow] = []
        self.tags: dict[str, str] = {}  # lower-case -> first spelling (tags ignore case)
        self.placeholders: list[tuple[int, str]] = []
        self.levels: list[int] = []  # the heading path: levels and texts, outermost first
        self.texts: list[str] = []
        self.path: tuple[str, ...] = ()  # `texts` as a tuple, what each task below them holds
        self.items: list[int | None] = []  # per open list item, the line of its task
        self.states: dict[str, str] = {}

    def heading(self, level: int, content: str, line0: int) -> None:
        text = content.strip()
        self.headings.append((level, text, self.first_line + line0))
        levels = self.levels
        texts = self.texts
        while levels and levels[-1] >= level:
            levels.pop()
            texts.pop()
        levels.append(level)
        texts.append(text)
        self.path = tuple(texts)

    def inline(self, content: str, line0: int, task: bool) -> None:
        """One inline token's content: a task (when `task` and it reads as one), links, tags, placeholders."""
        searchable = CODE_SPAN_RE.sub(_blank, content) if "`" in content else content
        line = self.first_line + line0
        if task and _is_task(content):
            self.task(content, searchable, line)
        if "[[" in searchable or "](" in searchable:  # what `find_links` needs to find anything
            self.links.extend(link_rows(searchable, line))
        if "#" in searchable:
            tags = self.tags
            for tag in _tags(searchable):
                key = tag.lower()
                if key not in tags:
                    tags[key] = tag
        if "{{" in searchable or "<%" in searchable:
            lines = LineCounter(searchable, line)
            for m in PLACEHOLDER_RE.finditer(searchable):
                self.placeholders.append((lines.line_at(m.start()), m.group(0)))

    def task(self, content: str, searchable: str, line: int) -> None:
        """`markdown._make_task`, as a row."""
        items = self.items
        items[-1] = line
        status = content[1]
        state = self.states.get(status)
        if state is None:
            state = self.states[status] = self.statuses.classify(status)
        # A task is one line, as in the Tasks plugin: a wrapped continuation is not part of its text or
        # fields.
        end = content.find("\n", 3)
        if end < 0:
            end = len(content)
        text = " ".join(content[3:end].split())
        fields = searchable[3:end]
        dates: dict[str, dt.date]
        priority: str | None
        if not fields.isascii() or "::" in fields:
            dates, priority = parse_task_fields(fields)
        else:
            dates, priority = {}, None
        parent: int | None = None
        index = len(items) - 2
        while index >= 0:
            found = items[index]
            if found is not None:
                parent = found
                break
            index -= 1
        tags: tuple[str, ...] = tuple(dict.fromkeys(_tags(fields))) if "#" in fields else ()
        self.tasks.append(
            (line, status, state, text, len(items) - 1, parent, self.path, tags, dates, priority)
        )


def walk(blocks: _Blocks, first_line: int, statuses: TaskStatuses) -> Rows:
    """The rows of `markdown._walk(tokens, first_line, statuses)` for the tokens markdown-it would have
    made of the blocks `blocks` recorded (its events, on its lines)."""
    lines = blocks.lines
    state = _Walk(first_line, statuses)
    items = state.items
    # The line of the list item just opened: its first paragraph, when it starts on that line, may be a task.
    # As in `_walk`: an item's close keeps it, any other event clears it.
    pending = -1
    event: tuple[Any, ...]
    for event in blocks.events:
        kind: str = event[0]
        if kind == "item":
            items.append(None)
            pending = event[1]
        elif kind == "/item":
            items.pop()
        elif kind == "para":
            line0: int = event[1]
            state.inline(_content(lines, event[2], event[3]), line0, pending == line0)
            pending = -1
        elif kind == "atx":
            state.heading(event[1], event[3], event[2])
            state.inline(event[3], event[2], False)
            pending = -1
        elif kind == "heading":
            content = _content(lines, event[3], event[4])
            state.heading(event[1], content, event[2])
            state.inline(content, event[2], False)
            pending = -1
        elif kind == "cells":
            for cell in event[2]:
                state.inline(cell, event[1], False)
                pending = -1  # each cell's `td_open` clears it
        else:
            pending = -1
    return Rows(state.tasks, state.headings, state.links, list(state.tags.values()), state.placeholders)
