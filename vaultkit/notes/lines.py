"""Line numbers of positions in one text, counted incrementally. Pure.

Scanners find matches left to right and need each match's line. Counting the newlines from the start of
the text for every match (`text.count("\\n", 0, start)`) is quadratic in the text's length: one 5 MB line
of links took minutes. `LineCounter` counts each stretch of text once, so a pass stays linear.
"""

from __future__ import annotations

__all__ = ["LineCounter"]


class LineCounter:
    """The line of each of a series of offsets into `text`, `first_line` being the line of `text[0]`.

    Offsets should come in increasing order (as `re.finditer` gives them); one that goes back is still
    answered correctly, by counting again from the start.
    """

    __slots__ = ("_first", "_line", "_offset", "_text")

    def __init__(self, text: str, first_line: int) -> None:
        self._text = text
        self._first = first_line
        self._offset = 0
        self._line = first_line

    def line_at(self, offset: int) -> int:
        """The line of `text[offset]`."""
        if offset < self._offset:
            self._offset, self._line = 0, self._first
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line
