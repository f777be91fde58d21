"""`vaultkit watch`: the daemon's command, and the log handler it sets up (text or one JSON object a line).

The daemon logs through `logging` (`vaultkit.watch`); only this command decides where and how the lines
go: stderr, one human line per change, or JSON lines for a service manager's journal.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import TYPE_CHECKING, Any

import click

from vaultkit.cli.app import EXIT_PROBLEMS, EXIT_USAGE, fail, open_vault, vault_option
from vaultkit.cli.output import echo

if TYPE_CHECKING:
    from vaultkit.vault import Vault
    from vaultkit.watch.notion_push import NotionPush

__all__ = ["JsonFormatter", "watch"]


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, message, and the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
            "fields": getattr(record, "fields", {}),
        }
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def _not_watchdogs_shutdown_race(record: logging.LogRecord) -> bool:
    """watchdog 7 logs an error when its inotify thread is asked for events while stopping: a race inside
    watchdog at every stop, harmless, and no news to the user."""
    return "called when the thread is inactive" not in record.getMessage()


def configure_logging(level: int, log_format: str) -> logging.Handler:
    """A stderr handler on the `vaultkit` logger, and for watchdog's warnings (so that a service's JSON
    lines stay JSON); returned so that the caller can remove it."""
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    handler.addFilter(_not_watchdogs_shutdown_race)
    logger = logging.getLogger("vaultkit")
    logger.addHandler(handler)
    logger.setLevel(level)
    watchdog = logging.getLogger("watchdog")
    watchdog.addHandler(handler)
    watchdog.setLevel(max(level, logging.WARNING))
    watchdog.propagate = False
    return handler


def remove_logging(handler: logging.Handler) -> None:
    """Undo `configure_logging` (the CLI run in a test, or twice in one process)."""
    logging.getLogger("vaultkit").removeHandler(handler)
    watchdog = logging.getLogger("watchdog")
    watchdog.removeHandler(handler)
    watchdog.propagate = True


@click.command(
    epilog="""\b
Examples:
  vaultkit watch                       # roll up, then keep the vault up to date
  vaultkit watch --vault ~/Notes -q    # warnings only
  vaultkit watch --log-format json     # for systemd or launchd
  vaultkit watch --once                # roll up and exit (cron, a git hook)
  vaultkit watch --notion              # and push changed notes to Notion ($NOTION_TOKEN)
"""
)
@click.option("--once", is_flag=True, help="Bring the vault up to date and exit (cron, CI, a git hook).")
@click.option(
    "--debounce",
    type=click.IntRange(min=0),
    default=300,
    show_default=True,
    metavar="MS",
    help="Wait this long after a file's last event before reading it.",
)
@click.option(
    "--quiet-period",
    type=click.IntRange(min=0),
    default=2000,
    show_default=True,
    metavar="MS",
    help="Never write a note edited less than this long ago (it is counted at once, written later).",
)
@click.option(
    "--notion",
    "to_notion",
    is_flag=True,
    help="Also push changed plans, milestones and journals to Notion ($NOTION_TOKEN; docs/notion.md).",
)
@click.option(
    "--notion-delay",
    type=click.IntRange(min=0),
    default=2000,
    show_default=True,
    metavar="MS",
    help="With --notion: gather changes this long before pushing them, so a burst is one push.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log more: every round, our own writes.")
@click.option("-q", "--quiet", is_flag=True, help="Log warnings and errors only.")
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log lines as text, or as one JSON object per line (time, level, message, fields).",
)
@vault_option
def watch(
    once: bool,
    debounce: int,
    quiet_period: int,
    to_notion: bool,
    notion_delay: int,
    verbose: bool,
    quiet: bool,
    log_format: str,
    vault_path: str | None,
) -> None:
    """Keep rollups current while you edit: roll up, then follow every saved change.

    Runs in the foreground until Ctrl-C or SIGTERM (it finishes the write in flight and exits 0). It
    ignores dot-folders (.obsidian, .trash, .git, .vaultkit), dot-files, files that are not notes and
    editors' temp files. A note you edited less than --quiet-period ago is counted at once (plans and
    dashboards update) but written only once it is quiet. One watcher per vault: a second one is refused
    (exit 1), naming the pid of the first. With --once, exit status 1 when a note was skipped for a
    problem, as for `vaultkit rollup`.
    """
    from vaultkit.watch.daemon import Watcher, WatchSettings

    vault = open_vault(vault_path)
    if to_notion and once:
        fail("--notion follows changes; for one sync run `vaultkit notion sync`", EXIT_USAGE)
    push = _notion_push(vault, notion_delay / 1000) if to_notion else None
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = configure_logging(level, log_format)
    notion_log = logging.getLogger("vaultkit.notion")
    if not verbose:  # each retry and each failing note are the client's news: the push sums them up
        notion_log.setLevel(max(level, logging.WARNING))
    try:
        settings = WatchSettings(debounce=debounce / 1000, quiet=quiet_period / 1000)
        watcher = Watcher(
            vault.root, settings, vault=vault, after_round=push.queue if push is not None else None
        )
        if once:
            report = watcher.run_once()
            echo(report.render())
            if report.problems:
                sys.exit(EXIT_PROBLEMS)
            return
        if push is not None:
            push.start()
        try:
            _run_until_signalled(watcher)
        finally:
            if push is not None:
                push.stop()
    finally:
        notion_log.setLevel(logging.NOTSET)
        remove_logging(handler)


def _notion_push(vault: Vault, delay: float) -> NotionPush:
    """The Notion worker, its settings and token checked before anything starts (as `notion sync` does:
    a missing token or a bad [notion] table is a usage error, exit 2)."""
    from vaultkit.cli.notion import client_pacing
    from vaultkit.notion.settings import notion_settings, notion_token
    from vaultkit.watch.notion_push import NotionPush, PushSettings

    settings = notion_settings(vault.config)
    token = notion_token()
    return NotionPush(vault.root, settings, token, client_pacing(settings), PushSettings(delay=delay))


def _run_until_signalled(watcher: Any) -> None:
    """Run the daemon with SIGINT, SIGTERM and SIGHUP asking it to stop (after the write in flight)."""
    import signal
    import threading

    names = ("SIGINT", "SIGTERM", "SIGHUP")
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for name in names:
            if hasattr(signal, name):
                number = getattr(signal, name)
                previous[number] = signal.signal(number, lambda signum, frame: watcher.stop())
    try:
        watcher.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
