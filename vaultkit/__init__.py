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
    from pathlib import Path

    # A finder for each folder of this package that knows only source files, so that
    # `vaultkit.markdown._fast.blocks` is the .py even where a compiled extension of it sits beside it
    # (extensions are otherwise found first).
    for _package in __path__:
        for _folder in (_package, *(str(p) for p in Path(_package).rglob("*") if p.is_dir())):
            sys.path_importer_cache[_folder] = FileFinder(_folder, (SourceFileLoader, SOURCE_SUFFIXES))

_EXPORTS = {
    "Note": "notes.note",
    "Vault": "vault",
    "Change": "vault",
    "NoteRecord": "notes.record",
    "Task": "notes.tasks",
    "TaskCounts": "notes.tasks",
    "TaskStatuses": "notes.tasks",
    "Link": "notes.links",
    "Heading": "notes.structure",
    "Problem": "errors",
    "VaultkitError": "errors",
    "NoteError": "errors",
    "ConflictError": "errors",
    "UnparsableError": "errors",
    "ReadOnlyError": "errors",
    "VaultError": "errors",
    "UnsafePathError": "errors",
    "Config": "config",
    "load_config": "config",
    "PlanProgress": "notes.progress",
    "Finding": "check.findings",
    "check_vault": "check.findings",
    "vault_status": "status",
}

__all__ = [
    "Change",
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
    "ReadOnlyError",
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
    from vaultkit.check.findings import Finding, check_vault
    from vaultkit.config import Config, load_config
    from vaultkit.errors import (
        ConflictError,
        NoteError,
        Problem,
        UnparsableError,
        UnsafePathError,
        VaultError,
        VaultkitError,
    )
    from vaultkit.notes.links import Link
    from vaultkit.notes.note import Note
    from vaultkit.notes.progress import PlanProgress
    from vaultkit.notes.record import NoteRecord
    from vaultkit.notes.structure import Heading
    from vaultkit.notes.tasks import Task, TaskCounts, TaskStatuses
    from vaultkit.status import vault_status
    from vaultkit.vault import Change, Vault


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'vaultkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
