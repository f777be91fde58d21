"""Lossless frontmatter: find it, load it safely, and edit one property by splicing lines.

Nothing here re-serialises a whole YAML block. A note's text is kept as it was read; an edit replaces
exactly the lines that hold one top-level key (found from the YAML parser's marks) and leaves every other
byte alone: BOM, CRLF, comments, key order, quoting, blank lines. Pure functions, no I/O.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, ScalarNode
from yaml.resolver import Resolver as _Yaml11Resolver

from .errors import Problem
from .links import Link, find_links
from .yaml_safe import YamlLoadError, _Resolver, load_mapping

__all__ = [
    "Frontmatter",
    "PropertyValue",
    "format_property",
    "format_scalar",
    "parse_frontmatter",
    "splice_property",
    "split_lines",
]

PropertyValue = str | int | float | bool | dt.date | dt.datetime | None | Sequence[Any]

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FENCE_RE = re.compile(r"---[ \t]*(?:\r\n|\r|\n|\Z)")
_PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]*\}\}|<%[^\n]*?%>")
# `key: value` or `- value` at any indentation; group "value" is what YAML would read as a scalar.
_VALUE_RE = re.compile(
    r"^(?P<prefix>[ \t]*(?:-[ \t]+)*(?:[^\s#'\"\[{][^:#]*?:[ \t]+)?)(?P<value>.*?)(?P<end>\r\n|\r|\n|)$"
)


def split_lines(text: str) -> list[str]:
    """Lines with their line ends, splitting on LF, CRLF and lone CR (as Markdown parsers do)."""
    return _LINE_RE.findall(text)


def newline_of(text: str) -> str:
    """The note's line ending, from its first line break ('\\n' when it has none)."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


@dataclass(frozen=True, slots=True)
class KeySpan:
    """Lines [start, end) (0-based, whole-file numbering) that hold one top-level property."""

    key: str
    start: int
    end: int
    value_end_col: int  # column where the value ends on the last line (to keep a trailing comment)


@dataclass(slots=True)
class Frontmatter:
    """Where the properties block is and what it holds.

    Line numbers are 0-based indices into `split_lines(text)`. `present` is False when the note has no
    block; then `body_start_line` is 0 and `properties` empty.
    """

    present: bool = False
    bom: bool = False
    open_line: int = 0
    close_line: int = 0  # index of the closing `---` line
    body_start_line: int = 0
    body_offset: int = 0  # character offset of the body in the text
    yaml_text: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, KeySpan] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the block loaded (warnings allowed) and may be edited."""
        return not any(p.severity == "error" for p in self.problems)


def parse_frontmatter(text: str, lines: list[str] | None = None) -> Frontmatter:
    """Find and load the properties block at the top of `text`. Never raises for bad content."""
    lines = split_lines(text) if lines is None else lines
    fm = Frontmatter(bom=text.startswith("\ufeff"))
    if not lines:
        return fm
    first = lines[0][1:] if fm.bom else lines[0]
    if not _FENCE_RE.fullmatch(first):
        return fm
    close = next((i for i in range(1, len(lines)) if _FENCE_RE.fullmatch(lines[i])), None)
    if close is None:  # Obsidian needs the closing fence; without it, the `---` is body text.
        return fm
    fm.present = True
    fm.close_line = close
    fm.body_start_line = close + 1
    fm.body_offset = sum(map(len, lines[: close + 1]))
    fm.yaml_text = "".join(lines[1:close])
    _load_into(fm, lines)
    return fm


def _load_into(fm: Frontmatter, lines: list[str]) -> None:
    yaml_lines = lines[1 : fm.close_line]
    parse_lines = list(yaml_lines)
    for i, line in enumerate(yaml_lines):
        if not _PLACEHOLDER_RE.search(line):
            continue
        match = _VALUE_RE.match(line)
        value = match.group("value").rstrip() if match else ""
        if match and value and value[0] not in "'\"" and _PLACEHOLDER_RE.search(value):
            parse_lines[i] = (
                match.group("prefix") + json.dumps(value, ensure_ascii=False) + match.group("end")
            )
        fm.problems.append(
            Problem(
                i + 2,
                f"unrendered template placeholder {_PLACEHOLDER_RE.search(line).group(0)!r}"  # type: ignore[union-attr]
                " (kept as text; fill it in, or run `vaultkit fix --placeholders`)",
                "warning",
                "placeholder",
            )
        )
    try:
        props, node = load_mapping("".join(parse_lines))
    except YamlLoadError as exc:
        where = None if exc.line is None else exc.line + 2
        fm.problems.append(
            Problem(
                where, f"invalid YAML in properties: {exc.message} (fix the YAML; the note is left as it is)"
            )
        )
        return
    fm.properties = props
    if node is not None:
        _collect_spans(fm, node, yaml_lines)


def _collect_spans(fm: Frontmatter, node: MappingNode, yaml_lines: list[str]) -> None:
    pairs = node.value
    seen: set[str] = set()
    for index, (key_node, value_node) in enumerate(pairs):
        key = str(key_node.value) if isinstance(key_node, ScalarNode) else repr(key_node.value)
        start = key_node.start_mark.line
        next_start = pairs[index + 1][0].start_mark.line if index + 1 < len(pairs) else len(yaml_lines)
        end_mark = value_node.end_mark
        end = end_mark.line + (1 if end_mark.column > 0 else 0)
        end = max(start + 1, min(end, next_start))
        is_block_scalar = isinstance(value_node, ScalarNode) and value_node.style in ("|", ">")
        while end - 1 > start:  # trailing blank/comment lines belong to no property: leave them
            stripped = yaml_lines[end - 1].strip()
            if stripped == "" or (stripped.startswith("#") and not is_block_scalar):
                end -= 1
            else:
                break
        value_end_col = end_mark.column if end_mark.line == end - 1 else len(yaml_lines[end - 1])
        if key in seen:
            fm.problems.append(
                Problem(start + 2, f"property {key!r} is set twice; Obsidian keeps one (remove the other)")
            )
        seen.add(key)
        fm.spans.setdefault(key, KeySpan(key, start + 1, end + 1, value_end_col))


# ---------------------------------------------------------------------------------------------- writing

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_YAML11 = _Yaml11Resolver()
_YAML12 = _Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _plain_ok(text: str) -> bool:
    """True when `text` reads back as the same string unquoted, under YAML 1.1 and 1.2 alike."""
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return False
    if any(c in text for c in "\r\n\t\x85\u2028\u2029\ufeff") or not text.isprintable():
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    for resolver in (_YAML11, _YAML12):
        if resolver.resolve(ScalarNode, text, (True, False)) != _STR_TAG:  # type: ignore[no-untyped-call]
            return False
    return True


def _quote(text: str) -> str:
    out = json.dumps(text, ensure_ascii=False)
    for char in "\x85\u2028\u2029\ufeff":
        out = out.replace(char, f"\\u{ord(char):04x}")
    return out


def format_scalar(value: Any) -> str:
    """One value as Obsidian writes it: `2026-11-22`, `2026-11-22T10:30:00`, `true`, quoted links."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if _plain_ok(value) else _quote(value)
    raise TypeError(f"unsupported property value {value!r}: use text, numbers, booleans, dates or lists")


def format_key(key: str) -> str:
    """A property name, quoted only when YAML needs it."""
    return key if _plain_ok(key) else _quote(key)


def format_property(key: str, value: PropertyValue, newline: str = "\n") -> str:
    """The YAML lines for one property, ending with `newline`."""
    name = format_key(key)
    if isinstance(value, (list, tuple)):
        if not value:
            return f"{name}: []{newline}"
        items = "".join(f"  - {format_scalar(item)}".rstrip() + newline for item in value)
        return f"{name}:{newline}{items}"
    scalar = format_scalar(value)
    return f"{name}: {scalar}{newline}" if scalar else f"{name}:{newline}"


def splice_property(
    text: str, fm: Frontmatter, key: str, value: PropertyValue, *, delete: bool = False
) -> str:
    """Return `text` with property `key` set to `value` (or removed); every other line unchanged.

    `fm` must come from `parse_frontmatter(text)` and be `ok`.
    """
    lines = split_lines(text)
    newline = newline_of(text)
    span = fm.spans.get(key)
    if delete:
        if span is None:
            return text
        return "".join(lines[: span.start] + lines[span.end :])
    new = format_property(key, value, newline)
    if span is not None:
        last = lines[span.end - 1]
        tail = last[span.value_end_col :].rstrip("\r\n")
        if span.end - span.start == 1 and "\n" not in new.rstrip("\r\n") and re.fullmatch(r"[ \t]+#.*", tail):
            new = new.rstrip("\r\n") + tail + newline  # keep `key: value  # comment`
        return "".join([*lines[: span.start], new, *lines[span.end :]])
    if fm.present:
        close = fm.close_line
        before = lines[:close]
        if before and not before[-1].endswith(("\n", "\r")):
            before[-1] += newline
        return "".join([*before, new, *lines[close:]])
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    rest = text[len(bom) :]
    return f"{bom}---{newline}{new}---{newline}{rest}"


def find_links_in_properties(fm: Frontmatter) -> list[Link]:
    """Wikilinks in property values (`plan: "[[Growth]]"`), with the line of their property."""
    links: list[Link] = []
    for key, value in fm.properties.items():
        span = fm.spans.get(key)
        line = span.start + 1 if span else 1
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and "[[" in item:
                links.extend(find_links(item, line, f"property:{key}"))
    return links
