"""A `skills` block for an imported career ladder: placed right after its capabilities, so the first rollup
draws their chart (current vs target level) beside them. Pure: a note in, the same note edited.

Why the importer places it: the block is how a note asks for its capability chart, and a generated ladder
never holds one, so without it the chart never appears. The capabilities are those the chart reads
(`history.skills.parse_capability_table`): a table with capability, current and target columns, or one
section per capability under a heading that mentions capabilities. The block goes after the table's last
row, or at the end of that heading's section (before the blank lines that lead to the next heading of its
level or higher), with the same explaining comment as the Career ladder template (`skills_block`). A note
that already has a `skills` block, or none of these capabilities, is left as it is.
"""

from __future__ import annotations

from vaultkit.history.skills import Capability, parse_capability_table
from vaultkit.markdown.blocks import parse_blocks
from vaultkit.notes.note import Note
from vaultkit.props.frontmatter import newline_of, split_lines
from vaultkit.scaffold.starter import skills_block

__all__ = ["capabilities_anchor", "insert_skills_block"]


def _found(note: Note) -> list[Capability] | None:
    """The note's capabilities when a block can be placed for them: None when there are none, when the
    note has a `skills` block already, or when its body has line breaks the chart's reader counts apart
    (a lone form feed): the place found would then not be the place meant."""
    body = note.body
    if any(block.kind == "skills" for block in parse_blocks(body)[0]):
        return None
    if len(body.splitlines()) != len(split_lines(body)):
        return None
    return parse_capability_table(body) or None


def capabilities_anchor(note: Note) -> int | None:
    """The 1-based line of `note` where its capabilities start (the table's header, or the heading over the
    capability sections), or None when no block would be added: what an import reports the block at."""
    found = _found(note)
    if found is None:
        return None
    first = note.body_line - 1 + found[0].line
    if _is_table(note, found):
        return first - 2  # the header and alignment rows above the first row
    above = [h for h in note.headings if h.line < first and "capabilit" in h.text.lower()]
    return above[-1].line if above else first


def _is_table(note: Note, found: list[Capability]) -> bool:
    lines = split_lines(note.text)
    return "|" in lines[note.body_line - 2 + found[0].line]


def insert_skills_block(note: Note) -> bool:
    """Add the `skills` block after the note's capabilities; False (the note untouched) when there are
    none or it has a `skills` block already."""
    found = _found(note)
    if found is None:
        return False
    lines = split_lines(note.text)
    last = note.body_line - 2 + found[-1].line  # 0-based line of the last capability's row or heading
    table = _is_table(note, found)
    if table:
        at = last + 1
        while at < len(lines) and "|" in lines[at]:
            at += 1
    else:
        first = note.body_line - 1 + found[0].line
        above = [h for h in note.headings if h.line < first and "capabilit" in h.text.lower()]
        level = above[-1].level if above else 6
        after = [h.line for h in note.headings if h.line > last + 1 and h.level <= level]
        at = after[0] - 1 if after else len(lines)
        while at > last + 1 and not lines[at - 1].strip():
            at -= 1
    newline = newline_of(note.text)
    if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
        lines[at - 1] += newline
    drawn = "the table above" if table else "the capabilities above"
    block = [newline, *(line + newline for line in skills_block(drawn))]
    if at < len(lines) and lines[at].strip():
        block.append(newline)
    lines[at:at] = block
    note.replace_text("".join(lines))
    return True
