"""Turning an existing PDP document into vault notes: the pure core of `vaultkit import` (no I/O).

`plan_import` takes a document's text and returns the notes to write, with every repair it made. Every
line of the document ends up in a note, changed only by these repairs (each reported with its line):

- mojibake repaired (`vaultkit.markdown.mojibake`); a file that is not UTF-8 at all is decoded as cp1252;
- TOML (`+++`) or JSON (`{ }`) frontmatter written as YAML properties (`vaultkit.importing.foreign`);
- template placeholders filled in (`{{date}}` becomes the document's date, `{{title}}` its title);
- metadata written only as comments in the properties block (`# role: Data Engineer`) recovered as
  properties; an empty `title:` filled in with the title;
- `type`, `tags` (and for ladders `level` / `target_level`) set, the way the vault template writes them;
- with `skills` (as `vaultkit import` runs it), for a ladder with capabilities (current and target
  levels), a `skills` block after them, so rollup draws their chart (`vaultkit.importing.skills`): the one
  repair that adds lines.

Types. A document is a `plan`, a `journal` entry, or a career `ladder`. A ladder is stored as a plan
(`type: plan`, tagged `career-ladder`, as the template's Career ladder note) so that it rolls up, shows
in the plans dashboard and can have milestones: it is a plan whose tasks are a readiness checklist. The
type is inferred unless given: `type:` or `artifact_type:` properties, "ladder" in the title or file name,
a date as file name (journal), else plan.

Title: the first heading of level 1 or 2 when it opens the document or is the only one of its level (a
document with three H1 sections has no title heading), cleaned of Markdown and leading emoji; otherwise
the file name. Splitting (`split_level`): each heading of that level (except the title heading) and what
follows it up to the next heading of that level or higher becomes a milestone note (`type: milestone`,
`plan: "[[Parent]]"`), and the parent keeps a link to it in its place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from vaultkit.errors import NoteError, UnsafePathError
from vaultkit.importing.foreign import convert_frontmatter
from vaultkit.importing.goals import looks_like_milestone, make_tasks, stated_date
from vaultkit.importing.relink import LinkTargets, heading_keys, is_document_link, rewrite_links
from vaultkit.importing.repair import (
    Repair,
    TemplateContext,
    fill_empty_property,
    recover_comment_metadata,
    repair_placeholders,
)
from vaultkit.importing.skills import capabilities_anchor, insert_skills_block
from vaultkit.markdown.mojibake import repair_mojibake
from vaultkit.markdown.patterns import ISO_DATE_RE
from vaultkit.markdown.scanner import scan
from vaultkit.notes.links import Link
from vaultkit.notes.note import Note, wide_encoding
from vaultkit.notes.structure import Heading
from vaultkit.props.frontmatter import newline_of, split_lines
from vaultkit.scaffold.moment import ISO_WEEK, WeekRule
from vaultkit.scaffold.presets import LEVELS
from vaultkit.scaffold.templates import safe_note_name

__all__ = [
    "KINDS",
    "ImportPlan",
    "ImportSettings",
    "PlannedNote",
    "clean_heading",
    "decode_source",
    "infer_kind",
    "infer_title",
    "note_name",
    "plan_import",
]

KINDS = ("plan", "ladder", "journal")
_MARKUP_RE = re.compile(r"\*\*|__|==|~~|`")
_WIKILINK_RE = re.compile(r"\[\[([^\[\]|]*?)(?:\|([^\[\]]*))?\]\]")
_MDLINK_RE = re.compile(r"!?\[([^\[\]]*)\]\([^)]*\)")
_EMPHASIS_RE = re.compile(r"(?<![\w*])[*_]([^*_]+)[*_](?![\w*])")


@dataclass(frozen=True, slots=True)
class ImportSettings:
    """Where notes go and how dates are written (from the vault's settings; see `scaffold.new_settings`)."""

    plan_folder: str = "Plans"
    milestone_folder: str = "Milestones"
    journal_folder: str = "Journal"
    into: str | None = None  # --into: every note of the import goes there
    date_format: str = "YYYY-MM-DD"
    time_format: str = "HH:mm"
    week: WeekRule = field(default=ISO_WEEK)


@dataclass(frozen=True, slots=True)
class PlannedNote:
    path: str  # vault-relative, `/`-separated, ending in `.md`
    title: str
    type: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "title": self.title, "type": self.type}


@dataclass(slots=True)
class ImportPlan:
    source: str
    kind: str
    notes: list[PlannedNote] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    targets: LinkTargets | None = None  # where its headings went, for links from the other documents


# ---------------------------------------------------------------------------------------------- decoding


def decode_source(data: bytes, source: str) -> tuple[str, list[Repair]]:
    """A document's text: UTF-8 (a BOM is dropped), UTF-16 or UTF-32 with a BOM, else cp1252 or Mac
    Roman; binary is refused."""
    wide = wide_encoding(data)
    if wide is not None:
        name, codec = wide
        try:
            text = data.decode(codec)  # the codec reads the BOM for the byte order, and drops it
        except UnicodeDecodeError:
            pass  # not that encoding after all (an odd length, half a surrogate pair): judged as below
        else:
            return text, [Repair(None, "encoding", f"the file is {name} text, not UTF-8; converted to UTF-8")]
    if b"\x00" in data[:8192]:
        raise NoteError("binary file, not a Markdown or text document; nothing imported", source)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    for codec, name in (("cp1252", "Windows cp1252"), ("mac_roman", "Mac Roman")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return text, [Repair(None, "encoding", f"the file is {name} text, not UTF-8; converted to UTF-8")]
    raise NoteError("cannot decode the file as text", source)  # pragma: no cover - mac_roman decodes all


# ---------------------------------------------------------------------------------------------- titles


def _plain(text: str) -> str:
    """A heading's text without Markdown marks and links (what a reader sees, emoji included)."""
    text = _WIKILINK_RE.sub(lambda m: m.group(2) or m.group(1).rsplit("/", 1)[-1], text)
    text = _MDLINK_RE.sub(lambda m: m.group(1), text)
    text = _MARKUP_RE.sub("", text)
    text = _EMPHASIS_RE.sub(lambda m: m.group(1), text)
    return re.sub(r"\s+#+\s*$", "", text)  # closing hashes of an ATX heading


def _heading_ref(text: str) -> str:
    """A heading as a wikilink names it (`[[Note#Heading]]`): its plain text, without the characters a
    link cannot hold."""
    return " ".join(re.sub(r"[#|^\[\]]", " ", _plain(text)).split())


def clean_heading(text: str) -> str:
    """A heading's text as a title: Markdown marks, links and leading emoji or bullets removed."""
    text = _plain(text)
    start = 0
    while start < len(text) and not (text[start].isalnum() or text[start] in "([\"'“‘"):
        start += 1
    return " ".join(text[start:].split()).rstrip(" :")


#: Words a file name writes in lower case that a title writes in capitals (`pdp-junior` → `PDP junior`).
ACRONYMS = frozenset(
    {"ai", "api", "bi", "cd", "ci", "cto", "dba", "etl", "idp", "kpi", "kpis", "ml", "okr", "okrs", "pdp"}
    | {"qa", "sql", "sre", "ui", "ux"}
)


#: The most H1 sections whose names together make a title (more read as a list, not a name).
MAX_SECTION_TITLES = 4


def _title_from_name(stem: str) -> str:
    if ISO_DATE_RE.fullmatch(stem):
        return stem
    words = stem.replace("_", " ").replace("-", " ").split()
    text = " ".join(word.upper() if word.lower() in ACRONYMS else word for word in words)
    return text[:1].upper() + text[1:] if text else "Untitled"


def _title_heading(headings: tuple[Heading, ...], body: str, first_line: int) -> Heading | None:
    top = [h for h in headings if h.level <= 2]
    if not top:
        return None
    first = top[0]
    lines = split_lines(body)
    first_content = next((i for i, line in enumerate(lines) if line.strip()), None)
    opens = first_content is not None and first_content + first_line == first.line
    alone = sum(h.level == first.level for h in headings) == 1
    return first if (opens or alone) and clean_heading(first.text) else None


def infer_title(body: str, stem: str, first_line: int = 1) -> tuple[str, Heading | None]:
    """(title, the title heading or None).

    The title comes from the document's headings where it has any, never from a prettified file name when a
    heading can say it: its H1 where that is a title (the only H1, or one that opens the document); the H1s
    together where they are sections (`# Junior`, `# Mid-Level`, `# Senior` give *Junior, Mid-Level,
    Senior*: calling a junior-to-senior plan *Junior* would mislabel it); else its first H2 when that opens
    the document or is the only H2; else the file name `stem`, with acronyms in capitals. The title heading
    (kept in the plan when it is split) is the heading the title came from, when there is one.
    """
    headings = scan(body, first_line).headings
    heading = _title_heading(headings, body, first_line)
    if heading is not None:
        return clean_heading(heading.text), heading
    sections = [clean_heading(h.text) for h in headings if h.level == 1 and clean_heading(h.text)]
    if 1 < len(sections) <= MAX_SECTION_TITLES:
        return ", ".join(sections), None
    return _title_from_name(stem), None


def note_name(title: str, *, cut: bool = True) -> str:
    """A safe note file name (no `.md`) for a title taken from a document: never a path, never empty.

    A long title is cut to fit a file name (see `safe_note_name`); `cut=False` gives the uncut name, so a
    caller can tell whether the note's name still says its whole title.
    """
    flat = title.replace("/", "-").replace("\\", "-").strip()
    try:
        return safe_note_name(flat, cut=cut)
    except UnsafePathError:
        return "Untitled"


# ---------------------------------------------------------------------------------------------- types


def _tag_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip().lstrip("#") for v in value if isinstance(v, (str, int)) and str(v).strip()]
    if isinstance(value, str):
        return [t.lstrip("#") for t in value.replace(",", " ").split() if t.lstrip("#")]
    return []


def infer_kind(properties: dict[str, object], title: str, stem: str) -> str:
    """plan, ladder or journal, from the properties, the title and the file name (see the docstring)."""
    declared = " ".join(str(properties.get(k) or "") for k in ("type", "artifact_type", "kind")).lower()
    tags = {t.lower() for t in _tag_list(properties.get("tags"))}
    if "ladder" in declared or "career-ladder" in tags or "ladder" in f"{title} {stem}".lower():
        return "ladder"
    if "journal" in declared or ISO_DATE_RE.fullmatch(stem) or ISO_DATE_RE.fullmatch(title):
        return "journal"
    return "plan"


def _set_types(note: Note, kind: str, when: dt.datetime, stem: str) -> list[Repair]:
    repairs: list[Repair] = []
    note_type = "journal" if kind == "journal" else "plan"
    if note.properties.get("type") != note_type:
        old = note.properties.get("type")
        note.set_property("type", note_type)
        repairs.append(Repair(None, "type", f"set to {note_type}" + (f" (was {old!r})" if old else "")))
    wanted = {"plan": ["pdp"], "ladder": ["pdp", "career-ladder"], "journal": ["journal"]}[kind]
    current = note.properties.get("tags")
    tags = _tag_list(current)
    merged = tags + [t for t in wanted if t.lower() not in {x.lower() for x in tags}]
    if merged != current:
        note.set_property("tags", merged)
        repairs.append(
            Repair(None, "tags", f"set to {', '.join(merged)}", str(current or ""), ", ".join(merged))
        )
    if kind == "ladder":
        for source, target in (("from_seniority", "level"), ("to_seniority", "target_level")):
            value = note.properties.get(source)
            if isinstance(value, str) and value.strip() and not note.properties.get(target):
                level = value.strip().lower() if value.strip().lower() in LEVELS else value.strip()
                note.set_property(target, level)
                repairs.append(Repair(None, "metadata", f"{target} set to {level!r} (from {source})"))
    if kind == "journal" and not note.properties.get("date"):
        day = dt.date.fromisoformat(stem) if ISO_DATE_RE.fullmatch(stem) else when.date()
        note.set_property("date", day)
        repairs.append(Repair(None, "metadata", f"date set to {day.isoformat()}"))
    return repairs


# ---------------------------------------------------------------------------------------------- repairs


def _repair_encoding(text: str) -> tuple[str, list[Repair]]:
    """Mojibake repaired line by line; properties lines that would stop loading are kept as they are."""
    fixed, fixes = repair_mojibake(text)
    if not fixes:
        return text, []
    skipped: set[int] = set()
    before, after = Note.parse(text), Note.parse(fixed)
    if after.errors and not before.errors and after.body_line > 1:
        head = after.body_line - 1  # lines of the properties block
        lines, fixed_lines = split_lines(text), split_lines(fixed)
        fixed = "".join(lines[:head] + fixed_lines[head:])
        skipped = set(range(1, head + 1))
    repairs = [
        Repair(
            f.line, "mojibake", f"{f.before!r} -> {f.after!r} (UTF-8 read as {f.encoding})", f.before, f.after
        )
        for f in fixes
        if f.line not in skipped
    ]
    return fixed, repairs


def plan_import(
    text: str,
    source: str,
    *,
    kind: str | None = None,
    split_level: int | None = None,
    tasks: bool = False,
    skills: bool = False,
    when: dt.datetime,
    settings: ImportSettings | None = None,
    taken: set[str] | None = None,
    documents: Callable[[str], LinkTargets | None] | None = None,
) -> ImportPlan:
    """The notes to write for one document, and every repair made. Raises NoteError when the document
    cannot become a note (its properties do not load even after the repairs).

    `source` is the document's file name (its stem names the note when there is no title heading);
    `when` its file's date (for `{{date}}` and `created` where the document states no date); `taken` the
    lower-case names of notes that exist already (updated with the new ones, so a batch never repeats a
    name); `tasks` makes the list items of goal sections tasks (`vaultkit.importing.goals`); `documents`
    gives, for a relative link to another document of the same run, where that document went; `skills`
    adds a `skills` block after a ladder's capabilities (`vaultkit.importing.skills`), so the rollup draws
    their chart: off here, so that without it every line of the note is a line of the document, and on
    in `vaultkit import` (`importing.apply.import_files`).
    """
    settings = settings or ImportSettings()
    taken = taken if taken is not None else set()
    stem = source.replace("\\", "/").rsplit("/", 1)[-1]
    stem = stem[: -len(".md")] if stem.lower().endswith(".md") else stem.rsplit(".", 1)[0] or stem
    text = text.removeprefix("\ufeff")
    text, repairs = _repair_encoding(text)  # before the conversion below, so its lines are the document's
    converted = convert_frontmatter(text, source)
    if converted is not None:
        text, repairs = converted.text, repairs + converted.repairs
    note = Note.parse(text)
    edits: list[Repair] = []  # at lines of `text`; the document's lines differ when it was converted
    source_body_line = note.body_line
    stated = stated_date(dict(note.properties), split_lines(note.text), note.body_line)
    if stated is not None and isinstance(stated[1], int) and converted is not None:
        stated = (stated[0], converted.source_line(stated[1]) or stated[1])
    title, title_heading = infer_title(note.body, stem, note.body_line)
    moment = dt.datetime.combine(stated[0], when.time()) if stated is not None else when
    ctx = TemplateContext(title, moment, settings.date_format, settings.time_format, settings.week)
    if not note.editable:
        edits += repair_placeholders(note, ctx)
        if not note.editable:
            first = note.errors[0]
            raise NoteError(f"{first.message}; nothing imported", source, first.line)
    edits += recover_comment_metadata(note)
    edits += repair_placeholders(note, ctx)
    edits += fill_empty_property(note, "title", title)
    kind = kind or infer_kind(dict(note.properties), title, stem)
    if kind not in KINDS:
        raise NoteError(f"unknown type {kind!r} (use one of {', '.join(KINDS)})", source)
    edits += _set_types(note, kind, when, stem)
    if kind != "journal":
        edits += _set_plan_state(note, stated, when)
    folder = settings.into if settings.into is not None else _folder(settings, kind)
    name = stem if kind == "journal" and ISO_DATE_RE.fullmatch(stem) else note_name(title)
    if name != stem and name != note_name(title, cut=False) and "title" not in note.properties:
        note.set_property("title", title)  # the name was cut to fit a file name: the title stays whole
        edits.append(Repair(None, "title", f"the name is cut to fit a file name; title set to {title!r}"))
    parent_path = _join(folder, name)
    unique = name.lower() not in taken  # else links to it name its folder, so they cannot mean another
    taken.add(name.lower())
    plan = ImportPlan(source, kind)
    note_type = "journal" if kind == "journal" else "plan"
    parent_target = name if unique else parent_path.removesuffix(".md")
    shift = note.body_line - source_body_line  # edits so far were all in the properties block
    if title_heading is not None:
        title_heading = Heading(title_heading.level, title_heading.text, title_heading.line + shift)
    body_edits: list[Repair] = []  # at lines of the note; each keeps the line count
    if tasks:
        body_edits += _make_tasks(note)
    sections: list[_Section] = []
    if split_level is not None and kind != "journal":
        sections, skipped = _sections(note, split_level, title_heading)
        body_edits += skipped
        for section, section_name in zip(sections, _section_names(sections, name, taken), strict=True):
            section.name = section_name
    plan.targets = _link_targets(note, parent_target, sections, title_heading)
    body_edits += _relink(note, plan.targets, sections, documents)
    anchor = capabilities_anchor(note) if skills and kind == "ladder" else None  # before a split moves lines
    if sections:
        child_folder = settings.into if settings.into is not None else settings.milestone_folder
        plan.notes += _split(note, sections, f"[[{parent_target}]]", child_folder, body_edits)
    if anchor is not None and insert_skills_block(note):  # last: the lines it adds shift no other repair
        added = "a `skills` block added after the capabilities: rollup draws their chart"
        body_edits.append(Repair(anchor, "skills", added))
    edits += [
        Repair(r.line - shift if r.line else None, r.kind, r.message, r.before, r.after) for r in body_edits
    ]
    plan.notes.insert(0, PlannedNote(parent_path, name, note_type, _final_newline(note.text)))
    if converted is not None:
        edits = [Repair(converted.source_line(r.line), r.kind, r.message, r.before, r.after) for r in edits]
    plan.repairs = sorted(repairs + edits, key=lambda r: (r.line is None, r.line or 0))
    return plan


def _set_plan_state(note: Note, stated: tuple[dt.date, str | int] | None, when: dt.datetime) -> list[Repair]:
    """`status: planned`, and `created`: the date the document states, else its file's date; a document
    that has either property keeps it."""
    repairs: list[Repair] = []
    if not note.properties.get("status"):
        note.set_property("status", "planned")
        repairs.append(Repair(None, "metadata", "status set to 'planned'"))
    if not note.properties.get("created"):
        if stated is None:
            day, where = when.date(), "the file's date: the document states none"
        elif isinstance(stated[1], int):
            day, where = stated[0], f"the date the document states on line {stated[1]}"
        else:
            day, where = stated[0], f"the document's {stated[1]!r} property"
        note.set_property("created", day)
        repairs.append(Repair(None, "metadata", f"created set to {day.isoformat()} ({where})"))
    return repairs


def _make_tasks(note: Note) -> list[Repair]:
    lines = split_lines(note.text)
    clean = {h.line: clean_heading(h.text) for h in note.headings}
    made = make_tasks(lines, note.headings, note.body_line, clean)
    if made:
        note.replace_text("".join(lines))
    return made


# ---------------------------------------------------------------------------------------------- splitting


@dataclass(slots=True)
class _Section:
    """A section that becomes a milestone: lines `start` (its heading, 0-based) up to `end` (excluded)."""

    heading: Heading
    enclosing: Heading | None
    start: int
    end: int
    name: str = ""

    def holds(self, line: int) -> bool:
        return self.start < line <= self.end  # `line` counts from 1


def _sections(note: Note, level: int, title_heading: Heading | None) -> tuple[list[_Section], list[Repair]]:
    """The sections at heading `level` that become milestones (`goals.looks_like_milestone`), and a repair
    for each that stays in the plan."""
    if not 1 <= level <= 6:
        raise NoteError(f"--split-level must be 1 to 6, not {level}")
    headings = [h for h in note.headings if h != title_heading]
    boundaries = sorted(h.line for h in note.headings if h.level <= level)
    count = len(split_lines(note.text))
    found: list[_Section] = []
    repairs: list[Repair] = []
    for index, heading in enumerate(headings):
        if heading.level != level:
            continue
        enclosing = next((h for h in reversed(headings[:index]) if h.level < level), None)
        start = heading.line - 1
        end = next((b - 1 for b in boundaries if b > heading.line), count)
        text = clean_heading(heading.text)
        if looks_like_milestone(text, any(start < t.line <= end for t in note.tasks)):
            found.append(_Section(heading, enclosing, start, end))
        else:
            message = f"section {text!r} stays in the plan: it holds no tasks and its heading names no goal"
            repairs.append(Repair(heading.line, "split", message))
    if not found and not repairs:
        repairs.append(Repair(None, "split", f"no heading of level {level}; nothing split"))
    return found, repairs


def _section_names(sections: list[_Section], parent: str, taken: set[str]) -> list[str]:
    """A unique note name per section: its heading; `Enclosing - Heading` when the heading repeats in the
    document (`### Goals` under `# Junior` and `# Senior`); `Parent - Heading` when a note has the name."""
    base = [note_name(clean_heading(s.heading.text) or "Section") for s in sections]
    repeated = {b.lower() for b in base if sum(x.lower() == b.lower() for x in base) > 1}
    names: list[str] = []
    for section, name in zip(sections, base, strict=True):
        if name.lower() in repeated:
            prefix = clean_heading(section.enclosing.text) if section.enclosing is not None else parent
            name = note_name(f"{prefix} - {name}")
        if name.lower() in taken:
            name = note_name(f"{parent} - {name}")
        names.append(_unique(name, taken))
    return names


def _link_targets(
    note: Note, parent: str, sections: list[_Section], title_heading: Heading | None
) -> LinkTargets:
    """Where each heading of the document is once split: a milestone, a heading in one, or in the plan.
    Repeated GitHub anchors are numbered as GitHub numbers them (`goals`, `goals-1`)."""
    headings: dict[str, str] = {}
    seen: dict[str, int] = {}
    for heading in note.headings:
        owner = next((s for s in sections if s.holds(heading.line)), None)
        if owner is not None:
            target = (
                owner.name
                if heading.line == owner.heading.line
                else f"{owner.name}#{_heading_ref(heading.text)}"
            )
        else:
            target = parent if heading == title_heading else f"{parent}#{_heading_ref(heading.text)}"
        anchor, text_key = heading_keys(_plain(heading.text))
        number = seen.get(anchor, 0)
        seen[anchor] = number + 1
        headings.setdefault(f"{anchor}-{number}" if number else anchor, target)
        headings.setdefault(text_key, target)
    return LinkTargets(parent, headings)


def _relink(
    note: Note,
    targets: LinkTargets,
    sections: list[_Section],
    documents: Callable[[str], LinkTargets | None] | None,
) -> list[Repair]:
    """Links to a heading that moved to another note, and to another document of the run, as wikilinks
    (see `vaultkit.importing.relink`)."""

    def owner(line: int) -> str:
        return next((s.name for s in sections if s.holds(line)), targets.note)

    def target_for(link: Link) -> str | None:
        if not link.target and link.heading:
            found = targets.find(link.heading)
            return found if found is not None and found.split("#", 1)[0] != owner(link.line) else None
        if documents is not None and is_document_link(link):
            other = documents(link.target)
            if other is not None:
                return (other.find(link.heading) if link.heading else None) or other.note
        return None

    lines = split_lines(note.text)
    repairs = rewrite_links(lines, note.links, target_for)
    if repairs:
        note.replace_text("".join(lines))
    return repairs


def _split(
    note: Note, sections: list[_Section], parent_link: str, folder: str, repairs: list[Repair]
) -> list[PlannedNote]:
    """Move each section into a milestone note; the parent keeps a link in its place."""
    lines = split_lines(note.text)
    newline = newline_of(note.text)
    children: list[PlannedNote] = []
    replaced: dict[int, tuple[int, str]] = {}  # 0-based first line -> (end, link line)
    for section in sections:
        child = Note.parse(_final_newline("".join(lines[section.start : section.end])))
        child.set_property("type", "milestone")
        child.set_property("plan", parent_link)
        child.set_property("tags", ["milestone"])
        path = _join(folder, section.name)
        children.append(PlannedNote(path, section.name, "milestone", child.text))
        replaced[section.start] = (section.end, f"- [[{section.name}]]{newline}")
        repairs.append(
            Repair(
                section.heading.line,
                "split",
                f"section {clean_heading(section.heading.text)!r} moved to {path}",
            )
        )
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in replaced:
            end, link = replaced[index]
            if out and not out[-1].endswith(("\n", "\r")):
                out[-1] += newline
            out.append(link)
            index = end
            if index < len(lines) and index not in replaced and lines[index].strip():
                out.append(newline)  # a blank line between the links and what follows
        else:
            out.append(lines[index])
            index += 1
    note.replace_text("".join(out))
    return children


def _folder(settings: ImportSettings, kind: str) -> str:
    return settings.journal_folder if kind == "journal" else settings.plan_folder


def _join(folder: str, name: str) -> str:
    folder = folder.strip("/")
    return f"{folder}/{name}.md" if folder else f"{name}.md"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate.lower() in taken:
        candidate = f"{name} {number}"
        number += 1
    taken.add(candidate.lower())
    return candidate


def _final_newline(text: str) -> str:
    return text if not text or text.endswith(("\n", "\r")) else text + newline_of(text)
