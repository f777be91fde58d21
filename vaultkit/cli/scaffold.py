"""`vaultkit init` and `new`: making a vault from the template, and notes from the vault's own templates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vaultkit.cli.output import echo
from vaultkit.scaffold.presets import LEVELS  # data only: cheap to import for --help

if TYPE_CHECKING:
    pass

from vaultkit.cli.app import open_vault, plural, vault_option

# ---- scaffolding: init, new ----


@click.command(
    epilog="""\b
Examples:
  vaultkit init ~/pdp --role "Data Engineer" --level senior --name "Ada"
  vaultkit init . --force            # add the template to an existing folder (nothing is overwritten)
"""
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", metavar="NAME", help="Your name: the plan's owner, shown on the Home dashboard.")
@click.option(
    "--role",
    metavar="ROLE",
    help="Your role, for the starter plan.  [default: Software Engineer]",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    help="Your current level: picks the starter plan's preset (goals, gaps, readiness checklist).  "
    "[default: mid]",
)
@click.option(
    "--force", is_flag=True, help="Use a folder that is not empty; existing files are kept, never changed."
)
def init(directory: Path, name: str | None, role: str | None, level: str | None, force: bool) -> None:
    """Create a vault for personal development plans in DIR.

    Copies the vault template (Home dashboard, Bases tables, templates, Obsidian settings), writes a
    starter plan for ROLE at LEVEL with two milestones, and rolls it up, so the vault opens in Obsidian
    ready to use ("Open folder as vault"). A folder that is not empty is refused unless --force; even
    then no existing file is changed (they are listed as skipped), and rollup is left to you when the
    folder already held notes. On an existing vault (a folder with .obsidian/ or notes) --force adds
    only the template's missing files: no starter plan unless --role or --level asks for one.
    """
    from vaultkit.scaffold.create import init_vault

    report = init_vault(directory, name=name, role=role, level=level, force=force)
    echo(f"created {plural(len(report.created), 'file')} in {directory}")
    for path in report.created:
        echo(f"  {path}")
    if report.skipped:
        echo(f"skipped {plural(len(report.skipped), 'file')} that already existed (left as they were):")
        for path in report.skipped:
            echo(f"  {path}")
    if report.starter_skipped:
        echo(f"no starter plan: {report.starter_skipped}")
    if report.rollup is not None:
        echo(f"rolled up: {plural(len(report.rollup.changed), 'note')} updated")
    elif report.rollup_skipped:
        echo(f"not rolled up: {report.rollup_skipped}")
    echo(f"next: open {directory} in Obsidian (Open folder as vault) and start with Home.md")
    if report.plan:
        echo(f"      your plan: {report.plan}")


@click.command(
    epilog="""\b
Examples:
  vaultkit new plan "Staff Engineer 2027"
  vaultkit new milestone "Ship the data contracts RFC" --plan "Staff Engineer 2027"
  vaultkit new journal                      # today's daily note
  vaultkit new journal --date 2026-11-20
  vaultkit new review                       # this week's review, e.g. Journal/Weekly/2026-W47.md
"""
)
@click.argument("kind", type=click.Choice(["plan", "milestone", "journal", "review"]))
@click.argument("title", required=False, metavar="[TITLE]")
@click.option("--plan", "plan", metavar="NAME", help="The plan a milestone (journal, review) belongs to.")
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="The note's date (default: today): the journal's day, the review's week, {{date}} in templates.",
)
@vault_option
def new(kind: str, title: str | None, plan: str | None, date: Any, vault_path: str | None) -> None:
    """Create a note from the vault's own templates.

    KIND is plan, milestone, journal or review. TITLE is required for plans and milestones; a journal
    is named by its date in the Daily notes format and folder (.obsidian/daily-notes.json), a review by
    its week (gggg-[W]ww, ISO weeks by default). Template variables {{title}}, {{date}}, {{time}},
    {{date:FORMAT}} are rendered; Templater <% %> is left for Templater. A milestone gets
    `plan: "[[NAME]]"` (--plan, which must be a plan; optional when the vault has one plan). Titles
    become safe file names; a title that is a path (/, \\, ..) is refused, and an existing note is an
    error, never overwritten.
    """
    from vaultkit.scaffold.create import new_note

    vault = open_vault(vault_path)
    result = new_note(vault, kind, title, plan=plan, day=date.date() if date is not None else None)
    echo(f"created {result.path}")
    for warning in result.warnings:
        echo(f"vaultkit: warning: {result.path}: {warning}", err=True, style="warning")
