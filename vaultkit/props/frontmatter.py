"""Lossless frontmatter: find it, load it safely, and edit one property by splicing lines.

Nothing here re-serialises a whole YAML block. A note's text is kept as it was read; an edit replaces
exactly the lines that hold one top-level key (found from the YAML parser's node marks) and leaves every
other byte alone: BOM, CRLF, comments, key order, quoting, blank lines. A comment at the end of the key's
line (`status: open  # review monthly`) is kept through an edit. Pure functions, no I/O; value formatting
lives in `yaml_format`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultkit.errors import Problem
from vaultkit.markdown.patterns import PLACEHOLDER_RE, placeholder_advice
from vaultkit.notes.links import Link, property_link_rows
from vaultkit.props.yaml_format import (
    PropertyValue,
    format_key,
    format_property,
    format_scalar,
    property_lines,
    quote,
)
from vaultkit.props.yaml_safe import YamlLoadError, load_mapping, scalar_text

__all__ = [
    "Frontmatter",
    "KeySpan",
    "PropertyValue",
    "find_links_in_properties",
    "format_key",
    "format_property",
    "format_scalar",
    "newline_of",
    "parse_frontmatter",
    "same_value",
    "splice_property",
    "split_lines",
]

_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_FENCE_RE = re.compile(r"---[ \t]*(?:\r\n|\r|\n|\Z)")
_PH = r"(?:\{\{[^{}\r\n]*\}\}|<%[^\r\n]*?%>)"
# A block value that starts with a placeholder: `key: {{date}}  # comment`, `  - <% tp.file.title %>`.
_PH_VALUE_RE = re.compile(
    r"(?P<lead>[ \t]*(?:-[ \t]+)*"
    r"(?:(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^']|'')*'|[^\s#'\"\[\]{},&*!|>%@`-](?:[^:\r\n]|:(?![ \t]|$))*?)"
    r"[ \t]*:[ \t]+)?)"
    rf"(?P<value>{_PH}.*?)(?P<rest>[ \t]+#.*|[ \t]*)"
)
# A placeholder as one item of a flow list: `tags: [{{tag}}, b]`.
_PH_FLOW_RE = re.compile(rf"(?<=[\[{{,])([ \t]*)({_PH})(?=[ \t]*[,\]}}])")
_BLOCK_HEADER_RE = re.compile(r"(?:^[ \t]*|:[ \t]+|-[ \t]+)[|>][-+0-9]{0,2}[ \t]*(?:#.*)?$")
_COMMENT_TAIL_RE = re.compile(r"[ \t]+#.*")


def split_lines(text: str) -> list[str]:
    """Lines with their line ends, splitting on LF, CRLF and lone CR (as Markdown parsers do)."""
    return _LINE_RE.findall(text)


def newline_of(text: str) -> str:
    """The note's line ending, from its first line break ('\\n' when it has none)."""
    match = re.search(r"\r\n|\r|\n", text)
    return match.group(0) if match else "\n"


def _line_end(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


@dataclass(frozen=True, slots=True)
class KeySpan:
    """Lines [start, end) (0-based, whole-file numbering) that hold one top-level property.

    `key_text` is the key as written (quotes included) so an edit keeps it; `comment` is a trailing
    `  # comment` on the key's line (with its leading blanks), kept through an edit.
    """

    key: str
    start: int
    end: int
    key_text: str = ""
    indent: int = 0
    comment: str = ""


@dataclass(slots=True)
class Frontmatter:
    """Where the properties block is and what it holds.

    Line numbers are 0-based indices into `split_lines(text)`. `present` is False when the note has no
    block; then `body_start_line` is 0 and `properties` empty. `edit_problem` says why the block loaded
    but cannot be spliced (a flow mapping `{a: 1}`, explicit `? key` entries).
    """

    present: bool = False
    bom: bool = False
    close_line: int = 0  # index of the closing `---` line
    body_start_line: int = 0
    body_offset: int = 0  # character offset of the body in the text
    yaml_text: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, KeySpan] = field(default_factory=dict)
    scalars: list[tuple[str, int, str]] = field(default_factory=list)  # (key, 1-based line, text)
    problems: list[Problem] = field(default_factory=list)
    edit_problem: str | None = None
    key_indent: int = 0

    @property
    def ok(self) -> bool:
        """True when the block loaded (warnings allowed)."""
        return not any(p.severity == "error" for p in self.problems)

    def body_of(self, text: str) -> str:
        """The body of the `text` this block was read from: what follows the closing `---`, or the whole
        text without its byte-order mark when there is no block (the one place that slices a body)."""
        return text[self.body_offset :] if self.present else text.removeprefix("\ufeff")


def parse_frontmatter(text: str, lines: list[str] | None = None) -> Frontmatter:
    """Find and load the properties block at the top of `text`. Never raises for bad content.

    Like Obsidian, a block needs a `---` first line and a closing `---` line; without the closing one
    the `---` is body text (a thematic break).
    """
    lines = split_lines(text) if lines is None else lines
    fm = Frontmatter(bom=text.startswith("\ufeff"))
    if not lines:
        return fm
    first = lines[0][1:] if fm.bom else lines[0]
    if not _FENCE_RE.fullmatch(first):
        return fm
    close = next((i for i in range(1, len(lines)) if _FENCE_RE.fullmatch(lines[i])), None)
    if close is None:
        return fm
    fm.present = True
    fm.close_line = close
    fm.body_start_line = close + 1
    fm.body_offset = sum(map(len, lines[: close + 1]))
    fm.yaml_text = "".join(lines[1:close])
    _load_into(fm, lines[1:close])
    return fm


# ------------------------------------------------------------------------------------------ loading


def _placeholder_warnings(yaml_lines: list[str]) -> list[Problem]:
    problems = []
    for index, line in enumerate(yaml_lines):
        if line.lstrip().startswith("#"):
            continue
        found = PLACEHOLDER_RE.search(line)
        if found:
            problems.append(
                Problem(
                    index + 2,
                    f"unrendered template placeholder {found.group(0)!r} (kept as text; "
                    f"{placeholder_advice(found.group(0))})",
                    "warning",
                    "placeholder",
                )
            )
    return problems


def _quote_placeholders(yaml_lines: list[str]) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """Quote values that start with a template placeholder so YAML reads them as the text they are.

    `{{date}}` is a YAML flow mapping and `<%` cannot start a plain scalar, so unrendered templates would
    not load. Block scalar content and comments are left alone. Returns the new lines and, per changed
    line, (column after the last change, characters added) so parser columns can be mapped back.
    """
    out = list(yaml_lines)
    shifts: dict[int, tuple[int, int]] = {}
    block_indent: int | None = None
    for index, line in enumerate(yaml_lines):
        body = line.rstrip("\r\n")
        indent = len(body) - len(body.lstrip(" "))
        if block_indent is not None:
            if not body.strip() or indent > block_indent:
                continue
            block_indent = None
        if not body.strip() or body.lstrip().startswith("#"):
            continue
        if _BLOCK_HEADER_RE.search(body):
            block_indent = indent
            continue
        match = _PH_VALUE_RE.fullmatch(body)
        if match:
            quoted = quote(match.group("value"))
            new = match.group("lead") + quoted
            shifts[index] = (len(new), len(quoted) - len(match.group("value")))
            out[index] = new + match.group("rest") + _line_end(line)
        elif PLACEHOLDER_RE.search(body):
            new_body, count = _PH_FLOW_RE.subn(lambda m: m.group(1) + quote(m.group(2)), body)
            if count:
                last = max(m.end() for m in _PH_FLOW_RE.finditer(body))
                delta = len(new_body) - len(body)
                shifts[index] = (last + delta, delta)
                out[index] = new_body + _line_end(line)
    return out, shifts


def _load_into(fm: Frontmatter, yaml_lines: list[str]) -> None:
    text = "".join(yaml_lines)
    has_placeholder = PLACEHOLDER_RE.search(text) is not None
    if has_placeholder:
        fm.problems += _placeholder_warnings(yaml_lines)
    shifts: dict[int, tuple[int, int]] = {}
    try:
        props, node = load_mapping(text)
    except YamlLoadError as exc:
        error = exc
        prepared, shifts = _quote_placeholders(yaml_lines) if has_placeholder else (yaml_lines, {})
        if not shifts:
            fm.problems.append(_yaml_problem(error))
            return
        try:
            props, node = load_mapping("".join(prepared))
        except YamlLoadError as retry:
            fm.problems.append(_yaml_problem(retry))
            return
    fm.properties = props
    if node is not None:
        _collect_spans(fm, node, yaml_lines, shifts)


def _yaml_problem(exc: YamlLoadError) -> Problem:
    where = None if exc.line is None else exc.line + 2  # +1 for 1-based, +1 for the opening `---`
    return Problem(
        where, f"invalid YAML in properties: {exc.message} (fix the YAML; the note is left as it is)"
    )


def _is_empty(node: Node) -> bool:
    """`key:` with nothing after it (an empty plain scalar, whose marks point anywhere)."""
    return isinstance(node, ScalarNode) and node.value == "" and node.style in (None, "")


def _last_line(node: Node, key_line: int, lines: list[str]) -> int:
    """0-based YAML line of the last character of a value (never before its key's line)."""
    if isinstance(node, ScalarNode):
        if _is_empty(node):
            return key_line  # `key:` with nothing after it
        line = node.end_mark.line
        if node.end_mark.column == 0 and line > node.start_mark.line:
            line -= 1  # block scalars end at the start of the next line
        while line > node.start_mark.line and line < len(lines) and not lines[line].strip():
            line -= 1
        return max(line, key_line)
    if isinstance(node, (SequenceNode, MappingNode)) and node.value:
        if node.flow_style:
            return max(node.end_mark.line, key_line)
        last = node.value[-1]
        if isinstance(node, MappingNode):
            return _last_line(last[1], last[0].start_mark.line, lines)
        return _last_line(last, last.start_mark.line, lines)
    return max(node.end_mark.line, key_line)


def _key_comment(key: ScalarNode, value: Node, line: str, shift: tuple[int, int] | None) -> str:
    """The `  # comment` after a property's value on the key's line, or ''."""

    def mapped(column: int) -> int:
        return column - shift[1] if shift and column >= shift[0] else column

    line = line.rstrip("\r\n")
    colon = line.find(":", key.end_mark.column)
    is_alias = value.start_mark.index < key.start_mark.index
    if colon < 0:
        return ""
    if is_alias:
        tail = re.sub(r"^[ \t]*\*[^\s,\[\]{}]+", "", line[colon + 1 :])
    elif _is_empty(value) or value.start_mark.line > key.start_mark.line:
        tail = line[colon + 1 :]
    elif value.end_mark.line == key.start_mark.line:
        tail = line[mapped(value.end_mark.column) :]
    elif isinstance(value, ScalarNode) and value.style in ("|", ">"):
        header = re.match(r"[|>][-+0-9]{0,2}", line[value.start_mark.column :])
        tail = line[value.start_mark.column + (header.end() if header else 1) :]
    else:
        return ""
    return tail if _COMMENT_TAIL_RE.fullmatch(tail) else ""


def _collect_spans(
    fm: Frontmatter, node: MappingNode, yaml_lines: list[str], shifts: dict[int, tuple[int, int]]
) -> None:
    pairs = node.value
    if node.flow_style:
        fm.edit_problem = "the properties are written as one `{...}` mapping; edit them in Obsidian instead"
    fm.key_indent = pairs[0][0].start_mark.column if pairs else 0
    seen: set[str] = set()
    previous_end = -1
    for index, (key_node, value_node) in enumerate(pairs):
        key = scalar_text(key_node) if isinstance(key_node, ScalarNode) else str(key_node.value)
        start = key_node.start_mark.line
        line = yaml_lines[start]
        if key in seen:
            fm.problems.append(
                Problem(
                    start + 2, f"property {key!r} is set twice; Obsidian refuses such properties (remove one)"
                )
            )
        seen.add(key)
        _collect_scalars(fm, key, value_node)
        if fm.edit_problem or not isinstance(key_node, ScalarNode):
            continue
        column = key_node.start_mark.column
        if line[:column].strip(" ") or column != fm.key_indent or start <= previous_end:
            fm.edit_problem = f"property {key!r} is not written as a plain `key: value` line"
            continue
        next_start = pairs[index + 1][0].start_mark.line if index + 1 < len(pairs) else len(yaml_lines)
        last = max(start, min(_last_line(value_node, start, yaml_lines), next_start - 1))
        previous_end = last
        fm.spans.setdefault(
            key,
            KeySpan(
                key,
                start + 1,
                last + 2,
                line[column : key_node.end_mark.column],
                column,
                _key_comment(key_node, value_node, line, shifts.get(start)),
            ),
        )


def _collect_scalars(fm: Frontmatter, key: str, node: Node) -> None:
    """Every scalar below one property, with its file line (for links written in properties)."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ScalarNode):
            fm.scalars.append((key, current.start_mark.line + 2, scalar_text(current)))
        elif isinstance(current, SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, MappingNode):
            stack.extend(reversed([v for _, v in current.value]))


# ------------------------------------------------------------------------------------------ editing


def same_value(a: Any, b: Any) -> bool:
    """Equal values of the same type (1 is not True, 1.0 is not 1, a date is not a datetime; nan == nan)."""
    if type(a) is not type(b):
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
            return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    return bool(a == b)


def splice_property(
    text: str, fm: Frontmatter, key: str, value: PropertyValue, *, delete: bool = False
) -> str:
    """Return `text` with property `key` set to `value` (or removed); every other line unchanged.

    `fm` must come from `parse_frontmatter(text)`, be `ok` and have no `edit_problem`. Setting a key to
    the value it already has returns `text` itself, so a rollup that recomputes the same number never
    rewrites a note.
    """
    lines = split_lines(text)
    span = fm.spans.get(key)
    if delete:
        if span is None:
            return text
        return "".join(lines[: span.start] + lines[span.end :])
    if span is not None:
        if key in fm.properties and same_value(fm.properties[key], value):
            return text
        newline = _line_end(lines[span.end - 1]) or newline_of(text)
        new = property_lines(span.key_text, value, newline, span.indent, span.comment)
        return "".join([*lines[: span.start], new, *lines[span.end :]])
    newline = newline_of(text)
    new = property_lines(format_key(key), value, newline, fm.key_indent if fm.spans else 0)
    if fm.present:
        return "".join([*lines[: fm.close_line], new, *lines[fm.close_line :]])
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    return f"{bom}---{newline}{new}---{newline}{text[len(bom) :]}"


def find_links_in_properties(fm: Frontmatter) -> list[Link]:
    """Wikilinks in property values (`plan: "[[Growth]]"`), each with the file line of its value."""
    return [Link(*row) for row in property_link_rows(fm.scalars)]
