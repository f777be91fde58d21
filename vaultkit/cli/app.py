"""The `vaultkit` command group and what every command shares: the vault it works on, `--json`, errors
as one line with an exit status, closed pipes and signals. The commands themselves live in the modules
named for what they do, and `vaultkit.cli.commands` adds them to the group.

Each command resolves the vault, calls the library, and prints. Only `vaultkit.cli` imports click.
Library modules are imported inside commands so that `vaultkit --help` starts fast. Exit status: 0 fine,
1 problems found, 2 usage error, 128 + the signal's number when SIGTERM or SIGHUP stopped the run (143,
129). Errors go to stderr as one readable line, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from vaultkit.cli.output import echo, progress_bar, set_no_color

if TYPE_CHECKING:
    from vaultkit.vault import Vault

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


# ------------------------------------------------------------------------------------------ plumbing


def _vault_root(value: str | None) -> Path:
    """The vault folder: `--vault`, else `$VAULTKIT_VAULT`, else the nearest folder holding `.obsidian/`.

    Nothing else is guessed: with none of the three, the command stops before reading a note (a usage
    error), so a command run in the wrong folder neither indexes nor edits files that are not a vault's.
    A named folder that is not one says which of the two named it.
    """
    from vaultkit.vault import find_vault_root

    for path, source in ((value, "--vault"), (os.environ.get("VAULTKIT_VAULT"), "$VAULTKIT_VAULT")):
        if path:
            if not Path(path).is_dir():
                raise CliUsageError(f"{path}: not a folder (from {source})")
            return Path(path)
    found = find_vault_root(Path.cwd())
    if found is None:
        raise CliUsageError(
            f"no vault: no .obsidian/ folder in {Path.cwd()} or above it; pass --vault PATH, "
            "set VAULTKIT_VAULT, or make a vault with 'vaultkit init DIR'"
        )
    return found


def vault_option(func: F) -> F:
    """The `--vault PATH` option every command takes."""
    return click.option(
        "--vault",
        "vault_path",
        metavar="PATH",
        help="The vault folder. Default: $VAULTKIT_VAULT, else the nearest parent folder holding "
        ".obsidian/ (none: the command stops).",
    )(func)


def json_option(func: F) -> F:
    """The `--json` option of data commands."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print JSON (UTF-8, indented) instead of a table."
    )(func)


class CliUsageError(click.UsageError):
    """A usage error that explains itself: printed as one line, without the `--help` hint."""


def open_vault(vault_path: str | None) -> Vault:
    """The vault to work on (see `vault_option`); a missing folder or a bad config is a usage error."""
    from vaultkit.errors import VaultError
    from vaultkit.vault import Vault

    try:
        return Vault(_vault_root(vault_path))
    except VaultError as exc:
        raise CliUsageError(str(exc)) from exc


def emit_json(data: object) -> None:
    from vaultkit.cli.jsonout import (
        dumps,  # json.dumps(indent=2) output, several times faster on big documents
    )

    click.echo(dumps(data, default=json_default))  # JSON: control characters are escaped already


def json_default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def fail(message: str, code: int = EXIT_PROBLEMS) -> NoReturn:
    """Print one line on stderr and exit with `code`."""
    echo(f"vaultkit: {message}", err=True, style="error")
    sys.exit(code)


def plural(count: int, word: str) -> str:
    """`1 error`, `2 errors`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _did_you_mean(vault: Vault, name: str) -> str:
    """`; did you mean 'Kubernetes'?` (up to three names), as click says for a misspelled command: the
    closest note names, or vault-relative paths when `name` was typed as a path. Only the walk's paths
    are compared (no note is read)."""
    import difflib

    paths = vault.paths_outside_templates()
    as_path = "/" in name or name.lower().endswith(".md")
    by_name: dict[str, str] = {}
    for path in paths:
        by_name.setdefault(path if as_path else PurePosixPath(path).stem, path)
    close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.6)
    if not close and not as_path:  # a different case is also a near miss: `kubernetes`
        folded = {key.casefold(): key for key in by_name}
        close = [folded[m] for m in difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)]
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(m) for m in close) + "?"


def resolve_note(vault: Vault, name: str) -> str:
    """The vault-relative path of the note named on the command line, or a one-line usage error.

    A name that several notes share is refused (`Vault.find_note`: a command should not guess which note
    to edit).
    """
    path = vault.find_note(name)
    is_file = Path(name).is_file()
    if path is None and is_file:
        raise CliUsageError(f"{name} is not inside the vault {vault.root} (pass --vault PATH)")
    if path is None:
        raise CliUsageError(
            f"no note {name!r} in the vault {vault.root} "
            f"(give a vault-relative path, a file path or a note name){_did_you_mean(vault, name)}"
        )
    if path not in vault.records:
        raise CliUsageError(f"{path} is not a note (notes are .md files outside dot-folders)")
    return path


class Stopped(SystemExit):
    """A run ended by SIGTERM or SIGHUP: raised in the main thread by `_stop`, so the run unwinds as it does
    for Ctrl-C (the index's worker pool is shut down, a transaction rolled back, no half-written note)."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def _stop_on_signals() -> None:
    """Make SIGTERM and SIGHUP (a closed terminal, a service manager, `kill`) end a run cleanly, where their
    default would kill the process at once and leave its pool workers behind."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread can install handlers (the CLI run from a test's thread)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)


def _usage_line(exc: click.UsageError) -> str:
    message = exc.format_message().rstrip(".")
    if isinstance(exc, CliUsageError) or exc.ctx is None:
        return f"vaultkit: {message}"
    return f"vaultkit: {message} (see '{exc.ctx.command_path} --help')"


def _stdout_gone() -> bool:
    """Whether the BrokenPipeError was stdout's reader going away, not another pipe (a worker's) failing:
    on a pipe whose reader closed, poll reports an error for the writing end."""
    import select

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return True  # not a real file (a test's capture): the error can only have come from writing to it
    if not hasattr(select, "poll"):
        return True  # pragma: no cover - Windows: no poll; a closed stdout is the likely cause
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


def _pipe_closed() -> None:
    """The reader of stdout went away (`vaultkit tasks | head -1`): not an error, the output is simply no
    longer wanted. What is still buffered, and whatever the interpreter flushes at exit, goes to devnull
    instead of raising BrokenPipeError again (which Python would print on stderr)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's captured output): nothing will be flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


class VaultkitGroup(click.Group):
    """Turns every error into one line on stderr: exit 2 for usage errors, 1 for failed operations.

    Usage errors (bad options, unknown notes, a missing vault, an invalid config) exit 2; vaultkit's
    own errors while working (a note with broken properties, a conflicting edit) and I/O errors exit 1.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main, with a closed stdout pipe met at the last flush treated as the end of the output
        (exit 0, nothing on stderr) rather than click's exit 1."""
        try:
            code: Any = super().main(*args, **kwargs)
        except SystemExit as exc:
            code = exc.code
        else:
            if not kwargs.get("standalone_mode", True):
                return code
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _pipe_closed()
            code = EXIT_OK
        sys.exit(code)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `vaultkit` alone prints its help
                raise
            echo(_usage_line(exc), err=True, style="error")
            raise click.exceptions.Exit(EXIT_USAGE) from exc

    def invoke(self, ctx: click.Context) -> Any:
        from vaultkit.errors import UnsafePathError, VaultError, VaultkitError

        try:
            with progress_bar():
                return super().invoke(ctx)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                raise
            echo(_usage_line(exc), err=True, style="error")
            ctx.exit(EXIT_USAGE)
        except (VaultError, UnsafePathError) as exc:
            echo(f"vaultkit: {exc}", err=True, style="error")
            ctx.exit(EXIT_USAGE)
        except VaultkitError as exc:
            echo(f"vaultkit: {exc}", err=True, style="error")
            ctx.exit(EXIT_PROBLEMS)
        except OSError as exc:
            if isinstance(exc, BrokenPipeError) and _stdout_gone():
                _pipe_closed()
                ctx.exit(EXIT_OK)
            where = f"{exc.filename}: " if exc.filename else ""
            echo(f"vaultkit: {where}{exc.strerror or exc}", err=True, style="error")
            ctx.exit(EXIT_PROBLEMS)
        except Stopped as exc:
            import signal

            click.echo(f"vaultkit: stopped by {signal.Signals(exc.signum).name}", err=True)
            raise


@click.group(
    cls=VaultkitGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(package_name="vaultkit")
@click.option(
    "--no-color",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: set_no_color(ctx, value),
    help="Plain text, no colour (also: the NO_COLOR variable; colour is only used on a terminal).",
)
def main() -> None:
    """Personal development plans as Markdown notes in an Obsidian vault.

    vaultkit reads and writes notes losslessly, counts their tasks, rolls progress up into properties
    and dashboards, and checks a vault for problems. Run `vaultkit COMMAND --help` for details.
    """
    _stop_on_signals()
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
