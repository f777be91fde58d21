"""`vaultkit service install|uninstall|status`: run the watcher for one vault as a user service.

A systemd user unit on Linux, a launchd agent on macOS (`vaultkit.watch.service` renders them,
`vaultkit.watch.install` writes, removes and asks). The commands that start and stop the service are
printed, not run: starting a daemon at every login is the user's decision.
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
    from vaultkit.watch.service import ServiceFile

F = TypeVar("F", bound=Callable[..., Any])


def _print_option(func: F) -> F:
    return click.option("--print", "show", is_flag=True, help="Show the service file and change nothing.")(
        func
    )


def _service_file(vault_path: str | None, uid: int | None = None) -> ServiceFile:
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
    )


def _commands(title: str, commands: tuple[str, ...]) -> None:
    echo(title)
    for command in commands:
        echo(f"  {command}")


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
"""
)
@vault_option
@_print_option
@click.option("--force", is_flag=True, help="Replace a different service file already at that path.")
def install(vault_path: str | None, show: bool, force: bool) -> None:
    """Write the vault's service file and print the commands that start it.

    An identical file is left as it is. A different one (the user's own, or written for other settings)
    is replaced only with --force. The service runs `vaultkit watch --vault VAULT --log-format json` and
    restarts when it fails.
    """
    from vaultkit.watch.install import install_service

    unit = _service_file(vault_path)
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

    Where the service manager cannot be asked (systemctl or launchctl missing, no user session as in a
    container or CI), it says so instead of failing.
    """
    from vaultkit.watch.install import service_status

    found = service_status(_service_file(vault_path, uid=os.getuid() if hasattr(os, "getuid") else None))
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
    if found.log_lines:
        echo(f"last {len(found.log_lines)} log lines:")
        for line in found.log_lines:
            echo(f"  {line}")
    elif found.log_note:
        echo(f"log:     {found.log_note}")
