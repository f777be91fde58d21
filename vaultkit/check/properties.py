"""The property findings of `vaultkit check`: hand edits rollup will replace, values that do not fit types.

| code            | severity | what                                                                  |
|-----------------|----------|-----------------------------------------------------------------------|
| `stale-rollup`  | warning  | a rollup-owned property whose stored value disagrees with the content |
| `property-type` | warning  | a value that does not fit its type in `.obsidian/types.json`          |

Both are warnings: the note loads and counts right; the first value will be replaced by the next rollup
(so whoever typed it should know), the second shows as invalid in Obsidian's properties panel and sorts
wrong in Bases. Both are found from the index's summaries; only a note with a finding is read again, for
the line of its property.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from vaultkit.config import CONFIG_PATH
from vaultkit.errors import VaultError, VaultkitError
from vaultkit.fileio import read_bytes
from vaultkit.props.frontmatter import parse_frontmatter
from vaultkit.props.types import TYPES_PATH, expected, fits
from vaultkit.rollup.apply import load_settings
from vaultkit.rollup.model import MISSING
from vaultkit.rollup.owned import stale_values
from vaultkit.vault import Vault

__all__ = ["PropertyFinding", "property_findings"]


class PropertyFinding(NamedTuple):
    """One warning about a property, before `check` makes it a Finding."""

    path: str
    line: int | None
    code: str
    message: str


def property_findings(vault: Vault, today: dt.date | None = None) -> list[PropertyFinding]:
    """Stale rollup values and values that do not fit their declared type, with the property's line."""
    pending: list[tuple[str, str, str, str]] = []  # (path, key, code, message)
    found: list[PropertyFinding] = []
    try:
        settings = load_settings(vault)
    except VaultError as exc:  # rollup reports a bad config itself; here it only means nothing to compare
        found.append(
            PropertyFinding(
                CONFIG_PATH.as_posix(), None, "stale-rollup", f"{exc}; rollup values not compared"
            )
        )
    else:
        for stale in stale_values(vault, settings, today):
            if stale.computed is MISSING:
                computed = "removes it"
            else:
                computed = f"computes {_show(stale.computed)} from the note's content"
            pending.append(
                (
                    stale.path,
                    stale.key,
                    "stale-rollup",
                    f"{stale.key} is {_show(stale.stored)}, but rollup {computed} "
                    "(a hand edit the next `vaultkit rollup` will replace)",
                )
            )
    types = vault.property_types
    if types.problem:
        found.append(PropertyFinding(TYPES_PATH, None, "property-type", types.problem))
    elif types.types:
        for path, summary in vault.summaries.items():
            if summary.is_template or summary.errors:
                continue  # templates hold `{{date}}` in date properties by design
            for key, value in summary.properties.items():
                type_id = types.of(key)
                if type_id is not None and not fits(type_id, value):
                    pending.append(
                        (
                            path,
                            key,
                            "property-type",
                            f"{key} is {_show(value)}, which does not fit its type {type_id} in "
                            f"{TYPES_PATH} (expected {expected(type_id)})",
                        )
                    )
    lines: dict[str, dict[str, int]] = {}
    for path, key, code, message in pending:
        if path not in lines:
            lines[path] = _property_lines(vault, path)
        found.append(PropertyFinding(path, lines[path].get(key), code, message))
    return found


def _property_lines(vault: Vault, path: str) -> dict[str, int]:
    """The 1-based line of each property of a note (empty when it cannot be read now)."""
    try:
        text = read_bytes(vault.abspath(path)).decode("utf-8", errors="replace")
    except (VaultkitError, OSError):
        return {}
    return {key: span.start + 1 for key, span in parse_frontmatter(text).spans.items()}


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return str(value)
