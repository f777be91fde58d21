"""Rendering Obsidian template variables, and turning titles into safe note names. Pure.

Obsidian's core Templates plugin replaces `{{title}}`, `{{date}}`, `{{time}}`, `{{date:FORMAT}}` and
`{{time:FORMAT}}` (Moment.js formats, see `vaultkit.scaffold.moment`). The daily-notes machinery (and
Periodic Notes) also knows `{{date+1d:FORMAT}}`-style offsets and `{{yesterday}}` / `{{tomorrow}}`; we accept
those too, so a user's existing templates render the same here as in Obsidian. Names match case-insensitively,
spaces inside the braces are allowed. Anything else in braces is left as it is (and `vaultkit check` will
point at it). Templater's `<% … %>` / `<%* … %>` blocks are never touched, not even a `{{date}}` inside them.

Templates we ship quote their variables (`created: "{{date:YYYY-MM-DD}}"`) so that the template itself is
valid YAML. `render_note` knows the frontmatter: a value that was wholly a quoted variable is written back
the way Obsidian writes that value (a date bare, `2026-11-22`, so vaultkit and Bases read a date; text
unquoted when YAML allows), and a variable inside a longer quoted string is escaped for that string, so a
title can never break the YAML around it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field

from vaultkit.errors import UnsafePathError
from vaultkit.markdown.patterns import ISO_DATE, ISO_DATE_RE, TEMPLATE_VARIABLE_RE
from vaultkit.props.frontmatter import format_scalar, parse_frontmatter, split_lines
from vaultkit.scaffold.moment import ISO_WEEK, WeekRule, add_offset, format_moment

__all__ = [
    "MAX_NAME_BYTES",
    "TemplateContext",
    "fit_bytes",
    "format_rendered_value",
    "render_note",
    "render_text",
    "safe_note_name",
    "unrenderable",
]

_VARIABLE_RE = TEMPLATE_VARIABLE_RE
_TEMPLATER_RE = re.compile(r"<%.*?%>", re.DOTALL)
_DATETIME_RE = re.compile(ISO_DATE + r"T\d{2}:\d{2}(?::\d{2})?")


@dataclass(frozen=True, slots=True)
class TemplateContext:
    """What the variables stand for. `when` is the note's moment: today, or the journal's day."""

    title: str
    when: dt.datetime
    date_format: str = "YYYY-MM-DD"
    time_format: str = "HH:mm"
    week: WeekRule = field(default=ISO_WEEK)


def _value(match: re.Match[str], ctx: TemplateContext) -> str:
    name = match.group(1).lower()
    if name == "title":
        return ctx.title
    when = ctx.when
    if name in ("yesterday", "tomorrow"):
        try:
            when = when + dt.timedelta(days=-1 if name == "yesterday" else 1)
        except OverflowError:  # the day after 9999-12-31 or before 0001-01-01: left, as for an offset
            return match.group(0)
    if match.group(2):
        try:
            when = add_offset(when, int(match.group(2)), match.group(3))
        except (OverflowError, ValueError):
            return match.group(0)
    fmt = match.group(4)
    if not fmt:
        fmt = ctx.time_format if name == "time" else ctx.date_format
    try:
        return format_moment(fmt, when, ctx.week)
    except OverflowError:  # a week at the very end of year 9999: leave the variable for the user to see
        return match.group(0)


def unrenderable(text: str, ctx: TemplateContext) -> str | None:
    """The first template variable in `text` whose date falls outside the calendar (years 1 to 9999) for
    `ctx`, as written, or None. Rendering leaves such a variable as it is (a library caller sees it and
    `check` reports it); `vaultkit new` asks first, so that it can refuse with a clear message instead of
    writing a note with `{{tomorrow}}` in it, or one whose properties no longer load."""
    for match in _VARIABLE_RE.finditer(text):
        if match.group(1).lower() != "title" and _value(match, ctx) == match.group(0):
            return match.group(0)
    return None


def _render_plain(text: str, ctx: TemplateContext, escape: str = "") -> str:
    def replace(match: re.Match[str]) -> str:
        value = _value(match, ctx)
        if escape == '"':
            return json.dumps(value, ensure_ascii=False)[1:-1]
        if escape == "'":
            return value.replace("'", "''")
        return value

    return _VARIABLE_RE.sub(replace, text) if "{{" in text else text


def render_text(text: str, ctx: TemplateContext) -> str:
    """Replace the template variables in `text`; Templater blocks pass through untouched."""
    if "{{" not in text:
        return text
    out: list[str] = []
    last = 0
    for block in _TEMPLATER_RE.finditer(text):
        out.append(_render_plain(text[last : block.start()], ctx))
        out.append(block.group(0))
        last = block.end()
    out.append(_render_plain(text[last:], ctx))
    return "".join(out)


def format_rendered_value(text: str) -> str:
    """A rendered property value as Obsidian writes it: ISO dates bare, text quoted only if YAML needs it."""
    if ISO_DATE_RE.fullmatch(text) or _DATETIME_RE.fullmatch(text):
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    return format_scalar(text)


_QUOTED_VALUE_RE = re.compile(
    r"^(?P<prefix>[ \t]*(?:-[ \t]+|[^\s#'\"-][^:]*:[ \t]+|\"[^\"]*\":[ \t]+))"
    r"(?:\"(?P<dq>(?:[^\"\\]|\\.)*)\"|'(?P<sq>(?:[^']|'')*)')"
    r"(?P<end>[ \t]*(?:#.*)?)$"
)
_BARE_VALUE_RE = re.compile(
    r"^(?P<prefix>[ \t]*(?:-[ \t]+|[^\s#'\"-][^:]*:[ \t]+))(?P<var>\{\{[^{}\n]*\}\})(?P<end>[ \t]*)$"
)


def _render_yaml_line(line: str, ctx: TemplateContext) -> str:
    """One frontmatter line (without its newline) with its variables rendered safely for YAML."""
    if "{{" not in line:
        return line
    if "<%" in line:
        return render_text(line, ctx)
    quoted = _QUOTED_VALUE_RE.match(line)
    if quoted:
        if quoted.group("dq") is not None:
            raw = quoted.group("dq")
            try:
                inner = json.loads(f'"{raw}"')
            except ValueError:
                inner = raw
        else:
            inner = quoted.group("sq").replace("''", "'")
        rendered = render_text(inner, ctx)
        if rendered == inner:
            return line
        return quoted.group("prefix") + format_rendered_value(rendered) + quoted.group("end")
    bare = _BARE_VALUE_RE.match(line)
    if bare:
        rendered = render_text(bare.group("var"), ctx)
        if rendered != bare.group("var"):
            return bare.group("prefix") + format_rendered_value(rendered) + bare.group("end")
        return line
    return _render_in_quotes(line, ctx)


def _render_in_quotes(line: str, ctx: TemplateContext) -> str:
    """Variables inside quoted strings of a line (flow lists and the like) escaped for those strings."""
    out: list[str] = []
    quote = ""
    start = 0
    index = 0
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char in "\"'" and (not quote or quote == char):
            if quote == "'" and line[index + 1 : index + 2] == "'":
                index += 2
                continue
            out.append(_render_plain(line[start:index], ctx, quote))
            out.append(char)
            start = index + 1
            quote = "" if quote else char
        elif char == "#" and not quote and (index == 0 or line[index - 1] in " \t"):
            break
        index += 1
    out.append(_render_plain(line[start:index], ctx, quote))
    out.append(line[index:])
    return "".join(out)


def render_note(text: str, ctx: TemplateContext) -> str:
    """A template's text with its variables rendered, frontmatter-aware (see the module docstring)."""
    if "{{" not in text:
        return text
    fm = parse_frontmatter(text)
    if not fm.present:
        return render_text(text, ctx)
    lines = split_lines(text)
    out = [lines[0]]
    for line in lines[1 : fm.close_line]:
        body = line.rstrip("\r\n")
        out.append(_render_yaml_line(body, ctx) + line[len(body) :])
    out.append(lines[fm.close_line])
    out.append(render_text("".join(lines[fm.close_line + 1 :]), ctx))
    return "".join(out)


# ------------------------------------------------------------------------------------------ note names

# Obsidian refuses these in file names (`* " \ / < > : | ?`), and `# ^ [ ] |` break links to the note.
_UNSAFE_CHARS = re.compile(r'[*"<>:|?#^\[\]\x00-\x1f\x7f]')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?")

# Longer names are hard to read in a file list or a link; a title may be longer (see create.new_note).
MAX_NAME_CHARS = 120

# A file name holds at most 255 bytes on the common file systems (ext4, APFS, btrfs count UTF-8 bytes, so
# 85 CJK characters are already too many). A note's name must leave room for what vaultkit adds to it:
# `.md` and a ` 2`-style number that makes an imported name unique (`atomic_write`'s temporary name is
# short and does not grow with the note's). 200 leaves that and room for a sync tool's conflict suffix
# (` (conflicted copy 2026-12-03)`); a name cut shorter than its title is still a good name, a name one
# byte too long is an error the user cannot fix by retrying.
MAX_NAME_BYTES = 200

_ZWJ = "\u200d"


def _joins_previous(char: str) -> bool:
    """Whether `char` belongs to the character before it: an accent or other combining mark, a variation
    selector, a skin-tone modifier, an emoji tag, a joiner, or a Hangul vowel or final consonant jamo."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char == _ZWJ
        or "\U0001f3fb" <= char <= "\U0001f3ff"
        or "\U000e0020" <= char <= "\U000e007f"
        or "\u1160" <= char <= "\u11ff"
        or "\ud7b0" <= char <= "\ud7ff"
    )


def _is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def fit_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, between whole characters as a reader sees them.

    A cut never leaves an accent without its letter, half of an emoji sequence joined by U+200D, a flag's
    first regional indicator alone, or a skin tone without its hand: it moves back to before the whole
    cluster (unless that cluster alone is over the limit). Lone surrogates, which text read from a
    non-UTF-8 file system may carry, count 3 bytes.
    """
    size = 0
    whole = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8", "surrogatepass"))
        if size > limit:
            break
        whole = index + 1
    else:
        return text
    cut = whole
    while cut > 0 and _joins_previous(text[cut]):
        cut -= 1
    while cut > 0 and text[cut - 1] == _ZWJ:  # a joiner waiting for what it joins
        cut -= 1
        while cut > 0 and _joins_previous(text[cut]):
            cut -= 1
    if cut > 0 and _is_regional_indicator(text[cut]):
        run = cut
        while run > 0 and _is_regional_indicator(text[run - 1]):
            run -= 1
        if (cut - run) % 2:  # flags are pairs: the cut falls inside one
            cut -= 1
    return text[: cut or whole]  # one cluster longer than the limit: cut inside it rather than lose all


def safe_note_name(
    title: str, *, allow_folders: bool = False, cut: bool = True, slash: str | None = None
) -> str:
    """`title` as a note's file name (without `.md`), or UnsafePathError when it could leave its folder.

    Separators (`/`, `\\`), `..` and absolute paths are refused, never "cleaned", because they show the
    title was meant as a path; with `slash`, a `/` between plain words is replaced by it instead (a title a
    user typed, `CI/CD pipeline`: the note keeps the `/` in its `title` property), while `..`, `\\` and a
    leading `/` are refused all the same. Characters Obsidian cannot use in a note name or a link become
    `-` (`: ` becomes ` - `), leading dots are dropped (they would hide the note), spaces are collapsed, a
    `.md` ending is dropped, and a long name is cut to 120 characters and MAX_NAME_BYTES bytes of UTF-8
    (unless `cut` is False: comparing both tells whether a title had to be cut). `allow_folders` accepts
    `/` between safe parts: for names made from a vault's own format settings (`YYYY/MM/YYYY-MM-DD`), never
    for what a user typed.
    """
    raw = title.strip()
    if not raw:
        raise UnsafePathError("the title is empty; give the note a name")
    if "\\" in raw or raw.startswith("/"):
        raise UnsafePathError(f"{title!r} looks like a path; give a plain title (no folders)")
    parts = raw.split("/")
    if raw == ".":
        raise UnsafePathError("'.' is not a valid title (it names the current folder); give the note a name")
    dots = next((part.strip() for part in parts if part.strip() in ("..", ".")), None)
    if dots is not None:
        raise UnsafePathError(f"{title!r} would point outside its folder ({dots!r}); refusing")
    if len(parts) > 1 and not allow_folders:
        if slash is None:
            raise UnsafePathError(f"{title!r} contains '/'; a title cannot name a folder")
        parts = [slash.join(parts)]
    clean: list[str] = []
    for part in parts:
        name = _UNSAFE_CHARS.sub("-", " ".join(part.split()).replace(": ", " - "))
        name = " ".join(name.split()).lstrip(".").strip()
        if name.lower().endswith(".md"):  # `new plan "Growth.md"` means the note Growth
            name = name[:-3]
        if cut:
            name = fit_bytes(name[:MAX_NAME_CHARS], MAX_NAME_BYTES)
        name = name.rstrip(" .")
        if not name or not name.strip("-"):
            raise UnsafePathError(f"{title!r} has no usable characters for a note name")
        if _WINDOWS_RESERVED.fullmatch(name):
            name += "_"
        clean.append(name)
    return "/".join(clean)
