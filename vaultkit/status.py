"""The data behind `vaultkit status`: per-note counts, per-plan aggregates, errors. Pure over a Vault."""

from __future__ import annotations

from typing import Any

from .vault import Vault

__all__ = ["vault_status"]


def vault_status(vault: Vault) -> dict[str, Any]:
    """The `status --json` document (a contract: extend it, never rename its keys)."""
    notes = []
    errors = []
    for record in vault.notes():
        notes.append(
            {
                "path": record.path,
                "type": record.type,
                "title": record.title,
                "tasks": record.counts.as_dict(),
                "progress": record.counts.progress,
                "errors": [p.as_dict() for p in record.errors],
            }
        )
        errors += [{"path": record.path, "line": p.line, "message": p.message} for p in record.errors]
    plans = [plan.as_dict() for plan in vault.plans.values()]
    return {"notes": notes, "plans": plans, "errors": errors}
