"""Repairs shared by `vaultkit import` and `vaultkit fix`, made to a `Note` in memory. Pure (no I/O).

Each function changes as little as it can and returns what it did as `Repair` records, with the 1-based
line of the text it was given:

- `repair_placeholders`: unrendered template variables (`{{date}}`, `{{date:FORMAT}}`, `{{time}}`,
  `{{title}}`) become what Obsidian would have filled in (rendering is `vaultkit.scaffold.templates`').
  A property value goes through `Note.set_property`, so only that property's lines change; a placeholder
  elsewhere (a body line, as `check` finds them: never in code) is replaced within its own line. A note whose
  properties do not load is touched only when rendering its placeholder lines is what makes them load, and
  then only those lines change. Templater (`<% %>`) and unknown variables are reported, not guessed.
- `repair_encoding`: mojibake (see `vaultkit.markdown.mojibake`): property values through `set_property`, any
  other line in place. A note whose properties do not load is left alone.
- `recover_comment_metadata`: properties that exist only as comments (`# role: Data Engineer`, as some
  generators write them) become properties, each on its comment's line. Import only: in a vault, a
  commented-out property is the user's choice.
- `fill_empty_property`: `title:` left empty gets a value.

Line repairs never add or remove lines, and `set_property` edits run bottom-up after them, so the line
numbers in the report are lines of the text as it was given.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from vaultkit.errors import NoteError
from vaultkit.markdown.mojibake import repair_mojibake
from vaultkit.markdown.patterns import ISO_DATE, ISO_DATE_RE, PLACEHOLDER_RE
from vaultkit.notes.note import Note
from vaultkit.props.frontmatter import Frontmatter, format_property, parse_frontmatter, split_lines
from vaultkit.scaffold.templates import TemplateContext, render_note, render_text

__all__ = [
    "PLACEHOLDER_RE",
    "Repair",
    "TemplateContext",
    "fill_empty_property",
    "recover_comment_metadata",
    "repair_encoding",
    "repair_placeholders",
]

_CODE_SPAN_RE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_COMMENT_META_RE = re.compile(r"#[ \t]*(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]*(?P<value>\S.*?)[ \t]*")
_DATETIME_RE = re.compile(ISO_DATE + r"[T ]\d{2}:\d{2}(?::\d{2})?")
_INT_RE = re.compile(r"-?(?:0|[1-9]\d{0,15})")


@dataclass(frozen=True, slots=True)
class Repair:
    """One change made to a note, at 1-based `line` of the text it was made to (None: the whole note).

    `kind`: mojibake, placeholder, metadata, title, tags, type, encoding, frontmatter, split, skills, or
    left-alone (nothing was changed there; `message` says why and what to do).
    """

    line: int | None
    kind: str
    message: str
    before: str = ""
    after: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "kind": self.kind,
            "message": self.message,
            "before": self.before,
            "after": self.after,
        }

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


# ---------------------------------------------------------------------------------------------- helpers


def _split_end(line: str) -> tuple[str, str]:
    content = line.rstrip("\r\n")
    return content, line[len(content) :]


def _owned_lines(fm: Frontmatter) -> dict[int, str]:
    """0-based line index -> the property whose lines hold it."""
    return {index: key for key, span in fm.spans.items() for index in range(span.start, span.end)}


def _typed(text: str) -> Any:
    """Rendered text as Obsidian writes the value: an ISO date or datetime becomes one."""
    try:
        if ISO_DATE_RE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _DATETIME_RE.fullmatch(text):
            return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    return text


def _unknown(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in PLACEHOLDER_RE.finditer(text)))


def _left_alone(line: int | None, tokens: list[str]) -> Repair:
    templater = [t for t in tokens if t.startswith("<%")]
    other = [t for t in tokens if not t.startswith("<%")]
    parts = []
    if other:
        parts.append(
            f"{', '.join(other)}: not an Obsidian core variable ({{{{title}}}}, {{{{date}}}}, {{{{time}}}})"
        )
    if templater:
        parts.append(f"{', '.join(templater)}: Templater code, which vaultkit does not run")
    return Repair(line, "left-alone", "; ".join(parts) + "; replace or delete it by hand")


def _changed(line: int, old: str, new: str, kind: str = "placeholder") -> Repair:
    before, after = _split_end(old)[0], _split_end(new)[0]
    return Repair(line, kind, f"{before.strip()!r} -> {after.strip()!r}", before, after)


def _render_outside_code(line: str, ctx: TemplateContext) -> str:
    """A body line with its variables filled in, except inside `code spans`."""
    if "`" not in line:
        return render_text(line, ctx)
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN_RE.finditer(line):
        out.append(render_text(line[position : match.start()], ctx))
        out.append(match.group(0))
        position = match.end()
    out.append(render_text(line[position:], ctx))
    return "".join(out)


def _render_properties_line(line: str, ctx: TemplateContext) -> str:
    """One properties line rendered the way `render_note` renders templates (safe for YAML)."""
    content, end = _split_end(line)
    rendered = split_lines(render_note(f"---\n{content}\n---\n", ctx))[1]
    return _split_end(rendered)[0] + end


def _set(note: Note, key: str, value: Any, line: int) -> Repair | None:
    """`note.set_property`, or a left-alone record when the block cannot be edited line by line."""
    try:
        note.set_property(key, value)
    except NoteError as exc:
        return Repair(line, "left-alone", f"{key}: {exc.reason}")
    return None


# ---------------------------------------------------------------------------------------------- placeholders


def repair_placeholders(note: Note, ctx: TemplateContext) -> list[Repair]:
    """Fill in unrendered template variables in `note` (properties and body); see the module docstring."""
    repairs: list[Repair] = []
    if not note.editable:
        repairs += _repair_broken_properties(note, ctx)
        if not note.editable:
            return repairs
    repairs += _repair_placeholder_lines(note, ctx)
    repairs += _repair_placeholder_properties(note, ctx)
    return sorted(repairs, key=lambda r: r.line or 0)


def _repair_broken_properties(note: Note, ctx: TemplateContext) -> list[Repair]:
    """Properties that do not load: render their placeholder lines, kept only if that makes them load."""
    first = note.errors[0]
    fm = parse_frontmatter(note.text)
    lines = split_lines(note.text)
    changed: list[tuple[int, str, str]] = []
    if fm.present and first.code != "encoding":
        for index in range(1, fm.close_line):
            if PLACEHOLDER_RE.search(lines[index]):
                new = _render_properties_line(lines[index], ctx)
                if new != lines[index]:
                    changed.append((index, lines[index], new))
                    lines[index] = new
    candidate = "".join(lines)
    if not changed or Note.parse(candidate).errors:
        return [
            Repair(
                first.line,
                "left-alone",
                f"{first.message}; no template placeholder is to blame, so the note is left alone",
            )
        ]
    note.replace_text(candidate)
    return [_changed(index + 1, old, new) for index, old, new in changed]


def _repair_placeholder_lines(note: Note, ctx: TemplateContext) -> list[Repair]:
    """Placeholders outside property values: body lines that `check` flags, and comments in the block."""
    text = note.text
    lines = split_lines(text)
    fm = parse_frontmatter(text)
    owned = _owned_lines(fm)
    targets = {line - 1 for line, _token in note.structure.placeholders}
    if fm.present:
        targets |= {  # comments are not values: `check` leaves them alone, and so do we
            i
            for i in range(1, fm.close_line)
            if i not in owned and PLACEHOLDER_RE.search(lines[i]) and not lines[i].lstrip().startswith("#")
        }
    repairs: list[Repair] = []
    in_block: list[int] = []
    for index in sorted(targets):
        old = lines[index]
        in_properties = fm.present and index < fm.close_line
        new = _render_properties_line(old, ctx) if in_properties else _render_outside_code(old, ctx)
        if new != old:
            lines[index] = new
            repairs.append(_changed(index + 1, old, new))
            if in_properties:
                in_block.append(index)
        leftover = _unknown(_split_end(new)[0]) if in_properties else _unknown_in_body(new)
        if leftover:
            repairs.append(_left_alone(index + 1, leftover))
    candidate = "".join(lines)
    if in_block and len(Note.parse(candidate).errors) > len(note.errors):
        for index in in_block:  # a filled-in comment must never break the properties: undo those
            lines[index] = split_lines(text)[index]
        repairs = [r for r in repairs if r.line is None or r.line - 1 not in in_block]
        candidate = "".join(lines)
    if candidate != text:
        note.replace_text(candidate)
    return repairs


def _unknown_in_body(line: str) -> list[str]:
    """What is still a placeholder on a body line once filled in: unknown variables and Templater code,
    both of which `check` reports on that line, so both are said to be left alone (code spans are not
    checked, so they are not counted)."""
    return _unknown(_CODE_SPAN_RE.sub("", line))


def _repair_placeholder_properties(note: Note, ctx: TemplateContext) -> list[Repair]:
    fm = parse_frontmatter(note.text)
    planned: list[tuple[int, str, Any, Repair]] = []
    repairs: list[Repair] = []
    for key, value in fm.properties.items():
        span = fm.spans.get(key)
        items = value if isinstance(value, list) else [value]
        if span is None or not any(isinstance(v, str) and PLACEHOLDER_RE.search(v) for v in items):
            continue
        line = span.start + 1
        if any(isinstance(v, (dict, list)) for v in items) or isinstance(value, dict):
            repairs.append(_left_alone(line, _unknown(str(value))))
            continue
        new: Any
        if isinstance(value, str):
            rendered = render_text(value, ctx)
            whole = PLACEHOLDER_RE.sub("", value).strip() == ""
            new = _typed(rendered) if whole else rendered
            leftover = _unknown(rendered)
        else:
            new = [render_text(v, ctx) if isinstance(v, str) else v for v in value]
            leftover = _unknown(" ".join(str(v) for v in new))
        if new != value:
            shown = new.isoformat() if isinstance(new, dt.date) else new
            repair = Repair(line, "placeholder", f"{key}: {value!r} -> {shown!r}", str(value), str(shown))
            planned.append((span.start, key, new, repair))
        if leftover:
            repairs.append(_left_alone(line, leftover))
    for _start, key, new, repair in sorted(planned, key=lambda p: p[0], reverse=True):
        refused = _set(note, key, new, repair.line or 1)
        repairs.append(refused or repair)
    return repairs


# ---------------------------------------------------------------------------------------------- encoding


def repair_encoding(note: Note) -> list[Repair]:
    """Repair mojibake in `note`: property values through `set_property`, every other line in place."""
    text = note.text
    if text.isascii():
        return []
    fixed_text, fixes = repair_mojibake(text)
    if not fixes:
        return []
    if not note.editable:
        first = note.errors[0]
        return [
            Repair(first.line, "left-alone", f"{first.message}; its garbled text is left alone until then")
        ]
    fm = parse_frontmatter(text)
    lines, fixed_lines = split_lines(text), split_lines(fixed_text)
    by_set: dict[str, Any] = {}
    for key, value in fm.properties.items():
        span = fm.spans.get(key)
        if span is None or lines[span.start : span.end] == fixed_lines[span.start : span.end]:
            continue
        same_key = lines[span.start].split(":", 1)[0] == fixed_lines[span.start].split(":", 1)[0]
        one_line_text = isinstance(value, str) and span.end - span.start == 1
        flat_list = isinstance(value, list) and not any(isinstance(v, (list, dict)) for v in value)
        if same_key and (one_line_text or flat_list) and not fm.edit_problem:
            by_set[key] = _repaired_value(value)
    owned = _owned_lines(fm)
    textual = [
        new if old != new and owned.get(index) not in by_set else old
        for index, (old, new) in enumerate(zip(lines, fixed_lines, strict=True))
    ]
    if fm.present and Note.parse("".join(textual)).errors:  # never let a repair break the properties
        textual[: fm.close_line + 1] = lines[: fm.close_line + 1]
        by_set = {}
    repaired = {i + 1 for i, (old, new) in enumerate(zip(lines, textual, strict=True)) if old != new}
    for key in by_set:
        repaired |= set(range(fm.spans[key].start + 1, fm.spans[key].end + 1))
    note.replace_text("".join(textual))
    refused: list[Repair] = []
    for key in sorted(by_set, key=lambda k: fm.spans[k].start, reverse=True):
        problem = _set(note, key, by_set[key], fm.spans[key].start + 1)
        if problem:
            refused.append(problem)
            repaired -= set(range(fm.spans[key].start + 1, fm.spans[key].end + 1))
    done = [
        Repair(
            f.line, "mojibake", f"{f.before!r} -> {f.after!r} (UTF-8 read as {f.encoding})", f.before, f.after
        )
        for f in fixes
        if f.line in repaired
    ]
    return done + refused


def _repaired_value(value: Any) -> Any:
    if isinstance(value, str):
        return repair_mojibake(value)[0]
    return [repair_mojibake(v)[0] if isinstance(v, str) else v for v in value]


# ---------------------------------------------------------------------------------------------- metadata


def _comment_value(raw: str) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1]
    if _INT_RE.fullmatch(raw):
        return int(raw)
    if _DATETIME_RE.fullmatch(raw):
        return _typed(raw.replace(" ", "T"))
    return _typed(raw)


def recover_comment_metadata(note: Note) -> list[Repair]:
    """Turn `# key: value` comment lines of the properties block into properties, in place.

    Only unindented comments outside any property, whose key is not a property yet (in any case). The
    comment line becomes the property line, so nothing is duplicated and the order is kept; dates and
    datetimes (`2025-09-10 22:21:48`) become dates, whole numbers numbers, the rest text.
    """
    if not note.editable or not note.has_frontmatter:
        return []
    text = note.text
    fm = parse_frontmatter(text)
    lines = split_lines(text)
    owned = _owned_lines(fm)
    taken = {k.lower() for k in fm.properties}
    repairs: list[Repair] = []
    for index in range(1, fm.close_line):
        content, end = _split_end(lines[index])
        match = _COMMENT_META_RE.fullmatch(content)
        if index in owned or match is None or match.group("key").lower() in taken:
            continue
        key = match.group("key")
        new = format_property(key, _comment_value(match.group("value")), end or "\n")
        candidate = [*lines[:index], new, *lines[index + 1 :]]
        probe = Note.parse("".join(candidate))
        if probe.errors or key not in probe.properties:
            continue
        lines = candidate
        taken.add(key.lower())
        repairs.append(
            Repair(
                index + 1,
                "metadata",
                f"comment {content!r} recovered as property {key!r}",
                content,
                _split_end(new)[0],
            )
        )
    if repairs:
        note.replace_text("".join(lines))
    return repairs


def fill_empty_property(note: Note, key: str, value: str) -> list[Repair]:
    """Set `key` to `value` when the property is there but empty (`title:`); otherwise do nothing."""
    if not note.editable or key not in note.properties or note.properties[key] not in (None, "", []):
        return []
    span = parse_frontmatter(note.text).spans.get(key)
    line = span.start + 1 if span else 1
    refused = _set(note, key, value, line)
    if refused:
        return [refused]
    return [
        Repair(line, "title" if key == "title" else "metadata", f"empty {key!r} set to {value!r}", "", value)
    ]
