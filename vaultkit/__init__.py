"""vaultkit: personal development plans as Markdown notes in an Obsidian vault.

The public API is imported lazily, so `import vaultkit` (and `vaultkit --help`) stays fast.

The note scanner may be compiled by mypyc at install time (setup.py). `VAULTKIT_PURE_PYTHON=1` in the
environment makes this process run the same modules from their Python source instead: the tests use it to
check both, and the benchmarks to measure both.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if os.environ.get("VAULTKIT_PURE_PYTHON"):
    from importlib.machinery import SOURCE_SUFFIXES, FileFinder, SourceFileLoader

    # A finder for this package's folder that knows only source files, so `vaultkit.fastblocks` is the
    # .py even where a compiled extension of it sits beside it (extensions are otherwise found first).
    for _folder in __path__:
        sys.path_importer_cache[_folder] = FileFinder(_folder, (SourceFileLoader, SOURCE_SUFFIXES))

_EXPORTS = {
    "Note": "note",
    "Vault": "vault",
    "NoteRecord": "record",
    "Task": "tasks",
    "TaskCounts": "tasks",
    "TaskStatuses": "tasks",
    "Link": "links",
    "Heading": "markdown",
    "Problem": "errors",
    "VaultkitError": "errors",
    "NoteError": "errors",
    "ConflictError": "errors",
    "UnparsableError": "errors",
    "VaultError": "errors",
    "UnsafePathError": "errors",
    "Config": "config",
    "load_config": "config",
    "PlanProgress": "progress",
    "Finding": "check",
    "check_vault": "check",
    "vault_status": "status",
}

__all__ = [
    "Config",
    "ConflictError",
    "Finding",
    "Heading",
    "Link",
    "Note",
    "NoteError",
    "NoteRecord",
    "PlanProgress",
    "Problem",
    "Task",
    "TaskCounts",
    "TaskStatuses",
    "UnparsableError",
    "UnsafePathError",
    "Vault",
    "VaultError",
    "VaultkitError",
    "__version__",
    "check_vault",
    "load_config",
    "vault_status",
]

if TYPE_CHECKING:
    from .check import Finding, check_vault
    from .config import Config, load_config
    from .errors import (
        ConflictError,
        NoteError,
        Problem,
        UnparsableError,
        UnsafePathError,
        VaultError,
        VaultkitError,
    )
    from .links import Link
    from .markdown import Heading
    from .note import Note
    from .progress import PlanProgress
    from .record import NoteRecord
    from .status import vault_status
    from .tasks import Task, TaskCounts, TaskStatuses
    from .vault import Vault


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vaultkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
