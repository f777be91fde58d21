"""Reading a property value typed on the command line (`vaultkit set NOTE KEY VALUE`). Pure (no click).

VALUE is read as a YAML scalar or flow list, so `42`, `true`, `2026-12-01` and `[a, b]` get their types.
But a person typing on a shell means the text they typed, so whenever YAML would *silently* turn it into
something else, the typed text wins:

- `1.10`, `0x1F`, `+5`, `1e3`, `007`: numbers YAML would rewrite (`1.1`, `31`, ...) stay text;
- `#pdp`, `x  # note`, `&anchor x`, `|`: comments, anchors and block indicators would eat characters;
- `Fix: the bug`, `{{date}}`, `- x`, `@home`: plain text that is not valid YAML is still plain text;
- `[[My Plan]]`: a link (YAML would read a list inside a list); in a flow list too: `[[[A]], [[B]]]`.

Text that starts with YAML syntax (`"`, `'`, `[`, `{` other than a `{{placeholder}}`, `!`) or looks like
a date shows the person meant YAML, so a mistake there (`2026-13-01`, `"unclosed`) is an error to fix
rather than text to store.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from yaml.nodes import ScalarNode, SequenceNode

from vaultkit.errors import VaultkitError
from vaultkit.props.frontmatter import format_scalar
from vaultkit.props.yaml_safe import YamlLoadError, load_mapping

__all__ = ["parse_cli_value"]

_LINK_RE = re.compile(r"\[\[[^\[\]\n]+\]\]")
_DATE_RE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[Tt ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_YAML_SYNTAX = ('"', "'", "[", "{", "!")
_PLACEHOLDER_START = ("{{", "<%")


def _means_yaml(text: str) -> bool:
    if _DATE_RE.fullmatch(text):
        return True  # `2026-13-01` is a typo in a date, not text to store
    return text.startswith(_YAML_SYNTAX) and not text.startswith(_PLACEHOLDER_START)


def _as_link(value: Any) -> Any:
    """`[[X]]` as YAML reads it (`[["X"]]`) back to the link text `"[[X]]"`; other values unchanged."""
    if (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], list)
        and len(value[0]) == 1
        and isinstance(value[0][0], str)
    ):
        return f"[[{value[0][0]}]]"
    return value


def _keep_typed(value: Any, raw: str, quoted: bool) -> Any:
    """`value` as YAML read `raw`, or `raw` itself when writing `value` back would not give `raw`."""
    if quoted or raw.startswith("!"):
        return value  # the person spelled out the YAML: "1.10", !!str 5
    if value is None:
        return None if raw in _NULLS else raw  # `#pdp` is a YAML comment: keep the text
    if isinstance(value, str):
        return value if value == raw else raw
    if isinstance(value, (bool, int, float, dt.date)) and format_scalar(value) != raw:
        return raw  # `1.10`, `0x1F`, `+5`, `1e3`: written back they would read differently
    return value


def parse_cli_value(text: str) -> Any:
    """VALUE as a YAML scalar or flow list; the typed text where YAML would change it.

    Returns str, int, float, bool, date, datetime, None or a list of those. Raises VaultkitError for
    text that is meant as YAML (quoted, a flow list, a tag) but does not load, and for nested lists.
    """
    typed = text.strip()
    if "\n" in typed or _LINK_RE.fullmatch(typed):
        return typed
    doc = f"value: {typed}\n"
    try:
        values, mapping = load_mapping(doc)
    except YamlLoadError as exc:
        if _means_yaml(typed):
            hint = (
                "write dates as YYYY-MM-DD and times as YYYY-MM-DDTHH:MM:SS"
                if _DATE_RE.fullmatch(typed)
                else "check its quotes and brackets"
            )
            raise VaultkitError(f"cannot read {typed!r} as a value: {exc.message} ({hint})") from exc
        return typed
    value = values.get("value")
    node = mapping.value[0][1] if mapping is not None else None
    if isinstance(value, list) and isinstance(node, SequenceNode):
        if doc[node.start_mark.index : node.end_mark.index] != typed:
            return typed  # `[a, b] # note`: something beside the list would be lost
        items = []
        for item, child in zip(value, node.value, strict=True):
            if isinstance(child, ScalarNode):
                raw = doc[child.start_mark.index : child.end_mark.index]
                items.append(_keep_typed(item, raw, child.style in ("'", '"')))
            else:
                items.append(_as_link(item))
        if any(isinstance(item, (list, dict)) for item in items):
            raise VaultkitError(f"{typed!r}: a list may hold only plain values, not lists or mappings")
        return items
    if isinstance(value, (list, dict)):
        if _means_yaml(typed):
            raise VaultkitError(f"{typed!r}: a property value may be a plain value or a list, not a mapping")
        return typed  # `{{date}}`: keep as text
    quoted = isinstance(node, ScalarNode) and node.style in ("'", '"')
    return _keep_typed(value, typed, quoted)
