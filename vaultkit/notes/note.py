"""`Note`: one Markdown file, read tolerantly and written back losslessly.

`Note.parse` never raises on bad content: problems are collected in `note.errors` and `note.warnings`
(each with a 1-based line), so vault-wide commands go on past a broken note. The original text is kept;
`dumps()` returns it unchanged until a property is edited, and an edit splices only that property's lines.
The body is scanned for tasks, headings, links and tags on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from vaultkit.errors import NoteError, Problem, UnparsableError
from vaultkit.fileio import atomic_write, read_bytes
from vaultkit.markdown.scanner import scan
from vaultkit.notes.links import Link
from vaultkit.notes.structure import Heading, Structure, note_tags
from vaultkit.notes.tasks import DEFAULT_STATUSES, Task, TaskCounts, TaskStatuses
from vaultkit.props.frontmatter import (
    Frontmatter,
    PropertyValue,
    find_links_in_properties,
    newline_of,
    parse_frontmatter,
    same_value,
    splice_property,
)
from vaultkit.props.yaml_format import format_property, key_length_problem

if TYPE_CHECKING:
    from frontmatter import Post

__all__ = ["Note", "decode_note", "type_problem", "wide_encoding"]

_ALLOWED_SCALARS = (str, int, float, bool, dt.date, dt.datetime, type(None))


# Byte-order marks of the UTF-16 and UTF-32 encodings (UTF-32 first: its little-endian mark starts with
# UTF-16's). Windows tools save such text; its zero bytes would otherwise make it look binary.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32 (LE)", "utf-32"),
    (b"\x00\x00\xfe\xff", "UTF-32 (BE)", "utf-32"),
    (b"\xff\xfe", "UTF-16 (LE)", "utf-16"),
    (b"\xfe\xff", "UTF-16 (BE)", "utf-16"),
)


def wide_encoding(data: bytes) -> tuple[str, str] | None:
    """(name, codec) of the UTF-16 or UTF-32 encoding `data`'s byte-order mark announces, if it has one."""
    for bom, name, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return name, codec
    return None


def type_problem(value: object) -> str | None:
    """Why a `type` property names no type, when it is set but is not text (`type: [milestone]`, a list,
    or a number): the note then counts as untyped, and saying so beats "no type" when one is written."""
    if value is None or value == "" or isinstance(value, str):
        return None
    if isinstance(value, list):
        items = [item for item in value if isinstance(item, str) and item.strip()]
        example = items[0].strip() if len(items) == 1 else "milestone"
        return f"`type` must be text, not a list (write `type: {example}`)"
    return f"`type` must be text, not {value!r} (write `type: milestone` or `type: plan`)"


def decode_note(data: bytes) -> tuple[str, list[Problem]]:
    """Text of a note file. Undecodable or binary content becomes an error and replacement text."""
    wide = wide_encoding(data)
    if wide is not None:  # left unread like a binary file: a note is edited only as the UTF-8 it was read as
        message = (
            f"{wide[0]} text, not UTF-8: vaultkit reads only UTF-8 notes (re-save it as UTF-8, or bring "
            "it in with `vaultkit import FILE`, which converts it)"
        )
        return "", [Problem(None, message, code="encoding")]
    if b"\x00" in data[:8192]:
        return "", [Problem(None, "binary file, not a Markdown note (move it out of the vault or rename it)")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = Problem(
            line,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8 (vaultkit leaves it alone until then)",
            code="encoding",
        )
        return data.decode("utf-8", "replace"), [problem]


class Note:
    """A note's text, properties and structure. Create with `Note.load(path)` or `Note.parse(text)`."""

    def __init__(
        self,
        text: str,
        path: Path | str | None = None,
        *,
        statuses: TaskStatuses = DEFAULT_STATUSES,
        problems: list[Problem] | None = None,
        disk_bytes: bytes | None = None,
    ) -> None:
        self.path: Path | None = Path(path) if path is not None else None
        self.statuses = statuses
        self._text = text
        self._original = text
        self._file_problems = list(problems or [])
        self._disk_bytes = disk_bytes
        self._reparse()

    # ------------------------------------------------------------------------------------ construction

    @classmethod
    def parse(
        cls, text: str, path: Path | str | None = None, *, statuses: TaskStatuses = DEFAULT_STATUSES
    ) -> Note:
        """A note from text. Never raises for bad content: see `errors` and `warnings`."""
        return cls(text, path, statuses=statuses)

    @classmethod
    def load(cls, path: Path | str, *, statuses: TaskStatuses = DEFAULT_STATUSES) -> Note:
        """Read a note from disk. Raises NoteError only when the file cannot be read at all."""
        path = Path(path)
        data = read_bytes(path)
        text, problems = decode_note(data)
        return cls(text, path, statuses=statuses, problems=problems, disk_bytes=data)

    @classmethod
    def from_post(
        cls, post: Post, path: Path | str | None = None, *, statuses: TaskStatuses = DEFAULT_STATUSES
    ) -> Note:
        """A note from a python-frontmatter `Post`, for code that already reads notes with it.

        The properties are written the way vaultkit writes them (`format_property`: Obsidian's shapes, in
        the metadata's order), never with python-frontmatter's `dumps()`, which sorts keys and reflows
        lists. `post.content` becomes the body unchanged (python-frontmatter strips it when it loads a
        file, so such a note has no final newline). Raises NoteError for a value a property cannot hold
        (a nested mapping, a list of lists) or when the text would not read back as exactly this post.
        """
        content = str(post.content)
        newline = newline_of(content)
        metadata = dict(post.metadata)
        for key, value in metadata.items():
            _check_value(key, value)
        block = "".join(format_property(key, _plain(value), newline) for key, value in metadata.items())
        text = f"---{newline}{block}---{newline}{content}" if metadata else content
        note = cls(text, path, statuses=statuses)
        if not metadata and note.has_frontmatter:  # a body that opens with `---` needs an empty block
            note = cls(f"---{newline}---{newline}{content}", path, statuses=statuses)
        expected = {key: _plain(value) for key, value in metadata.items()}
        props = dict(note.properties)
        same = list(props) == list(expected) and same_value(props, expected)
        if note.errors or note.body != content or not same:
            raise NoteError("the post's metadata and content do not read back unchanged as a note", path)
        return note

    def _reparse(self) -> None:
        self._adopt(parse_frontmatter(self._text))

    # ------------------------------------------------------------------------------------ reading

    @property
    def text(self) -> str:
        return self._text

    def dumps(self) -> str:
        """The note's text: byte-for-byte the original until something is changed."""
        return self._text

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._file_problems + self._fm.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self._file_problems + self._fm.problems if p.severity == "warning"]

    @property
    def editable(self) -> bool:
        """False when the file did not decode or its properties did not load: we then leave it alone."""
        return not self.errors

    @property
    def properties(self) -> Mapping[str, Any]:
        """The frontmatter as an ordered, read-only mapping (empty when absent or broken)."""
        return MappingProxyType(self._fm.properties)

    @property
    def has_frontmatter(self) -> bool:
        return self._fm.present

    @property
    def body(self) -> str:
        return self._fm.body_of(self._text)

    @property
    def body_line(self) -> int:
        """1-based file line where the body starts."""
        return self._fm.body_start_line + 1

    @property
    def type(self) -> str | None:
        value = self._fm.properties.get("type")
        return value.strip().lower() if isinstance(value, str) and value.strip() else None

    @property
    def title(self) -> str:
        """The note's name as Obsidian shows it: the file name without `.md`."""
        if self.path is not None:
            return self.path.name.removesuffix(".md") if self.path.name.endswith(".md") else self.path.stem
        return ""

    @cached_property
    def structure(self) -> Structure:
        return scan(self.body, self.body_line, self.statuses)

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self.structure.tasks

    @property
    def counts(self) -> TaskCounts:
        return TaskCounts.of(self.structure.tasks)

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.structure.headings

    @cached_property
    def _property_links(self) -> tuple[Link, ...]:
        return tuple(find_links_in_properties(self._fm))

    @property
    def links(self) -> tuple[Link, ...]:
        """Links in properties (first, as Obsidian lists them) and in the body."""
        return self._property_links + self.structure.links

    @property
    def tags(self) -> tuple[str, ...]:
        """Tags from the `tags` property and `#tags` in the body, without `#`, in order of appearance."""
        return note_tags(self._fm.properties.get("tags"), self.structure.tags)

    def to_post(self) -> Post:
        """The note as a python-frontmatter `Post` (metadata: the properties, content: the body).

        A copy: changing the post does not change the note; write it back with `Note.from_post`, never
        with python-frontmatter's `dumps()`. Raises UnparsableError when the properties did not load, as
        an empty `metadata` would then silently stand for properties the file has.
        """
        import frontmatter

        if self.errors:
            first = self.errors[0]
            raise UnparsableError(f"cannot convert: {first.message}", self.path, first.line)
        post = frontmatter.Post(self.body)  # metadata set after: a key `content` or `handler` is allowed
        post.metadata.update({key: _plain(value) for key, value in self._fm.properties.items()})
        return post

    # ------------------------------------------------------------------------------------ editing

    def _require_editable(self) -> None:
        if not self.editable:
            first = self.errors[0]
            raise UnparsableError(f"cannot edit: {first.message}", self.path, first.line)
        if self._fm.edit_problem:
            raise UnparsableError(f"cannot edit: {self._fm.edit_problem}", self.path, 1)

    def set_property(self, key: str, value: PropertyValue) -> None:
        """Set one property, changing only its lines (added at the end of the block when new).

        Setting the value a property already has changes nothing (no reformatting, no write on save).
        """
        self._require_editable()
        _check_value(key, value)
        too_long = key_length_problem(key) if key not in self._fm.properties else None
        if too_long:
            raise NoteError(f"{too_long}; nothing changed", self.path)
        if isinstance(value, tuple):
            value = list(value)
        self._apply(splice_property(self._text, self._fm, key, value), key, value, delete=False)

    def delete_property(self, key: str) -> None:
        """Remove one property's lines; nothing else changes. A missing key is not an error."""
        self._require_editable()
        self._apply(splice_property(self._text, self._fm, key, None, delete=True), key, None, delete=True)

    def _apply(self, text: str, key: str, value: Any, *, delete: bool) -> None:
        """Adopt an edited text only after re-reading it proves the edit did exactly what was asked."""
        if text == self._text:
            return
        before = self._fm.properties
        after = parse_frontmatter(text)
        expected = {k: v for k, v in before.items() if k != key}
        got = {k: v for k, v in after.properties.items() if k != key}
        ok = after.ok and same_value(expected, got) and list(expected) == list(got)
        ok = ok and (
            (key not in after.properties) if delete else same_value(after.properties.get(key), value)
        )
        if not ok:  # pragma: no cover - a safety net; reaching it is a vaultkit bug
            raise NoteError(f"editing property {key!r} would change other data; nothing changed", self.path)
        self._text = text
        self._adopt(after)

    def _adopt(self, fm: Frontmatter) -> None:
        """Take `fm`, parsed from the current text, as the note's frontmatter (a parse saved per edit)."""
        self._fm = fm
        self.__dict__.pop("structure", None)
        self.__dict__.pop("_property_links", None)

    def replace_text(self, text: str) -> None:
        """Replace the whole text (repairs that touch the body, such as mojibake) and reparse it.

        `save()` still refuses to write if the file changed on disk since it was loaded.
        """
        self._text = text
        self._reparse()

    @property
    def changed(self) -> bool:
        return self._text != self._original

    def save(self, path: Path | str | None = None) -> bool:
        """Write the note atomically if its bytes changed. Returns True when it wrote.

        Raises ConflictError if the file changed on disk since it was loaded (nothing is written).
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise NoteError("this note has no path; pass one to save()")
        if any(p.severity == "error" for p in self._file_problems):
            self._require_editable()
        data = self._text.encode("utf-8")
        # Bytes we read from this path; a note made from text, or saved under a new path, must not
        # replace an existing file.
        expected = self._disk_bytes if target == self.path else None
        if expected is not None and data == expected:
            return False
        wrote = atomic_write(target, data, expected)
        self.path, self._disk_bytes, self._original = target, data, self._text
        return wrote

    def __repr__(self) -> str:
        return f"Note({str(self.path) if self.path else '<text>'!r}, type={self.type!r})"


def _plain(value: Any) -> Any:
    """A property value with its own list (tuples as lists), so the post and the note share nothing."""
    return list(value) if isinstance(value, (list, tuple)) else value


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_value(key: str, value: object) -> None:
    if not isinstance(key, str) or not key.strip() or "\n" in key or "\r" in key or not _valid_text(key):
        raise NoteError(f"invalid property name {key!r}")
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if isinstance(item, (list, tuple)):
            raise NoteError(f"property {key!r}: lists of lists are not supported")
        if not isinstance(item, _ALLOWED_SCALARS):
            raise NoteError(
                f"property {key!r}: unsupported value {item!r}; use text, numbers, booleans, dates or lists"
            )
        if isinstance(item, str) and not _valid_text(item):
            raise NoteError(f"property {key!r}: {item!r} is not valid Unicode text")
