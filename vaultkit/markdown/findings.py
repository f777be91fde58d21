"""Findings that a note's text alone decides: garbled characters (mojibake) and managed blocks that
rollup cannot fill.

They are worked out where a note is fully parsed, and the index keeps them with the note's outline, so
`vaultkit check` reads no note's text when the note has not changed. Pure: text in, findings out; light
to import (the index names `TextFinding`; the mojibake scanner and ftfy load when a note is parsed).
"""

from __future__ import annotations

__all__ = ["TextFinding", "text_findings"]

#: (1-based line or None, code, message): always an error where `check` reports it.
TextFinding = tuple[int | None, str, str]


def text_findings(text: str) -> tuple[TextFinding, ...]:
    """Every mojibake and managed-block finding of a note's whole text (BOM included, as read)."""
    return (*_mojibake(text.removeprefix("\ufeff")), *_blocks(text))


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
