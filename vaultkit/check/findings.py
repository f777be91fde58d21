"""`vaultkit check`: everything in a vault that needs a person's attention, as plain findings.

Each finding has a path, a 1-based line (None for the whole file), a severity and a code:

| code             | severity | what                                                              |
|------------------|----------|-------------------------------------------------------------------|
| `invalid`        | error    | properties that do not load (YAML error), a key set twice, binary |
| `encoding`, `io` | error    | a file that is not UTF-8, or cannot be read                       |
| `placeholder`    | error    | `{{date}}`, `<% … %>` left outside the templates folder           |
| `plan`           | error    | a `plan` property that does not link to a `type: plan` note      |
| `mojibake`       | error    | UTF-8 once read as cp1252 or Mac Roman (`â€™`, `‚Äì`, `üîπ`)      |
| `too-deep`       | error    | lines nested 50 lists deep or more: their tasks are not counted    |
| `broken-link`    | warning  | a link to no file (Obsidian users link notes not yet written)     |
| `broken-heading` | warning  | a link to a heading the target note does not have                 |
| `ambiguous-link` | warning  | a bare name that several notes share (resolved by tie-break)      |
| `name-collision` | warning  | two paths that differ only in case or Unicode normalization       |
| `stale-rollup`   | warning  | a rollup-owned property (`progress`, …) that disagrees with the tasks |
| `property-type`  | warning  | a value that does not fit its type in `.obsidian/types.json`      |

Errors are what makes a note wrong (counted wrong, or left alone by every edit); warnings are normal
in a vault that is being written. Notes in the templates folder are checked for errors that stop them
loading, but their placeholders and links are expected, so nothing else is reported for them.
Pure over a Vault: the per-note findings come from the index (see `markdown.findings`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from vaultkit.check.properties import property_findings
from vaultkit.markdown.patterns import placeholder_advice
from vaultkit.notes.links import linked_targets
from vaultkit.notes.note import type_problem
from vaultkit.vault import Vault

if TYPE_CHECKING:
    from vaultkit.index.rows import NoteOutline, NoteSummary
    from vaultkit.notes.links import Link

__all__ = ["Finding", "check_vault"]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int | None
    severity: str  # "error" | "warning"
    code: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message} [{self.code}]"


def _heading_key(text: str) -> str:
    return " ".join(text.replace("*", "").replace("_", " ").replace("`", "").split()).lower()


def check_vault(vault: Vault) -> list[Finding]:
    """All findings, sorted by path and line: from each note's summary and outline (no note text is read
    again: what the text alone decides is kept in the outline)."""
    findings: list[Finding] = []
    summaries = vault.summaries
    # Notes are read a batch at a time (30,000 outlines hold 450,000 links); what a link to a heading
    # needs of its target, the target's heading keys, is kept for every note, and those links are
    # checked once every note is read.
    headings: dict[str, frozenset[str]] = {}
    to_headings: list[tuple[str, Link, str]] = []
    for path, outline in vault.iter_outlines():
        summary = summaries[path]
        headings[path] = frozenset(_heading_key(h.text) for h in outline.headings)
        findings += [Finding(path, p.line, "error", p.code, p.message) for p in summary.errors]
        if summary.is_template:
            continue
        for problem in summary.warnings:
            severity = "error" if problem.code == "placeholder" else "warning"
            findings.append(Finding(path, problem.line, severity, problem.code, problem.message))
        for line, text in dict.fromkeys(outline.placeholders):  # the same code twice on a line: once
            findings.append(
                Finding(
                    path,
                    line,
                    "error",
                    "placeholder",
                    f"unrendered template placeholder {text!r} outside the templates folder "
                    f"({placeholder_advice(text)})",
                )
            )
        findings.extend(_check_links(vault, path, summary.type, outline, to_headings))
        findings.extend(_check_plan(vault, path, summary, outline))
        findings += [Finding(path, line, "error", code, message) for line, code, message in outline.findings]
    for path, link, target in to_headings:
        assert link.heading is not None
        if _heading_key(link.heading.split("#")[-1]) not in headings[target]:
            findings.append(
                Finding(
                    path,
                    link.line,
                    "warning",
                    "broken-heading",
                    f"link {link.raw!r}: {target} has no heading {link.heading!r}",
                )
            )
    findings.extend(_name_collisions(vault))
    findings += [Finding(p.path, p.line, "warning", p.code, p.message) for p in property_findings(vault)]
    findings.sort(key=lambda f: (f.path, f.line or 0, f.code, f.message))
    return findings


def _name_collisions(vault: Vault) -> list[Finding]:
    """One warning per pair of paths that are one file on macOS (and, for case alone, on Windows)."""
    findings = []
    for group in vault.name_collisions():
        for first, second in combinations(group, 2):
            if unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second):
                how, where = "Unicode normalization (composed and decomposed accents)", "macOS"
            elif first.casefold() == second.casefold():
                how, where = "letter case", "macOS and Windows"
            else:
                how, where = "letter case and Unicode normalization", "macOS"
            findings.append(
                Finding(
                    first,
                    None,
                    "warning",
                    "name-collision",
                    f"{first} and {second} differ only in {how}: they are one file on {where}, "
                    "where one would overwrite the other; rename one",
                )
            )
    return findings


def _check_links(
    vault: Vault,
    path: str,
    note_type: str | None,
    outline: NoteOutline,
    to_headings: list[tuple[str, Link, str]],
) -> list[Finding]:
    """Broken and ambiguous links of one note; links to a heading of a note go to `to_headings`."""
    findings: list[Finding] = []
    for link in outline.links:
        if not link.target and link.heading is None:
            continue
        if link.source == "property:plan" and _plan_checked(note_type):
            continue  # `_check_plan` reports it, as an error
        resolution = vault.resolve(link.target, path)
        if resolution.path is None:
            findings.append(
                Finding(
                    path,
                    link.line,
                    "warning",
                    "broken-link",
                    f"link {link.raw or link.target!r} points to no file in the vault",
                )
            )
            continue
        if resolution.ambiguous:
            others = ", ".join(resolution.candidates[1:])
            findings.append(
                Finding(
                    path,
                    link.line,
                    "warning",
                    "ambiguous-link",
                    f"link {link.raw or link.target!r} could mean several notes; it resolves to "
                    f"{resolution.path} (also: {others}); write the folder to be exact",
                )
            )
        if link.heading and resolution.path in vault.summaries and not link.heading.startswith("^"):
            to_headings.append((path, link, resolution.path))
    return findings


def _plan_checked(note_type: str | None) -> bool:
    """A plan's own `plan` property (a parent plan, say) is not checked: only members must point at plans."""
    return note_type != "plan"


def _target_type(target: NoteSummary) -> str:
    """What is wrong with the `type` of a note a `plan` property links to, said as a reason."""
    if target.type:
        return f"its `type` is {target.type!r}"
    value = target.properties.get("type")
    return f"its `type` is {value!r}, not text" if type_problem(value) else "it has no `type`"


def _check_plan(vault: Vault, path: str, summary: NoteSummary, outline: NoteOutline) -> list[Finding]:
    if "plan" not in summary.properties or not _plan_checked(summary.type):
        return []
    value = summary.properties.get("plan")
    targets = linked_targets(value)
    lines = {link.target: link.line for link in reversed(outline.links) if link.source == "property:plan"}
    first = min(lines.values(), default=None)
    if not targets:
        if value in (None, "", []):
            return []
        return [
            Finding(
                path, first, "error", "plan", f'`plan` should be a link like "[[My Plan]]", not {value!r}'
            )
        ]
    findings = []
    wrong_type = type_problem(summary.properties.get("type"))
    if wrong_type:
        findings.append(Finding(path, first, "error", "plan", f"{wrong_type}; rollup leaves this note out"))
    for target in targets:
        resolved = vault.resolve_path(target, path)
        line = lines.get(target, first)
        target_record = vault.summaries.get(resolved) if resolved else None
        if target_record is None:
            findings.append(
                Finding(
                    path,
                    line,
                    "error",
                    "plan",
                    f"`plan` links to {target!r}, but no note has that name "
                    "(create the plan, or fix the link)",
                )
            )
        elif target_record.type != "plan":
            findings.append(
                Finding(
                    path,
                    line,
                    "error",
                    "plan",
                    f"`plan` links to {resolved}, which is not a plan ("
                    + _target_type(target_record)
                    + "; set `type: plan` there, or fix the link)",
                )
            )
    return findings
