"""The vault index: every note's summary (and its detail, once asked for) kept in
`.vaultkit/cache/index.sqlite`.

Parsing 10,000 notes takes seconds; reading back what was parsed last time takes milliseconds. The rules:

- Entries are keyed by path, with the file's (mtime_ns, size) and a content hash. A note whose stat is
  unchanged is neither read nor parsed; one whose stat changed but whose bytes hash the same (a `touch`, a
  sync tool rewriting a file) is read but not parsed.
- A note modified less than `RACY_NS` before it was indexed is hashed again on the next run: a second edit
  within the file system's timestamp granularity may leave mtime and size alike (git's "racy clean"
  problem). Unreadable notes are retried every run.
- An index belongs to one configuration: task statuses, templates folder, vaultkit's parsing code and the
  markdown-it-py and PyYAML versions. Any change makes it another index, rebuilt from the notes.
- SQLite commits are atomic; a rebuilt index is written to a temporary file and renamed into place. A file
  that is not a valid index of this version is deleted and rebuilt, never trusted; an entry that does not
  decode is parsed again. When the index cannot be written (read-only vault, another writer holding the
  lock), vaultkit works from memory and says nothing: the index is a cache.
- Many notes to parse (a first run) are parsed in a process pool across the machine's cores.
- Beside a note's detail the index keeps the earliest due date of its open tasks (`open_dues`), so an
  open-tasks block orders notes from the index and builds the tasks of the notes it shows only.
- The index is a cache, and lives apart from the user's data: `.vaultkit/cache/` holds a `.gitignore` of
  `*`, so a git-backed vault leaves it out (and sync tools that read `.gitignore` can), while
  `.vaultkit/config.toml` stays beside it as settings worth keeping. An index of ours at the old place
  (`.vaultkit/index.sqlite`) is deleted once the new one is written; any other database there is kept.

The index answers one path at a time too (`update`), which is what the watcher uses.

A long parse reports how far it got through `vaultkit.reporting`: the library knows no terminal, so the
CLI supplies the progress bar.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultkit.index.rows import (
    FLAG_RECHECK,
    NoteOutline,
    NoteSummary,
    Outline,
    build_outline,
    build_record,
    decode,
    encode,
    open_due,
)
from vaultkit.index.scan import (
    FORMAT_VERSION,
    fingerprint,
    parse_batch,
    pool_context,
    unchanged,
    worker_start,
)
from vaultkit.notes.tasks import TaskCounts, TaskStatuses
from vaultkit.reporting import reported

if TYPE_CHECKING:
    from vaultkit.notes.record import NoteRecord

__all__ = ["INDEX_FILE", "OLD_INDEX_FILE", "NoteIndex", "RecordMap"]

def _log(message: str, *args: object) -> None:
    import logging  # only when there is something to say: a warm run stays lean

    logging.getLogger(__name__).info(message, *args)


def _warn(message: str, *args: object) -> None:
    """Say something the user should act on (on stderr, unless the application configured logging)."""
    import logging

    logging.getLogger(__name__).warning(message, *args)


def _inside(root: Path, path: Path) -> bool:
    """Whether `path`, all links followed, lies inside `root` (links within the vault are fine)."""
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    return real == real_root or real_root in real.parents


def _our_tables(names: set[str]) -> bool:
    """Tables an index of ours may hold, damaged included (no table at all: an empty file)."""
    return not names or ("meta" in names and names <= {"meta", "notes"})


def _tables(path: Path) -> set[str] | None:
    """The table names of the SQLite database at `path`, opened read-only (None: not readable as one)."""
    from urllib.parse import quote

    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=2.0)
        try:
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _regular(path: Path) -> bool:
    """Whether `path` itself (not a link's target) is a regular file."""
    import stat

    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


INDEX_FILE = Path(".vaultkit") / "cache" / "index.sqlite"
#: Where earlier versions kept the index (deleted once the index is at `INDEX_FILE`, if it is ours).
OLD_INDEX_FILE = Path(".vaultkit") / "index.sqlite"
#: The cache folder's `.gitignore`: everything in it can be rebuilt, so nothing in it is versioned.
CACHE_IGNORE = b"# vaultkit's cache: rebuilt from the notes when missing\n*\n"
#: Below this many notes to parse, a process pool costs more than it saves.
PARALLEL_MIN = 300
_CHUNK = 48
#: Notes the one-pass readers parse in full are stored this many at a time (their detail is not kept).
_STORE_CHUNK = 500

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE notes (
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL, hash BLOB NOT NULL,
    title TEXT NOT NULL, type TEXT, done INTEGER NOT NULL, open INTEGER NOT NULL,
    cancelled INTEGER NOT NULL, flags INTEGER NOT NULL, props BLOB, problems BLOB, tasks BLOB, outline BLOB,
    due INTEGER
) WITHOUT ROWID;
"""
# `due`: the earliest due date of the note's open tasks (`index.rows.open_due`), set with the detail.
_INSERT = "INSERT OR REPLACE INTO notes VALUES (" + ", ".join("?" * 15) + ")"
# Entries that no code of ours wrote (SQLite checks them in C, before Python reads a row).
_INVALID_ROWS = """
SELECT count(*) FROM notes WHERE typeof(path) != 'text' OR typeof(mtime_ns) != 'integer'
    OR typeof(size) != 'integer' OR typeof(hash) != 'blob' OR typeof(title) != 'text'
    OR typeof(type) NOT IN ('text', 'null') OR typeof(done) != 'integer' OR typeof(open) != 'integer'
    OR typeof(cancelled) != 'integer' OR typeof(flags) != 'integer' OR done < 0 OR open < 0
    OR cancelled < 0 OR flags < 0 OR typeof(props) NOT IN ('blob', 'null')
    OR typeof(problems) NOT IN ('blob', 'null') OR typeof(tasks) NOT IN ('blob', 'null')
    OR typeof(outline) NOT IN ('blob', 'null') OR (tasks IS NULL) != (outline IS NULL)
    OR typeof(due) NOT IN ('integer', 'null') OR due < 0 OR (tasks IS NULL) != (due IS NULL)
"""


class NoteIndex:
    """The index of one vault: `sync(paths)`, then `summaries`; `record(path)` for a full record."""

    def __init__(
        self,
        root: Path,
        *,
        statuses: TaskStatuses,
        templates: str | None,
        is_template: Callable[[str], bool],
        persist: bool = True,
        workers: int | None = None,
    ) -> None:
        self.root = root
        self.statuses = statuses
        self.is_template = is_template
        self.file = root / INDEX_FILE
        self.persist = persist
        if persist and not (_inside(root, self.file.parent) and _inside(root, self.file)):
            # A `.vaultkit` (or index file) that is a link leading out of the vault: never written through.
            _warn("%s leads outside the vault; vaultkit keeps its index in memory for this run", self.file)
            self.persist = False
        self.workers = workers if workers is not None else (os.cpu_count() or 1)
        self._fingerprint = fingerprint(statuses, templates)
        self._conn: sqlite3.Connection | None = None
        self._stats: dict[str, tuple[int, int, bytes, int]] = {}
        # A note's detail, in its two parts (`index.rows.Detail`): the outline may be known without the tasks.
        self._tasks: dict[str, Any] = {}
        self._outlines: dict[str, Outline] = {}
        self._dues: dict[str, int] = {}  # `open_due` of the notes whose detail is known
        self.summaries: dict[str, NoteSummary] = {}
        #: What the last `sync` did: notes parsed, notes hashed but unchanged, entries removed.
        self.last_sync = (0, 0, 0)

    # ------------------------------------------------------------------------------------ loading

    def _load(self) -> None:
        """Read every summary from the index file (an unusable file is deleted, and we start empty)."""
        if self._conn is not None or not self.persist or not self.file.is_file():
            return
        try:
            conn = sqlite3.connect(self.file, timeout=2.0)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            found = conn.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if version != FORMAT_VERSION or found is None or found[0] != self._fingerprint:
                conn.close()
                self._discard("another version or configuration")
                return
            if conn.execute(_INVALID_ROWS).fetchone()[0]:
                raise ValueError("malformed entries")
            rows = conn.execute(
                "SELECT path, mtime_ns, size, hash, title, type, done, open, cancelled, flags, props, "
                "problems FROM notes"
            ).fetchall()
            stats, summaries = self._rows(rows)
            dues = dict(conn.execute("SELECT path, due FROM notes WHERE due IS NOT NULL").fetchall())
            for summary in summaries.values():
                summary._repair = self._repair
        except (sqlite3.Error, ValueError, TypeError) as exc:
            self._discard(f"unreadable ({exc})")
            return
        self._conn = conn
        self._stats, self.summaries, self._dues = stats, summaries, dues
        self._retire_old_index()

    @staticmethod
    def _rows(rows: list[Any]) -> tuple[dict[str, tuple[int, int, bytes, int]], dict[str, NoteSummary]]:
        """Stats and summaries from the rows of `_VALID_ROWS` (checked by SQLite before we read them)."""
        stats: dict[str, tuple[int, int, bytes, int]] = {}
        summaries: dict[str, NoteSummary] = {}
        counts_of: dict[tuple[int, int, int], TaskCounts] = {}  # notes often share counts
        make = NoteSummary.from_row
        for path, mtime, size, digest, title, kind, done, open_, cancelled, flags, props, problems in rows:
            stats[path] = (mtime, size, digest, flags)
            key = (done, open_, cancelled)
            counts = counts_of.get(key)
            if counts is None:
                counts = counts_of[key] = TaskCounts(done, open_, cancelled)
            summaries[path] = make(path, title, kind, counts, flags, props, problems)
        return stats, summaries

    def _repair(self, path: str) -> dict[str, Any]:
        """Properties for a summary whose stored ones do not decode: parse the note again."""
        self._stats.pop(path, None)
        self._apply(self._parse([(path, None, self.is_template(path))], detail=False), [])
        return self.summaries[path].properties

    def _foreign(self) -> str | None:
        """What makes the file at our index's path someone else's database (None: it is ours, or damaged
        beyond reading, which only an index of ours at this path can be)."""
        names = _tables(self.file)
        if names is None or _our_tables(names):
            return None
        return f"it holds other tables ({', '.join(sorted(names))})"

    def _retire_old_index(self) -> None:
        """Delete the index an earlier version kept at `OLD_INDEX_FILE`, now that ours is at `INDEX_FILE`.

        Stricter than `_discard`: the old path is not ours any more, so only a regular file inside the vault
        that reads as one of our indexes (a `meta` table, no table of anyone else's) goes, with its
        journal files; anything else there (a link, another program's database, a damaged file) is kept.
        """
        old = self.root / OLD_INDEX_FILE
        if not _regular(old) or not _inside(self.root, old):
            return
        names = _tables(old)
        if names is None or "meta" not in names or not names <= {"meta", "notes"}:
            return
        _log("removing the index of an earlier version at %s", old)
        for suffix in ("", "-journal", "-wal", "-shm"):
            part = Path(f"{old}{suffix}")
            if _regular(part):
                with contextlib.suppress(OSError):
                    part.unlink()

    def _ignore_cache(self) -> None:
        """Give the cache folder its `.gitignore` (`*`), unless it has one: created, never overwritten, and
        never written through a link (O_EXCL refuses an existing name, a dangling link included)."""
        path = self.file.parent / ".gitignore"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError:
            return  # there already (the user's own, perhaps), or the folder is not writable: fine
        with os.fdopen(fd, "wb") as out:
            out.write(CACHE_IGNORE)

    def _discard(self, why: str) -> None:
        foreign = self._foreign()
        if foreign is not None:
            _warn(
                "%s is not vaultkit's index (%s): left as it is, and the index kept in memory for this run; "
                "move the file away to let vaultkit keep its index there",
                self.file,
                foreign,
            )
            self.persist = False
            return
        _log("rebuilding %s: %s", self.file, why)
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{self.file}{suffix}").unlink()

    # ------------------------------------------------------------------------------------ syncing

    def sync(self, paths: Sequence[str]) -> None:
        """Bring the index in line with the notes at `paths` (vault-relative, the vault's walk)."""
        self._load()
        stats = self._stats
        same = unchanged(str(self.root), paths, stats) if stats else set()
        todo = [
            (path, stats[path][2] if path in stats else None, self.is_template(path))
            for path in paths
            if path not in same
        ]
        wanted = set(paths) if len(paths) != len(stats) or todo else None
        removed = [p for p in stats if p not in wanted] if wanted is not None else []
        parsed = reported(self._parse(todo, detail=False), len(todo), "indexing notes")
        self._apply(parsed, removed)
        if list(self.summaries) != list(paths):  # walk order (sorted), whatever the file's order was
            self.summaries = {p: self.summaries[p] for p in paths}

    def update(self, path: str) -> NoteSummary | None:
        """Re-check one note (the watcher's call): its summary, or None when the file is gone."""
        self.follow([path], [])
        return self.summaries.get(path)

    def remove(self, path: str) -> None:
        """Drop the entry of one note that is no longer part of the vault (no effect when there is none)."""
        self.follow([], [path])

    def follow(self, changed: Sequence[str], removed: Sequence[str]) -> None:
        """Follow a few notes that changed on disk, in one write: the notes at `changed` re-checked (read
        and hashed, parsed only if their bytes changed; dropped if their file is gone), the entries of
        `removed` dropped. A renamed note is its old path removed and its new one changed: it is parsed
        again under its new name, since its title, and whether it is a template, come from the path.
        """
        self._load()
        stats, summaries = self._stats, self.summaries
        todo: list[tuple[str, bytes | None, bool]] = []
        gone: list[str] = []
        for path in changed:
            if (self.root / path).is_file():
                known = stats.get(path)
                todo.append((path, known[2] if known else None, self.is_template(path)))
            else:
                gone.append(path)
        present = {item[0] for item in todo}
        gone = [
            p for p in dict.fromkeys([*gone, *removed]) if p not in present and (p in stats or p in summaries)
        ]
        if not todo and not gone:
            return
        new = any(p not in summaries for p in present)
        # A note whose detail was known keeps it: whoever asked for it (an open-tasks block, `tasks`) will
        # ask again, and finding it stored then spares that command a parse and a write of its own.
        full = [item for item in todo if item[0] in self._dues]
        todo = [item for item in todo if item[0] not in self._dues]
        parsed = itertools.chain(self._parse(full, detail=True), self._parse(todo, detail=False))
        self._apply(parsed, gone)
        if new and list(self.summaries) != sorted(self.summaries):  # new entries go last: walk order again
            self.summaries = {p: self.summaries[p] for p in sorted(self.summaries)}

    def holds(self, path: str, data: bytes) -> bool:
        """Whether the entry for `path` was made from exactly these bytes (its summary is theirs)."""
        from vaultkit.index.scan import content_hash

        known = self._stats.get(path)
        return known is not None and known[2] == content_hash(data)

    def _parse(self, todo: Sequence[tuple[str, bytes | None, bool]], detail: bool) -> Iterator[Any]:
        """The parsed notes, in order, as they come: `_apply` takes each in while the workers go on."""
        root = str(self.root)
        if len(todo) < PARALLEL_MIN or self.workers < 2:
            yield from parse_batch(root, todo, self.statuses, detail)
            return
        from concurrent.futures import ProcessPoolExecutor

        chunks = [todo[i : i + _CHUNK] for i in range(0, len(todo), _CHUNK)]
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=pool_context(),
            initializer=worker_start,
            initargs=(os.getpid(),),
        )
        try:
            results = pool.map(
                parse_batch,
                [root] * len(chunks),
                chunks,
                [self.statuses] * len(chunks),
                [detail] * len(chunks),
            )
            for batch in results:
                yield from batch
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM or SIGHUP through the CLI's handlers, or the reader closing
            # this generator): drop the chunks not started instead of parsing the whole vault first, as
            # leaving a `with` block would (`shutdown(wait=True)`); the workers end after their chunk.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()

    def _apply(self, parsed: Iterable[Any], removed: list[str], *, keep: bool = True) -> None:
        """Take parsed notes in: their summaries, and their details, held in memory too unless `keep` is
        False and the index file holds them (read back from it when asked for, which the one-pass readers
        rely on for thousands of notes); write what changed to the index file."""
        keep = keep or self._conn is None or not self.persist
        rows = []
        count = hashed = 0
        for item in parsed:
            count += 1
            path, mtime, size, digest, flags = item[:5]
            if len(item) == 5:  # same bytes: only the stat (and whether to re-check it) changed
                hashed += 1
                old = self._stats[path]
                flags |= old[3] & ~FLAG_RECHECK
                if (mtime, size, flags) == (old[0], old[1], old[3]):
                    continue
                self._stats[path] = (mtime, size, digest, flags)
                rows.append(("stat", path, mtime, size, flags))
                continue
            parts, detail = item[5], item[6]
            flags |= parts[5]
            parts = (*parts[:5], flags, *parts[6:])
            self._stats[path] = (mtime, size, digest, flags)
            self.summaries[path] = NoteSummary.from_parts(path, parts)
            self._forget_detail(path)
            blobs: tuple[bytes | None, bytes | None, int | None] = (None, None, None)
            if detail is not None:
                due = self._dues[path] = open_due(detail)
                if keep:
                    self._tasks[path], self._outlines[path] = detail
                blobs = (encode(detail[0]), encode(detail[1]), due)
            rows.append(("row", path, mtime, size, digest, *parts, *blobs))
        for path in removed:
            self._stats.pop(path, None)
            self.summaries.pop(path, None)
            self._forget_detail(path)
        self.last_sync = (count - hashed, hashed, len(removed))
        if rows or removed:
            self._write(rows, removed)

    def _forget_detail(self, path: str) -> None:
        self._tasks.pop(path, None)
        self._outlines.pop(path, None)
        self._dues.pop(path, None)

    # ------------------------------------------------------------------------------------ writing

    def _write(self, rows: list[tuple[Any, ...]], removed: list[str]) -> None:
        if not self.persist:
            return
        try:
            if self._conn is None:
                self._create({r[1]: r[1:] for r in rows if r[0] == "row"})
                return
            with self._conn:
                self._conn.executemany(
                    "UPDATE notes SET mtime_ns = ?, size = ?, flags = ? WHERE path = ?",
                    [(r[2], r[3], r[4], r[1]) for r in rows if r[0] == "stat"],
                )
                self._conn.executemany(_INSERT, [r[1:] for r in rows if r[0] == "row"])
                self._conn.executemany("DELETE FROM notes WHERE path = ?", [(p,) for p in removed])
        except (sqlite3.Error, OSError) as exc:
            _log("index not written (%s); working from memory", exc)
            self.persist = False

    def _create(self, new: dict[str, tuple[Any, ...]]) -> None:
        """Write the whole index to a temporary file and rename it into place."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        self._ignore_cache()
        tmp = self.file.with_name(f"{self.file.name}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()  # ours by its name; never written through (it could be a link left there)
        try:
            conn = sqlite3.connect(tmp)
            conn.execute("PRAGMA journal_mode = OFF")
            conn.executescript(_SCHEMA)
            with conn:
                conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
                conn.execute("INSERT INTO meta VALUES ('fingerprint', ?)", (self._fingerprint,))
                conn.executemany(_INSERT, self._all_rows(new))
            conn.close()
            tmp.replace(self.file)
        finally:
            if tmp.exists():
                tmp.unlink()
        self._conn = sqlite3.connect(self.file, timeout=2.0)
        self._retire_old_index()

    def _all_rows(self, new: dict[str, tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        for path, summary in self.summaries.items():
            row = new.get(path)
            if row is not None:
                yield row
                continue
            mtime, size, digest, flags = self._stats[path]
            counts = summary.counts
            found = summary.errors + summary.warnings
            problems = tuple((p.line, p.message, p.severity, p.code) for p in found)
            tasks, outline = self._tasks.get(path), self._outlines.get(path)
            whole = tasks is not None and outline is not None
            yield (
                path, mtime, size, digest, summary.title, summary.type, counts.done, counts.open,
                counts.cancelled, flags, encode(summary.properties) if summary.properties else None,
                encode(problems) if problems else None, encode(tasks) if whole else None,
                encode(outline) if whole else None, self._dues.get(path) if whole else None,
            )  # fmt: skip

    # ------------------------------------------------------------------------------------ records

    def record(self, path: str) -> NoteRecord:
        """The full record of one indexed note (its detail is parsed once, then kept)."""
        return self.records([path])[path]

    def records(self, paths: Iterable[str]) -> dict[str, NoteRecord]:
        wanted = [p for p in paths if p in self.summaries]
        self._complete(wanted, self._tasks, "tasks")
        self._complete(wanted, self._outlines, "outline")
        return {
            p: build_record(self.summaries[p], (self._tasks[p], self._outlines[p])) for p in wanted
        }

    def iter_records(self, paths: Iterable[str], batch: int = 500) -> Iterator[NoteRecord]:
        """The full records of the indexed notes at `paths`, in order, holding only `batch` in memory.

        For one pass over many notes (`vaultkit tasks` over a whole vault: half a million tasks on 10,000
        notes). Notes never parsed in full are parsed first, all at once (in parallel) and straight into
        the index file; then the tasks are read back from it batch by batch and not kept. A vault whose
        index cannot be written keeps them in memory instead, as `records` does.
        """
        for path, (tasks, outline) in self._iter_detail(paths, ("tasks", "outline"), batch):
            yield build_record(self.summaries[path], (tasks, outline))

    def iter_outlines(self, paths: Iterable[str], batch: int = 500) -> Iterator[tuple[str, NoteOutline]]:
        """(path, outline) of the indexed notes at `paths`, in order, as `iter_records` gives records:
        `check` reads a vault this way, holding a batch of outlines rather than all of them."""
        for path, (outline,) in self._iter_detail(paths, ("outline",), batch):
            yield path, build_outline(outline)

    def _iter_detail(
        self, paths: Iterable[str], columns: tuple[str, ...], batch: int
    ) -> Iterator[tuple[str, tuple[Any, ...]]]:
        """(path, the detail parts named by `columns`) for each indexed note, `batch` at a time."""
        known = {"tasks": self._tasks, "outline": self._outlines}
        wanted = [p for p in paths if p in self.summaries]
        stored = self._stored_details() if self._conn is not None else set()
        self._store_details([p for p in wanted if p not in known[columns[0]] and p not in stored])
        for start in range(0, len(wanted), batch):
            chunk = wanted[start : start + batch]
            found: list[dict[str, Any]] = []
            for column in columns:
                held = known[column]
                parts = {p: held[p] for p in chunk if p in held}
                if self._conn is not None:
                    self._fetch([p for p in chunk if p not in parts], parts, column)
                found.append(parts)
            unread = [p for p in chunk if any(p not in parts for parts in found)]
            if unread:  # an entry that did not decode, or a note that vanished from the index file
                for column, parts in zip(columns, found, strict=True):
                    self._complete(unread, known[column], column)
                    parts.update((p, known[column][p]) for p in unread)
            for path in chunk:
                yield path, tuple(parts[path] for parts in found)

    def _stored_details(self) -> set[str]:
        """The paths whose detail the index file holds (a column test: no blob is read)."""
        assert self._conn is not None
        try:
            return {row[0] for row in self._conn.execute("SELECT path FROM notes WHERE tasks IS NOT NULL")}
        except sqlite3.Error:
            return set()

    def _complete(self, wanted: list[str], known: dict[str, Any], column: str) -> None:
        """Make `known` (`_tasks` or `_outlines`) hold every path in `wanted`: from the index file where it
        has them, else by parsing the notes in full (which fills both parts)."""
        missing = [p for p in wanted if p not in known]
        if missing and self._conn is not None:
            self._fetch(missing, known, column)
            missing = [p for p in missing if p not in known]
        if missing:
            todo = [(p, None, self.is_template(p)) for p in missing]
            self._apply(self._parse(todo, detail=True), [])

    def open_dues(self, paths: Iterable[str]) -> dict[str, int]:
        """`index.rows.open_due` of each indexed note among `paths`, without building records.

        An open-tasks block orders its notes by this date and builds the tasks of the few it shows. The
        date is stored with a note's detail; notes whose detail was never computed (a first run, a note
        changed since) are parsed now, in the process pool when there are many, and their detail stored
        in the index file rather than kept in memory.
        """
        wanted = [p for p in paths if p in self.summaries]
        self._store_details([p for p in wanted if p not in self._dues])
        return {p: self._dues[p] for p in wanted if p in self._dues}

    def _store_details(self, paths: list[str]) -> None:
        """Parse these notes in full (in parallel when there are many) and store their details in the index
        file `_STORE_CHUNK` at a time, keeping them in memory only where the file cannot hold them."""
        parsed = self._parse([(p, None, self.is_template(p)) for p in paths], detail=True)
        while batch := list(itertools.islice(parsed, _STORE_CHUNK)):
            self._apply(batch, [], keep=False)

    def _fetch(self, paths: list[str], known: dict[str, Any], column: str) -> None:
        assert self._conn is not None
        assert column in ("tasks", "outline")
        try:
            if len(paths) > 500:
                rows = self._conn.execute(f"SELECT path, {column} FROM notes WHERE {column} IS NOT NULL")
            else:
                marks = ",".join("?" * len(paths))
                rows = self._conn.execute(
                    f"SELECT path, {column} FROM notes WHERE path IN ({marks}) AND {column} IS NOT NULL",
                    paths,
                )
            for path, blob in rows:
                if path in self.summaries and path not in known:
                    try:
                        known[path] = decode(blob)
                    except ValueError:
                        continue  # parsed again by the caller
        except sqlite3.Error as exc:
            _log("index details unreadable (%s); parsing again", exc)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class RecordMap(Mapping[str, "NoteRecord"]):
    """`Vault.records`: every note's full record by path, built from the index when first looked at.

    Looking up one note builds one record. Iterating values or items (or `dict(records)`) builds them all
    at once, which lets missing details be parsed in parallel.
    """

    def __init__(self, index: NoteIndex) -> None:
        self._index = index
        self._cache: dict[str, NoteRecord] = {}
        self._complete = False

    def _fill(self) -> None:
        if not self._complete:
            missing = [p for p in self._index.summaries if p not in self._cache]
            self._cache.update(self._index.records(missing))
            self._cache = {p: self._cache[p] for p in self._index.summaries}
            self._complete = True

    def forget(self, path: str) -> None:
        """Drop one built record (its note was read again)."""
        self._cache.pop(path, None)
        self._complete = False

    def __getitem__(self, path: str) -> NoteRecord:
        found = self._cache.get(path)
        if found is None:
            if path not in self._index.summaries:
                raise KeyError(path)
            found = self._cache[path] = self._index.record(path)
        return found

    def __contains__(self, path: object) -> bool:
        return path in self._index.summaries

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.summaries)

    def __len__(self) -> int:
        return len(self._index.summaries)

    def keys(self) -> Any:
        self._fill()
        return self._cache.keys()

    def values(self) -> Any:
        self._fill()
        return self._cache.values()

    def items(self) -> Any:
        self._fill()
        return self._cache.items()
