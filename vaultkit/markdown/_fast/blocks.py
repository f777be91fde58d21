"""The fast block scanner's single pass: markdown-it-py's block structure of a note, or `UndecidedError`.

One pass over the lines keeps the open containers (blockquotes, list items) and the open leaf block
(paragraph, fence, indented code, HTML block, table), as CommonMark's reference algorithm does, applying
markdown-it's rules and quirks line by line (`blockrules`). It records what `fastwalk` reads (list
items, paragraphs, headings, table cells, other blocks) and the code lines that `%% comments %%` skip; in
counting mode it counts tasks instead. Runs of list items, the bulk of PDP notes, take a fast path in both.
Anything it does not decide exactly raises `UndecidedError`; see `fastscan`.
"""

from __future__ import annotations

import re
from typing import Any, Final

from vaultkit.markdown._fast.blockrules import (
    _TASK_RE,
    HTML_SEQUENCES,
    MD_TRIM_CHARS,
    UndecidedError,
    _atx,
    _delimiter_aligns,
    _fence_open,
    _header_cells,
    _hr,
    _html_start,
    _indent,
    _item_at,
    _list_marker,
    _may_nest,
    _one_line_task,
    _reference_possible,
    _row_cells,
    _run_item,
    _underline,
)
from vaultkit.notes.tasks import TaskStatuses

__all__ = ["Event", "parse_blocks"]

# Containers deeper than this are the oracle's to read: it skips the lines it cannot read safely and names
# them (`oracle.MAX_LEVEL` counts token levels, two per list item; this counts containers).
_MAX_DEPTH: Final = 12
# Events: ("item", line) ("/item",) ("para", line, parts, indent) ("heading", level, line, parts, indent)
# ("atx", level, line, content) ("cells", line, cells) ("other",). `parts` are (line index, bMark,
# content start when the line opened a list item, else -1) per line of the paragraph.
Event = tuple[Any, ...]


_CLOSE_ITEM: Event = ("/item",)
_OTHER: Event = ("other",)
_QUOTE: Final = -1  # a blockquote on the container stack; a list item is its content width (columns, > 0)
_ITEM_RE: Final = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)]) {1,4}(?=[^ \t])")  # a list item with content, no tab
_HR_RE: Final = re.compile(r"([-*_])[ \t]*(?:\1[ \t]*){2,}")
_PLAIN: Final = frozenset("#>-*+_=`~<0123456789")  # besides blanks, the characters a block may start with
_PLAIN_WS: Final = _PLAIN | {" ", "\t"}
_RUN_RE: Final = re.compile(r"([ \t]*)([-*+]|[0-9]{1,9}[.)]) {1,4}(?=[^ \t])")
_RUN_FIRST: Final = frozenset(" \t-*+0123456789")
_NESTED: Final = frozenset(">#`~<-*+_=")  # a list item's content starting so may hold a nested block


class _Blocks:
    """One pass over the lines, keeping the open containers and the open leaf block; see `parse_blocks`.

    The hot paths (prose continuing a paragraph, list items, blank lines) are inlined in `run`; everything
    else goes through the general methods.
    """

    def __init__(
        self, src: str, statuses: TaskStatuses | None = None, lines: list[str] | None = None
    ) -> None:
        """With `statuses`, only count tasks (no events); without, record events for `fastwalk`.

        `lines`, when given, is `src.split("\\n")` (and `src` is not read): a caller that has the lines
        already saves splitting the text again. The list is taken over.
        """
        if lines is None:
            lines = src.split("\n")
        if lines and not lines[-1].strip(" \t"):
            lines.pop()  # the empty piece after a last newline; markdown-it gives a last line of blanks none
        self.lines = lines
        self.events: list[Event] = []
        self.code: set[int] = set()
        self.stack: list[int] = []  # open containers, outermost first
        self.quotes = 0  # blockquotes on the stack
        self.kind: str | None = None  # the open leaf: None, "para", "fence", "code", "html", "table"
        self.para: list[tuple[int, int, int]] = []  # (line, bMark, item content start or -1)
        self.para_indent = 0
        self.leaf_start = 0
        self.code_last = 0
        self.fence: tuple[str, int] = ("", 0)
        self.html_end: re.Pattern[str] | None = None
        self.html_blank_end = False  # the open HTML block ends before a blank line (types 6 and 7)
        self.table_cols = 0
        self.table_filled = 0
        self.statuses = statuses
        self.counts = [0, 0, 0]  # done, open, cancelled (counting mode)

    # ------------------------------------------------------------------------------------ helpers

    def end_para(self) -> None:
        """Record the open paragraph (or, when counting, count it if it is a task)."""
        para = self.para
        statuses = self.statuses
        if statuses is None:
            self.events.append(("para", para[0][0], tuple(para), self.para_indent))
            return
        line, _, start = para[0]
        if start < 0:  # only a list item's first paragraph, on the item's line, can be a task
            return
        if len(para) == 1 and start < len(self.lines[line]):
            status = _one_line_task(self.lines[line], start)
            if status:
                index = 0 if status in statuses.done else 2 if status in statuses.cancelled else 1
                self.counts[index] += 1
            return
        head = self.lines[line][start:].lstrip(MD_TRIM_CHARS)
        if len(para) == 1:
            head = head.rstrip(MD_TRIM_CHARS)
        elif not head:
            raise UndecidedError("paragraph whose first line is blank to markdown-it's trim")
        found = _TASK_RE.match(head)
        if found:
            status = found.group(1)
            index = 0 if status in statuses.done else 2 if status in statuses.cancelled else 1
            self.counts[index] += 1

    def blk_indent(self) -> int:
        """markdown-it's blkIndent: the content indent of the open items inside the last blockquote."""
        stack = self.stack
        if not self.quotes:
            return sum(stack)
        total = 0
        for container in reversed(stack):
            if container == _QUOTE:
                break
            total += container
        return total

    def close_leaf(self, line: int) -> None:
        kind = self.kind
        if kind == "para":
            self.end_para()
        elif kind == "fence":
            self.code.update(range(self.leaf_start, line))
        elif kind == "code":
            self.code.update(range(self.leaf_start, self.code_last))
        self.kind = None

    def close_containers(self, depth: int, line: int) -> None:
        if self.kind is not None:
            self.close_leaf(line)
        stack = self.stack
        while len(stack) > depth:
            if stack.pop() == _QUOTE:
                self.quotes -= 1
                self.events.append(_OTHER)
            else:
                self.events.append(_CLOSE_ITEM)

    def match_quoted(self, s: str, first: int, extra: int) -> tuple[int, int, int, int]:
        """Container matching for a line when blockquotes are open: (matched, first, extra, bMark)."""
        n = len(s)
        matched = bmark = 0
        for container in self.stack:
            if container == _QUOTE:
                if first >= n or s[first] != ">":
                    break
                if extra > 3:
                    raise UndecidedError("indented blockquote marker")
                pos = first + 1
                if pos < n and (s[pos] == " " or s[pos] == "\t"):
                    if s[pos] == "\t":
                        raise UndecidedError("tab after a blockquote marker")
                    pos += 1
                bmark = pos
                first, extra = _indent(s, pos)
                if "\t" in s[:first]:
                    raise UndecidedError("tab in a blockquote")
            elif first < n:
                if extra < container:
                    break
                extra -= container
            matched += 1
        return matched, first, extra, bmark

    def rest_of(self, i: int) -> tuple[str, int] | None:
        """Line i inside every open container: (text from its first non-blank, indent), or None."""
        s = self.lines[i]
        first, extra = _indent(s, 0)
        if self.quotes:
            matched, first, extra, _ = self.match_quoted(s, first, extra)
            if matched < len(self.stack):
                return None
        elif first < len(s):
            for width in self.stack:
                if extra < width:
                    return None
                extra -= width
        return s[first:], extra

    def table_at(self, i: int, text: str, extra: int) -> list[str] | None:
        """Header cells when line i starts a table (markdown-it's table rule), else None."""
        if "|" not in text or extra >= 4 or i + 1 >= len(self.lines):
            return None
        found = self.rest_of(i + 1)
        if found is None or found[1] >= 4:
            return None
        count = _delimiter_aligns(found[0])
        if not count:
            return None
        cells = _header_cells(text)
        return cells if cells is not None and len(cells) == count else None

    def interrupts(self, text: str, paragraph: bool) -> bool:
        """Does a block start here that ends a paragraph (or, with paragraph False, a table)?"""
        opened = _opens_leaf_or_quote(text)
        if opened is not None:
            return opened
        marker = _list_marker(text)
        if marker is None:
            return False
        if not paragraph:
            return True
        ordered, _, number, end = marker
        if ordered:
            return number == 1
        return bool(text[end:].strip(" \t"))

    def lazy_ends(self, text: str) -> bool:
        """Does this line, outdented below its paragraph's containers, start a block (else it continues
        the paragraph lazily)? Inside the containers no block can be indented code, and a list item may
        interrupt the paragraph whatever its number or content."""
        if "|" in text or text[0] == "=":
            raise UndecidedError("outdented line that might be a table or an underline")
        opened = _opens_leaf_or_quote(text)
        if opened is not None:
            return opened
        if _list_marker(text) is None:
            return False
        if any(c > 4 for c in self.stack):
            raise UndecidedError("outdented list marker under a wide list item")
        return True

    def item_run(self, i: int) -> int:
        """Fast path: consecutive list-item lines with plain content, outside blockquotes.

        Each such line is a list item whose first paragraph is one line long (the next item interrupts
        it), so it is a task exactly when that line is; only the container stack needs following. Stops
        (returning the line to go on from) at the first line that is anything else, or that markdown-it
        could read otherwise: a nested block on the line, a `|`, indentation that makes code or a
        continuation, an ordered item that may not interrupt a paragraph, a wide list item. Counting, it
        counts the tasks; else it records the events the general path records for the same lines (each
        item's close, the item, its paragraph once the next line ends it). The last item's paragraph is
        left open, as the general path would leave it.
        """
        lines = self.lines
        nlines = len(lines)
        cols: list[int] = []  # absolute content columns of the open items
        wide = False
        total = 0
        for width in self.stack:
            total += width
            cols.append(total)
            if width > 4:
                wide = True
        para_open = self.kind == "para"
        start = i
        last = ""  # the previous item's line, while its one-line paragraph is open
        last_at = -1
        statuses = self.statuses
        counting = statuses is not None
        done_chars: frozenset[str] = statuses.done if statuses is not None else frozenset()
        cancelled_chars: frozenset[str] = statuses.cancelled if statuses is not None else frozenset()
        events = self.events
        last_indent = 0  # the previous item's content column (its paragraph's indent)
        done = open_ = cancelled = 0
        while i < nlines:
            s = lines[i]
            marker_at, marker_end, at, column = _run_item(s)
            if at < 0 or "|" in s:
                break
            first = ord(s[at])  # characters as numbers: compiled, no string is made
            if _may_nest(first):
                break
            if first == 91 and not (  # `[`: a task box `[?]` (not `[[`, `[\`, `[?]:`), or a link reference?
                len(s) > at + 3
                and ord(s[at + 2]) == 93
                and ord(s[at + 1]) not in (91, 92)
                and ord(s[at + 3]) != 58
            ):
                if _reference_possible(s[at:]):
                    break
            elif 48 <= first <= 57 and _list_marker(s[at:]) is not None:
                break
            depth = k = len(cols)
            while k and cols[k - 1] > column:
                k -= 1
            base = cols[k - 1] if k else 0
            if column - base >= 4:
                break
            if k == depth and para_open:
                if ord(s[marker_end - 1]) in (46, 41) and s[marker_at : marker_end - 1].lstrip("0") != "1":
                    break  # an ordered item other than 1 cannot interrupt a paragraph
            elif k < depth and para_open and wide:
                break
            if last_at >= 0:
                if counting:
                    status = _one_line_task(last, last_at)
                    if status:
                        if status in done_chars:
                            done += 1
                        elif status in cancelled_chars:
                            cancelled += 1
                        else:
                            open_ += 1
                else:
                    events.append(("para", i - 1, ((i - 1, 0, last_at),), last_indent))
            elif para_open:
                self.end_para()
            while len(cols) > k:
                cols.pop()
                if not counting:
                    events.append(_CLOSE_ITEM)
            width = column - base + at - marker_at
            if width > 4:
                wide = True
            if len(cols) > _MAX_DEPTH:
                raise UndecidedError("deep nesting")
            cols.append(base + width)
            if not counting:
                events.append(("item", i))
            last, last_at, last_indent = s, at, base + width
            para_open = True
            i += 1
        counts = self.counts
        counts[0] += done
        counts[1] += open_
        counts[2] += cancelled
        if i > start:
            self.kind = "para"
            self.para = [(i - 1, 0, last_at)]
            stack = self.stack
            stack.clear()
            total = 0
            for col in cols:
                stack.append(col - total)
                total = col
            self.para_indent = total
        return i

    # ------------------------------------------------------------------------------------ the pass

    def run(self) -> None:
        lines = self.lines
        nlines = len(lines)
        stack = self.stack
        events = self.events
        hr_match = _HR_RE.fullmatch
        i = 0
        while i < nlines:
            s = lines[i]
            c0 = s[:1]
            kind = self.kind
            if c0 in _RUN_FIRST and (kind is None or kind == "para") and not self.quotes:
                after = self.item_run(i)
                if after > i:
                    i = after
                    continue
            if kind == "para" and c0 and c0 not in _PLAIN_WS and "|" not in s and not self.quotes:
                self.para.append((i, 0, -1))  # prose continuing a paragraph (lazily, too): no block starts so
                i += 1
                continue
            if c0 == " ":
                body = s.lstrip(" ")
                if body[:1] == "\t":
                    first, extra = _indent(s, 0)
                else:
                    first = extra = len(s) - len(body)
            elif c0 == "\t":
                first, extra = _indent(s, 0)
            else:
                first = extra = 0
            bmark = 0
            depth = len(stack)
            matched = 0
            if depth:  # 1. which open containers does this line continue?
                if self.quotes:
                    matched, first, extra, bmark = self.match_quoted(s, first, extra)
                elif first >= len(s):
                    matched = depth  # a blank line continues list items
                else:
                    for width in stack:
                        if extra < width:
                            break
                        extra -= width
                        matched += 1
            text = s[first:] if first else s
            if matched < depth:  # 2. a lazy continuation line, or the end of some containers
                if kind == "para" and text:
                    if extra >= 4 and _QUOTE in stack[matched:]:
                        raise UndecidedError("indented line after a blockquote (markdown-it: lazy)")
                    ch = text[0]
                    if (ch == "-" or ch == "*" or ch == "+" or "0" <= ch <= "9") and _item_at(text) > 0:
                        if "|" in text or max(stack) > 4:
                            raise UndecidedError("outdented list item that markdown-it may read otherwise")
                    elif not self.lazy_ends(text):
                        if _QUOTE in stack[matched:]:
                            raise UndecidedError("lazy continuation of a blockquote")
                        self.para.append((i, bmark, -1))
                        i += 1
                        continue
                if kind == "para":
                    self.end_para()
                    self.kind = kind = None
                elif kind is not None:
                    self.close_leaf(i)
                    kind = None
                while len(stack) > matched:
                    if stack.pop() == _QUOTE:
                        self.quotes -= 1
                        events.append(_OTHER)
                    else:
                        events.append(_CLOSE_ITEM)
            if kind is not None:  # 3. the open leaf block
                if kind == "para":
                    if not text:
                        self.end_para()
                        self.kind = None
                        i += 1
                        continue
                    ch = text[0]
                    if ch not in _PLAIN and "|" not in text:
                        self.para.append((i, bmark, -1))
                        i += 1
                        continue
                    if (ch == "-" or ch == "*" or ch == "+") and extra < 4 and "|" not in text:
                        at = _item_at(text)
                        if at > 0 and text[at] not in _PLAIN:
                            # a bullet item with content interrupts the paragraph (no underline, no rule)
                            self.end_para()
                            self.kind = kind = None
                if kind is not None and self.leaf(i, text, extra, bmark):
                    i += 1
                    continue
            if not text:
                i += 1
                continue
            # 4. blocks starting on this line: list items and their first paragraph inline, the rest in
            # `starts` (a thematic break wins over a list item, a table over both)
            item_first = -1
            while extra < 4:
                ch = text[0]
                if not (ch == "-" or ch == "*" or ch == "+" or "0" <= ch <= "9"):
                    break
                at = _item_at(text)
                if at < 0 or "|" in text:
                    break
                if (ch == "-" or ch == "*") and text[at] == ch and hr_match(text):
                    break  # `- - -` is a thematic break
                if len(stack) > _MAX_DEPTH:
                    raise UndecidedError("deep nesting")
                width = at
                stack.append(extra + width)
                events.append(("item", i))
                first += width
                extra = 0
                text = s[first:]
                item_first = first
            ch = text[0]
            if (
                item_first >= 0
                and ch not in _PLAIN
                and "|" not in text
                and (
                    ch != "["
                    or (len(text) > 3 and text[2] == "]" and text[1] not in "[\\" and text[3] != ":")
                    or not _reference_possible(text)
                )
            ):
                self.kind, self.para = "para", [(i, bmark, item_first)]
                self.para_indent = sum(stack) if not self.quotes else self.blk_indent()
                i += 1
                continue
            i = self.starts(i, s, first, text, extra, bmark, item_first)
        self.close_containers(0, nlines)

    def leaf(self, i: int, text: str, extra: int, bmark: int) -> bool:
        """Continue the open leaf block with line i; False when the line starts something new."""
        kind = self.kind
        if kind == "fence":
            marker, length = self.fence
            if text and extra < 4 and text[0] == marker:
                run = len(text) - len(text.lstrip(marker))
                if run >= length and not text[run:].strip(" \t"):
                    self.code.update(range(self.leaf_start, i + 1))
                    self.kind = None
            return True
        if kind == "html":
            end = self.html_end
            assert end is not None
            if self.html_blank_end:
                if not text:
                    self.kind = None
            elif end.search(text):
                self.kind = None
            return True
        if kind == "code":
            if not text:
                return True
            if extra >= 4:
                self.code_last = i + 1
                return True
            self.close_leaf(i)
            return False
        if kind == "table":
            if not text or extra >= 4 or self.interrupts(text, False):
                self.kind = None
                return False
            cells = _row_cells(text)
            if cells is None:
                self.kind = None
                return False
            self.table_filled += self.table_cols - len(cells)
            if self.table_filled > 0x10000:
                raise UndecidedError("huge table")
            if self.statuses is None:  # counting needs no events
                cells = (cells + [""] * self.table_cols)[: self.table_cols]
                self.events.append(("cells", i, tuple(c.strip(MD_TRIM_CHARS) for c in cells)))
            return True
        # a paragraph
        if not text:
            self.close_leaf(i)
            return True
        if extra >= 4:
            self.para.append((i, bmark, -1))
            return True
        level = _underline(text)
        if level:
            self.events.append(("heading", level, self.para[0][0], tuple(self.para), self.para_indent))
            self.kind = None
            return True
        if self.table_at(i, text, extra) is None and not self.interrupts(text, True):
            self.para.append((i, bmark, -1))
            return True
        self.close_leaf(i)
        return False

    def starts(self, i: int, s: str, first: int, text: str, extra: int, bmark: int, item_first: int) -> int:
        """Open the containers and the leaf block that start on line i; the next line to read."""
        stack = self.stack
        events = self.events
        while text:
            if len(stack) > _MAX_DEPTH:
                raise UndecidedError("deep nesting")
            cells = self.table_at(i, text, extra) if "|" in text else None
            if cells is not None:
                if self.statuses is None:  # counting needs no events
                    events.append(_OTHER)
                    events.append(("cells", i, tuple(c.strip(MD_TRIM_CHARS) for c in cells)))
                self.kind, self.table_cols, self.table_filled = "table", len(cells), 0
                return i + 2  # past the delimiter row
            if extra >= 4:
                self.kind, self.leaf_start, self.code_last = "code", i, i + 1
                events.append(_OTHER)
                break
            ch = text[0]
            if ch == ">":
                pos = first + 1
                if pos < len(s) and (s[pos] == " " or s[pos] == "\t"):
                    if s[pos] == "\t":
                        raise UndecidedError("tab after a blockquote marker")
                    pos += 1
                stack.append(_QUOTE)
                self.quotes += 1
                events.append(_OTHER)
                bmark = pos
                first, extra = _indent(s, pos)
                if "\t" in s[:first]:
                    raise UndecidedError("tab in a blockquote")
                text = s[first:]
                item_first = -1
                continue
            if ch == "#":
                heading = _atx(text)
                if heading is not None:
                    if self.statuses is None:  # counting needs no events
                        events.append(("atx", heading[0], i, heading[1]))
                    break
            if ch == "`" or ch == "~":
                fence = _fence_open(text)
                if fence is not None:
                    self.fence = fence
                    self.kind, self.leaf_start = "fence", i
                    events.append(_OTHER)
                    break
            if ch == "<":
                index = _html_start(text, False)
                if index is not None:
                    events.append(_OTHER)
                    closing = HTML_SEQUENCES[index][1]
                    blank_end = closing.search("") is not None
                    if blank_end or not closing.search(text):
                        self.kind, self.html_end, self.html_blank_end = "html", closing, blank_end
                    break
            if ch in "*-_" and _hr(text):
                events.append(_OTHER)
                break
            marker = _list_marker(text)
            if marker is not None:
                end = marker[3]
                after, spaces = _indent(text, end)
                if after >= len(text):
                    raise UndecidedError("empty list item")
                if "\t" in text[end:after]:
                    raise UndecidedError("tab after a list marker")
                if spaces > 4:
                    raise UndecidedError("list item that starts with indented code")
                stack.append(extra + end + spaces)
                events.append(("item", i))
                first += after
                extra = 0
                text = s[first:]
                item_first = first
                continue
            if ch == "[" and _reference_possible(text):
                raise UndecidedError("possible link reference definition")
            self.kind, self.para, self.para_indent = "para", [(i, bmark, item_first)], self.blk_indent()
            break
        return i + 1


def parse_blocks(src: str) -> tuple[list[Event], set[int]]:
    """Block events of normalized Markdown `src` and the 0-based lines of its code blocks.

    Raises `UndecidedError` for anything it does not decide exactly as markdown-it-py does.
    """
    blocks = _Blocks(src)
    blocks.run()
    return blocks.events, blocks.code


def _opens_leaf_or_quote(text: str) -> bool | None:
    """Whether a blockquote, heading, fence, HTML block or rule starts at `text` (which is not blank):
    True or False when its first character decides it, None when only a list marker could start a block."""
    ch = text[0]
    if ch == ">":
        return True
    if ch == "#":
        return _atx(text) is not None
    if ch == "`" or ch == "~":
        return _fence_open(text) is not None
    if ch == "<":
        return _html_start(text, True) is not None
    if ch in "*-_" and _hr(text):
        return True
    return None
