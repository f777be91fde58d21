"""`vaultkit check`: everything in a vault that needs a person's attention, as plain findings.

Severity `error` (exit status 1): properties that do not load, undecodable files, `plan` properties that
do not point at a plan, template placeholders left outside the templates folder, mojibake. Severity
`warning`: broken links (Obsidian users often link notes they have not written yet), links to missing
headings, and ambiguous links that Obsidian resolves by its tie-break rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from .mojibake import find_mojibake
from .progress import linked_targets
from .vault import Vault

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
    """All findings, sorted by path and line. Reads each note's record once; text only for mojibake."""
    findings: list[Finding] = []
    records = vault.records
    for record in records.values():
        path = record.path
        findings += [Finding(path, p.line, "error", p.code, p.message) for p in record.errors]
        if record.is_template:
            continue
        for problem in record.warnings:
            severity = "error" if problem.code == "placeholder" else "warning"
            findings.append(Finding(path, problem.line, severity, problem.code, problem.message))
        for line, text in record.placeholders:
            findings.append(
                Finding(
                    path,
                    line,
                    "error",
                    "placeholder",
                    f"unrendered template placeholder {text!r} outside the templates folder (fill it in)",
                )
            )
        findings.extend(_check_links(vault, record.path))
        findings.extend(_check_plan(vault, record.path))
        findings.extend(_check_mojibake(vault, record.path))
    findings.sort(key=lambda f: (f.path, f.line or 0, f.code, f.message))
    return findings


def _check_links(vault: Vault, path: str) -> list[Finding]:
    findings: list[Finding] = []
    for link in vault.records[path].links:
        if not link.target and link.heading is None:
            continue
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
        target = vault.records.get(resolution.path)
        if link.heading and target is not None and not link.heading.startswith("^"):
            wanted = _heading_key(link.heading.split("#")[-1])
            if wanted not in {_heading_key(h.text) for h in target.headings}:
                findings.append(
                    Finding(
                        path,
                        link.line,
                        "warning",
                        "broken-heading",
                        f"link {link.raw!r}: {resolution.path} has no heading {link.heading!r}",
                    )
                )
    return findings


def _check_plan(vault: Vault, path: str) -> list[Finding]:
    record = vault.records[path]
    if "plan" not in record.properties or record.type == "plan":
        return []
    value = record.properties.get("plan")
    targets = linked_targets(value)
    line = next((link.line for link in record.links if link.source == "property:plan"), None)
    if not targets:
        if value in (None, "", []):
            return []
        return [
            Finding(path, line, "error", "plan", f'`plan` should be a link like "[[My Plan]]", not {value!r}')
        ]
    findings = []
    for target in targets:
        resolved = vault.resolve_path(target, path)
        target_record = vault.records.get(resolved) if resolved else None
        if target_record is None:
            findings.append(
                Finding(path, line, "error", "plan", f"`plan` links to {target!r}, which is not a note")
            )
        elif target_record.type != "plan":
            findings.append(
                Finding(
                    path,
                    line,
                    "error",
                    "plan",
                    f"`plan` links to {resolved}, which is not a plan (its `type` is "
                    f"{target_record.type!r}; set `type: plan` there)",
                )
            )
    return findings


def _check_mojibake(vault: Vault, path: str) -> list[Finding]:
    try:
        text = (vault.root / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [
        Finding(
            path,
            hit.line,
            "error",
            "mojibake",
            f"garbled characters (UTF-8 read as another encoding): {hit.text.strip()[:60]!r} should read "
            f"{hit.fixed.strip()[:60]!r}; run `vaultkit fix --encoding`",
        )
        for hit in find_mojibake(text)
    ]
