"""`vaultkit import` and `vaultkit fix` on disk: the thin I/O layer over `importer` and `repair`.

Import writes new notes only. Every target path goes through `ensure_inside` (so `--into ../x`, absolute
paths and symlinks leading out of the vault are refused), hidden folders are refused (Obsidian would not
show the notes), and each note is created with `atomic_write(..., expected=None)`, which refuses to
replace a file, even one that appears a moment before. A document whose notes would land on existing
files is not imported at all; the others in the same run still are.

Fix rewrites notes in place: property values through `Note.set_property`, other lines through
`Note.replace_text`; `Note.save()` writes atomically and refuses if the file changed since it was read.
A diff of each change is returned before anything is written, and `dry_run` writes nothing.

Dates for `{{date}}`: a note named like a date (`2025-01-31`) is that day; otherwise the file's creation
time where the system records it, else its modification time, which is the best guess of when the
template was used. Formats come from the vault's Obsidian settings (see `scaffold.new_settings`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit.diffs import unified_diff
from vaultkit.errors import ConflictError, NoteError, UnsafePathError
from vaultkit.fileio import IMPORT_LIMIT, atomic_write, ensure_inside, read_bytes, remove_stale_temp_files
from vaultkit.importing.plan import ImportPlan, ImportSettings, PlannedNote, decode_source, plan_import
from vaultkit.importing.relink import LinkTargets
from vaultkit.importing.repair import Repair, TemplateContext, repair_encoding, repair_placeholders
from vaultkit.markdown.patterns import ISO_DATE_RE
from vaultkit.reporting import reported
from vaultkit.vault import Vault

__all__ = ["FixResult", "ImportResult", "fix_notes", "import_files", "import_settings"]



@dataclass(slots=True)
class ImportResult:
    source: str
    kind: str | None = None
    notes: list[PlannedNote] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    written: bool = False
    error: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "type": self.kind,
            "notes": [n.as_dict() for n in self.notes],
            "repairs": [r.as_dict() for r in self.repairs],
            "written": self.written,
            "error": self.error,
        }


@dataclass(slots=True)
class FixResult:
    path: str
    repairs: list[Repair] = field(default_factory=list)
    diff: str = ""
    written: bool = False
    error: str | None = None

    @property
    def left_alone(self) -> list[Repair]:
        return [r for r in self.repairs if r.kind == "left-alone"]

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "repairs": [r.as_dict() for r in self.repairs],
            "diff": self.diff,
            "written": self.written,
            "error": self.error,
        }


# ---------------------------------------------------------------------------------------------- settings


def _vault_folder(vault: Vault, folder: str) -> str:
    """A vault-relative folder (`""` for the root) for `--into`; outside or hidden folders are refused."""
    root = vault.root.resolve()
    target = ensure_inside(vault.root, Path(folder))
    rel = target.relative_to(root).as_posix()
    rel = "" if rel == "." else rel
    if any(part.startswith(".") for part in rel.split("/") if part):
        raise UnsafePathError(f"{folder}: a hidden folder; Obsidian would not show notes there")
    if target.exists() and not target.is_dir():
        raise UnsafePathError(f"{folder}: is a file, not a folder")
    return rel


def import_settings(vault: Vault, into: str | None = None) -> ImportSettings:
    """Folders and date formats for imports: `--into`, else the folders `vaultkit new` uses."""
    from vaultkit.scaffold.create import new_settings

    settings = new_settings(vault)
    return ImportSettings(
        plan_folder=settings.folders.get("plan") or "Plans",
        milestone_folder=settings.folders.get("milestone") or "Milestones",
        journal_folder=settings.folders.get("journal") or "Journal",
        into=_vault_folder(vault, into) if into is not None else None,
        date_format=settings.date_format,
        time_format=settings.time_format,
        week=settings.week,
    )


def _file_moment(path: Path) -> dt.datetime:
    """When a file was made: a date in its name, else its creation time if recorded, else its mtime."""
    stem = path.name.removesuffix(".md")
    if ISO_DATE_RE.fullmatch(stem):
        try:
            return dt.datetime.fromisoformat(stem)
        except ValueError:
            pass
    try:
        info = path.stat()
    except OSError:
        return dt.datetime.now().replace(microsecond=0)
    stamp = getattr(info, "st_birthtime", None) or info.st_mtime
    return dt.datetime.fromtimestamp(stamp).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------- import


def import_files(
    vault: Vault,
    sources: Iterable[Path],
    *,
    kind: str | None = None,
    into: str | None = None,
    split_level: int | None = None,
    tasks: bool = False,
    skills: bool = True,
    dry_run: bool = False,
) -> list[ImportResult]:
    """Import each document as notes of `vault`. One bad document never stops the others.

    `skills` (on, as `vaultkit import` runs it) gives a career ladder with capabilities a `skills` block
    after them, so the first rollup draws their chart (`importing.skills`).

    Documents of one run link to each other's notes: each is planned once to learn where it goes (its
    note, and where `--split-level` moves its headings), then planned again with that knowledge, so a
    relative link such as `[Tech Lead](TechLead.md)` becomes `[[Tech Lead]]` (see `importing.relink`).
    """
    settings = import_settings(vault, into)
    if not dry_run:  # what an interrupted earlier write left behind
        remove_stale_temp_files(vault.root)
    taken = {p.rsplit("/", 1)[-1].removesuffix(".md").lower() for p in vault.note_paths}
    results: list[ImportResult] = []
    texts: list[tuple[Path, ImportResult, str, list[Repair]]] = []
    documents = list(sources)
    for source in reported(documents, len(documents), "importing documents"):
        result = ImportResult(str(source))
        results.append(result)
        try:
            data = read_bytes(source, IMPORT_LIMIT, "a document to import")
            text, decode_repairs = decode_source(data, str(source))
        except NoteError as exc:
            result.error = str(exc)
            continue
        texts.append((source, result, text, decode_repairs))

    def plan(source: Path, text: str, names: set[str], links: bool) -> ImportPlan:
        def documents(target: str) -> LinkTargets | None:
            return targets.get(_key(source.parent / target))

        return plan_import(
            text,
            source.name,
            kind=kind,
            split_level=split_level,
            tasks=tasks,
            skills=skills,
            when=_file_moment(source),
            settings=settings,
            taken=names,
            documents=documents if links else None,
        )

    targets: dict[str, LinkTargets] = {}
    if len(texts) > 1:  # a first pass, on a copy of the names taken, learns where each document goes
        first_names = set(taken)
        for source, _result, text, _repairs in texts:
            try:
                found = plan(source, text, first_names, False).targets
            except NoteError:
                continue
            if found is not None:
                targets[_key(source)] = found

    for source, result, text, decode_repairs in texts:
        try:
            planned = plan(source, text, taken, bool(targets))
        except NoteError as exc:
            result.error = str(exc)
            continue
        result.kind, result.notes = planned.kind, planned.notes
        result.repairs = decode_repairs + planned.repairs
        try:
            _write(vault, planned, dry_run)
        except (NoteError, UnsafePathError, OSError) as exc:
            result.error = f"{source}: {exc}"
            continue
        result.written = not dry_run
    if not dry_run:
        vault.refresh()
    return results


def _key(path: Path) -> str:
    """One key per document however a link or the command line names it (`a/../b.md`, a symlink)."""
    return str(path.resolve())


def _write(vault: Vault, plan: ImportPlan, dry_run: bool) -> None:
    targets = [(ensure_inside(vault.root, Path(note.path)), note) for note in plan.notes]
    for target, note in targets:
        if target.exists() or target.is_symlink():
            raise ConflictError(
                f"{note.path} already exists; not overwritten (nothing imported from this file)"
            )
    if dry_run:
        return
    for target, note in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        ensure_inside(vault.root, target)  # the folders just made must not lead out (symlinks)
        atomic_write(target, note.text.encode("utf-8"), None)


# ---------------------------------------------------------------------------------------------- fix


def _may_need_fix(vault: Vault, path: str, *, encoding: bool, placeholders: bool) -> bool:
    """False only where `fix_notes` would find nothing to do: a note without errors (a note with errors
    is always reported), without `{{` or `<%` (every placeholder pattern starts so), and whose text the
    mojibake repair leaves as it is. Loading a note in full costs ten times this test, and on a whole
    vault almost every note passes it."""
    from vaultkit.markdown.mojibake import repair_mojibake
    from vaultkit.notes.note import decode_note

    summary = vault.summaries.get(path)
    if summary is None or summary.errors:
        return True
    try:
        text, problems = decode_note(read_bytes(vault.abspath(path)))
    except (NoteError, UnsafePathError, OSError):
        return True
    if problems or (placeholders and ("{{" in text or "<%" in text)):
        return True
    return encoding and not text.isascii() and bool(repair_mojibake(text)[1])


def fix_notes(
    vault: Vault,
    paths: Iterable[str] | None = None,
    *,
    encoding: bool = True,
    placeholders: bool = True,
    dry_run: bool = False,
) -> list[FixResult]:
    """Repair the notes at `paths` (default: every note outside the templates folder).

    Returns one result per note that needs a repair or could not be repaired, each with its diff.
    """
    from vaultkit.scaffold.create import new_settings

    settings = new_settings(vault)
    if not dry_run:  # what an interrupted earlier write left behind
        remove_stale_temp_files(vault.root)
    chosen = list(paths) if paths is not None else vault.paths_outside_templates()
    results: list[FixResult] = []
    for path in chosen:
        if not _may_need_fix(vault, path, encoding=encoding, placeholders=placeholders):
            continue
        result = FixResult(path)
        try:
            note = vault.load(path)
        except (NoteError, UnsafePathError) as exc:
            result.error = str(exc)
            results.append(result)
            continue
        before = note.text
        ctx = TemplateContext(
            note.title,
            _file_moment(vault.root / path),
            settings.date_format,
            settings.time_format,
            settings.week,
        )
        do_placeholders = placeholders and not vault.is_template(path)  # templates need theirs
        placeholders_first = do_placeholders and not note.editable  # a placeholder may be what breaks it
        if placeholders_first:
            result.repairs += repair_placeholders(note, ctx)
        if encoding:
            result.repairs += repair_encoding(note)
        if do_placeholders and not placeholders_first:
            result.repairs += repair_placeholders(note, ctx)
        if note.text == before and not result.repairs:
            continue
        result.diff = unified_diff(path, before, note.text)
        results.append(result)
        if dry_run or note.text == before:
            continue
        try:
            result.written = note.save()
        except (NoteError, OSError) as exc:
            result.error = str(exc)
    if not dry_run:
        vault.refresh()
    return results
