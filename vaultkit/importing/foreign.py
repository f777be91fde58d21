"""TOML and JSON frontmatter (as Hugo, Zola and python-frontmatter write it) turned into YAML properties.

Obsidian reads properties only from a YAML block between `---` lines, so a document that opens with
`+++` fences (TOML) or with a `{` line (a JSON object, python-frontmatter's `JSONHandler` convention)
would come into the vault with its metadata shown as body text. python-frontmatter's handlers decide
whether a document has such frontmatter and where it ends, and load it; we then write every value the way
vaultkit writes properties (`format_property`), so the note reads like one made in Obsidian. We never use
python-frontmatter's `dumps()`: it sorts keys and rewrites the body.

The body is kept byte for byte: python-frontmatter strips the text it returns, so we cut the body at the
line after the closing fence ourselves. A document that uses CR LF (or CR) line ends is detected on a copy
with LF line ends (the handlers' `$` does not match before a CR), and the YAML block takes the document's
own line ends.

What YAML properties cannot hold is reported, never dropped: a table (TOML `[params]`, a JSON object) or
a list that holds tables or lists has no Obsidian property form and is kept as JSON text; a TOML local
time (`10:30:00`) becomes text. Flattening a table into `params.x` keys would invent properties that
no tool of the source site reads.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from frontmatter.default_handlers import BaseHandler, JSONHandler

from vaultkit.errors import NoteError
from vaultkit.importing.repair import Repair
from vaultkit.props.frontmatter import newline_of, parse_frontmatter, same_value, split_lines
from vaultkit.props.yaml_format import format_property

__all__ = ["ConvertedFrontmatter", "TomlHandler", "convert_frontmatter"]


class TomlHandler(BaseHandler):
    """python-frontmatter's TOML handler (the same `+++` boundary), loading with the standard `tomllib`.

    python-frontmatter ships its `TOMLHandler` only when the third-party `toml` package is installed; the
    standard library has read TOML since Python 3.11, with dates and datetimes as `datetime` values.
    """

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm: str, **kwargs: object) -> Any:
        return tomllib.loads(fm)


_LINE_END_RE = re.compile(r"\r\n?")
_HANDLERS: tuple[tuple[str, BaseHandler], ...] = (("TOML", TomlHandler()), ("JSON", JSONHandler()))


@dataclass(slots=True)
class ConvertedFrontmatter:
    """A document whose TOML or JSON frontmatter became a YAML properties block.

    Lines: `source_body_line` is where the body starts in the document, `body_line` where it starts in
    `text`; a line of the body moves by the difference, a line of the new properties block has no line in
    the document (`source_line` gives None).
    """

    text: str
    format: str  # "TOML" or "JSON"
    source_body_line: int
    body_line: int
    repairs: list[Repair] = field(default_factory=list)

    def source_line(self, line: int | None) -> int | None:
        """The document's line for `line` of `text`."""
        if line is None or line < self.body_line:
            return None
        return line - self.body_line + self.source_body_line


def _detect(text: str) -> tuple[str, BaseHandler] | None:
    """The format and handler of `text`'s frontmatter; None for YAML (vaultkit's own reader) or none."""
    for name, handler in _HANDLERS:
        if handler.detect(text):
            return name, handler
    return None


def _as_json(value: object) -> str:
    def default(item: object) -> str:
        if isinstance(item, (dt.date, dt.datetime, dt.time)):
            return item.isoformat()
        raise TypeError(f"{item!r} is not JSON")  # pragma: no cover - TOML and JSON hold nothing else

    return json.dumps(value, ensure_ascii=False, default=default)


def _property_value(key: str, value: object, fmt: str, repairs: list[Repair]) -> object:
    """`value` as a property can hold it; each change of form reported in `repairs`."""
    table = "table" if fmt == "TOML" else "object"
    if isinstance(value, dict):
        repairs.append(
            Repair(
                None,
                "frontmatter",
                f"property {key!r}: a {fmt} {table} has no property form; kept as JSON text",
            )
        )
        return _as_json(value)
    if isinstance(value, list):
        if any(isinstance(item, (dict, list)) for item in value):
            repairs.append(
                Repair(
                    None,
                    "frontmatter",
                    f"property {key!r}: a list of {table}s or lists has no property form; kept as JSON text",
                )
            )
            return _as_json(value)
        return [_property_value(key, item, fmt, repairs) for item in value]
    if isinstance(value, dt.time):
        repairs.append(Repair(None, "frontmatter", f"property {key!r}: a time of day kept as text"))
        return value.isoformat()
    return value


def convert_frontmatter(text: str, source: str) -> ConvertedFrontmatter | None:
    """`text` with its TOML or JSON frontmatter written as YAML properties; None when it has neither.

    Raises NoteError when the frontmatter does not load (nothing is imported then, as for broken YAML).
    """
    lf_text = _LINE_END_RE.sub("\n", text)  # one character per line end, so line numbers agree
    found = _detect(lf_text)
    if found is None:
        return None
    fmt, handler = found
    assert handler.FM_BOUNDARY is not None
    fences = list(handler.FM_BOUNDARY.finditer(lf_text))
    if len(fences) < 2:
        raise NoteError(f"{fmt} frontmatter is not closed; nothing imported", source, 1)
    try:
        raw, _content = handler.split(lf_text)
        metadata = handler.load(raw)
    except (ValueError, tomllib.TOMLDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise NoteError(f"invalid {fmt} frontmatter ({exc}); nothing imported", source, 1) from exc
    if not isinstance(metadata, dict):  # pragma: no cover - both handlers load an object or fail
        raise NoteError(f"{fmt} frontmatter is not a table of properties; nothing imported", source, 1)
    closing = lf_text.count("\n", 0, fences[1].start())  # 0-based line of the closing fence
    lines = split_lines(text)
    body = "".join(lines[closing + 1 :])
    newline = newline_of(text)
    repairs: list[Repair] = []
    values = {str(key): _property_value(str(key), value, fmt, repairs) for key, value in metadata.items()}
    block = "".join(format_property(key, value, newline) for key, value in values.items())  # type: ignore[arg-type]
    head = f"---{newline}{block}---{newline}"
    converted = head + body
    check = parse_frontmatter(converted)
    if (
        not check.ok
        or list(check.properties) != list(values)
        or not same_value(dict(check.properties), values)
    ):
        raise NoteError(
            f"{fmt} frontmatter cannot be written as YAML properties unchanged; nothing imported", source, 1
        )
    noun = "property" if len(values) == 1 else "properties"
    fences_text = "+++ fences" if fmt == "TOML" else "a { } object"
    repairs.insert(
        0,
        Repair(
            1, "frontmatter", f"{fmt} frontmatter ({fences_text}) converted to YAML: {len(values)} {noun}"
        ),
    )
    return ConvertedFrontmatter(converted, fmt, closing + 2, len(split_lines(head)) + 1, repairs)
