"""The one error tree of vaultkit, and the record type for problems found in notes.

Exceptions are for operations that cannot go on (a conflicting write, a note we refuse to edit).
Problems found while *reading* a note are not raised: they are collected as `Problem` records on the
note, so one bad note never stops a vault-wide command.

    VaultkitError
     ├── NoteError            an operation on one note failed (carries path and line)
     │    ├── ConflictError    the file changed on disk since it was read
     │    ├── UnparsableError  the note's frontmatter is broken, so we refuse to edit it
     │    └── ReadOnlyError    the user made the note read-only, so we leave it alone
     ├── VaultError           the vault itself is unusable (missing folder, bad config)
     └── UnsafePathError      a title, link or variable would land outside the vault
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in a note: 1-based `line` (None when it concerns the whole file)."""

    line: int | None
    message: str
    severity: Severity = "error"
    code: str = "invalid"

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "message": self.message, "severity": self.severity, "code": self.code}


class VaultkitError(Exception):
    """Base of every error vaultkit raises on purpose."""


class NoteError(VaultkitError):
    """An operation on one note failed."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(where + message)


class ConflictError(NoteError):
    """The file changed on disk after it was read; writing would lose someone's edit."""


class UnparsableError(NoteError):
    """The note's frontmatter could not be parsed, so it is left alone."""


class ReadOnlyError(NoteError):
    """The note's owner has no write permission on it: the user's way of saying "leave this note alone"."""


class VaultError(VaultkitError):
    """The vault or its configuration cannot be used."""


class UnsafePathError(VaultkitError):
    """A path built from untrusted text would escape the vault."""
