"""`vaultkit chart`: a plan's burn-up chart as an SVG file in the vault, and the embed that shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vaultkit.cli.app import CliUsageError, emit_json, json_option, open_vault, resolve_note, vault_option
from vaultkit.cli.output import echo

__all__ = ["chart"]


@click.command(
    epilog="""\b
Examples:
  vaultkit chart                          # every plan, into Charts/
  vaultkit chart "Senior PDP"             # Charts/Senior PDP.svg
  vaultkit chart "Senior PDP" --since 2026-01-01
  vaultkit chart "Senior PDP" --out ~/burnup.svg
  vaultkit chart --json
"""
)
@click.argument("plan", required=False, metavar="[PLAN]")
@click.option("--out", "out", metavar="FILE", help="Write the chart here instead (one PLAN only).")
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Start the chart on this day (YYYY-MM-DD)."
)
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), hidden=True, help="For tests and demos.")
@vault_option
@json_option
def chart(
    plan: str | None, out: str | None, since: Any, today: Any, vault_path: str | None, as_json: bool
) -> None:
    """Draw the burn-up chart of PLAN (default: every plan) from the progress history.

    Tasks done and total over time, milestone due dates and completions, and a line for today, as an
    SVG file: Charts/<plan title>.svg in the vault, written only when it changed. Paste the embed it
    prints (`![[Charts/<plan title>.svg]]`) into a note, or let a `chart` block keep it there (see
    docs/rollup.md). PLAN is a vault-relative path, a file path or a note name as in a link. A plan with
    no recorded history gets a "No history yet" chart: a rollup records the history from today on, and
    `vaultkit history backfill` rebuilds it from git.
    """
    import datetime as dt

    from vaultkit.rollup.apply import load_settings
    from vaultkit.rollup.charts import charts_for, embed, read_history, write_chart, write_file
    from vaultkit.rollup.model import build_model

    vault = open_vault(vault_path)
    day = today.date() if today is not None else dt.date.today()
    settings = load_settings(vault)
    model = build_model(vault.notes(), vault.resolve_path, settings, day)
    if plan is not None:
        path = resolve_note(vault, plan)
        if path not in model.plans:
            raise CliUsageError(f"{path} is not a plan (it has no `type: plan`)")
        wanted = [path]
    else:
        wanted = sorted(model.plans)
    if out is not None and len(wanted) != 1:
        raise CliUsageError("--out writes one chart: name the PLAN")
    found = charts_for(
        wanted, model.views, model.plans, read_history(vault.root), day,
        since=since.date() if since is not None else None,
        due_key=settings.names["due"], completed_key=settings.names["completed"],
    )  # fmt: skip
    results: list[dict[str, Any]] = []
    for drawn in found:
        if out is not None:
            target = Path(out).expanduser()
            written = write_file(target, drawn.svg)
            inside = _inside(vault.root, target)
            shown, link = (inside, embed(inside)) if inside is not None else (str(target), None)
        else:
            written = write_chart(vault.root, drawn.path, drawn.svg)
            shown, link = drawn.path, embed(drawn.path)
        results.append({"plan": drawn.plan, "path": shown, "embed": link, "written": written})
    if as_json:
        emit_json({"charts": results})
        return
    if not results:
        echo("no plans yet (a plan is a note with `type: plan`)")
    for result, drawn in zip(results, found, strict=True):
        state = "written" if result["written"] else "unchanged"
        echo(f"{result['path']}: {state}")
        if result["embed"]:
            echo(f"  embed: {result['embed']}")
        if not drawn.recorded:
            echo(
                f"  no history yet for {result['plan']}: run `vaultkit rollup` (it records from today on) "
                "or `vaultkit history backfill` (from git)"
            )


def _inside(root: Path, target: Path) -> str | None:
    """`target` as a vault-relative path when it lies in the vault, else None."""
    try:
        return target.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
