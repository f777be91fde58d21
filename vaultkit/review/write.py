"""`vaultkit review week|month|quarter`: create or refresh the review note of the period holding a day.

A review note is made once from the vault's template for its cadence, then only its managed block is
ever rewritten:

    <!-- vaultkit:begin review period="week" start="2026-12-28" end="2027-01-03" -->
    (what moved: `vaultkit.review.moved`)
    <!-- vaultkit:end -->

The reflection sections around it are the user's and are never touched, so the command can be run again
all week: a run that would change nothing writes nothing, and a note edited while the block was being
computed is not overwritten (`atomic_write` compares with the bytes it read). A template may place the
block itself (a `<!-- vaultkit:begin review -->` / `<!-- vaultkit:end -->` pair); otherwise it goes under
its own heading before the first section. Rollup leaves review blocks alone.

Where each cadence's note goes, and from which template (templates folder of `.obsidian/templates.json`):
the weekly review as `vaultkit new review` makes it (`[new]` review_template, review_folder,
review_format); the others from the `[review]` section of `.vaultkit/config.toml`:

    [review]
    month_template = "Monthly check-in"     # Journal/Monthly/2026-12.md
    month_folder = "Journal/Monthly"
    month_format = "YYYY-MM"
    quarter_template = "Quarterly review"   # Journal/Quarterly/2026-Q4.md
    quarter_folder = "Journal/Quarterly"
    quarter_format = "YYYY-[Q]Q"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultkit.config import CONFIG_PATH
from vaultkit.diffs import unified_diff
from vaultkit.errors import ConflictError, NoteError, UnsafePathError, VaultError
from vaultkit.fileio import IMPORT_LIMIT, atomic_write, ensure_inside, read_bytes
from vaultkit.history.store import HISTORY_PATH, load_history
from vaultkit.markdown.blocks import parse_blocks
from vaultkit.markdown.scanner import code_lines
from vaultkit.notes.note import Note
from vaultkit.props.frontmatter import newline_of, parse_frontmatter, split_lines
from vaultkit.review.moved import Moved, render_moved, what_moved
from vaultkit.review.period import PERIOD_KINDS, Period, period_of
from vaultkit.rollup.model import RollupSettings
from vaultkit.scaffold.create import NewSettings, new_settings
from vaultkit.scaffold.moment import format_moment
from vaultkit.scaffold.templates import TemplateContext, render_note, safe_note_name
from vaultkit.vault import Vault

__all__ = [
    "REVIEW_DEFAULTS",
    "SECTION_HEADING",
    "ReviewResult",
    "ReviewSettings",
    "review_settings",
    "splice_review",
    "write_review",
]

REVIEW_DEFAULTS: Mapping[str, tuple[str, str, str]] = {
    "month": ("Monthly check-in", "Journal/Monthly", "YYYY-MM"),
    "quarter": ("Quarterly review", "Journal/Quarterly", "YYYY-[Q]Q"),
}
"""(template, folder, name format) of the monthly and quarterly reviews when `[review]` says nothing."""

SECTION_HEADING = "## What moved in the vault"
"""The heading over a block the template did not place."""


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """Where a cadence's review note goes and which template it starts from."""

    template: str
    folder: str
    name_format: str
    new: NewSettings


def _setting(raw: Mapping[str, Any], key: str, default: str, where: str) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise VaultError(f"{where}: {key} must be text, like {default!r}, not {value!r}")
    return value.strip()


def review_settings(vault: Vault, kind: str) -> ReviewSettings:
    """The settings for `kind` reviews (see the module docstring); VaultError naming a bad key."""
    new = new_settings(vault)
    if kind == "week":
        return ReviewSettings(new.template_names["review"], new.folders["review"], new.review_format, new)
    if kind not in REVIEW_DEFAULTS:
        raise VaultError(f"unknown review period {kind!r}; choose one of {', '.join(PERIOD_KINDS)}")
    raw = vault.config.section("review")
    where = f"{vault.root / CONFIG_PATH} [review]"
    known = {f"{k}_{what}" for k in REVIEW_DEFAULTS for what in ("template", "folder", "format")}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise VaultError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    template, folder, fmt = REVIEW_DEFAULTS[kind]
    return ReviewSettings(
        _setting(raw, f"{kind}_template", template, where),
        _setting(raw, f"{kind}_folder", folder, where).strip("/"),
        _setting(raw, f"{kind}_format", fmt, where),
        new,
    )


@dataclass(slots=True)
class ReviewResult:
    """What `write_review` did: the note, whether it was created and whether bytes were written."""

    path: str
    created: bool
    written: bool
    moved: Moved
    diff: str = ""
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "created": self.created, "written": self.written, **self.moved.as_dict()}


def _marker(period: Period) -> str:
    return (
        f'<!-- vaultkit:begin review period="{period.kind}" start="{period.start.isoformat()}" '
        f'end="{period.end.isoformat()}" -->'
    )


def splice_review(text: str, period: Period, inner: str, path: str = "") -> str:
    """`text` with its review block for `period` holding `inner`; everything else byte for byte.

    The block is the first `review` block for this kind of period (or one without a period, placed by a
    template); without one, a block under `SECTION_HEADING` goes before the body's first `## ` section
    (or at its end). A note whose markers are broken is refused, naming the line: a block that cannot be
    read safely is never written into.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    text = text.removeprefix(bom)
    fm = parse_frontmatter(text)
    head, body = text[: len(text) - len(fm.body_of(text))], fm.body_of(text)
    newline = newline_of(text)
    blocks, problems = parse_blocks(body, fm.body_start_line + 1)
    if problems:
        line, message = problems[0]
        raise NoteError(f"{message}; fix it (`vaultkit check` lists it) and run review again", path, line)
    lines = split_lines(body)
    framed = newline + inner.replace("\n", newline) + newline + newline
    found = [b for b in blocks if b.kind == "review" and b.arg("period") in (None, period.kind)]
    if found:
        block = found[0]
        indent = lines[block.begin][: len(lines[block.begin]) - len(lines[block.begin].lstrip(" "))]
        out = [*lines[: block.begin], indent + _marker(period) + newline, framed, *lines[block.end :]]
        return bom + head + "".join(out)
    section = [SECTION_HEADING + newline, newline, _marker(period) + newline, framed]
    section += ["<!-- vaultkit:end -->" + newline, newline]
    code = code_lines(body)
    at = next((i for i, line in enumerate(lines) if line.startswith("## ") and i not in code), None)
    if at is None:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        if lines and lines[-1].strip():
            lines.append(newline)
        return bom + head + "".join([*lines, *section]).rstrip("\r\n") + newline
    return bom + head + "".join([*lines[:at], *section, *lines[at:]])


def _link(vault: Vault, path: str, source: str) -> str:
    """A link to `path` from the review note: by name when the name alone finds it, else by path."""
    name = path.rsplit("/", 1)[-1].removesuffix(".md")
    if vault.resolve_path(name, source) == path:
        return f"[[{name}]]"
    return f"[[{path.removesuffix('.md')}|{name}]]"


def _find_template(vault: Vault, settings: ReviewSettings, kind: str) -> Path:
    name = settings.template.removesuffix(".md")
    folder = settings.new.templates
    candidates = [f"{folder}/{name}.md"] if folder else []
    candidates.append(f"{name}.md")
    for rel in candidates:
        path = ensure_inside(vault.root, Path(rel), to="read")
        if path.is_file():
            return path
    key = "[new] review_template" if kind == "week" else f"[review] {kind}_template"
    raise VaultError(
        f"no template for {kind} reviews: {candidates[0]} is missing. Restore it with `vaultkit init "
        f"--force {vault.root}` (adds the template's missing files, changes none), copy it from "
        f"vault_template/Templates/ of vaultkit, or name another template with {key} in {CONFIG_PATH}"
    )


def _new_text(vault: Vault, settings: ReviewSettings, kind: str, name: str, when: dt.datetime) -> str:
    template = _find_template(vault, settings, kind)
    try:
        source = read_bytes(template, IMPORT_LIMIT, "a template").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError(f"cannot read the template: {exc}", template) from exc
    new = settings.new
    ctx = TemplateContext(name, when, new.date_format, new.time_format, new.week)
    note = Note.parse(render_note(source, ctx))
    if note.errors:
        first = note.errors[0]
        raise NoteError(f"the template does not give a valid note: {first.message}", template, first.line)
    if note.type is None:
        note.set_property("type", "review")
    return note.dumps()


def write_review(
    vault: Vault,
    kind: str,
    day: dt.date | None = None,
    *,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> ReviewResult:
    """Create the `kind` review of the period holding `day` (default today), or refresh its block.

    What moved is read from the notes and the history as they are (run `vaultkit rollup`, or keep the
    watcher running, so that the history has today's counts). With `dry_run` nothing is written and the
    result carries the diff.
    """
    now = now if now is not None else dt.datetime.now().replace(microsecond=0)
    day = day if day is not None else now.date()
    settings = review_settings(vault, kind)
    period = period_of(kind, day, settings.new.week)
    try:
        formatted = format_moment(settings.name_format, period.start, period.week)
    except OverflowError as exc:
        raise VaultError(f"{day.isoformat()}: too close to the end of the calendar for a review") from exc
    name = safe_note_name(formatted, allow_folders=True)
    rel = f"{settings.folder}/{name}.md" if settings.folder else f"{name}.md"
    dest = ensure_inside(vault.root, Path(rel))
    if vault.is_template(rel):
        raise UnsafePathError(f"{rel} would be inside the templates folder; choose another review folder")
    history = load_history(vault.root)
    warnings = [f"{HISTORY_PATH.as_posix()}:{line}: {reason}" for line, reason in history.problems]
    names = RollupSettings.from_config(vault.config, vault.root / CONFIG_PATH).names
    moved = what_moved(
        period,
        vault.iter_records(vault.paths_outside_templates()),
        vault.plans,
        history,
        done_statuses=vault.config.milestone_done_statuses,
        completed_key=names["completed"],
        due_key=names["due"],
    )
    inner = render_moved(moved, lambda path: _link(vault, path, rel))
    created = not (dest.exists() or dest.is_symlink())
    if created:
        before, expected = "", None
        text = _new_text(vault, settings, kind, name.rsplit("/", 1)[-1], dt.datetime.combine(day, now.time()))
    else:
        expected = read_bytes(dest, IMPORT_LIMIT, "a review note")
        try:
            before = text = expected.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise NoteError(f"not UTF-8 text ({exc.reason}); not refreshed", rel) from exc
    after = splice_review(text, period, inner, rel)
    result = ReviewResult(rel, created, False, moved, unified_diff(rel, before, after), warnings)
    if dry_run or after == before:
        return result
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        result.written = atomic_write(dest, after.encode("utf-8"), expected)
    except ConflictError as exc:
        what = "appeared" if created else "changed"
        message = f"{what} while the review was being written; not overwritten (run it again)"
        raise NoteError(message, rel) from exc
    return result
