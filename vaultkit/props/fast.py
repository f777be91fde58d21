"""Properties of the common frontmatter shapes, read without a YAML parser, with the values YAML would give.

Loading a properties block through PyYAML (even with libyaml) costs more than scanning the whole note body,
and nearly every block is a few `key: value` lines, tag lists and quoted links. This module reads exactly
that subset, one line per value: top-level keys (letters, digits, `_`, `-`, inner spaces); plain scalars;
single-quoted strings (`''` for a quote) and double-quoted ones with one-character escapes; one-line flow
lists of such scalars (`[a, "b c", 'd']`); block lists of them; empty values; full-line comments and
` # comments` after a value. Each plain value is resolved and constructed by `yaml_safe`'s own resolver
and constructor, so `2026-11-22` is a date, `1.10` a float, `NO` a string, exactly as `parse_frontmatter`
gives them. Anything else (nested or multi-line collections, anchors, tags, multi-line scalars, other
escapes, tabs, placeholders, a key written twice) returns None, and the caller uses
`frontmatter.parse_frontmatter`: when unsure, decline. A differential test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any, Final

from vaultkit.props.numbers import yaml_int

__all__ = ["YAML_TAG_PREFIX", "fast_properties"]

_KEY_RE: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+)*):(?: +(.*))?")
_ITEM_RE: Final = re.compile(r"( *)-(?: +(.*))?")
_INDICATORS: Final = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Characters yaml_safe protects or that YAML treats specially anywhere in a value.
_AVOID: Final = ("{{", "<%", "\x85", "\u2028", "\u2029", "\ue085", "\ue028", "\ue029", "\ufeff", "\t")
#: The prefix of every YAML core-schema tag (`tag:yaml.org,2002:int`, ...).
YAML_TAG_PREFIX: Final = "tag:yaml.org,2002:"
_STR: Final = YAML_TAG_PREFIX + "str"
# Characters a plain item of a flow list may not hold here: flow indicators, and ones whose meaning there
# depends on what follows (`:` `#`) or that the full parser reads more generously (quotes).
_FLOW_AVOID: Final = frozenset(",[]{}#:'\"")
# The one-character escapes of double-quoted scalars read here (not `\x`, `\u`, `\N`, `\L`, `\P`, `\_`).
_ESCAPES: Final = {
    "\\": "\\",
    '"': '"',
    "/": "/",
    " ": " ",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
}


# yaml_safe's implicit resolvers (YAML 1.2 core schema plus timestamps), in the order it adds them, so plain
# values resolve without importing PyYAML; a test checks the table against yaml_safe's own.
_BOOL_RE: Final = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE: Final = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE: Final = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL_RE: Final = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP_RE: Final = re.compile(
    r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
)
RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _pattern, _first in (
    ("bool", _BOOL_RE, list("tTfF")),
    ("int", _INT_RE, list("-+0123456789")),
    ("float", _FLOAT_RE, list("-+0123456789.")),
    ("null", _NULL_RE, ["~", "n", "N", ""]),
    ("timestamp", _TIMESTAMP_RE, list("0123456789")),
):
    for _char in _first:
        RESOLVERS.setdefault(_char, []).append((YAML_TAG_PREFIX + _tag, _pattern))
_DATE_RE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2}):([0-9]{2}))?")


def _resolve(text: str) -> str:
    """The tag yaml_safe's resolver gives a plain scalar."""
    for tag, pattern in RESOLVERS.get(text[:1], ()):
        if pattern.match(text):
            return tag
    return _STR


@cache
def _yaml() -> tuple[Any, Any]:
    from yaml.nodes import ScalarNode

    from vaultkit.props.yaml_safe import PyLoader

    return PyLoader(""), ScalarNode


def _construct(tag: str, text: str) -> Any:
    """The value yaml_safe's constructor builds (the common cases here; the rest through PyYAML)."""
    kind = tag.removeprefix(YAML_TAG_PREFIX)
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() == "true"
    if kind == "int":
        return yaml_int(text)
    if kind == "float":
        lower = text.lower()
        if lower.endswith("inf"):
            return float("-inf") if lower.startswith("-") else float("inf")
        if lower.endswith("nan"):
            return float("nan")
        return float(text)
    found = _DATE_RE.fullmatch(text)
    if found is not None:  # 2026-11-22 or 2026-11-22T10:30:00 (an invalid date raises ValueError)
        year, month, day, hour, minute, second = found.groups()
        if hour is None:
            return dt.date(int(year), int(month), int(day))
        return dt.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
    loader, node_type = _yaml()
    return loader.construct_document(node_type(tag, text))


def _quoted(text: str, at: int) -> tuple[int, str]:
    """(index after the closing quote, value) of the quoted scalar starting at `text[at]`, or (-1, '').

    Single quotes double to escape themselves (`'it''s'`); double quotes take the one-character escapes in
    `_ESCAPES`. Anything else (`\\x..`, `\\u....`, a line-end escape, no closing quote on the line) is
    declined: YAML may read those across lines or into characters `yaml_safe` protects.
    """
    mark = text[at]
    n = len(text)
    parts: list[str] = []
    i = at + 1
    while i < n:
        if mark == "'":
            close = text.find("'", i)
            if close < 0:
                return -1, ""
            if close + 1 < n and text[close + 1] == "'":
                parts.append(text[i : close + 1])
                i = close + 2
                continue
            parts.append(text[i:close])
            return close + 1, "".join(parts)
        close = text.find('"', i)
        slash = text.find("\\", i)
        if close < 0:
            return -1, ""
        if slash < 0 or close < slash:
            parts.append(text[i:close])
            return close + 1, "".join(parts)
        escaped = _ESCAPES.get(text[slash + 1 : slash + 2])
        if escaped is None:
            return -1, ""
        parts.append(text[i:slash])
        parts.append(escaped)
        i = slash + 2
    return -1, ""


def _only_comment(text: str, at: int) -> bool:
    """True when `text[at:]` is blanks, or blanks then a `# comment` (YAML wants a blank before `#`)."""
    n = len(text)
    i = at
    while i < n and text[i] == " ":
        i += 1
    return i == n or (text[i] == "#" and i > at)


def _plain(text: str, flow: bool) -> tuple[bool, Any]:
    """(ok, value) of a plain scalar (its comment already cut off), resolved as yaml_safe resolves it."""
    if not text:
        return False, None
    first = text[0]
    if first in _INDICATORS and not (first == "-" and len(text) > 1 and text[1] != " "):
        return False, None  # `-x` and `-3` are plain; `- x` is a list, `[`, `&`, `!`, `|` ... are not
    if flow:
        if any(char in _FLOW_AVOID for char in text):
            return False, None
    elif ": " in text or text[-1] == ":":
        return False, None
    tag = _resolve(text)
    if tag == _STR:
        return True, text
    try:
        return True, _construct(tag, text)
    except Exception:  # whatever YAML makes of it, the full parser decides
        return False, None


def _flow_list(text: str) -> tuple[int, list[Any]]:
    """(index after `]`, items) of a one-line flow list of scalars (`[a, "b c", 'd']`), or (-1, [])."""
    n = len(text)
    items: list[Any] = []
    i = 1
    while i < n and text[i] == " ":
        i += 1
    if i < n and text[i] == "]":
        return i + 1, items
    while i < n:
        if text[i] == '"' or text[i] == "'":
            i, value = _quoted(text, i)
            if i < 0:
                return -1, []
            items.append(value)
        else:
            stop = i
            while stop < n and text[stop] != "," and text[stop] != "]":
                stop += 1
            item = text[i:stop].rstrip(" ")
            ok, found = _plain(item, True)
            if not ok:
                return -1, []
            items.append(found)
            i += len(item)
        while i < n and text[i] == " ":
            i += 1
        if i >= n:
            return -1, []
        if text[i] == "]":
            return i + 1, items
        if text[i] != ",":
            return -1, []
        i += 1
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] == "]":  # `[a, b, ]`: YAML allows one trailing comma
            return i + 1, items
    return -1, []


def _scalar(text: str) -> tuple[bool, Any]:
    """(ok, value) of one value as YAML reads it (`text` starts with neither a blank nor `#`); ok False
    when it is outside the subset. A flow list's value is a list of scalars."""
    if not text.isprintable():
        return False, None
    first = text[0]
    if first == '"' or first == "'":
        end, value = _quoted(text, 0)
        return (True, value) if end >= 0 and _only_comment(text, end) else (False, None)
    if first == "[":
        end, items = _flow_list(text)
        return (True, items) if end >= 0 and _only_comment(text, end) else (False, None)
    cut = text.find(" #")  # a plain scalar ends where a comment starts
    return _plain(text if cut < 0 else text[:cut].rstrip(" "), False)


def _add_linked(linked: list[tuple[str, int, str]], key: str, line: int, value: Any) -> None:
    """The text values of one line that hold `[[` (each item of a flow list), as `Frontmatter.scalars`."""
    if isinstance(value, str):
        if "[[" in value:
            linked.append((key, line, value))
    elif isinstance(value, list):
        linked.extend((key, line, item) for item in value if isinstance(item, str) and "[[" in item)


def _word(c: int) -> bool:
    """[A-Za-z0-9_-]"""
    return 97 <= c <= 122 or 65 <= c <= 90 or 48 <= c <= 57 or c == 95 or c == 45


def _key_end(line: str) -> tuple[int, int]:
    """`_KEY_RE.fullmatch(line)` read by character: (end of the key, start of the value or -1), or
    (-1, -1) when the line is not `key:` or `key: value` (words of [A-Za-z0-9_-] joined by single spaces,
    the first starting with a letter or `_`)."""
    n = len(line)
    c = ord(line[0]) if n else 0
    if not (97 <= c <= 122 or 65 <= c <= 90 or c == 95):
        return -1, -1
    k = 1
    while k < n:
        c = ord(line[k])
        if _word(c):
            k += 1
        elif c == 32 and k + 1 < n and _word(ord(line[k + 1])):
            k += 2
        else:
            break
    if k >= n or ord(line[k]) != 58:  # `:`
        return -1, -1
    if k + 1 == n:
        return k, -1
    at = k + 1
    while at < n and ord(line[at]) == 32:
        at += 1
    return (k, at) if at > k + 1 else (-1, -1)


def fast_properties(
    yaml_lines: list[str], linked: list[tuple[str, int, str]] | None = None
) -> dict[str, Any] | None:
    """The properties of a block's lines (line ends included), or None when outside the plain subset.

    With `linked`, each text value that holds `[[` is added to it as (key, 1-based file line, text): the
    entries of `Frontmatter.scalars` that links can be found in (the block's first line is the file's
    second; every value of the subset is one line, as written, but for its quotes).
    """
    block = "\n".join(yaml_lines)
    if any(mark in block for mark in _AVOID):  # anywhere, even in a comment: the full parser decides
        return None
    props: dict[str, Any] = {}
    key: str | None = None  # a key whose value is still open (`key:` then list items)
    items: list[Any] | None = None
    indent = -1
    for index, raw in enumerate(yaml_lines):
        line = raw.rstrip("\r\n").rstrip(" ")
        if not line or line.lstrip(" ").startswith("#"):
            continue
        if line[0] == " " or line[0] == "-":
            found = _ITEM_RE.fullmatch(line)
            if found is None or key is None:
                return None
            if items is None:
                items, indent = [], len(found.group(1))
            elif len(found.group(1)) != indent:
                return None
            text = found.group(2) or ""
            value = None
            if text and text[0] != "#":  # `-` and `- # comment` are empty items
                if text[0] == "[":
                    return None  # a list in a list: the full parser decides
                ok, value = _scalar(text)
                if not ok:
                    return None
            items.append(value)
            props[key] = items
            if linked is not None:
                _add_linked(linked, key, index + 2, value)
            continue
        end, value_at = _key_end(line)
        if end < 0:
            return None
        name = line[:end]
        if name in props:
            return None  # written twice: the full parser reports it
        if value_at < 0 or line[value_at] == "#":  # `key:` or `key:  # comment`; list items may follow
            key, items = name, None
            props[name] = None
            continue
        ok, value = _scalar(line[value_at:])
        if not ok:
            return None
        key, items = None, None
        props[name] = value
        if linked is not None:
            _add_linked(linked, name, index + 2, value)
    return props
