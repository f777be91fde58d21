"""Mojibake: UTF-8 text that was once decoded as cp1252 or Mac Roman (`â†’` for →, `‚Äì` for –).

Repair is two passes over each line, and every change is reported (`MojibakeFix`) so a person can see
what was touched:

1. ftfy's `fix_encoding`: it knows many encodings and weighs each change against false positives. It
   works on a line as a whole, so it gives up on lines that mix mojibake with legitimate non-ASCII text
   (`Straße ‚Üí done`), and its Mac Roman detector misses the Apple logo: `\\uf8ffüîπ` is 🔹 read as
   Mac Roman (0xF0 is U+F8FF there).
2. Our own pass over runs of non-ASCII characters: the run is re-encoded as cp1252 and as Mac Roman and
   searched for byte sequences that form valid multi-byte UTF-8. A 3- or 4-byte sequence is strong
   evidence (three or four characters from narrow sets in a row do not occur in real text); a 2-byte one
   is accepted only when ftfy's badness heuristic flags it or it touches an accepted sequence, because
   legitimate pairs such as `ß’` (in `Strauß’s`) or `“É` also re-encode to valid UTF-8.

Neither pass may introduce control characters, line or paragraph separators, private-use, unassigned or
replacement characters, or a BOM: a repair must never change how a YAML or Markdown line is split. Pure.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["MojibakeFix", "MojibakeHit", "find_mojibake", "repair_mojibake", "repair_text"]

_RUN_RE = re.compile(r"[^\x00-\x7f\s]{2,}")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_CODECS = ("cp1252", "mac_roman")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
_FORBIDDEN_CHARS = frozenset("\ufeff\ufffd")


@dataclass(frozen=True, slots=True)
class MojibakeFix:
    """One repaired stretch of a line: `before` (garbled) became `after` at 1-based `line`, `column`."""

    line: int
    column: int
    before: str
    after: str
    encoding: str  # the encoding the text had been misread as ("cp1252", "mac_roman", ...)

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "before": self.before,
            "after": self.after,
            "encoding": self.encoding,
        }


@dataclass(frozen=True, slots=True)
class MojibakeHit:
    line: int  # 1-based
    text: str  # the line as it is
    fixed: str  # the line repaired
    fixes: tuple[MojibakeFix, ...] = field(default=())


# ---------------------------------------------------------------------------------------------- safety


def _allowed(char: str) -> bool:
    return char not in _FORBIDDEN_CHARS and unicodedata.category(char) not in _FORBIDDEN_CATEGORIES


def _introduces_forbidden(before: str, after: str) -> bool:
    """True when `after` holds a character we never produce that `before` did not hold already."""
    return any(not _allowed(c) and c not in before for c in after)


# ---------------------------------------------------------------------------------------------- pass 1


def _ftfy_line(line: str) -> tuple[str, str]:
    """(line repaired by ftfy, encoding name); the line itself when ftfy changes nothing or goes too far."""
    import ftfy  # imported on demand: only `check`, `import` and `fix` need it
    from ftfy.badness import is_bad

    if not is_bad(line):  # ftfy's own first test, without building its configuration per line
        return line, ""
    result = ftfy.fix_encoding_and_explain(line, replace_lossy_sequences=False)
    fixed = result.text
    if fixed == line or _introduces_forbidden(line, fixed):
        return line, ""
    steps = result.explanation or []
    encoding = next((str(arg) for op, arg in steps if op == "encode"), "cp1252")
    return fixed, _ENCODING_NAMES.get(encoding, encoding)


# ftfy's names, and its mixed-line step (`decode_inconsistent_utf8`, cp1252 only), as users know them
_ENCODING_NAMES = {
    "latin-1": "cp1252",
    "sloppy-windows-1252": "cp1252",
    "windows-1252": "cp1252",
    "macroman": "mac_roman",
    "sloppy-windows-1251": "cp1251",
    "sloppy-windows-1250": "cp1250",
}


# ---------------------------------------------------------------------------------------------- pass 2


@dataclass(slots=True)
class _Candidate:
    start: int  # index in the run
    size: int  # characters (= bytes: both codecs are single-byte)
    char: str  # what the bytes decode to
    strong: bool


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _candidates(run: str, codec: str) -> list[_Candidate]:
    """Valid multi-byte UTF-8 sequences hidden in `run` when its characters are bytes of `codec`."""
    from ftfy.badness import is_bad

    codes: list[int | None] = []
    for char in run:
        try:
            codes.append(char.encode(codec)[0])
        except UnicodeEncodeError:
            codes.append(None)
    found: list[_Candidate] = []
    index = 0
    while index < len(codes):
        lead = codes[index]
        size = _utf8_length(lead) if lead is not None else 0
        chunk = codes[index : index + size]
        if size and len(chunk) == size and all(c is not None for c in chunk):
            try:
                char = bytes(c for c in chunk if c is not None).decode("utf-8")
            except UnicodeDecodeError:
                char = ""
            if char and _allowed(char):
                strong = size >= 3 or is_bad(run[index : index + size])
                found.append(_Candidate(index, size, char, strong))
                index += size
                continue
        index += 1
    if len(found) >= 3 and sum(c.size for c in found) == len(run):
        for cand in found:  # a run made only of valid sequences: `–∂–∏–∑–Ω—å` is Cyrillic read as Mac Roman
            cand.strong = True
    return _accepted(_aligned(found, codes))


def _aligned(found: list[_Candidate], codes: list[int | None]) -> list[_Candidate]:
    """Candidates without a stray continuation byte beside them: one there means the sequence was read
    from its middle (`â€©` is U+2029 under cp1252, which we refuse; under Mac Roman its tail `€©` would
    otherwise pass for a character of its own)."""
    covered = {i for c in found for i in range(c.start, c.start + c.size)}

    def stray(index: int) -> bool:
        code = codes[index] if 0 <= index < len(codes) else None
        return index not in covered and code is not None and 0x80 <= code <= 0xBF

    return [c for c in found if not stray(c.start - 1) and not stray(c.start + c.size)]


def _accepted(found: list[_Candidate]) -> list[_Candidate]:
    """Strong candidates, plus weak ones chained to them without a gap; marks need a base before them."""
    keep = [c.strong for c in found]
    changed = True
    while changed:
        changed = False
        for i, cand in enumerate(found):
            if keep[i]:
                continue
            before = i > 0 and keep[i - 1] and found[i - 1].start + found[i - 1].size == cand.start
            after = i + 1 < len(found) and keep[i + 1] and cand.start + cand.size == found[i + 1].start
            if before or after:
                keep[i] = changed = True
    accepted: list[_Candidate] = []
    for i, cand in enumerate(found):
        if not keep[i]:
            continue
        if unicodedata.category(cand.char)[0] == "M" or unicodedata.category(cand.char) == "Cf":
            joined = accepted and accepted[-1].start + accepted[-1].size == cand.start
            if not joined:
                continue  # a combining mark or joiner with nothing before it: not from real text
        accepted.append(cand)
    return accepted


def _repair_run(run: str) -> tuple[str, list[tuple[int, str, str]]]:
    """The codec that explains most of `run` ("" if none does) and (index, old, new) per repaired stretch."""
    best: tuple[int, str, list[_Candidate]] = (0, "", [])
    for codec in _CODECS:
        accepted = _candidates(run, codec)
        covered = sum(c.size for c in accepted)
        if covered > best[0]:
            best = (covered, codec, accepted)
    _covered, codec, accepted = best
    stretches: list[tuple[int, str, str]] = []
    for cand in accepted:
        old = run[cand.start : cand.start + cand.size]
        if stretches and stretches[-1][0] + len(stretches[-1][1]) == cand.start:
            start, prev_old, prev_new = stretches[-1]
            stretches[-1] = (start, prev_old + old, prev_new + cand.char)
        else:
            stretches.append((cand.start, old, cand.char))
    return codec, stretches


def _lead_characters() -> frozenset[str]:
    """What a UTF-8 lead byte (0xC2-0xF4) reads as in each codec: a run without one hides no sequence."""
    found: set[str] = set()
    for codec in _CODECS:
        for byte in range(0xC2, 0xF5):
            try:
                found.add(bytes([byte]).decode(codec))
            except UnicodeDecodeError:
                continue
    return frozenset(found)


_LEAD_RE = re.compile("[" + re.escape("".join(sorted(_lead_characters()))) + "]")


def _own_pass(line: str, number: int) -> tuple[str, list[MojibakeFix]]:
    """The line with garbled runs repaired, and one fix per repaired stretch."""
    fixes: list[MojibakeFix] = []
    out: list[str] = []
    position = 0
    for match in _RUN_RE.finditer(line):
        if _LEAD_RE.search(match.group(0)) is None:  # emoji, arrows, CJK: most non-ASCII runs end here
            continue
        codec, stretches = _repair_run(match.group(0))
        for index, old, new in stretches:
            column = match.start() + index
            out.append(line[position:column])
            out.append(new)
            position = column + len(old)
            fixes.append(MojibakeFix(number, column + 1, old, new, codec))
    out.append(line[position:])
    return "".join(out), fixes


# ---------------------------------------------------------------------------------------------- lines


def _segments(before: str, after: str) -> list[tuple[int, str, str]]:
    """(0-based column, old, new) for each changed stretch between two versions of a line."""
    if before == after:
        return []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    out: list[tuple[int, str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if out and out[-1][0] + len(out[-1][1]) == i1:  # glue touching stretches together
            column, old, new = out[-1]
            out[-1] = (column, old + before[i1:i2], new + after[j1:j2])
        else:
            out.append((i1, before[i1:i2], after[j1:j2]))
    return out


_MAX_PASSES = 8  # each pass that changes a line makes it shorter, so this is only a bound on time


def _one_pass(line: str, number: int) -> tuple[str, list[MojibakeFix]]:
    first, encoding = _ftfy_line(line)
    fixes = [MojibakeFix(number, col + 1, old, new, encoding) for col, old, new in _segments(line, first)]
    second, more = _own_pass(first, number)
    if more and fixes:  # columns of the second pass are in ftfy's output: report against the original
        label = f"{encoding}+{more[0].encoding}" if encoding != more[0].encoding else encoding
        return second, [
            MojibakeFix(number, col + 1, old, new, label) for col, old, new in _segments(line, second)
        ]
    return second, fixes + more


def _repair_line(line: str, number: int) -> tuple[str, list[MojibakeFix]]:
    """One line repaired until nothing more changes: text garbled twice needs two passes, and a repair
    can bring garbled neighbours together. Fixes are reported against the line as it was."""
    if line.isascii():
        return line, []
    current, fixes = _one_pass(line, number)
    encodings = list(dict.fromkeys(f.encoding for f in fixes))
    for _ in range(_MAX_PASSES):
        if current.isascii() or not fixes:
            break
        again, more = _one_pass(current, number)
        if again == current:
            break
        current = again
        encodings += [f.encoding for f in more if f.encoding not in encodings]
        label = "+".join(encodings)
        fixes = [MojibakeFix(number, col + 1, old, new, label) for col, old, new in _segments(line, current)]
    return current, fixes


def _non_ascii_lines(text: str, first_line: int) -> Iterator[tuple[int, int, int]]:
    """(1-based number, start, end) of each line of `text` that holds a non-ASCII character (lines split on
    LF, CRLF and CR; `end` excludes the line break). Only such lines can hold mojibake: the search jumps
    from one to the next and counts the line breaks in between, instead of visiting each line."""
    number, counted = first_line, 0  # the line that starts at `counted`
    size = len(text)
    found = _NON_ASCII_RE.search(text)
    while found is not None:
        at = found.start()
        before = max(text.rfind("\n", counted, at), text.rfind("\r", counted, at))
        start = before + 1 if before >= 0 else counted
        number += _breaks(text, counted, start)
        counted = start
        ends = [e for e in (text.find("\n", at), text.find("\r", at)) if e >= 0]
        end = min(ends) if ends else size
        yield number, start, end
        found = _NON_ASCII_RE.search(text, end)


def _breaks(text: str, start: int, end: int) -> int:
    """Line breaks in `text[start:end]`, a CRLF counting once (`start` and `end` begin lines)."""
    return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)


def repair_mojibake(text: str, first_line: int = 1) -> tuple[str, list[MojibakeFix]]:
    """`text` with mojibake repaired line by line (line ends kept), and every repair made.

    `first_line` is the 1-based line number of the first line of `text`, for the report.
    """
    if text.isascii():
        return text, []
    out: list[str] = []
    fixes: list[MojibakeFix] = []
    position = 0
    for number, start, end in _non_ascii_lines(text, first_line):
        line = text[start:end]
        fixed, found = _repair_line(line, number)
        if fixed != line:
            out += (text[position:start], fixed)
            position = end
        fixes += found
    out.append(text[position:])
    return "".join(out), fixes


def repair_text(text: str) -> str:
    """`text` with mojibake repaired; text without mojibake comes back unchanged."""
    return repair_mojibake(text)[0]


def find_mojibake(text: str, first_line: int = 1) -> list[MojibakeHit]:
    """Lines of `text` that hold mojibake, with their repair (lines split on LF, CRLF and CR)."""
    if text.isascii():
        return []
    hits: list[MojibakeHit] = []
    for number, start, end in _non_ascii_lines(text, first_line):
        line = text[start:end]
        fixed, fixes = _repair_line(line, number)
        if fixed != line:
            hits.append(MojibakeHit(number, line, fixed, tuple(fixes)))
    return hits
