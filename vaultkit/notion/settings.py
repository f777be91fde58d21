"""Where and how to sync: the `[notion]` table of `.vaultkit/config.toml`, the environment, and the token.

```toml
[notion]
plans = "1a2b…"          # database ids, written by `vaultkit notion setup`
milestones = "…"
journals = "…"
base_url = "https://api.notion.com"   # $VAULTKIT_NOTION_BASE_URL overrides it
deleted = "trash"        # a note deleted from the vault: "trash" its page, or "keep" it
rate = 3.0               # requests per second on average (Notion's documented limit)

[notion.properties]      # your property names, when your databases use other ones
progress = "Done"
```

The token is read from `$NOTION_TOKEN` only, never from a file: vaultkit never writes it anywhere.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vaultkit.config import Config
from vaultkit.errors import VaultError
from vaultkit.notion.schema import DEFAULT_NAMES, KINDS, parse_notion_id

__all__ = ["DEFAULT_BASE_URL", "NotionSettings", "notion_settings", "notion_token"]

DEFAULT_BASE_URL = "https://api.notion.com"
_KEYS = frozenset({*KINDS, "base_url", "deleted", "rate", "properties"})


@dataclass(frozen=True)
class NotionSettings:
    """The `[notion]` settings, checked: dashed database ids by kind (absent until `setup` ran)."""

    databases: Mapping[str, str] = field(default_factory=dict)
    base_url: str = DEFAULT_BASE_URL
    deleted: str = "trash"
    rate: float | None = 3.0
    names: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_NAMES))

    def name(self, key: str) -> str:
        """The user's name for property `key` (`progress` -> "Progress" unless renamed)."""
        return self.names.get(key, DEFAULT_NAMES[key])


def notion_settings(config: Config, environ: Mapping[str, str] | None = None) -> NotionSettings:
    """The checked `[notion]` settings; raises VaultError naming the key and what to write instead."""
    env = os.environ if environ is None else environ
    raw: Mapping[str, Any] = config.section("notion")
    where = ".vaultkit/config.toml: [notion]"
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise VaultError(f"{where} has unknown keys {unknown}; known keys: {sorted(_KEYS)}")
    databases: dict[str, str] = {}
    for kind in KINDS:
        value = raw.get(kind)
        if value is None:
            continue
        parsed = parse_notion_id(value) if isinstance(value, str) else None
        if parsed is None:
            raise VaultError(f"{where} {kind} = {value!r} is not a Notion database id (32 hex digits)")
        databases[kind] = parsed
    base_url = env.get("VAULTKIT_NOTION_BASE_URL") or raw.get("base_url", DEFAULT_BASE_URL)
    if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")):
        raise VaultError(f"{where} base_url = {base_url!r} must be an http(s) URL, like {DEFAULT_BASE_URL!r}")
    deleted = raw.get("deleted", "trash")
    if deleted not in ("trash", "keep"):
        raise VaultError(f'{where} deleted = {deleted!r} must be "trash" or "keep"')
    rate = raw.get("rate", 3.0)
    if rate is not None and (
        isinstance(rate, bool) or not isinstance(rate, int | float) or not math.isfinite(rate) or rate <= 0
    ):
        raise VaultError(f"{where} rate = {rate!r} must be a positive number of requests per second")
    names = dict(DEFAULT_NAMES)
    overrides = raw.get("properties", {})
    if not isinstance(overrides, Mapping):
        raise VaultError(f"{where}.properties must be a table of field = \"Property name\"")
    for key, value in overrides.items():
        if key not in DEFAULT_NAMES:
            raise VaultError(
                f"[notion.properties] {key!r} is not a field vaultkit writes; fields: {sorted(DEFAULT_NAMES)}"
            )
        if not isinstance(value, str) or not value.strip():
            raise VaultError(f"[notion.properties] {key} must name a property, not {value!r}")
        names[key] = value
    return NotionSettings(databases, base_url.rstrip("/"), deleted, float(rate) if rate else None, names)


def notion_token(environ: Mapping[str, str] | None = None) -> str:
    """The integration token from `$NOTION_TOKEN`; raises VaultError saying how to get one."""
    env = os.environ if environ is None else environ
    token = env.get("NOTION_TOKEN", "").strip()
    if not token:
        raise VaultError(
            "NOTION_TOKEN is not set: create an internal integration at "
            "https://www.notion.so/my-integrations, share your page with it, and "
            "export NOTION_TOKEN=<its secret>; a service reads it from the file `vaultkit service install "
            "--notion` names (docs/notion.md)"
        )
    return token
