"""What in an imported document is a goal: the word rules behind `import --tasks`, the milestone test of
`--split-level`, and the date a document states for itself. Pure: lines in, lines and repairs out.

Goal words (case ignored, whole words): goal, objective, criteria, criterion, expectation, outcome,
milestone, success, readiness, checklist, deliverable, key result, OKR (plurals too). A *goal section* is
a heading holding a goal word, with everything up to the next heading of its level or higher; or a line
that is only bold text (`**Success Indicators**:`), with what follows it up to the next heading, bold line
or `---`. `--tasks` makes the list items of goal sections tasks (`- x` becomes `- [ ] x`): the items of
each list at its own indent, never the nested details under them, never code.

A split section is a milestone when it holds a task, or its heading holds a goal word or names a period of
a plan (phase, stage, step, sprint, month, quarter, `Q1`): `### Phase 1 (Months 1–3)`, `### Annual Goals`.
Other sections (`### SQL` under a skills table, `### Notes & Reflections`) stay in the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from vaultkit.importing.repair import Repair
from vaultkit.notes.structure import Heading

__all__ = ["GOAL_WORDS_RE", "PERIOD_WORDS_RE", "looks_like_milestone", "make_tasks", "stated_date"]

GOAL_WORDS_RE = re.compile(
    r"\b(goals?|objectives?|criteria|criterion|expectations?|outcomes?|milestones?|success|readiness"
    r"|checklists?|deliverables?|key results?|okrs?)\b",
    re.IGNORECASE,
)
PERIOD_WORDS_RE = re.compile(r"\b(phases?|stages?|steps?|sprints?|months?|quarters?|q[1-4])\b", re.IGNORECASE)
_BOLD_LINE_RE = re.compile(r"^\s{0,3}(\*\*|__)(?P<text>[^*_]+?):?(\1):?\s*$")
_RULE_RE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_ITEM_RE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+)(?P<rest>.*)$", re.DOTALL
)
_TASK_RE = re.compile(r"^\[[^\n]\](?:[ \t]|$)")
_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_DATED_LINE_RE = re.compile(r"^[\s*_>#-]*(?:[A-Za-z ]{0,20}:\s*)?[*_]*(\d{4}-\d{2}-\d{2})(?!\d)")
_DATE_KEYS = ("date", "created", "generated")
_ISO_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def looks_like_milestone(heading: str, has_tasks: bool) -> bool:
    """Whether a split section becomes a milestone note (see the module docstring)."""
    return has_tasks or bool(GOAL_WORDS_RE.search(heading) or PERIOD_WORDS_RE.search(heading))


def make_tasks(
    lines: list[str], headings: Iterable[Heading], first_line: int, clean: dict[int, str]
) -> list[Repair]:
    """Turn the list items of goal sections into open tasks, in place; one repair per section.

    `lines` are the note's lines (line `first_line` is the first body line), `clean` each heading's line
    mapped to its plain text. Returns what was done, at the line of each section's heading or bold line.
    """
    by_line = {h.line: h for h in headings}
    label: tuple[int, str] | None = None  # an open goal bold line: (its line, its text)
    section: tuple[int, str] | None = None  # the innermost open goal heading: (its line, its text)
    opened: list[tuple[int, int, str]] = []  # (level, line, text) of open goal headings
    counts: dict[tuple[int, str], int] = {}
    fence: str | None = None
    list_indent: int | None = None
    for index in range(first_line - 1, len(lines)):
        line, number = lines[index], index + 1
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if (match := _FENCE_RE.match(line)) is not None:
            fence, list_indent = match.group(1), None
            continue
        heading = by_line.get(number)
        if heading is not None:
            opened = [o for o in opened if o[0] < heading.level]
            text = clean.get(number, heading.text)
            if GOAL_WORDS_RE.search(text):
                opened.append((heading.level, number, text))
            section = (opened[-1][1], opened[-1][2]) if opened else None
            label, list_indent = None, None
            continue
        if _RULE_RE.match(line):
            label, list_indent = None, None
            continue
        if (bold := _BOLD_LINE_RE.match(line)) is not None:
            text = bold.group("text").strip()
            label = (number, text) if GOAL_WORDS_RE.search(text) else None
            list_indent = None
            continue
        item = _ITEM_RE.match(line)
        if item is None:
            if line.strip() and not line[:1].isspace():
                list_indent = None  # a paragraph ends the list; indented text belongs to an item
            continue
        indent = len(item.group("indent").expandtabs(4))
        if list_indent is None:
            list_indent = indent
        where = label or section
        if where is None or indent != list_indent or _TASK_RE.match(item.group("rest")):
            continue
        rest = item.group("rest")
        lines[index] = f"{item.group('indent')}{item.group('marker')} [ ] {rest}" if rest.strip() else line
        if lines[index] != line:
            counts[where] = counts.get(where, 0) + 1
    return [
        Repair(line, "tasks", f"{count} list item{'s' * (count != 1)} under {text!r} made tasks")
        for (line, text), count in sorted(counts.items())
    ]


def stated_date(
    properties: dict[str, object], lines: list[str], first_line: int
) -> tuple[dt.date, str | int] | None:
    """The date a document states for itself, and where: a `date`, `created` or `generated` property that
    holds a date (or ISO date text), else a line among the first ten of the body that starts with one
    (`_2025-01-31 by R1_`, `*Generated on: 2025-09-10*`). With the date, the property's name (as written)
    or the line's number."""
    lowered = {str(k).lower(): (str(k), v) for k, v in properties.items()}
    for wanted in _DATE_KEYS:
        key, value = lowered.get(wanted, (wanted, None))
        if isinstance(value, dt.datetime):
            return value.date(), key
        if isinstance(value, dt.date):
            return value, key
        if isinstance(value, str) and _ISO_DAY_RE.fullmatch(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip()), key
            except ValueError:
                pass
    seen = 0
    for index in range(first_line - 1, len(lines)):
        if not lines[index].strip():
            continue
        seen += 1
        if seen > 10:
            break
        match = _DATED_LINE_RE.match(lines[index])
        if match is not None:
            try:
                return dt.date.fromisoformat(match.group(1)), index + 1
            except ValueError:
                continue
    return None
