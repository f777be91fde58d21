"""`vaultkit init` and `vaultkit new`: create a vault from the template, and notes from a vault's templates.

The I/O layer over `templates` (rendering), `moment` (dates) and `presets` (starter plans). Two promises:
nothing is ever written outside the target folder (every path goes through `ensure_inside`, so `..`, absolute
paths and symlinks pointing out are refused), and nothing is ever overwritten: a file is created with
`atomic_write(..., expected=None)`, which refuses when the path exists, even if it appears a moment before.

`new` reads the vault's own settings, the ones Obsidian uses, so notes made here are the notes Obsidian
would make: the templates folder and date/time formats from `.obsidian/templates.json`, the journal folder,
name format and template from `.obsidian/daily-notes.json`. What Obsidian has no setting for lives in the
`[new]` section of `.vaultkit/config.toml` (documented in docs/template.md):

    [new]
    week = "iso"                    # or "us": how gggg/ww number weeks (see vaultkit.scaffold.moment)
    plan_template = "PDP plan"      # names in the templates folder (or vault-relative paths)
    milestone_template = "Milestone"
    journal_template = ""           # default: the Daily notes template, else "Daily journal"
    review_template = "Weekly review"
    plan_folder = "Plans"
    milestone_folder = "Milestones"
    review_folder = "Journal/Weekly"
    review_format = "gggg-[W]ww"
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultkit.errors import ConflictError, NoteError, UnsafePathError, VaultError
from vaultkit.fileio import CONFIG_LIMIT, IMPORT_LIMIT, atomic_write, ensure_inside, read_bytes, read_regular
from vaultkit.notes.note import Note
from vaultkit.scaffold.moment import WEEK_RULES, WeekRule, format_moment
from vaultkit.scaffold.presets import LEVELS
from vaultkit.scaffold.starter import starter_notes
from vaultkit.scaffold.templates import TemplateContext, render_note, safe_note_name, unrenderable
from vaultkit.vault import Vault, templates_folder, walk

if TYPE_CHECKING:
    from vaultkit.rollup.apply import RollupReport

__all__ = [
    "DEFAULT_LEVEL",
    "DEFAULT_ROLE",
    "KINDS",
    "InitReport",
    "NewResult",
    "NewSettings",
    "init_vault",
    "new_note",
    "new_settings",
    "template_root",
]

KINDS = ("plan", "milestone", "journal", "review")
#: The starter plan's role and level when `init` makes one and neither is given.
DEFAULT_ROLE, DEFAULT_LEVEL = "Software Engineer", "mid"
#: What a `/` in a typed title becomes in the file name (`CI/CD` → `CI-CD.md`; the title property keeps it).
TITLE_SLASH = "-"
_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "__pycache__", ".gitkeep"})
_HOME_HEADING = "# Career development"


def template_root() -> Path:
    """The vault template: a copy installed with the package, else `vault_template/` of a source checkout."""
    here = Path(__file__).resolve().parents[1]  # the vaultkit package
    for candidate in (here / "_template", here.parent / "vault_template"):
        if (candidate / ".obsidian").is_dir() and (candidate / "Home.md").is_file():
            return candidate
    raise VaultError("the vault template is missing from this installation of vaultkit (reinstall it)")


# ------------------------------------------------------------------------------------------ init


@dataclass(slots=True)
class InitReport:
    root: Path
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    plan: str | None = None
    rollup: RollupReport | None = None
    rollup_skipped: str | None = None  # why rollup did not run
    starter_skipped: str | None = None  # why no starter plan was written


def _template_files(root: Path) -> list[tuple[str, Path]]:
    """(vault-relative path, source) of every file to copy, sorted; folders kept by `.gitkeep` included."""
    files: list[tuple[str, Path]] = []
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_NAMES)
        base = Path(current)
        rel_dir = base.relative_to(root).as_posix()
        for name in sorted(names):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.startswith("workspace") and name.endswith(".json") and rel_dir == ".obsidian":
                continue  # UI state, never shipped
            if name in _SKIP_NAMES and name != ".gitkeep":
                continue
            files.append((rel, base / name))
    return files


def _has_notes(target: Path) -> bool:
    return target.is_dir() and bool(walk(target)[0])


def init_vault(
    target: Path,
    *,
    name: str | None = None,
    role: str | None = None,
    level: str | None = None,
    force: bool = False,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    template: Path | None = None,
) -> InitReport:
    """Create a vault at `target` from the template, with a starter plan for `role` and `level`, rolled up.

    A non-empty `target` is refused unless `force`; even then no existing file is touched (they are listed
    in `skipped`), and when the folder already held notes rollup is not run, so they stay as they were.
    On an existing vault (a folder holding `.obsidian/` or notes) `force` adds only the template's missing
    files: a starter plan and its milestones there would be somebody else's plan in the user's vault, so
    they are written only when `role` or `level` asks for them. Elsewhere the defaults are a mid-level
    Software Engineer.
    """
    asked = role is not None or level is not None
    role = role if role is not None else DEFAULT_ROLE
    level = level if level is not None else DEFAULT_LEVEL
    if level not in LEVELS:
        raise VaultError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    if name is not None and (not name.strip() or any(c in name for c in "\r\n")):
        raise VaultError("--name must be one line of text")
    try:
        role_name = safe_note_name(role)
    except UnsafePathError as exc:
        raise UnsafePathError(f"--role: {exc} (the role is part of the plan's file name)") from exc
    now = now if now is not None else dt.datetime.now().replace(microsecond=0)
    today = today if today is not None else now.date()
    if target.exists() and not target.is_dir():
        raise VaultError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise VaultError(
            f"{target} is not empty; choose a new folder, or pass --force to add the template's files "
            "(existing files are never overwritten)"
        )
    had_notes = _has_notes(target)
    starter = asked or not (had_notes or (target / ".obsidian").is_dir())
    target.mkdir(parents=True, exist_ok=True)
    report = InitReport(target)
    source = template if template is not None else template_root()
    templates = templates_folder(source)
    ctx_time = dt.datetime.combine(today, now.time())
    for rel, path in _template_files(source):
        if path.name == ".gitkeep":
            folder = ensure_inside(target, Path(rel).parent)
            folder.mkdir(parents=True, exist_ok=True)
            continue
        data = path.read_bytes()
        in_templates = templates is not None and rel.lower().startswith(templates.lower() + "/")
        if rel.endswith(".md") and not in_templates:
            text = render_note(data.decode("utf-8"), TemplateContext(Path(rel).stem, ctx_time))
            if rel == "Home.md" and name:
                text = text.replace(_HOME_HEADING + "\n", f"{_HOME_HEADING} · {name.strip()}\n", 1)
            data = text.encode("utf-8")
        _create(target, rel, data, report)
    if starter:
        notes = starter_notes(level, role_name, today, owner=name.strip() if name else None)
        for note in notes:
            _create(target, note.path, note.text.encode("utf-8"), report)
        report.plan = notes[0].path if notes[0].path in report.created else None
    else:
        report.starter_skipped = "the folder is a vault already; pass --role or --level to add one"
    if had_notes:
        report.rollup_skipped = "the folder already held notes; run `vaultkit rollup` when you are ready"
        return report
    from vaultkit.rollup.apply import rollup_vault

    report.rollup = rollup_vault(Vault(target), today=today)
    return report


def _create(root: Path, rel: str, data: bytes, report: InitReport) -> None:
    """Write a new file, or list it as skipped when something is already at that path."""
    dest = ensure_inside(root, Path(rel))
    if dest.exists() or dest.is_symlink():
        report.skipped.append(rel)
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(dest, data, None)
    except ConflictError:
        report.skipped.append(rel)
        return
    report.created.append(rel)


# ------------------------------------------------------------------------------------------ new


@dataclass(frozen=True, slots=True)
class NewSettings:
    """Where `vaultkit new` finds templates, puts notes and how it names them (see the module docstring)."""

    templates: str | None
    date_format: str = "YYYY-MM-DD"
    time_format: str = "HH:mm"
    week: WeekRule = WEEK_RULES["iso"]
    template_names: Mapping[str, str] = field(default_factory=dict)
    folders: Mapping[str, str] = field(default_factory=dict)
    journal_format: str = "YYYY-MM-DD"
    review_format: str = "gggg-[W]ww"


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_regular(path, CONFIG_LIMIT, "a settings file").decode("utf-8"))
    except FileNotFoundError:
        return {}
    except NoteError as exc:
        raise VaultError(f"{path}: cannot read: {exc.reason}") from exc
    except (OSError, ValueError) as exc:
        raise VaultError(f"{path}: cannot read it as JSON ({exc}); fix it in Obsidian's settings") from exc
    return data if isinstance(data, dict) else {}


def _text(data: Mapping[str, Any], key: str, default: str, where: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise VaultError(f"{where}: {key} must be text, not {value!r}")
    return value.strip()


def _folder(data: Mapping[str, Any], key: str, default: str, where: str) -> str:
    """A vault-relative folder setting: an absolute path or a `..` is refused, never quietly made relative
    (`/abs/path` used to become `abs/path` inside the vault)."""
    value = _text(data, key, default, where)
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "\\")) or (len(value) > 1 and value[1] == ":") or ".." in parts:
        raise UnsafePathError(
            f"{where}: {key} must be a folder inside the vault, like {default!r}, not {value!r}"
        )
    return value


def new_settings(vault: Vault) -> NewSettings:
    """The settings `new` uses, from `.obsidian/*.json` and the `[new]` section of `.vaultkit/config.toml`."""
    obsidian = vault.root / ".obsidian"
    tpl = _read_json(obsidian / "templates.json")
    daily = _read_json(obsidian / "daily-notes.json")
    raw = vault.config.section("new")
    where = f"{vault.root / '.vaultkit' / 'config.toml'} [new]"
    known = {"week", *(f"{k}_template" for k in KINDS), "plan_folder", "milestone_folder", "review_folder"}
    known |= {"review_format"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise VaultError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    week_name = _text(raw, "week", "iso", where).lower()
    if week_name not in WEEK_RULES:
        raise VaultError(f"{where}: week must be one of {', '.join(WEEK_RULES)}, not {week_name!r}")
    daily_template = _text(daily, "template", "", ".obsidian/daily-notes.json")
    names = {
        "plan": _text(raw, "plan_template", "PDP plan", where),
        "milestone": _text(raw, "milestone_template", "Milestone", where),
        "journal": _text(raw, "journal_template", daily_template or "Daily journal", where),
        "review": _text(raw, "review_template", "Weekly review", where),
    }
    folders = {
        "plan": _folder(raw, "plan_folder", "Plans", where),
        "milestone": _folder(raw, "milestone_folder", "Milestones", where),
        "journal": _folder(daily, "folder", "", ".obsidian/daily-notes.json"),
        "review": _folder(raw, "review_folder", "Journal/Weekly", where),
    }
    return NewSettings(
        templates=vault.templates,
        date_format=_text(tpl, "dateFormat", "YYYY-MM-DD", ".obsidian/templates.json"),
        time_format=_text(tpl, "timeFormat", "HH:mm", ".obsidian/templates.json"),
        week=WEEK_RULES[week_name],
        template_names=names,
        folders={k: v.strip("/") for k, v in folders.items()},
        journal_format=_text(daily, "format", "YYYY-MM-DD", ".obsidian/daily-notes.json"),
        review_format=_text(raw, "review_format", "gggg-[W]ww", where),
    )


@dataclass(frozen=True, slots=True)
class NewResult:
    path: str
    warnings: tuple[str, ...] = ()


def _find_template(vault: Vault, settings: NewSettings, kind: str) -> Path:
    name = settings.template_names[kind].removesuffix(".md")
    candidates = []
    if settings.templates:
        candidates.append(f"{settings.templates}/{name}.md")
    candidates.append(f"{name}.md")
    for rel in candidates:
        path = ensure_inside(vault.root, Path(rel), to="read")
        if path.is_file():
            return path
    folder = settings.templates or "(no templates folder set in .obsidian/templates.json)"
    raise VaultError(
        f"no template {name!r} for {kind} notes in {folder}; add {name}.md there, or set "
        f"{kind}_template in the [new] section of .vaultkit/config.toml"
    )


def _plan_link(vault: Vault, plan: str | None, kind: str) -> str | None:
    summaries = vault.summaries  # type and template flag are all it needs: no task of any note is built
    plans = sorted(path for path, s in summaries.items() if s.type == "plan" and not s.is_template)
    listing = ", ".join(p.removesuffix(".md") for p in plans) or "none yet: `vaultkit new plan TITLE`"
    if plan is None:
        if kind != "milestone":
            return None
        if len(plans) != 1:
            raise VaultError(f"which plan does this milestone belong to? pass --plan NAME (plans: {listing})")
        path = plans[0]
    else:
        if kind == "plan":
            raise VaultError("--plan is for milestones, journals and reviews; a plan cannot belong to a plan")
        found = vault.find_note(plan)
        summary = summaries.get(found) if found else None
        if summary is None or summary.is_template or summary.type != "plan":
            what = "is not a note" if summary is None else f"is not a plan (type: {summary.type})"
            raise VaultError(f"--plan {plan!r} {what}; plans: {listing}")
        path = summary.path
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    return f"[[{name}]]" if vault.resolve_path(name) == path else f"[[{path.removesuffix('.md')}]]"


def _note_name(settings: NewSettings, kind: str, title: str | None, day: dt.date) -> str:
    if title is not None:
        return safe_note_name(title, slash=TITLE_SLASH)
    if kind in ("plan", "milestone"):
        raise VaultError(f'a {kind} needs a TITLE: vaultkit new {kind} "My title"')
    fmt = settings.journal_format if kind == "journal" else settings.review_format
    try:
        name = format_moment(fmt, day, settings.week)
    except OverflowError as exc:
        raise VaultError(f"{day.isoformat()}: too close to the end of the calendar for {fmt!r}") from exc
    return safe_note_name(name, allow_folders=True)


def new_note(
    vault: Vault,
    kind: str,
    title: str | None = None,
    *,
    plan: str | None = None,
    day: dt.date | None = None,
    now: dt.datetime | None = None,
) -> NewResult:
    """Create a note of `kind` from the vault's template; never overwrites. Returns its vault path."""
    if kind not in KINDS:
        raise VaultError(f"unknown note kind {kind!r}; choose one of {', '.join(KINDS)}")
    now = now if now is not None else dt.datetime.now().replace(microsecond=0)
    day = day if day is not None else now.date()
    settings = new_settings(vault)
    name = _note_name(settings, kind, title, day)
    folder = settings.folders[kind]
    rel = f"{folder}/{name}.md" if folder else f"{name}.md"
    dest = ensure_inside(vault.root, Path(rel))
    if vault.templates and vault.is_template(rel):
        raise UnsafePathError(f"{rel} would be inside the templates folder; choose another folder")
    if dest.exists() or dest.is_symlink():
        if title is None:  # a journal or review: named by its day, not by anything the user typed
            what = "journal for" if kind == "journal" else "review for the week of"
            raise NoteError(
                f"the {what} {day.isoformat()} already exists; not overwritten (open it, or pass --date "
                "for another day)",
                rel,
            )
        raise NoteError("already exists; not overwritten (open it, or choose another title)", rel)
    basename = name.rsplit("/", 1)[-1]
    other = vault.resolve_path(basename)
    if other is not None and other in vault.summaries:
        raise NoteError(
            f"a note named {basename!r} already exists at {other}; links like [[{basename}]] would become "
            f"ambiguous ({'choose another title' if title is not None else 'pass --date for another day'})",
            rel,
        )
    link = _plan_link(vault, plan, kind)
    template = _find_template(vault, settings, kind)
    ctx = TemplateContext(
        basename,
        dt.datetime.combine(day, now.time()),
        settings.date_format,
        settings.time_format,
        settings.week,
    )
    try:
        source = read_bytes(template, IMPORT_LIMIT, "a template").decode("utf-8")
    except NoteError as exc:
        raise NoteError(f"cannot read the template: {exc.reason}", template) from exc
    except UnicodeDecodeError as exc:
        raise NoteError(f"cannot read the template: {exc}", template) from exc
    stuck = unrenderable(source, ctx)
    if stuck is not None:
        raise VaultError(
            f"{day.isoformat()}: the template's {stuck} falls outside the calendar (years 1 to 9999); "
            "choose another --date"
        )
    text = render_note(source, ctx)
    note = Note.parse(text, dest)
    if note.errors:
        first = note.errors[0]
        raise NoteError(f"the template does not give a valid note: {first.message}", template, first.line)
    if note.type is None:
        note.set_property("type", kind)
    if title is not None and ("/" in title or name != safe_note_name(title, cut=False, slash=TITLE_SLASH)):
        # The name was cut to fit, or its `/` replaced: the property keeps the title as typed.
        note.set_property("title", " ".join(title.split()))
    if link is not None:
        note.set_property("plan", link)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_write(dest, note.dumps().encode("utf-8"), None)
    except ConflictError as exc:
        raise NoteError("appeared while it was being created; not overwritten", rel) from exc
    warnings = [
        f"line {line}: {found!r} left as it is (not a core template variable)"
        for line, found in note.structure.placeholders
    ]
    warnings += [f"line {p.line}: {p.message}" for p in note.warnings]
    return NewResult(rel, tuple(warnings))
