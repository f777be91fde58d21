"""`vaultkit notion setup`, `check` and `sync`: the vault's plans, milestones and journals in Notion."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from vaultkit.cli.app import (
    EXIT_PROBLEMS,
    emit_json,
    fail,
    json_option,
    open_vault,
    resolve_note,
    vault_option,
)
from vaultkit.cli.output import echo

if TYPE_CHECKING:
    from vaultkit.notion.client import Notion, Pacing
    from vaultkit.notion.settings import NotionSettings
    from vaultkit.vault import Vault

__all__ = ["client_pacing", "notion"]

RATE_VARIABLE = "VAULTKIT_NOTION_RATE"
"""Requests per second to pace at (a number), or "off": no pacing and no back-off wait. For tests (a
local emulator) and tuning; the default is `[notion] rate`, else Notion's documented 3 per second."""


def _settings(vault: Vault) -> NotionSettings:
    from vaultkit.notion.settings import notion_settings

    return notion_settings(vault.config)


def _client(settings: NotionSettings) -> Notion:
    """A paced, retrying client for the token in $NOTION_TOKEN (missing: a usage error, exit 2)."""
    from vaultkit.notion.client import Notion
    from vaultkit.notion.settings import notion_token

    token = notion_token()
    return Notion(token, settings.base_url, pacing=client_pacing(settings))


def client_pacing(settings: NotionSettings) -> Pacing:
    """The pacing every command talking to Notion uses: $VAULTKIT_NOTION_RATE, else `[notion] rate`."""
    from vaultkit.notion.client import Pacing

    raw = os.environ.get(RATE_VARIABLE, "").strip().lower()
    if raw == "off":
        pacing = Pacing(rate=None, backoff=0.0, max_backoff=0.0)
    elif raw:
        try:
            rate = float(raw)
        except ValueError:
            fail(f'{RATE_VARIABLE}={raw!r}: give requests per second (like 3) or "off"', 2)
        if not rate > 0:
            fail(f"{RATE_VARIABLE}={raw!r}: must be a positive number", 2)
        pacing = Pacing(rate=rate)
    else:
        pacing = Pacing(rate=settings.rate)
    return pacing


@click.group(name="notion")
def notion() -> None:
    """Plans, milestones and journals as Notion database pages.

    The integration token is read from $NOTION_TOKEN only; it is never printed, logged or written.
    Settings: [notion] in .vaultkit/config.toml (written by `vaultkit notion setup`). See docs/notion.md.
    """


@notion.command(
    epilog="""\b
Examples:
  vaultkit notion setup --parent https://www.notion.so/acme/PDP-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d
  vaultkit notion setup --parent 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d
"""
)
@click.option("--parent", required=True, metavar="PAGE", help="The Notion page (URL or id) to hold them.")
@vault_option
def setup(parent: str, vault_path: str | None) -> None:
    """Create the Plans, Milestones and Journal databases under a page.

    Share the page with your integration first (••• > Connections). Running it again reuses the
    databases that exist (their ids in the config, or databases of those titles under the page): it
    never makes a second set. The ids go into [notion] of .vaultkit/config.toml; the rest of the file
    (comments included) is kept as it is.
    """
    from vaultkit.notion.setup import setup_databases

    vault = open_vault(vault_path)
    settings = _settings(vault)
    with _client(settings) as client:
        ids = setup_databases(client, parent, settings, vault.root)
    for kind, database in ids.items():
        echo(f"{kind:<11} {database}")
    echo("wrote the ids to .vaultkit/config.toml [notion]; next: vaultkit notion sync")


@notion.command()
@vault_option
def check(vault_path: str | None) -> None:
    """Check the databases' properties: names and types.

    Every property vaultkit writes must exist, of the right type: each missing property or property of
    the wrong type is named, in your property names ([notion.properties]). Exit status 1 when something
    is wrong.
    """
    from vaultkit.notion.setup import check_databases

    vault = open_vault(vault_path)
    settings = _settings(vault)
    with _client(settings) as client:
        problems = check_databases(client, settings)
    bad = False
    for kind, found in problems.items():
        if not found:
            echo(f"{kind}: ok")
        for problem in found:
            bad = True
            echo(f"{kind}: {problem}")
    if bad:
        sys.exit(EXIT_PROBLEMS)


@notion.command(
    epilog="""\b
Examples:
  vaultkit notion sync                       # every plan, milestone and journal
  vaultkit notion sync "Senior PDP"          # one note (and, for a plan, its synced members' relations)
  vaultkit notion sync --dry-run             # what would be sent; nothing is
  vaultkit notion sync --json
"""
)
@click.argument("notes", nargs=-1, metavar="[NOTE]...")
@click.option("--dry-run", is_flag=True, help="Read Notion and list what would be sent; send no write.")
@vault_option
@json_option
def sync(notes: tuple[str, ...], dry_run: bool, vault_path: str | None, as_json: bool) -> None:
    """Push plans, milestones and journals to their Notion databases.

    One page per note, found by the note's `vaultkit_id` (written once into its properties), so a
    renamed or moved note keeps its page and nothing is ever duplicated. Properties and body are sent
    only where they differ from Notion. Without NOTE, pages whose note is gone are moved to Notion's
    trash ([notion] deleted = "keep" keeps them). Exit status 1 when a note failed; the others are
    still synced.
    """
    from vaultkit.notion.sync import sync_vault

    vault = open_vault(vault_path)
    settings = _settings(vault)
    paths = [resolve_note(vault, name) for name in notes] if notes else None
    with _client(settings) as client:
        report = sync_vault(vault, client, settings, notes=paths, dry_run=dry_run)
    if as_json:
        emit_json(report.as_dict())
    else:
        def label(action: str) -> str:
            return f"would be {action}" if dry_run and action not in ("unchanged", "failed") else action

        width = max((len(label(o.action)) for o in report.notes), default=10)
        width = max(width, 10)  # "unchanged", "created": one column for short runs, as scripts expect
        indent = " " * (width + 1)
        for outcome in report.notes:
            if outcome.action == "failed":
                where = f"{outcome.path}:{outcome.line}" if outcome.line else outcome.path
                echo(f"{'failed':<{width}} {where}: {outcome.error}", style="error")
                continue
            echo(f"{label(outcome.action):<{width}} {outcome.path}")
            for sent in outcome.sent if dry_run else ():
                echo(f"{indent}{sent}")
            for warning in outcome.warnings:
                echo(f"{indent}warning: {warning}")
        data = report.as_dict()
        totals = ", ".join(f"{count} {action}" for action, count in sorted(data["totals"].items()))
        requests = data["requests"]
        echo(
            f"{totals or 'nothing to sync'}; {requests['reads']} reads, {requests['writes']} writes, "
            f"{requests['retries']} retries"
        )
    if report.failed:
        sys.exit(EXIT_PROBLEMS)
