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
    "TEMPLATE_VARIABLE_RE",
    "placeholder_advice",
]

TASK_RE = re.compile(r"\[([^\n])\](?:[ \t\n]|$)")
CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
# Obsidian's own rule (app.js): `#` at the start or after whitespace, then characters other than
# whitespace and this punctuation; at least one must be a non-digit (`#1984` is not a tag).
TAG_RE = re.compile(r"(?<!\S)#([^\u2000-\u206F\u2E00-\u2E7F'!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\\s]+)")
LINK_SPAN_RE = re.compile(r"!?\[\[[^\[\]\n]*\]\]|\]\([^)\n]*\)")
#: A template placeholder left in a note: Obsidian's `{{date}}`-style variable or a Templater `<% %>` block.
PLACEHOLDER_RE = re.compile(r"\{\{[^{}\r\n]*\}\}|<%[^\r\n]*?%>")
#: The variables Obsidian's core Templates plugin fills in (`{{date:YYYY-MM-DD}}`, `{{date+1d}}`): the only
#: placeholders `vaultkit new` renders and `vaultkit fix --placeholders` can fill in.
TEMPLATE_VARIABLE_RE = re.compile(
    r"\{\{[ \t]*(title|date|time|yesterday|tomorrow)[ \t]*(?:([+-]\d{1,6})[ \t]*([yYQMwWdDhHms]))?[ \t]*"
    r"(?::([^\n]*?))?\}\}",
    re.IGNORECASE,
)
#: An ISO date as notes write it (`2026-12-03`), as a pattern to build others from, and compiled.
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
ISO_DATE_RE = re.compile(ISO_DATE)


def placeholder_advice(token: str) -> str:
    """What to do about a placeholder left in a note, said so that following it works: only a core
    variable is something `vaultkit fix --placeholders` fills in, so only then is that command named (a
    finding that recommends a command the command cannot carry out teaches a person to distrust both)."""
    if token.startswith("<%"):
        return "Templater code: replace or delete it by hand; vaultkit fix does not run Templater"
    if TEMPLATE_VARIABLE_RE.fullmatch(token):
        return "fill it in, or run `vaultkit fix --placeholders`"
    return (
        "not a variable vaultkit fills in ({{title}}, {{date}}, {{time}}, {{yesterday}}, {{tomorrow}}): "
        "replace or delete it by hand"
    )
