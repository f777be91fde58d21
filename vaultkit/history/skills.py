"""The career ladder's capabilities (current vs target level) read from a note body, and their chart. Pure.

Ladders write their capabilities in one of two shapes, and both are read:

- a pipe table whose header names a capability column and current and target columns, as in the vault's
  `Career ladder` template (`| Capability | Current | Target | Priority | Timeline |`); extra columns,
  alignment colons and escaped pipes (`\\|`) are fine;
- when no such table is there, one `###` section per capability under a heading that mentions
  capabilities, with `**Current Level**: Advanced` and `**Target Level**: Expert` lines, as generated
  ladders write them.

Levels are put on a 1 to 5 scale so different ladders draw alike: a number out of five stays as it is
(`3`, `3/5`, `Level 3`, `L3`), a fraction of another scale is rescaled (`6/10` is 3), and words map as
`LEVEL_WORDS` says: awareness 1, learning 2, competent 3, advanced 4, expert 5, with their usual synonyms
(so `Proficient` is 3). A level that is none of these is kept as text with no number, and drawn as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from vaultkit.history.chart import message_svg, num, svg_close, svg_open, text_width, truncate, xml_text
from vaultkit.markdown.comments import mask_comments

__all__ = ["LEVEL_WORDS", "Capability", "level_value", "parse_capability_table", "skills_svg"]

LEVEL_WORDS: Final[dict[str, int]] = {
    **dict.fromkeys(
        ("none", "aware", "awareness", "novice", "beginner", "basic", "foundational", "entry"), 1
    ),
    **dict.fromkeys(("learning", "developing", "emerging", "working", "familiar", "junior"), 2),
    **dict.fromkeys(
        ("competent", "proficient", "intermediate", "practitioner", "capable", "skilled", "solid", "mid"), 3
    ),
    **dict.fromkeys(("advanced", "strong", "senior", "accomplished"), 4),
    **dict.fromkeys(("expert", "master", "mastery", "leading", "authority", "exceptional", "principal"), 5),
}

CURRENT: Final = "#4a86d4"
TARGET: Final = "#2f9e5b"

_NUMBER = re.compile(r"^(?:level|lvl|l)?\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?))?\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FIELD = re.compile(
    r"^\s*(?:[-*>]\s+)?\*\*(current|target|priority)(?:\s+level)?\s*:?\*\*\s*:?\s*(.*)$", re.IGNORECASE
)
_ALIGN = re.compile(r"^:?-+:?$")


@dataclass(frozen=True)
class Capability:
    """One capability of a ladder: its levels as written and on the 1-5 scale (None when unreadable)."""

    name: str
    current: float | None
    target: float | None
    current_label: str
    target_label: str
    priority: str = ""
    line: int = 0  # 1-based line of the row or heading in the body, for messages that name it


def level_value(text: str) -> float | None:
    """`text` as a level on the 1-5 scale, or None: numbers first (`3/5`), then the first known word."""
    cleaned = text.strip().strip("*_`").strip()
    match = _NUMBER.match(cleaned)
    if match:
        value, scale = float(match.group(1)), float(match.group(2) or 5)
        if scale <= 0 or value > scale:
            return None
        return round(value * 5 / scale, 2)
    for word in _WORD.findall(cleaned.lower()):
        if word in LEVEL_WORDS:
            return float(LEVEL_WORDS[word])
    return None


def _split_row(line: str) -> list[str]:
    """A pipe-table row's cells: `\\|` is a literal pipe, the outer pipes are optional."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [cell.replace("\\|", "|").strip() for cell in cells]


def _readable_lines(body: str) -> list[str]:
    """The body's lines with fenced code and `%%` comments blanked: neither holds the user's table."""
    lines = body.splitlines()
    code: set[int] = set()
    fence = ""
    for number, line in enumerate(lines):
        opener = _FENCE.match(line)
        if fence:
            code.add(number)
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = ""
        elif opener:
            fence = opener.group(1)
            code.add(number)
    masked = mask_comments("\n".join(lines), code).split("\n")
    return ["" if number in code else line for number, line in enumerate(masked)]


def _column(header: Sequence[str], *words: str) -> int | None:
    for index, cell in enumerate(header):
        if any(word in cell.lower() for word in words):
            return index
    return None


def _from_tables(lines: Sequence[str]) -> list[Capability]:
    found: list[Capability] = []
    number = 0
    while number + 1 < len(lines):
        header, align = _split_row(lines[number]), _split_row(lines[number + 1])
        is_table = (
            "|" in lines[number] and len(align) >= 2 and all(_ALIGN.match(c.replace(" ", "")) for c in align)
        )
        name = _column(header, "capabilit", "skill", "competenc")
        current, target = _column(header, "current"), _column(header, "target", "goal")
        if not (is_table and name is not None and current is not None and target is not None):
            number += 1
            continue
        priority = _column(header, "priority")
        number += 2
        while number < len(lines) and "|" in lines[number]:
            cells = _split_row(lines[number])
            capability = _capability(
                _cell(cells, name),
                _cell(cells, current),
                _cell(cells, target),
                _cell(cells, priority),
                number + 1,
            )
            if capability is not None:
                found.append(capability)
            number += 1
    return found


def _cell(cells: Sequence[str], index: int | None) -> str:
    """A row's cell, or `""` where the row is short of it (rows may have fewer cells than the header)."""
    return cells[index] if index is not None and index < len(cells) else ""


def _capability(name: str, current: str, target: str, priority: str, line: int) -> Capability | None:
    """A row or section as a capability; None for the template's blank placeholders (no name or no level)."""
    name = name.strip().strip("*_").strip()
    if not name or not (current.strip() or target.strip()):
        return None
    return Capability(
        name,
        level_value(current),
        level_value(target),
        current.strip(),
        target.strip(),
        priority.strip(),
        line,
    )


def _from_sections(lines: Sequence[str]) -> list[Capability]:
    found: list[Capability] = []
    inside, depth = False, 0
    fields: dict[str, str] = {}
    name, at = "", 0

    def finish() -> None:
        if name:
            capability = _capability(
                name, fields.get("current", ""), fields.get("target", ""), fields.get("priority", ""), at
            )
            if capability is not None:
                found.append(capability)

    for number, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if inside and level > depth:
                finish()
                name, at, fields = heading.group(2), number + 1, {}
                continue
            finish()
            name, fields = "", {}
            inside, depth = "capabilit" in heading.group(2).lower(), level
            continue
        if not (inside and name):
            continue
        for segment in line.split("·"):  # the template puts all three on one line, `·` between them
            field = _FIELD.match(segment)
            if field:
                fields.setdefault(field.group(1).lower(), field.group(2).strip())
    finish()
    return found


def parse_capability_table(body: str) -> list[Capability]:
    """Every capability of a career-ladder note body, in the order written; [] when there are none.

    The template's empty placeholder row and `### Capability 1` section give nothing: a capability needs a
    name and at least one level.
    """
    lines = _readable_lines(body)
    return _from_tables(lines) or _from_sections(lines)


def skills_svg(capabilities: Sequence[Capability], title: str, width: int = 720) -> str:
    """Horizontal bars on the 1-5 scale: current level filled, target level as an outlined bar behind it.

    The height grows with the number of capabilities (26 px a row) so every name stays legible at note
    width; names are shortened with an ellipsis to the label column. No capabilities give a message chart.
    """
    width = max(width, 360)
    if not capabilities:
        return message_svg(title, "No capabilities with levels found", width, 160)
    row, top = 26, 56
    height = top + row * len(capabilities) + 44
    label_room = min(max(text_width(c.name, 12) for c in capabilities) + 8, width * 0.36)
    left, right = 16 + label_room, width - 24
    unit = (right - left) / 5
    parts = svg_open(width, height, title, _skills_summary(capabilities))
    parts.append(f'<text class="t" x="16" y="24">{xml_text(truncate(title, width - 32, 15))}</text>')
    bottom = top + row * len(capabilities)
    for level in range(6):
        x = num(left + unit * level)
        parts.append(f'<line class="g" x1="{x}" y1="{num(top - 6)}" x2="{x}" y2="{num(bottom)}"/>')
        parts.append(f'<text class="s" x="{x}" y="{num(bottom + 15)}" text-anchor="middle">{level}</text>')
    for index, capability in enumerate(capabilities):
        y = top + row * index
        parts.append(
            f'<text style="font-size:12px" x="{num(left - 8)}" y="{num(y + 14)}" text-anchor="end">'
            f"{xml_text(truncate(capability.name, label_room - 4, 12))}</text>"
        )
        if capability.target is not None:
            parts.append(
                f'<rect x="{num(left)}" y="{num(y + 3)}" width="{num(unit * min(capability.target, 5))}" '
                f'height="16" fill="{TARGET}" fill-opacity="0.15" stroke="{TARGET}" stroke-width="1.5"/>'
            )
        if capability.current is not None:
            parts.append(
                f'<rect x="{num(left)}" y="{num(y + 7)}" width="{num(unit * min(capability.current, 5))}" '
                f'height="8" fill="{CURRENT}"/>'
            )
        if capability.current is None and capability.target is None:
            parts.append(f'<text class="s" x="{num(left + 4)}" y="{num(y + 15)}">level not readable</text>')
    legend_y = height - 10
    parts.append(f'<rect x="16" y="{legend_y - 8}" width="18" height="8" fill="{CURRENT}"/>')
    parts.append(f'<text class="s" x="40" y="{legend_y}">current level</text>')
    parts.append(
        f'<rect x="140" y="{legend_y - 11}" width="18" height="14" fill="{TARGET}" fill-opacity="0.15" '
        f'stroke="{TARGET}" stroke-width="1.5"/>'
    )
    parts.append(f'<text class="s" x="164" y="{legend_y}">target level</text>')
    parts.append(
        f'<text class="s" x="{right}" y="{legend_y}" text-anchor="end">'
        "1 awareness · 2 learning · 3 competent · 4 advanced · 5 expert</text>"
    )
    return svg_close(parts)


def _skills_summary(capabilities: Sequence[Capability]) -> str:
    def level(value: float | None, label: str) -> str:
        return f"{num(value)}/5" if value is not None else (label or "unknown")

    gaps = [
        f"{c.name}: {level(c.current, c.current_label)} now, target {level(c.target, c.target_label)}"
        for c in capabilities
    ]
    return "Capabilities, current vs target level on a 1-5 scale. " + "; ".join(gaps) + "."
