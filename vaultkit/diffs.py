"""The one unified-diff helper behind every `--dry-run` and `fix` preview. Pure.

Lines are compared with their line ends, so a note whose only change is CRLF to LF (or a lost final
newline) shows a diff instead of an empty one. Line ends are not printed raw: a raw CR would move the
cursor in a terminal. Where the two texts end some line differently, every CR is shown as `␍`, so the
reader sees which side has which; a last line without a newline gets git's `\\ No newline at end of file`.
"""

from __future__ import annotations

import difflib

from vaultkit.props.frontmatter import split_lines

__all__ = ["unified_diff"]

_NO_NEWLINE = "\\ No newline at end of file\n"


def _shown(line: str, mark_cr: bool) -> str:
    text = line.rstrip("\r\n")
    end = line[len(text) :]
    if mark_cr and "\r" in end:
        text += "␍"
    return text + "\n" + ("" if end else _NO_NEWLINE)


def _ends(lines: list[str]) -> set[str]:
    """The line ends a text uses ("" for a last line without one)."""
    return {line[len(line.rstrip("\r\n")) :] for line in lines}


def unified_diff(path: str, before: str, after: str) -> str:
    """The unified diff from `before` to `after` of the note at vault-relative `path` ("" when equal)."""
    if before == after:
        return ""
    old = split_lines(before)
    new = split_lines(after)
    mark_cr = _ends(old) != _ends(new)
    out: list[str] = []
    for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
        if line.startswith(("---", "+++", "@@")):
            out.append(line if line.endswith("\n") else line + "\n")
        else:
            out.append(line[0] + _shown(line[1:], mark_cr))
    return "".join(out)
