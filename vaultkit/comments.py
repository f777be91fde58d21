"""Obsidian's `%% comments %%`: blanked out of a note body before Markdown reads it. Pure.

Kept apart from `markdown` (which imports markdown-it-py) because the fast scanner needs it on every note
with a comment, and it is compiled with the scanner (setup.py).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["mask_comments"]

_LINE_RE: Final = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# In a line outside a comment: a code span (whose `%%` is literal) or the start of a comment.
_OPEN_RE: Final = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)|%%")


def mask_comments(text: str, code_lines: set[int] | None = None) -> str:
    """Blank out `%%…%%` comments (an unclosed `%%` runs to the end); lines and columns are kept.

    Read left to right as Obsidian does: `%%` inside a code span, or on a line of a code block
    (`code_lines`, 0-based) that is not already inside a comment, is literal text. A line that is all
    comment becomes blank; on a line that keeps other text the comment becomes no-break spaces, which
    Markdown does not count as indentation (`%% note %% text` must stay a paragraph, not become code).
    """
    if "%%" not in text:
        return text
    code = code_lines or set()
    out: list[str] = []
    in_comment = False
    for index, line in enumerate(_LINE_RE.findall(text)):
        if not in_comment and (index in code or "%%" not in line):
            out.append(line)
            continue
        body = line.rstrip("\r\n")
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
        out.append("".join(chars) + line[len(body) :])
    return "".join(out)
