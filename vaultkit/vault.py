"""`Vault`: the notes under one folder, their records, and link resolution.

Walking rules (Obsidian's): every `*.md` file below the root, skipping dot-folders (`.obsidian`,
`.trash`, `.git`, `.vaultkit`, …). Notes inside the templates folder named in `.obsidian/templates.json`
are kept as templates: indexed, but never counted as plans or milestones and never rolled up.
One unreadable note never stops the walk: it becomes a record with an error.

A vault walks once; after that it can follow changes one path at a time (`Vault.apply_change`), which is
how a watcher keeps it current without walking 10,000 notes per saved file.
"""

from __future__ import annotations

import bisect
import json
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from vaultkit.config import CONFIG_PATH, Config, load_config
from vaultkit.errors import NoteError, UnsafePathError, VaultError
from vaultkit.fileio import CONFIG_LIMIT, ensure_inside, read_regular
from vaultkit.notes.links import LinkIndex, Resolution, name_key, parse_link_target
from vaultkit.notes.progress import PlanProgress, aggregate_plans
from vaultkit.props.types import TYPES_PATH, PropertyTypes, parse_types

if TYPE_CHECKING:  # Note and NoteRecord load the parsers (markdown-it, PyYAML): imported when used
    from vaultkit.index.rows import NoteOutline, NoteSummary
    from vaultkit.index.store import NoteIndex, RecordMap
    from vaultkit.notes.note import Note
    from vaultkit.notes.record import NoteRecord

__all__ = ["Change", "ChangeKind", "Vault", "find_vault_root", "read_property_types", "templates_folder"]

ChangeKind = Literal["created", "changed", "deleted", "moved"]


@dataclass(frozen=True, slots=True)
class Change:
    """One change on disk as a watcher reports it: `path`, and `dest` for a move (and only for a move).

    Paths are vault-relative with `/`, or absolute (as file-system events give them). The kind is a hint:
    `Vault.apply_change` looks at what is on disk now, so events that arrive late, twice or merged (an
    editor's atomic save: a temporary file moved over the note) still leave the vault right.
    """

    kind: ChangeKind
    path: str | Path
    dest: str | Path | None = None

    def __post_init__(self) -> None:
        if self.kind not in get_args(ChangeKind):
            raise ValueError(f"unknown change {self.kind!r}: one of {', '.join(get_args(ChangeKind))}")
        if (self.dest is None) == (self.kind == "moved"):
            raise ValueError("a move needs a destination, and only a move has one")


def find_vault_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds `.obsidian/`, else None.

    Never `start` itself as a fallback: a command run by mistake in a folder of other projects would
    then index thousands of unrelated notes and roll progress into them. A folder without `.obsidian/`
    is a vault only when the user names it (`--vault`, `$VAULTKIT_VAULT`).
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".obsidian").is_dir():
            return folder
    return None


def templates_folder(root: Path) -> str | None:
    """The templates folder from `.obsidian/templates.json` (vault-relative, no trailing `/`), if set."""
    path = root / ".obsidian" / "templates.json"
    try:
        data = json.loads(read_regular(path, CONFIG_LIMIT, "a settings file").decode("utf-8"))
    except NoteError as exc:  # a FIFO, a device, a huge file: say so rather than hang or guess
        raise VaultError(f"{path}: cannot read: {exc.reason}") from exc
    except (OSError, ValueError):
        return None
    folder = data.get("folder") if isinstance(data, dict) else None
    if not isinstance(folder, str) or not folder.strip("/ "):
        return None
    return folder.strip().strip("/")


_UNCHECKED = "property types are not checked"


def read_property_types(root: Path) -> PropertyTypes:
    """The property types Obsidian declares in `.obsidian/types.json`; none when there is no such file.

    The file is Obsidian's: one that cannot be read or parsed is a `problem` (a sentence naming the
    file) with no types, so a command warns once and goes on rather than stopping over it.
    """
    path = root / TYPES_PATH
    try:
        data = read_regular(path, CONFIG_LIMIT, "a settings file")
    except (FileNotFoundError, NotADirectoryError):
        return PropertyTypes()
    except NoteError as exc:
        return PropertyTypes(problem=f"{TYPES_PATH}: cannot read: {exc.reason}; {_UNCHECKED}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return PropertyTypes(problem=f"{TYPES_PATH}: not UTF-8 text; {_UNCHECKED}")
    found = parse_types(text)
    return found if found.problem is None else PropertyTypes(problem=f"{TYPES_PATH}: {found.problem}")


def walk(root: Path, under: str = "") -> tuple[list[str], list[str]]:
    """(note paths, other file paths), vault-relative with `/`, sorted; dot-folders and dot-files skipped,
    linked folders never entered. A note that is a link to a file outside the vault is listed, and read as
    an error (`fileio.OUTSIDE`): never read, never written, but reported.

    `under` walks one folder of the vault only (a folder that appeared), giving vault-relative paths too.
    """
    notes: list[str] = []
    others: list[str] = []
    stack = [under]
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


def _is_note(path: str) -> bool:
    return path.lower().endswith(".md")


def _under(paths: list[str], folder: str) -> list[str]:
    """The paths inside `folder`, from a sorted list: one slice (`/` sorts just before `0`)."""
    return paths[bisect.bisect_left(paths, folder + "/") : bisect.bisect_left(paths, folder + "0")]


class Vault:
    """A vault on disk. Records are read on first use; `load()` gives a full Note for editing.

    Following changes: a long-running watcher calls `apply_change(Change(kind, path, dest))` for each
    file-system event, and the vault stays equal to a fresh `Vault(root)` (note paths, link resolution,
    summaries, records, plans) without walking the vault again. For each path it looks at what is on
    disk now, under the walk's rules (dot-folders, dot-files and folders reached through a symlink are not
    part of the vault), and updates the walk's lists, the link index, the index entry of each note
    involved (read and hashed, parsed only if its bytes changed), forgets those notes' built records and the
    plans. A folder that appears is walked (that folder only); a folder that goes takes its files along;
    a folder that was merely modified tells nothing its files' own events do not. A path outside the vault
    is refused (UnsafePathError) before anything changes. The templates folder and the configuration are
    read once: after changing those, `refresh()`, which forgets everything and walks again (the CLI, after
    writing notes, does that too).
    """

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
    def property_types(self) -> PropertyTypes:
        """The declared property types (`.obsidian/types.json`), read once (see `read_property_types`)."""
        return read_property_types(self.root)

    @cached_property
    def index(self) -> NoteIndex:
        """The persistent index of the notes (`.vaultkit/cache/index.sqlite`), in line with the files."""
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

    def note_at(self, path: str) -> str | None:
        """The note at exactly this vault-relative path (`.md` may be left off), else None.

        No trimming and no link syntax: file names may hold what a link gives meaning to (`#` a heading,
        `|` an alias, `^` a block) and may end in spaces, so `Plans/C# notes.md`, `A|B.md` and `Name .md`
        can only be named this way.
        """
        for candidate in (path, path + ".md"):
            at = bisect.bisect_left(self._paths, candidate)
            if at < len(self._paths) and self._paths[at] == candidate:
                return candidate
        return None

    def find_note(self, name: str) -> str | None:
        """A note named on the command line: a file path, a vault-relative path, or a link name.

        They are tried in that order, and a file that exists outside the vault is refused (None) rather
        than taken to mean a vault note of the same relative path. The exact vault-relative path comes
        before the link reading, from whatever folder the command runs in: read as a link, `C# notes.md`
        would be the heading ` notes.md` of a note `C`. A name is found as a link is (a path written
        exactly wins, `Café` finds `Cafe\u0301.md`), but where a link would settle for a tie-break this
        refuses (VaultError listing the candidates): a command that edits a note must not guess which one
        (`Notes` when `Notes.md` and `NOTES.md` both exist).
        """
        candidate = Path(name)
        if candidate.is_file():
            try:
                return self.relpath(candidate)
            except ValueError:
                return None
        exact = self.note_at(name)
        if exact is not None:
            return exact
        text = name.strip()
        if text.startswith("[[") and text.endswith("]]"):
            text = text[2:-2]
        resolution = self.resolve(parse_link_target(text)[0])
        if resolution.ambiguous:
            listing = ", ".join(sorted(resolution.candidates))
            raise VaultError(f"{name!r} could mean {listing}; give the note's path")
        resolved = resolution.path
        return resolved if resolved in self.records or resolved in self._paths else None

    def name_collisions(self) -> list[tuple[str, ...]]:
        """Files whose paths differ only in letter case or Unicode normalization (`Notes.md` and
        `NOTES.md`, `Café.md` composed and decomposed), each group in path order, the groups sorted.

        Linux keeps them apart; macOS and Windows hold one file for such a group, so a synced or copied
        vault loses all but one of them there.
        """
        groups: dict[str, list[str]] = {}
        for path in [*self._paths, *self._others]:
            groups.setdefault(name_key(path), []).append(path)
        return sorted(tuple(sorted(paths)) for paths in groups.values() if len(paths) > 1)

    # ------------------------------------------------------------------------------------ plans

    @cached_property
    def plans(self) -> dict[str, PlanProgress]:
        """Aggregated progress for every plan (templates never count)."""
        return aggregate_plans(
            [s for s in self.summaries.values() if not s.is_template],
            lambda target, source: self.resolve_path(target, source),
            self.config.milestone_done_statuses,
        )

    # ------------------------------------------------------------------------------------ following

    def apply_change(self, change: Change) -> list[str]:
        """Follow one change on disk (see the class docstring); returns the vault-relative paths of the
        files it added, dropped or re-read, sorted."""
        return self.apply_changes([change])

    def apply_changes(self, changes: Iterable[Change]) -> list[str]:
        """Follow several changes on disk at once, as `apply_change` follows each, with the index taking
        them all in one write: a watcher's round writes a milestone, its plan and a dashboard, and one
        transaction costs a third of three. Returns the paths added, dropped or re-read, sorted."""
        changed: list[str] = []
        removed: list[str] = []
        for change in changes:
            paths = [self._vault_path(change.path)]
            if change.dest is not None:
                paths.append(self._vault_path(change.dest))
            for path in paths:
                self._follow(path, change.kind, changed, removed)
        touched = sorted({*changed, *removed})
        if not touched:
            return []
        self.__dict__.pop("plans", None)
        notes_changed = list(dict.fromkeys(p for p in changed if _is_note(p)))
        still = set(notes_changed)  # a file moved onto itself, or gone and back: re-read, not removed
        notes_removed = list(dict.fromkeys(p for p in removed if _is_note(p) and p not in still))
        if "index" in self.__dict__:
            self.index.follow(notes_changed, notes_removed)
        if "records" in self.__dict__:
            for path in (*notes_changed, *notes_removed):
                self.records.forget(path)
        return touched

    def _follow(self, path: str, kind: ChangeKind, changed: list[str], removed: list[str]) -> None:
        """Bring the walk's lists and the link index in line with what is on disk at `path`, noting the
        files re-read or added in `changed` and those dropped in `removed`."""
        found = self._found(path)
        known = [*_under(self._paths, path), *_under(self._others, path)]
        if found == "folder":
            if kind == "changed":
                return
            notes, others = walk(self.root, path)
            now = {*notes, *others}
            for gone in [path, *known]:
                if gone not in now:
                    self._drop(gone, removed)
            for file in (*notes, *others):
                self._take(file, changed)
            return
        for gone in known:
            self._drop(gone, removed)
        if found == "file":
            self._take(path, changed)
        else:
            self._drop(path, removed)

    def _found(self, path: str) -> Literal["file", "folder"] | None:
        """What `walk` would make of `path`: a file of the vault, a folder it walks into, or nothing."""
        parts = path.split("/")
        if any(part.startswith(".") for part in parts):
            return None
        folder = self.root
        try:
            for part in parts[:-1]:  # walk never goes through a symlinked folder
                folder = folder / part
                if not stat.S_ISDIR(folder.lstat().st_mode):
                    return None
            full = folder / parts[-1]
            if stat.S_ISDIR(full.lstat().st_mode):
                return "folder"
            return "file" if stat.S_ISREG(full.stat().st_mode) else None  # a symlinked file counts
        except OSError:
            return None

    def _take(self, path: str, changed: list[str]) -> None:
        """A file of the vault at `path`: added to the walk's lists (and the link index) if new."""
        paths = self._paths if _is_note(path) else self._others
        at = bisect.bisect_left(paths, path)
        if at == len(paths) or paths[at] != path:
            paths.insert(at, path)
            if "link_index" in self.__dict__:
                self.link_index.add(path)
        changed.append(path)

    def _drop(self, path: str, removed: list[str]) -> None:
        """`path` is no longer a file of the vault: out of the walk's lists and the link index."""
        paths = self._paths if _is_note(path) else self._others
        at = bisect.bisect_left(paths, path)
        if at < len(paths) and paths[at] == path:
            del paths[at]
            if "link_index" in self.__dict__:
                self.link_index.remove(path)
            removed.append(path)

    def _vault_path(self, path: str | Path) -> str:
        """`path` (vault-relative, or absolute) as a vault-relative `/` path; UnsafePathError if it is not
        inside the vault. Judged on the path as written: the file may be gone already."""
        root = self.root.absolute()
        full = os.path.normpath(root / path)
        for base in (root, root.resolve()):  # events may name the vault by its real path
            rel = os.path.relpath(full, base)
            if rel != os.curdir and rel != os.pardir and not rel.startswith(os.pardir + os.sep):
                return Path(rel).as_posix()
        raise UnsafePathError(f"{path} is not inside the vault {self.root}")

    def refresh(self) -> None:
        """Forget cached records (after notes were written) and walk again."""
        for name in ("records", "link_index", "plans", "index", "property_types"):
            self.__dict__.pop(name, None)
        self._paths, self._others = walk(self.root)
