"""Obsidian's `%% comments %%`: blanked out of a note body before Markdown reads it. Pure.

Kept apart from `markdown` (which imports markdown-it-py) because the fast scanner needs it on every note
with a comment, and it is compiled with the scanner (setup.py).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["mask_comment_lines", "mask_comments"]

_LINE_RE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# In a line outside a comment: a code span (whose `%%` is literal) or the start of a comment.
_OPEN_RE: Final = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)|%%")


def mask_comments(text: str, code_lines: set[int] | None = None) -> str:
    """Blank out `%%…%%` comments (an unclosed `%%` runs to the end); lines and columns are kept.

    Read left to right as Obsidian does: `%%` inside a code span, or on a line of a code block
    (`code_lines`, 0-based) that is not already inside a comment, is literal text. A line that is all
    comment becomes blank; on a line that keeps other text the comment becomes no-break spaces, which
    Markdown does not count as indentation (`%% note %% text` must stay a paragraph, not become code).

    Only the lines that hold a `%%` or lie inside a comment are looked at: the text between them is
    copied (or blanked) whole, which matters because most lines of a note hold neither.
    """
    if "%%" not in text:
        return text
    code = code_lines or set()
    if "\r" in text:
        return _mask_by_line(text, code)
    out: list[str] = []
    size = len(text)
    pos = 0  # the start of a line; everything before it is done
    line = 0  # that line's 0-based index
    in_comment = False
    while pos < size:
        hit = text.find("%%", pos)
        if hit < 0:
            tail = text[pos:]
            out.append(_blank_lines(tail) if in_comment else tail)
            break
        start = text.rfind("\n", pos, hit) + 1 or pos
        if start > pos:  # whole lines without `%%`: kept, or blank inside a comment
            skipped = text[pos:start]
            out.append(_blank_lines(skipped) if in_comment else skipped)
            line += skipped.count("\n")
        end = text.find("\n", hit)
        if end < 0:
            end = size
        if not in_comment and line in code:
            out.append(text[start:end])
        else:
            masked, in_comment = _mask_line(text[start:end], in_comment)
            out.append(masked)
        if end < size:
            out.append("\n")
        pos = end + 1
        line += 1
    return "".join(out)


def mask_comment_lines(lines: list[str], code_lines: set[int], marked: list[int] | None = None) -> list[str]:
    """`mask_comments` of `"\\n".join(lines)`, split the same way: for a caller that holds the lines.

    `marked`, when given, lists (in order) the indexes of the lines that hold `%%`; only they and the lines
    inside a comment are looked at.
    """
    if marked is None:
        marked = [index for index, line in enumerate(lines) if "%%" in line]
    out = list(lines)
    in_comment = False
    after = 0  # the first line not yet looked at
    for index in marked:
        if in_comment:  # lines without `%%` inside a comment: blank
            for inside in range(after, index):
                out[inside] = " " * len(lines[inside])
        after = index + 1
        if not in_comment and index in code_lines:
            continue
        out[index], in_comment = _mask_line(lines[index], in_comment)
    if in_comment:
        for inside in range(after, len(lines)):
            out[inside] = " " * len(lines[inside])
    return out


def _blank_lines(text: str) -> str:
    """Lines inside a comment: every character but the line ends becomes a space."""
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _mask_line(body: str, in_comment: bool) -> tuple[str, bool]:
    """One line (without its line end) with its comments blanked, and whether a comment is open after it."""
    kept: list[tuple[int, int]] = []  # spans of `body` outside comments
    pos = 0
    while pos < len(body):
        if in_comment:
            end = body.find("%%", pos)
            pos, in_comment = (len(body), True) if end < 0 else (end + 2, False)
            continue
        match = _OPEN_RE.search(body, pos)
        while match is not None and match.group(0) != "%%":
            match = _OPEN_RE.search(body, match.end())
        stop = len(body) if match is None else match.start()
        kept.append((pos, stop))
        pos, in_comment = (stop + 2, True) if match is not None else (stop, in_comment)
    visible = "".join(body[a:b] for a, b in kept)
    fill = " " if not visible.strip() else "\u00a0"
    chars = [fill] * len(body)
    for a, b in kept:
        chars[a:b] = body[a:b]
    return "".join(chars), in_comment


def _mask_by_line(text: str, code: set[int]) -> str:
    """`mask_comments` line by line, for text with `\\r` line ends (rare: the same rules, slower)."""
    out: list[str] = []
    in_comment = False
    for index, line in enumerate(_LINE_RE.findall(text)):
        if not in_comment and (index in code or "%%" not in line):
            out.append(line)
            continue
        body = line.rstrip("\r\n")
        masked, in_comment = _mask_line(body, in_comment)
        out.append(masked + line[len(body) :])
    return "".join(out)
