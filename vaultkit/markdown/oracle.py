"""markdown-it-py, the oracle: the reference reading of a note body. Pure.

markdown-it-py (CommonMark plus tables) decides the block structure, so a `- [ ]` inside fenced or
indented code, an HTML block or a table cell is not a task, while tasks in blockquotes, callouts and nested
lists are. Obsidian's `%% comments %%` are blanked out first (newlines kept, so line numbers hold). Only the
block phase runs: links, tags and task text are read from each inline token's source text, with code spans
blanked, which is all we need and several times faster than full inline parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from vaultkit.markdown.comments import mask_comments
from vaultkit.markdown.patterns import CODE_SPAN_RE, LINK_SPAN_RE, PLACEHOLDER_RE, TAG_RE, TASK_RE
from vaultkit.notes.lines import LineCounter
from vaultkit.notes.links import Link, find_links
from vaultkit.notes.structure import Heading, Structure
from vaultkit.notes.tasks import DEFAULT_STATUSES, Task, TaskStatuses, parse_task_fields

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.token import Token

__all__ = ["MAX_LEVEL", "code_lines", "scan", "unread_lines"]


#: How deep markdown-it may nest blocks (each list is two levels, its list and its item; each blockquote one).
#: markdown-it's own limit (`maxNesting`, 20 in the commonmark preset) drops the rest of the document once
#: a line reaches it, so every task below a `- - - … - [ ] x` line of 10 or more markers vanished. Ours
#: skips only the lines that are too deep (`_skip_too_deep`) and `unread_lines` names them for `check`.
#: Each level costs markdown-it two or three Python frames: 100 stays far below the recursion limit.
MAX_LEVEL = 100


@cache
def _build_parser() -> MarkdownIt:
    """Built on first use: importing markdown-it costs more than a warm `status` run (see fastscan)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": 10 * MAX_LEVEL}).enable("table")
    md.disable("inline")  # we read inline source text ourselves; see the module docstring
    md.block.ruler.before("table", "too_deep", _skip_too_deep)
    return md


def _skip_too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block that starts `MAX_LEVEL` levels deep: skip its line and note it in `env["too_deep"]`.

    The parse goes on with the next line, so what follows the deep part is read as usual (markdown-it's
    own `maxNesting` would drop it all), and the recursion stays bounded (no `RecursionError` for a
    note with 1,000 nested list markers or `>`s).
    """
    if state.level < MAX_LEVEL:
        return False
    if not silent:
        state.env.setdefault("too_deep", []).append(start)
        state.line = start + 1
    return True


def _parse(body: str, env: dict[str, list[int]] | None = None) -> list[Token]:
    return _build_parser().parse(body, {} if env is None else env)


def unread_lines(body: str) -> list[int]:
    """The 0-based lines of `body` nested more than `MAX_LEVEL` levels deep, which `scan` does not read
    (their tasks, links and tags are not counted)."""
    env: dict[str, list[int]] = {}
    _parse(mask_comments(body, _code_lines(_parse(body))) if "%%" in body else body, env)
    return sorted(set(env.get("too_deep", [])))


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\r\n]", " ", match.group(0))


def _code_lines(tokens: list[Token]) -> set[int]:
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def code_lines(body: str) -> set[int]:
    """The 0-based lines of `body` that are fenced or indented code (comments not masked)."""
    return _code_lines(_parse(body))


def scan(body: str, first_line: int = 1, statuses: TaskStatuses = DEFAULT_STATUSES) -> Structure:
    """Read tasks, headings, links, tags and leftover `{{placeholders}}` from a note body.

    `first_line` is the 1-based file line of the body's first line (frontmatter comes before it). This is
    the reference reading; callers go through `vaultkit.markdown.scanner`, which uses the fast scanner
    wherever that gives exactly this answer.
    """
    tokens = _parse(body)
    if "%%" in body:
        code = _code_lines(tokens)
        for _ in range(3):  # a comment can hide a fence opener, which changes what is code
            masked = mask_comments(body, code)
            tokens = _parse(masked)
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
        searchable = CODE_SPAN_RE.sub(_blank, content) if "`" in content else content
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
            match = TASK_RE.match(content)
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
            lines = LineCounter(searchable, line)
            placeholders += [
                (lines.line_at(m.start()), m.group(0)) for m in PLACEHOLDER_RE.finditer(searchable)
            ]

    return Structure(tuple(tasks), tuple(headings), tuple(links), tuple(tags.values()), tuple(placeholders))


def _tags(text: str) -> list[str]:
    """`#tags` in inline text (link targets and anchors are not tags)."""
    if "[" in text:
        text = LINK_SPAN_RE.sub(_blank, text)
    return [tag for tag in TAG_RE.findall(text) if not tag.isdigit()]


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
