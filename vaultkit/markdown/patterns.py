"""The regular expressions vaultkit reads text with, one copy of each: the inline patterns both scanning
engines use (so the fast scanner and the oracle cannot drift apart), template placeholders, ISO dates.
Pure."""

from __future__ import annotations

import re

__all__ = [
    "CODE_SPAN_RE",
    "ISO_DATE",
    "ISO_DATE_RE",
    "LINK_SPAN_RE",
    "PLACEHOLDER_RE",
    "TAG_RE",
    "TASK_RE",
]

TASK_RE = re.compile(r"\[([^\n])\](?:[ \t\n]|$)")
CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# Obsidian's own rule (app.js): `#` at the start or after whitespace, then characters other than
# whitespace and this punctuation; at least one must be a non-digit (`#1984` is not a tag).
TAG_RE = re.compile(r"(?<!\S)#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
LINK_SPAN_RE = re.compile(r"!?\[\[[^\[\]\n]*\]\]|\]\([^)\n]*\)")
#: A template placeholder left in a note: Obsidian's `{{date}}`-style variable or a Templater `<% %>` block.
PLACEHOLDER_RE = re.compile(r"\{\{[^{}\r\n]*\}\}|<%[^\r\n]*?%>")
#: An ISO date as notes write it (`2026-12-03`), as a pattern to build others from, and compiled.
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
ISO_DATE_RE = re.compile(ISO_DATE)
