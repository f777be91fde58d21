"""Properties of the plainest frontmatter, read without a YAML parser, with the values YAML would give.

Loading a properties block through PyYAML (even with libyaml) costs more than scanning the whole note body,
and nearly every block is a few `key: value` lines and `  - item` lists. This module reads exactly that
subset: top-level keys (letters, digits, `_`, `-`, inner spaces), values that are plain scalars without
any YAML indicator, or quoted strings without escapes, and block lists of such values. Each plain value is
resolved and constructed by `yaml_safe`'s own resolver and constructor, so `2026-11-22` is a date, `1.10`
a float, `NO` a string, exactly as `parse_frontmatter` gives them. Anything else (comments after values,
flow collections, anchors, multi-line scalars, escapes, tabs, placeholders, a key written twice) returns
None, and the caller uses `frontmatter.parse_frontmatter`. A differential test holds the two equal.
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


def _scalar(text: str) -> tuple[bool, Any]:
    """(ok, value) of one value as YAML reads it; ok False when it is outside the subset."""
    if not text:
        return True, None
    first = text[0]
    if not text.isprintable():
        return False, None
    if first == '"':
        if len(text) >= 2 and text[-1] == '"' and '"' not in text[1:-1] and "\\" not in text:
            return True, text[1:-1]
        return False, None
    if first == "'":
        if len(text) >= 2 and text[-1] == "'" and "'" not in text[1:-1]:
            return True, text[1:-1]
        return False, None
    if first in _INDICATORS or "#" in text or ": " in text or text[-1] == ":":
        return False, None
    tag = _resolve(text)
    if tag == _STR:
        return True, text
    try:
        return True, _construct(tag, text)
    except Exception:  # whatever YAML makes of it, the full parser decides
        return False, None


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
            ok, value = _scalar(found.group(2) or "")
            if not ok or (found.group(2) or "").startswith("- "):
                return None
            items.append(value)
            props[key] = items
            if linked is not None and isinstance(value, str) and "[[" in value:
                linked.append((key, index + 2, value))
            continue
        end, value_at = _key_end(line)
        if end < 0:
            return None
        name = line[:end]
        if name in props:
            return None  # written twice: the full parser reports it
        value_text = line[value_at:] if value_at >= 0 else None
        if value_text is None:
            key, items = name, None
            props[name] = None
            continue
        ok, value = _scalar(value_text)
        if not ok:
            return None
        key, items = None, None
        props[name] = value
        if linked is not None and isinstance(value, str) and "[[" in value:
            linked.append((name, index + 2, value))
    return props
