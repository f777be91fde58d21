"""Per-vault settings from `.vaultkit/config.toml`. Every key is optional; defaults are documented here
and in docs/configuration.md.

```toml
[tasks]
done = ["x", "X"]        # status characters that mean done
cancelled = ["-"]        # status characters that mean cancelled (left out of totals)

[milestones]
done_statuses = ["done", "complete", "completed"]

[scanner]
engine = "auto"          # "oracle": read every note with markdown-it-py (if you suspect the fast scanner)
```

Later sections (`[rollup]`, `[notion]`) are read by the modules that own them through `Config.section`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.errors import NoteError, VaultError
from vaultkit.fileio import CONFIG_LIMIT, read_regular
from vaultkit.notes.tasks import TaskStatuses

__all__ = ["CONFIG_PATH", "Config", "load_config"]

CONFIG_PATH = Path(".vaultkit") / "config.toml"


@dataclass(frozen=True)
class Config:
    statuses: TaskStatuses = field(default_factory=TaskStatuses)
    milestone_done_statuses: frozenset[str] = frozenset({"done", "complete", "completed"})
    raw: dict[str, Any] = field(default_factory=dict)
    #: `[scanner] engine` ("auto" or "oracle"), None when not set (`$VAULTKIT_SCANNER` or "auto" then).
    scanner_engine: str | None = None

    def section(self, name: str) -> dict[str, Any]:
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}


def _chars(value: object, key: str, path: Path) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and len(v) == 1 for v in value):
        raise VaultError(f'{path}: [tasks] {key} must be a list of single characters, like ["x", "X"]')
    return frozenset(value)


def _table(raw: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise VaultError(f"{path}: `{name}` must be a table (a `[{name}]` section)")
    return value


def load_config(vault_root: Path) -> Config:
    """Read the vault's config (defaults when the file is absent). Raises VaultError when it is invalid."""
    path = vault_root / CONFIG_PATH
    try:
        raw = tomllib.loads(read_regular(path, CONFIG_LIMIT, "a config file").decode("utf-8"))
    except FileNotFoundError:
        return Config()
    except NotADirectoryError as exc:
        raise VaultError(
            f"{vault_root / CONFIG_PATH.parent}: is a file, not a folder; vaultkit keeps its settings "
            "(config.toml) and index there, so move or rename that file and run the command again"
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VaultError(f"{path}: invalid TOML: {exc} (fix or delete the file)") from exc
    except NoteError as exc:
        raise VaultError(f"{path}: cannot read: {exc.reason}") from exc
    except OSError as exc:
        raise VaultError(f"{path}: cannot read: {exc.strerror}") from exc
    tasks = _table(raw, "tasks", path)
    done = _chars(tasks.get("done", ["x", "X"]), "done", path)
    cancelled = _chars(tasks.get("cancelled", ["-"]), "cancelled", path)
    if done & cancelled:
        raise VaultError(
            f"{path}: [tasks] a status cannot be both done and cancelled: {sorted(done & cancelled)}"
        )
    milestones = _table(raw, "milestones", path)
    done_statuses = milestones.get("done_statuses", ["done", "complete", "completed"])
    if not isinstance(done_statuses, list) or not all(isinstance(v, str) for v in done_statuses):
        raise VaultError(f"{path}: [milestones] done_statuses must be a list of strings")
    scanner = _table(raw, "scanner", path)
    engine = scanner.get("engine")
    if engine is not None and engine not in ("auto", "oracle"):
        raise VaultError(f'{path}: [scanner] engine must be "auto" or "oracle", not {engine!r}')
    return Config(
        TaskStatuses(done, cancelled), frozenset(s.lower() for s in done_statuses), raw, scanner_engine=engine
    )
