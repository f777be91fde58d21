"""Property values written the way Obsidian writes them, and safe for every YAML reader. Pure.

Obsidian's shapes: `key: value`, lists as `key:` then `  - item`, links quoted `"[[Note]]"`, dates
`2026-11-22`, datetimes `2026-11-22T10:30:00`, an empty value as a bare `key:`. A string is left unquoted
only when it reads back as the very same string under YAML 1.2 (Obsidian, our loader) *and* YAML 1.1
(PyYAML and older tools), so `NO`, `yes`, `1.10`, `12:30`, `~` and `#x` are quoted and never silently turn
into booleans, numbers, null or comments.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from yaml.nodes import ScalarNode
from yaml.resolver import Resolver as _Yaml11Resolver

from vaultkit.props.yaml_safe import Yaml12Resolver

__all__ = [
    "MAX_KEY_CHARS",
    "PropertyValue",
    "format_key",
    "format_property",
    "format_scalar",
    "key_length_problem",
    "property_lines",
    "quote",
]

PropertyValue = str | int | float | bool | dt.date | dt.datetime | None | Sequence[Any]

_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_YAML11 = _Yaml11Resolver()
_YAML12 = Yaml12Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}
# Characters a YAML double-quoted scalar must escape: non-printable ones, YAML 1.1 line breaks, the BOM.
_MUST_ESCAPE = frozenset("\x85\u2028\u2029\ufeff")


def _yaml_printable(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x09, 0x0A, 0x0D)
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def quote(text: str) -> str:
    """`text` as a YAML double-quoted scalar that every YAML reader reads back unchanged."""
    out = ['"']
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char in _MUST_ESCAPE or not _yaml_printable(char):
            code = ord(char)
            if 0xD800 <= code <= 0xDFFF:
                raise ValueError(f"text {text!r} holds a lone surrogate; it is not valid Unicode")
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _plain_ok(text: str) -> bool:
    """True when `text` reads back as the same string unquoted, under YAML 1.1 and 1.2 alike."""
    if not text or text != text.strip(" ") or text[0] in _INDICATORS:
        return False
    if not all(" " <= char <= "\x7e" or (char > "\xa0" and char.isprintable()) for char in text):
        return False  # control characters, tabs, line breaks, odd spaces: quote
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    for resolver in (_YAML11, _YAML12):
        if resolver.resolve(ScalarNode, text, (True, False)) != _STR_TAG:  # type: ignore[no-untyped-call]
            return False
    return True


def format_scalar(value: Any) -> str:
    """One value as Obsidian writes it: `2026-11-22`, `2026-11-22T10:30:00`, `true`, quoted links.

    None is the empty string (written as a bare `key:`).
    """
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
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, str):
        return value if _plain_ok(value) else quote(value)
    raise TypeError(f"unsupported property value {value!r}: use text, numbers, booleans, dates or lists")


def format_key(key: str) -> str:
    """A property name, quoted only when YAML needs it."""
    return key if _plain_ok(key) else quote(key)


MAX_KEY_CHARS = 1024
"""YAML reads `key: value` only when the key, as written, is at most 1,024 characters (an implicit key)."""


def key_length_problem(key: str) -> str | None:
    """Why `key` cannot be written as a property name, when it is too long for YAML; None when it fits.

    Said before editing, because afterwards the only symptom is a note that no longer loads the same.
    """
    written = len(format_key(key))
    if written <= MAX_KEY_CHARS:
        return None
    shown = f"{key[:30]!r}… ({len(key):,} characters"
    shown += f", {written:,} as written)" if written != len(key) else ")"
    return (
        f"property name {shown} is too long: YAML allows at most {MAX_KEY_CHARS:,} characters in a key "
        "(counting quotes and escapes); use a shorter name"
    )


def property_lines(key_text: str, value: Any, newline: str, indent: int = 0, comment: str = "") -> str:
    """The lines of one property; `key_text` is the key as it should appear, `comment` stays on its line."""
    pad = " " * indent
    if isinstance(value, (list, tuple)):
        if not value:
            return f"{pad}{key_text}: []{comment}{newline}"
        items = "".join(f"{pad}  - {format_scalar(item)}".rstrip(" ") + newline for item in value)
        return f"{pad}{key_text}:{comment}{newline}{items}"
    scalar = format_scalar(value)
    head = f"{pad}{key_text}: {scalar}" if scalar else f"{pad}{key_text}:"
    return f"{head}{comment}{newline}"


def format_property(key: str, value: PropertyValue, newline: str = "\n") -> str:
    """The YAML lines for one property, ending with `newline`."""
    return property_lines(format_key(key), value, newline)
