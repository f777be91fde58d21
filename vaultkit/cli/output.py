"""What reaches a person's terminal: text with its control characters made visible.

File names, headings, property values and task text are the user's (or an imported document's) bytes,
and a terminal acts on control characters: `ESC ] 0 ;` sets the window title, `ESC [ 2 J` clears the
screen, a CR overwrites the line already printed, bidirectional overrides reorder what is shown. Every
line of human output goes through `echo` here, which writes such characters as escapes (`\\x1b`,
`\\u202e`); tabs and newlines stay, as layout. JSON output needs none of this: JSON strings escape
control characters themselves.
"""

from __future__ import annotations

import re

import click

__all__ = ["echo", "visible"]

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional embeddings and isolates.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character written as an escape (searched first: most text has none)."""
    return _CONTROL_RE.sub(_escape, text) if _CONTROL_RE.search(text) else text


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """`click.echo` of human output, control characters made visible."""
    click.echo(visible(text), err=err, nl=nl)
