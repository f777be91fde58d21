"""Reading a property value typed on the command line. Pure (no click)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import VaultkitError
from .frontmatter import format_scalar
from .yaml_safe import YamlLoadError, load_mapping


def parse_cli_value(text: str) -> Any:
    """VALUE as a YAML scalar or flow list; kept as the typed text when YAML would change it."""
    try:
        values, _ = load_mapping(f"value: {text}\n" if "\n" not in text else "value: x\n")
    except YamlLoadError as exc:
        raise VaultkitError(f"cannot read {text!r} as a value: {exc.message} (quote it)") from exc
    if "\n" in text:
        return text
    value = values.get("value")
    if isinstance(value, list):
        if any(isinstance(item, (list, dict)) for item in value):
            raise VaultkitError(f"{text!r}: lists may hold only plain values")
        return value
    if isinstance(value, dict):
        return text  # `{{date}}` and the like: keep as text
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, (bool, int, float, dt.date)) and format_scalar(value) != text.strip():
        return text.strip()  # `1.10`, `0x1F`, `+5`: keep what was typed
    return value
