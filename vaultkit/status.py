"""The data behind `vaultkit status`: per-note counts, per-plan aggregates, errors. Pure over a Vault.

The JSON shape is a contract (scripts and dashboards read it), so it is built here, in one place:

    {"notes":  [{"path", "type", "title", "tasks": {"done", "open", "cancelled", "total"},
                 "progress", "errors": [{"line", "message"}]}],
     "plans":  [{"path", "done", "total", "progress", "milestones_total", "milestones_done"}],
     "errors": [{"path", "line", "message"}]}

Paths are vault-relative with `/`, in path order; templates are left out. `progress` is an integer
percent, or null when a note has no tasks. Only errors (properties that do not load, undecodable
files) are listed: warnings such as template placeholders are `vaultkit check`'s business.
"""

from __future__ import annotations

from typing import Any

from vaultkit.vault import Vault

__all__ = ["vault_status"]


def vault_status(vault: Vault) -> dict[str, Any]:
    """The `status --json` document (a contract: extend it, never rename its keys)."""
    notes = []
    errors = []
    for record in vault.summaries.values():  # summaries: no need to build every task of every note
        if record.is_template:
            continue
        note_errors = [{"line": p.line, "message": p.message} for p in record.errors]
        notes.append(
            {
                "path": record.path,
                "type": record.type,
                "title": record.title,
                "tasks": record.counts.as_dict(),
                "progress": record.counts.progress,
                "errors": note_errors,
            }
        )
        errors += [{"path": record.path, **error} for error in note_errors]
    plans = [plan.as_dict() for plan in vault.plans.values()]
    return {"notes": notes, "plans": plans, "errors": errors}
