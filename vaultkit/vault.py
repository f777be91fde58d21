"""`Vault`: the notes under one folder, their records, and link resolution.

Walking rules (Obsidian's): every `*.md` file below the root, skipping dot-folders (`.obsidian`,
`.trash`, `.git`, `.vaultkit`, …). Notes inside the templates folder named in `.obsidian/templates.json`
are kept as templates: indexed, but never counted as plans or milestones and never rolled up.
One unreadable note never stops the walk: it becomes a record with an error.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from vaultkit.config import CONFIG_PATH, Config, load_config
from vaultkit.errors import VaultError
from vaultkit.fileio import ensure_inside
from vaultkit.notes.links import LinkIndex, Resolution, parse_link_target
from vaultkit.notes.progress import PlanProgress, aggregate_plans

if TYPE_CHECKING:  # Note and NoteRecord load the parsers (markdown-it, PyYAML): imported when used
    from vaultkit.index.rows import NoteOutline, NoteSummary
    from vaultkit.index.store import NoteIndex, RecordMap
    from vaultkit.notes.note import Note
    from vaultkit.notes.record import NoteRecord

__all__ = ["Vault", "find_vault_root", "templates_folder"]


def find_vault_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `.obsidian/`, else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".obsidian").is_dir():
            return folder
    return start


def templates_folder(root: Path) -> str | None:
    """The templates folder from `.obsidian/templates.json` (vault-relative, no trailing `/`), if set."""
    path = root / ".obsidian" / "templates.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = data.get("folder") if isinstance(data, dict) else None
    if not isinstance(folder, str) or not folder.strip("/ "):
        return None
    return folder.strip().strip("/")


def walk(root: Path) -> tuple[list[str], list[str]]:
    """(note paths, other file paths), vault-relative with `/`, sorted; dot-folders and dot-files skipped."""
    notes: list[str] = []
    others: list[str] = []
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            entries = list(os.scandir(root / rel if rel else root))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(child)
                elif entry.is_file():
                    (notes if entry.name.lower().endswith(".md") else others).append(child)
            except OSError:
                continue
    notes.sort()
    others.sort()
    return notes, others


class Vault:
    """A vault on disk. Records are read on first use; `load()` gives a full Note for editing."""

    def __init__(self, root: Path | str, config: Config | None = None) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise VaultError(f"{self.root}: not a folder (pass --vault PATH or set VAULTKIT_VAULT)")
        self.config = config if config is not None else load_config(self.root)
        if self.config.scanner_engine is not None:
            from vaultkit.markdown.scanner import set_engine

            set_engine(self.config.scanner_engine, f"{self.root / CONFIG_PATH}: [scanner] engine")
        self.templates = templates_folder(self.root)
        self._paths, self._others = walk(self.root)

    # ------------------------------------------------------------------------------------ paths

    @property
    def note_paths(self) -> list[str]:
        return list(self._paths)

    def paths_outside_templates(self) -> list[str]:
        """The note paths commands work on by default (`tasks`, `fix`), in walk order: no index needed."""
        return [path for path in self._paths if not self.is_template(path)]

    def is_template(self, path: str) -> bool:
        return (
            self.templates is not None
            and (path + "/").lower().startswith(self.templates.lower() + "/")
            and path.lower() != self.templates.lower()
        )

    def abspath(self, path: str) -> Path:
        return ensure_inside(self.root, Path(path))

    def relpath(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    # ------------------------------------------------------------------------------------ records

    def read_record(self, path: str) -> NoteRecord:
        """A fresh record for one note, from disk (an unreadable file becomes a record with an error).

        The note's index entry is brought up to date first (one `stat`, and a parse only if it changed).
        """
        if self.index.update(path) is None:
            from vaultkit.index.rows import reference_record

            return reference_record(self.root, path, self.config.statuses, self.is_template(path))
        if "records" in self.__dict__:
            self.records.forget(path)
        return self.index.record(path)

    @cached_property
    def index(self) -> NoteIndex:
        """The persistent index of the notes (`.vaultkit/index.sqlite`), in line with the files on disk."""
        from vaultkit.index.store import NoteIndex

        index = NoteIndex(
            self.root, statuses=self.config.statuses, templates=self.templates, is_template=self.is_template
        )
        index.sync(self._paths)
        return index

    @property
    def summaries(self) -> dict[str, NoteSummary]:
        """Every note's summary (type, properties, task counts, problems) by path: cheap, even for 10,000
        notes, and all that `status` and plan progress need."""
        return self.index.summaries

    @cached_property
    def records(self) -> RecordMap:
        """Every note's full record, by vault-relative path, in path order (each built on first use)."""
        from vaultkit.index.store import RecordMap

        return RecordMap(self.index)

    def iter_records(self, paths: Iterable[str]) -> Iterator[NoteRecord]:
        """Full records of the notes at `paths`, in order, a batch at a time and not kept: for one pass over
        many notes, where `records` would hold every task of the vault in memory at once."""
        return self.index.iter_records(paths)

    def iter_outlines(self) -> Iterator[tuple[str, NoteOutline]]:
        """(path, outline) of every note, in path order, a batch at a time and not kept (`check`)."""
        return self.index.iter_outlines(self._paths)

    def notes(self, *, templates: bool = False) -> Iterator[NoteRecord]:
        """Records of the vault's notes (templates left out unless asked for)."""
        for record in self.records.values():
            if templates or not record.is_template:
                yield record

    def load(self, path: str) -> Note:
        """The full note at a vault-relative path, for reading its text or editing it."""
        from vaultkit.notes.note import Note

        return Note.load(self.abspath(path), statuses=self.config.statuses)

    # ------------------------------------------------------------------------------------ links

    @cached_property
    def link_index(self) -> LinkIndex:
        return LinkIndex([*self._paths, *self._others])

    def resolve(self, target: str, source: str | None = None) -> Resolution:
        return self.link_index.resolve(target, source)

    def resolve_path(self, target: str, source: str | None = None) -> str | None:
        return self.link_index.resolve(target, source).path

    def find_note(self, name: str) -> str | None:
        """A note named on the command line: a vault-relative path, a file path, or a link name."""
        candidate = Path(name)
        if candidate.is_file():
            try:
                return self.relpath(candidate)
            except ValueError:
                return None
        name = name.strip()
        if name.startswith("[[") and name.endswith("]]"):
            name = name[2:-2]
        resolved = self.resolve_path(parse_link_target(name)[0])
        return resolved if resolved in self.records or resolved in self._paths else None

    # ------------------------------------------------------------------------------------ plans

    @cached_property
    def plans(self) -> dict[str, PlanProgress]:
        """Aggregated progress for every plan (templates never count)."""
        return aggregate_plans(
            [s for s in self.summaries.values() if not s.is_template],
            lambda target, source: self.resolve_path(target, source),
            self.config.milestone_done_statuses,
        )

    def refresh(self) -> None:
        """Forget cached records (after notes were written) and walk again."""
        for name in ("records", "link_index", "plans", "index"):
            self.__dict__.pop(name, None)
        self._paths, self._others = walk(self.root)
