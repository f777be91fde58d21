"""markdown-it-py's block rules, one line at a time: what a line can start, decided as markdown-it decides it.

Pieces of `fastblocks`, the fast block scanner: each function ports one markdown-it rule (`rules_block/*.py`)
for a single line of text (from its first non-blank character), without markdown-it's state object. The
constants markdown-it keeps elsewhere (its trim set, its HTML block patterns) are copied here, so counting
tasks never imports markdown-it; a test checks every copy against markdown-it's own.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["HTML_SEQUENCES", "MD_TRIM_CHARS", "UndecidedError"]

# markdown-it's mdTrim set (JavaScript's String.trim minus U+FEFF); a test checks it against markdown-it's.
MD_TRIM_CHARS: Final = (
    "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_TASK_RE: Final = re.compile(r"\[([^\n])\](?:[ \t\n]|$)")  # markdown._TASK_RE, on a paragraph's first line
_ORDERED_RE: Final = re.compile(r"[0-9]{1,9}[.)]")
_DELIM_CHARS: Final = frozenset("|-: \t")
_HEADER_RE: Final = re.compile(r"^:?-+:?$")


class UndecidedError(Exception):
    """The note holds a construct this scanner does not decide exactly: use markdown-it-py."""


# markdown-it's HTML block rules (rules_block/html_block.py, common/html_re.py and html_blocks.py), copied
# so that counting needs no markdown-it import; a test checks them against markdown-it's own.
_BLOCK_NAMES: Final = [
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
]
_ATTRIBUTE: Final = (
    "(?:\\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\\s*=\\s*(?:[^\"'=<>`\\x00-\\x20]+|'[^']*'|\"[^\"]*\"))?)"
)
_OPEN_CLOSE_TAG: Final = (
    "^(?:<[A-Za-z][A-Za-z0-9\\-]*" + _ATTRIBUTE + "*\\s*\\/?>|<\\/[A-Za-z][A-Za-z0-9\\-]*\\s*>)"
)
HTML_SEQUENCES: list[tuple[re.Pattern[str], re.Pattern[str], bool]] = [
    (
        re.compile(r"^<(?a:(script|pre|style|textarea))(?=(\s|>|$))", re.IGNORECASE),
        re.compile(r"<\/(?a:(script|pre|style|textarea))>", re.IGNORECASE),
        True,
    ),
    (re.compile(r"^<!--"), re.compile(r"-->"), True),
    (re.compile(r"^<\?"), re.compile(r"\?>"), True),
    (re.compile(r"^<![A-Za-z]"), re.compile(r">"), True),
    (re.compile(r"^<!\[CDATA\["), re.compile(r"\]\]>"), True),
    (
        re.compile("^</?(?a:(" + "|".join(_BLOCK_NAMES) + "))(?=(\\s|/?>|$))", re.IGNORECASE),
        re.compile(r"^$"),
        True,
    ),
    (re.compile(_OPEN_CLOSE_TAG + "\\s*$"), re.compile(r"^$"), False),
]


def _indent(s: str, pos: int) -> tuple[int, int]:
    """(index of the first non-blank character from `pos`, its column), tabs to multiples of 4."""
    col = 0
    n = len(s)
    while pos < n:
        ch = s[pos]
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
        pos += 1
    return pos, col


def _escaped_split(text: str) -> list[str]:
    """markdown-it's table cell split (`\\|` is an escaped pipe)."""
    result: list[str] = []
    pos = last = 0
    escaped = False
    current = ""
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch == "|":
            if not escaped:
                result.append(current + text[last:pos])
                current = ""
                last = pos + 1
            else:
                current += text[last : pos - 1]
                last = pos
        escaped = ch == "\\"
        pos += 1
    result.append(current + text[last:])
    return result


def _delimiter_aligns(text: str) -> int | None:
    """Number of columns if `text` (after its indentation) is a table delimiter row, else None."""
    if len(text) < 2:
        return None
    first, second = text[0], text[1]
    if first not in "|-:" or (second not in "|-:" and second not in " \t"):
        return None
    if first == "-" and second in " \t":
        return None
    if not _DELIM_CHARS.issuperset(text):
        return None
    columns = text.split("|")
    count = 0
    last = len(columns) - 1
    for i, column in enumerate(columns):
        trimmed = column.strip(MD_TRIM_CHARS)
        if not trimmed:
            if i == 0 or i == last:
                continue
            return None
        if not _HEADER_RE.search(trimmed):
            return None
        count += 1
    return count


def _cells(line: str) -> list[str]:
    """A table line's cells, without the empty ones that outer pipes make."""
    columns = _escaped_split(line)
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return columns


def _header_cells(text: str) -> list[str] | None:
    line = text.strip(MD_TRIM_CHARS)
    return _cells(line) if "|" in line else None


def _row_cells(text: str) -> list[str] | None:
    line = text.strip(MD_TRIM_CHARS)
    return _cells(line) if line else None


def _hr(text: str) -> bool:
    marker = text[0]
    if marker not in "*-_":
        return False
    count = 0
    for ch in text:
        if ch == marker:
            count += 1
        elif ch != " " and ch != "\t":
            return False
    return count >= 3


def _underline(text: str) -> int:
    """Setext level (1 for `===`, 2 for `---`) when `text` is an underline, else 0."""
    marker = text[0]
    if marker != "=" and marker != "-":
        return 0
    stripped = text.lstrip(marker)
    if stripped.strip(" \t"):
        return 0
    return 1 if marker == "=" else 2


def _atx(text: str) -> tuple[int, str] | None:
    """(level, content) when `text` is an ATX heading (markdown-it's rule)."""
    level = len(text) - len(text.lstrip("#"))
    if level > 6 or (level < len(text) and text[level] not in " \t"):
        return None
    end = len(text)
    while end > level and text[end - 1] in " \t":
        end -= 1
    tmp = end
    while tmp > level and text[tmp - 1] == "#":
        tmp -= 1
    if tmp > level and text[tmp - 1] in " \t":
        end = tmp
    return level, text[level:end].strip(MD_TRIM_CHARS)


def _fence_open(text: str) -> tuple[str, int] | None:
    marker = text[0]
    if marker != "`" and marker != "~":
        return None
    length = len(text) - len(text.lstrip(marker))
    if length < 3:
        return None
    if marker == "`" and "`" in text[length:]:
        return None
    return marker, length


def _list_marker(text: str) -> tuple[bool, str, int, int] | None:
    """(ordered, marker char, number, end of marker) for a list item marker at the start of `text`."""
    ch = text[0]
    if ch in "-*+":
        end = 1
        ordered, number = False, 0
    elif "0" <= ch <= "9":
        match = _ORDERED_RE.match(text)
        if match is None:
            return None
        end = match.end()
        ordered, number, ch = True, int(text[: end - 1]), text[end - 1]
    else:
        return None
    if end < len(text) and text[end] not in " \t":
        return None
    return ordered, ch, number, end


def _html_start(text: str, in_paragraph: bool) -> int | None:
    """Index of the HTML block rule that starts here (markdown-it's order), or None."""
    for index, (start, _end, can_interrupt) in enumerate(HTML_SEQUENCES):
        if start.search(text):
            if in_paragraph and not can_interrupt:
                return None
            return index
    return None


def _reference_possible(text: str) -> bool:
    """True when a paragraph starting with `text` might be a link reference definition (undecided)."""
    if len(text) > 3 and text[2] == "]" and text[1] not in "[\\" and text[3] != ":":
        return False  # `[x] task`: the label ends before anything else
    for pos in range(1, len(text)):
        ch = text[pos]
        if ch == "[":
            return False
        if ch == "\\":
            return True
        if ch == "]":
            return pos + 1 < len(text) and text[pos + 1] == ":"
    return True  # the label runs on to the next line


# ------------------------------------------------------------------- list lines, read by character


def _may_nest(c: int) -> bool:
    """Whether a list item's content starting with character `c` may hold a nested block
    (`fastblocks._NESTED`)."""
    return (
        c == 62 or c == 35 or c == 96 or c == 126 or c == 60  # > # ` ~ <
        or c == 45 or c == 42 or c == 43 or c == 95 or c == 61  # - * + _ =
    )  # fmt: skip


def _run_item(s: str) -> tuple[int, int, int, int]:
    """Where a list item with content starts on line `s`: (marker start, marker end, content start, marker
    column), or all -1. The same match as `fastblocks._RUN_RE` (blanks, a bullet or 1-9 digits and `.` or
    `)`, then 1-4 spaces and a character that is not a blank), read character by character because this
    runs on every list line of a cold index: compiled, it costs a tenth of a regular-expression call."""
    n = len(s)
    k = column = 0
    while k < n:
        c = ord(s[k])
        if c == 32:
            column += 1
        elif c == 9:
            column += 4 - column % 4
        else:
            break
        k += 1
    if k >= n:
        return -1, -1, -1, -1
    c = ord(s[k])
    end = k + 1
    if 48 <= c <= 57:  # an ordered marker: up to nine digits, then `.` or `)`
        while end < n and end - k < 9 and 48 <= ord(s[end]) <= 57:
            end += 1
        if end >= n or (ord(s[end]) != 46 and ord(s[end]) != 41):
            return -1, -1, -1, -1
        end += 1
    elif c != 45 and c != 42 and c != 43:  # not `-`, `*` or `+`
        return -1, -1, -1, -1
    at = end
    while at < n and at - end < 4 and ord(s[at]) == 32:
        at += 1
    if at == end or at >= n or ord(s[at]) == 32 or ord(s[at]) == 9:
        return -1, -1, -1, -1
    return k, end, at, column


def _item_at(text: str) -> int:
    """Where the content of a list item with content starts in `text` (which starts with its marker),
    as `fastblocks._ITEM_RE.match(text).end()`; -1 when `text` does not start one."""
    start, _, at, _ = _run_item(text)
    return at if start == 0 else -1


def _one_line_task(s: str, at: int) -> str:
    """The status character when a one-line paragraph `s[at:]` reads as a task (as `end_para` reads it),
    else "". The common shapes (`[x] text`, `[x]`, plain text) are decided by character; the rest go
    through the trim and `_TASK_RE`."""
    n = len(s)
    c = ord(s[at])
    if c == 91 and at + 2 < n and ord(s[at + 2]) == 93:  # `[?]`
        if at + 3 == n or ord(s[at + 3]) == 32 or ord(s[at + 3]) == 9:
            return s[at + 1]
    elif 32 < c < 128:  # printable ASCII other than `[`: no trim character, no task
        return ""
    head = s[at:].lstrip(MD_TRIM_CHARS).rstrip(MD_TRIM_CHARS)
    found = _TASK_RE.match(head) if head[:1] == "[" else None
    return found.group(1) if found else ""
