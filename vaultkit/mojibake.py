"""Mojibake: UTF-8 text that was once decoded as cp1252 or Mac Roman (`â†’` for →, `‚Äì` for –).

Repair runs ftfy's `fix_encoding` first (it knows many encodings and is careful about false positives),
then tries what it misses: runs of non-ASCII characters that re-encode to valid UTF-8 under cp1252 or
Mac Roman, such as `\\uf8ffüîπ` → 🔹 (Mac Roman's 0xF0 is the Apple logo, U+F8FF). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MojibakeHit", "find_mojibake", "repair_text"]

_RUN_RE = re.compile(r"[^\x00-\x7f\s]{2,}")
_CODECS = ("cp1252", "mac_roman")


@dataclass(frozen=True, slots=True)
class MojibakeHit:
    line: int  # 1-based
    text: str  # the line as it is
    fixed: str  # the line repaired


def _try_codecs(match: re.Match[str]) -> str:
    run = match.group(0)
    for codec in _CODECS:
        try:
            decoded = run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if decoded != run and len(decoded) < len(run):
            return decoded
    return run


def repair_text(text: str) -> str:
    """`text` with mojibake repaired; text without mojibake comes back unchanged."""
    if text.isascii():
        return text
    import ftfy  # imported on demand: only `check`, `import` and `fix` need it

    fixed = ftfy.fix_encoding(text)
    return _RUN_RE.sub(_try_codecs, fixed)


def find_mojibake(text: str, first_line: int = 1) -> list[MojibakeHit]:
    """Lines of `text` that hold mojibake, with their repair."""
    if text.isascii():
        return []
    hits: list[MojibakeHit] = []
    for offset, line in enumerate(text.splitlines()):
        if line.isascii():
            continue
        fixed = repair_text(line)
        if fixed != line:
            hits.append(MojibakeHit(first_line + offset, line, fixed))
    return hits
