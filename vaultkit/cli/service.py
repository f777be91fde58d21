"""`vaultkit service install|uninstall|status`: run the watcher for one vault as a user service.

A systemd user unit on Linux, a launchd agent on macOS (`vaultkit.watch.service` renders them,
`vaultkit.watch.install` writes, removes and asks). The commands that start and stop the service are
printed, not run: starting a daemon at every login is the user's decision.

`install --notion` makes the service run `watch --notion`. Its token is in a file the user creates
(`~/.config/vaultkit/notion.env`): vaultkit prints how to create it, with a placeholder, and only ever
checks that the file is there, private, and has a `NOTION_TOKEN=` line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from vaultkit.cli.app import emit_json, json_option, open_vault, vault_option
from vaultkit.cli.output import echo

if TYPE_CHECKING:
    from vaultkit.watch.install import NotionEnv
    from vaultkit.watch.service import ServiceFile

F = TypeVar("F", bound=Callable[..., Any])


def _print_option(func: F) -> F:
    return click.option("--print", "show", is_flag=True, help="Show the service file and change nothing.")(
        func
    )


def _service_file(vault_path: str | None, uid: int | None = None, notion: bool = False) -> ServiceFile:
    """The service file for the vault (its real, absolute path) on this machine."""
    from vaultkit.watch.install import vaultkit_program
    from vaultkit.watch.service import render_service

    vault = open_vault(vault_path).root.resolve()
    config_home = os.environ.get("XDG_CONFIG_HOME", "")
    return render_service(
        sys.platform,
        vaultkit_program(),
        vault,
        Path.home(),
        config_home=Path(config_home) if Path(config_home).is_absolute() else None,
        uid=uid,
        notion=notion,
    )


def _commands(title: str, commands: tuple[str, ...]) -> None:
    echo(title)
    for command in commands:
        echo(f"  {command}")


def _notion_steps(unit: ServiceFile, found: NotionEnv) -> None:
    """Where the service reads the token from, and how to make that file when it is not there yet (a
    warning, not a refusal: it may be made after the unit). A file others may read is warned about."""
    from vaultkit.watch.service import notion_env_commands

    echo(f"It reads NOTION_TOKEN from {found.path} (vaultkit never writes the token).")
    if not found.exists:
        echo(f"vaultkit: warning: {found.problem}; the service fails to start until it does", err=True)
        _commands(
            "Create it, readable by you only, then replace the placeholder with your integration secret:",
            notion_env_commands(found.path),
        )
        _commands("Then restart the service:", unit.restart)
    elif found.problem is not None:
        echo(f"vaultkit: warning: {found.problem}", err=True)


@click.group(name="service")
def service() -> None:
    """Run the watcher for a vault as a user service (systemd or launchd).

    `install` writes a systemd user unit or a launchd agent that runs `vaultkit watch --vault VAULT
    --log-format json`, one per vault; `status` says whether it runs; `uninstall` removes it. See
    docs/watch.md.
    """


@service.command(
    epilog="""\b
Examples:
  vaultkit service install --vault ~/Notes/Career
  vaultkit service install --print      # see the unit first
  vaultkit service install --notion     # push changes to Notion too
"""
)
@vault_option
@_print_option
@click.option("--force", is_flag=True, help="Replace a different service file already at that path.")
@click.option(
    "--notion",
    "to_notion",
    is_flag=True,
    help="Run `watch --notion`; the token is read from ~/.config/vaultkit/notion.env, a file you create.",
)
def install(vault_path: str | None, show: bool, force: bool, to_notion: bool) -> None:
    """Write the vault's service file and print the commands that start it.

    An identical file is left as it is. A different one (the user's own, or written for other settings)
    is replaced only with --force. The service runs `vaultkit watch --vault VAULT --log-format json` and
    restarts when it fails. With --notion it runs `watch --notion`, with NOTION_TOKEN from
    $XDG_CONFIG_HOME/vaultkit/notion.env (~/.config/vaultkit/notion.env): a file you create, mode 600,
    one line NOTION_TOKEN=...; install prints how, and warns while it is missing or open to others.
    """
    from vaultkit.watch.install import install_service, notion_env_status

    unit = _service_file(vault_path, notion=to_notion)
    if show:
        echo(f"would write {unit.path}", err=True)
        echo(unit.text, nl=False)
        return
    existed = unit.path.exists()
    if not install_service(unit, force=force):
        echo(f"already installed, unchanged: {unit.path}")
        _commands("Start it, if it does not run yet:", unit.enable)
    elif existed:
        echo(f"replaced {unit.path}")
        _commands("Restart it to use the new file:", unit.restart)
    else:
        echo(f"wrote {unit.path}")
        _commands("Start it now and at every login:", unit.enable)
    if unit.env_file is not None:
        _notion_steps(unit, notion_env_status(unit.env_file))


@service.command(
    epilog="""\b
Examples:
  vaultkit service uninstall --vault ~/Notes/Career
"""
)
@vault_option
@_print_option
def uninstall(vault_path: str | None, show: bool) -> None:
    """Remove the vault's service file if vaultkit wrote it, and print how to stop it.

    A file at that path without vaultkit's marker line is the user's own: it is left alone (exit 1).
    """
    from vaultkit.watch.install import uninstall_service
    from vaultkit.watch.service import ServiceError, is_ours

    unit = _service_file(vault_path)
    if show:
        try:
            text = unit.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            echo(f"not installed: no {unit.path}", err=True)
            return
        if not is_ours(text):
            raise ServiceError(f"{unit.path} was not written by vaultkit (no marker line); left alone")
        echo(f"would remove {unit.path}", err=True)
        echo(text, nl=False)
        return
    if not uninstall_service(unit):
        echo(f"not installed: no {unit.path}")
        return
    echo(f"removed {unit.path}")
    _commands("Stop it, if it runs:", unit.stop)


@service.command(
    epilog="""\b
Examples:
  vaultkit service status --vault ~/Notes/Career
  vaultkit service status --json
"""
)
@vault_option
@json_option
def status(vault_path: str | None, as_json: bool) -> None:
    """Whether the vault's service is installed and running, and its last log lines.

    For a service installed with --notion it also says so, and whether its token file is there, private
    and has a NOTION_TOKEN= line (its content is never shown).

    Where the service manager cannot be asked (systemctl or launchctl missing, no user session as in a
    container or CI), it says so instead of failing.
    """
    from vaultkit.watch.install import service_status

    uid = os.getuid() if hasattr(os, "getuid") else None
    found = service_status(
        _service_file(vault_path, uid=uid), with_notion=_service_file(vault_path, uid=uid, notion=True)
    )
    if as_json:
        emit_json(found.as_dict())
        return
    unit = found.service
    kind = "systemd user unit" if unit.manager == "systemd" else "launchd agent"
    if not found.installed:
        installed = "not installed"
    elif not found.ours:
        installed = "a file not written by vaultkit is there"
    elif not found.current:
        installed = "installed, but not as `install` would write it now (`install --force` updates it)"
    else:
        installed = "installed"
    echo(f"service: {unit.name} ({kind})")
    echo(f"file:    {unit.path}: {installed}")
    echo(f"running: {found.state if found.state is not None else found.state_note}")
    if found.notion_env is not None:  # the installed service pushes to Notion
        env = found.notion_env
        echo("notion:  pushes changes to Notion (watch --notion)")
        echo(f"token:   {env.path}: {env.problem or 'there, private, with a NOTION_TOKEN= line'}")
    if found.log_lines:
        echo(f"last {len(found.log_lines)} log lines:")
        for line in found.log_lines:
            echo(f"  {line}")
    elif found.log_note:
        echo(f"log:     {found.log_note}")
