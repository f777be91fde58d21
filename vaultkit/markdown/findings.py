"""Findings that a note's text alone decides: garbled characters (mojibake), managed blocks that rollup
cannot fill, and lines nested too deep to read.

They are worked out where a note is fully parsed, and the index keeps them with the note's outline, so
`vaultkit check` reads no note's text when the note has not changed. Pure: text in, findings out; light
to import (the index names `TextFinding`; the mojibake scanner and ftfy load when a note is parsed).
"""

from __future__ import annotations

import re

__all__ = ["TextFinding", "text_findings"]

#: (1-based line or None, code, message): always an error where `check` reports it.
TextFinding = tuple[int | None, str, str]


#: A line the oracle cannot read (`oracle.MAX_LEVEL` = 100 levels deep) starts with at least 25 characters
#: of indentation and container markers: a `>` is one level, a list item two levels and two columns or
#: more, a tab up to four columns. Only a note with such a line is parsed again to find them.
_DEEP_PREFIX_RE = re.compile(r"^[ \t>*+\-0-9.)]{25}", re.MULTILINE)


def text_findings(text: str) -> tuple[TextFinding, ...]:
    """Every mojibake and managed-block finding of a note's whole text (BOM included, as read)."""
    return (*_mojibake(text.removeprefix("\ufeff")), *_blocks(text), *_too_deep(text))


def _mojibake(text: str) -> list[TextFinding]:
    """One finding per line with mojibake, naming each garbled piece and what it should read."""
    from vaultkit.markdown.mojibake import find_mojibake  # and ftfy: only where a note is parsed in full

    findings: list[TextFinding] = []
    for hit in find_mojibake(text):
        pieces = dict.fromkeys((fix.before, fix.after) for fix in hit.fixes) or {(hit.text, hit.fixed): None}
        shown = list(pieces)[:4]
        more = ", …" if len(pieces) > len(shown) else ""
        pairs = ", ".join(f"{bad!r} should read {good!r}" for bad, good in shown) + more
        findings.append(
            (
                hit.line,
                "mojibake",
                f"garbled characters (UTF-8 read as another encoding): {pairs}; "
                "run `vaultkit fix --encoding`",
            )
        )
    return findings


def _blocks(text: str) -> list[TextFinding]:
    """Managed blocks rollup cannot fill (unknown kind, bad argument, broken markers): it leaves them.

    A marker may be mistyped in any case or spacing (`<!-- VAULTKIT:END -->`), so only a note without
    a `<` is known to have none without asking `block_problems`."""
    if "<" not in text:
        return []
    from vaultkit.markdown.blocks import block_problems

    return [(line, "block", message) for line, message in block_problems(text)]


def _too_deep(text: str) -> list[TextFinding]:
    """Lines nested too deep to read: their tasks, links and tags are not counted, so say so (one finding
    per run of such lines) rather than let them vanish from `status`, `tasks` and `rollup` unnoticed."""
    if _DEEP_PREFIX_RE.search(text) is None:
        return []
    from vaultkit.markdown.oracle import MAX_LEVEL, unread_lines
    from vaultkit.props.frontmatter import parse_frontmatter

    fm = parse_frontmatter(text)
    first_line = fm.body_start_line + 1
    runs: list[list[int]] = []
    for line in unread_lines(text[fm.body_offset :]):
        if runs and runs[-1][1] == line - 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    findings: list[TextFinding] = []
    for start, end in runs:
        lines = "this line" if start == end else f"{end - start + 1} lines from here"
        findings.append(
            (
                first_line + start,
                "too-deep",
                f"{lines} nested {MAX_LEVEL // 2} lists (or {MAX_LEVEL} quotes) deep or more: its tasks, "
                "links and tags are not read; nest them less deeply",
            )
        )
    return findings
