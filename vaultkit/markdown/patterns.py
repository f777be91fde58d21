"""The regular expressions that both scanning engines read inline text with: one copy of each, so the fast
scanner and the oracle cannot drift apart. Pure."""

from __future__ import annotations

import re

__all__ = ["CODE_SPAN_RE", "LINK_SPAN_RE", "PLACEHOLDER_RE", "TAG_RE", "TASK_RE"]

TASK_RE = re.compile(r"\[([^\n])\](?:[ \t\n]|$)")
CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# Obsidian's own rule (app.js): `#` at the start or after whitespace, then characters other than
# whitespace and this punctuation; at least one must be a non-digit (`#1984` is not a tag).
TAG_RE = re.compile(r"(?<!\S)#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
LINK_SPAN_RE = re.compile(r"!?\[\[[^\[\]\n]*\]\]|\]\([^)\n]*\)")
PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]*\}\}|<%[^\n]*?%>")
