"""`json.dumps(strict(value), indent=2, ensure_ascii=False, default=...)`, byte for byte, and faster.

Strict JSON: a float that is infinite or not a number (a property `.inf`, `.nan` or `1e400`) is written as
the string YAML spells it (`".inf"`, `"-.inf"`, `".nan"`), never as the bare `Infinity`/`NaN` that
`json.dumps` allows and that strict parsers (and `jq`) reject.

Why: `json.dumps` only uses its C encoder when `indent` is None; with an indent, every value goes through
Python generators, and for `vaultkit status --json` on 10,000 notes that alone took longer than reading
the whole vault. Here, containers holding only plain values (str, int, float, bool, None: most of any
`--json` document) are encoded by the C encoder in one call, with separators that carry the indentation of
their level; only the containers around them are walked in Python. JSON strings never hold a raw newline,
so the output is exactly what `json.dumps` writes (a property test holds it to that).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = ["dumps", "dumps_list", "strict"]

_PLAIN = frozenset({str, int, float, bool, type(None)})
# The C accelerators (absent on other Python implementations: then `dumps` is plain `json.dumps`).
_C_STR: Any = getattr(json.encoder, "c_encode_basestring", None)
_STR: Callable[[str], str] = _C_STR if _C_STR is not None else json.encoder.py_encode_basestring
_MAKE: Any = getattr(json.encoder, "c_make_encoder", None)


def strict(value: Any) -> Any:
    """`value` with every infinite or not-a-number float, at any depth, replaced by its YAML spelling."""
    kind = type(value)
    if kind is float:
        if value != value:
            return ".nan"
        if value in (math.inf, -math.inf):
            return ".inf" if value > 0 else "-.inf"
        return value
    if kind is dict:
        return {key: strict(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [strict(item) for item in value]
    return value


def _reference(value: Any, level: int, default: Callable[[Any], Any]) -> str:
    """What `json.dumps` writes for `value` nested at `level` (for anything the fast path does not take)."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=default, allow_nan=False)
    return text.replace("\n", "\n" + "  " * level) if level else text


class _Encoder:
    def __init__(self, default: Callable[[Any], Any]) -> None:
        self.default = default
        self._flat: dict[int, Any] = {}

    def flat(self, level: int) -> Any:
        """A C encoder whose separators indent items at `level + 1`."""
        found = self._flat.get(level)
        if found is None:
            separator = ",\n" + "  " * (level + 1)
            found = _MAKE(None, self.default, _STR, None, ": ", separator, False, False, False)
            self._flat[level] = found
        return found

    def encode(self, value: Any, level: int) -> str:
        kind = type(value)
        if kind is str:
            return str(_STR(value))
        if kind is dict:
            if not value:
                return "{}"
            if level >= 60 or not all(type(k) is str for k in value):
                return _reference(value, level, self.default)
            inner = "  " * (level + 1)
            if all(type(v) in _PLAIN for v in value.values()):
                body = "".join(self.flat(level)(value, 0))
                return "{\n" + inner + body[1:-1] + "\n" + "  " * level + "}"
            items = [inner + _STR(k) + ": " + self.encode(v, level + 1) for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            if level >= 60:
                return _reference(value, level, self.default)
            inner = "  " * (level + 1)
            if all(type(v) in _PLAIN for v in value):
                body = "".join(self.flat(level)(list(value), 0))
                return "[\n" + inner + body[1:-1] + "\n" + "  " * level + "]"
            if len(value) > 8 and type(value[0]) is dict:
                rows = self.records(value, level + 1)
                if rows is not None:
                    return "[\n" + inner + (",\n" + inner).join(rows) + "\n" + "  " * level + "]"
            items = [inner + self.encode(v, level + 1) for v in value]
            return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"
        if kind in _PLAIN:
            return "".join(self.flat(level)([value], 0))[1:-1]
        return _reference(value, level, self.default)

    def column(self, values: list[Any], level: int) -> list[str]:
        """Each value encoded as it would be at `level`, a whole column at a time where possible."""
        separator = ",\n" + "  " * (level + 1)
        if _PLAIN.issuperset(map(type, values)):
            return "".join(self.flat(level)(values, 0))[1:-1].split(separator)
        if set(map(type, values)) == {dict}:
            table = self.records(values, level) if values[0] else None
            if table is not None:
                return table
        if set(map(type, values)) == {dict} and all(_is_flat_dict(v) for v in values):
            # A list of flat dicts encodes as `[{..},<sep>{..}]` with one separator for both levels; after
            # a separator, a dict item starts with `"`, a list item here with `{`, so the split is exact.
            text = "".join(self.flat(level)(values, 0))[1:-1]
            close = "\n" + "  " * level + "}"
            return [
                piece if piece == "{}" else "{\n" + "  " * (level + 1) + piece[1:-1] + close
                for piece in _split_dicts(text, separator)
            ]
        return ["[]" if type(v) is list and not v else self.encode(v, level) for v in values]

    def records(self, rows: list[Any], level: int) -> list[str] | None:
        """A list of dicts that all have the same keys (a table), encoded column by column; None if not."""
        keys = list(rows[0])
        if not keys or set(map(type, keys)) != {str} or set(map(type, rows)) != {dict}:
            return None
        if not all(map(keys.__eq__, map(list, rows))):
            return None
        inner = "  " * (level + 1)
        columns = [self.column([row[key] for row in rows], level + 1) for key in keys]
        template = "".join(
            ("{\n" if i == 0 else ",\n") + inner + _STR(key).replace("%", "%%") + ": %s"
            for i, key in enumerate(keys)
        )
        template += "\n" + "  " * level + "}"
        return [template % cells for cells in zip(*columns, strict=True)]


def _is_flat_dict(value: dict[Any, Any]) -> bool:
    return _PLAIN.issuperset(map(type, value.values())) and all(type(k) is str for k in value)


def _split_dicts(text: str, separator: str) -> list[str]:
    """Split `{..}<sep>{..}<sep>{}` into its dicts."""
    pieces = text.split("}" + separator + "{")
    last = len(pieces) - 1
    return [("{" if i else "") + piece + ("}" if i < last else "") for i, piece in enumerate(pieces)]


def dumps(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """Exactly `json.dumps(strict(value), indent=2, ensure_ascii=False, default=default)`."""
    if _MAKE is None:  # no C accelerator (another Python implementation): nothing to gain
        return json.dumps(strict(value), indent=2, ensure_ascii=False, default=default, allow_nan=False)
    fallback = default if default is not None else json.JSONEncoder().default
    encoder = _Encoder(fallback)
    try:
        return encoder.encode(value, 0)
    except ValueError:  # a float out of JSON's range, somewhere: rare, so looked for only now
        return encoder.encode(strict(value), 0)


def _chunk(encoder: _Encoder, chunk: list[Any]) -> list[str]:
    rows = encoder.records(chunk, 2) if len(chunk) > 1 and type(chunk[0]) is dict else None
    return rows if rows is not None else [encoder.encode(item, 2) for item in chunk]


def dumps_list(
    key: str, chunks: Iterable[list[Any]], default: Callable[[Any], Any] | None = None
) -> Iterator[str]:
    """`dumps({key: [*items of every chunk]})` in pieces, one per chunk: a long list (every task of a
    vault) is written as it is made, and never held whole, as a string or as a list."""
    fallback = default if default is not None else json.JSONEncoder().default
    encoder = _Encoder(fallback) if _MAKE is not None else None
    yield "{\n  " + _STR(key) + ": ["
    first = True
    for chunk in chunks:
        if not chunk:
            continue
        if encoder is None:
            items = [_reference(strict(item), 2, fallback) for item in chunk]
        else:
            try:
                items = _chunk(encoder, chunk)
            except ValueError:  # a float out of JSON's range (see `dumps`)
                items = _chunk(encoder, strict(chunk))
        yield ("\n    " if first else ",\n    ") + ",\n    ".join(items)
        first = False
    yield "]\n}" if first else "\n  ]\n}"
