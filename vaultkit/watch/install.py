"""Installing, removing and asking about the watcher's service file: the disk and the service managers.

The file itself comes from `vaultkit.watch.service` (pure). Here: it is written atomically and only when
its bytes change; a different file already there is replaced only when asked (`force`), and removed only
when vaultkit wrote it (the marker), so a unit the user wrote by hand is never lost. `service_status`
asks systemctl or launchctl, and says so plainly when they are missing or there is no user session to ask
(a container, CI, an ssh login without lingering) instead of failing.

`notion_env_status` looks at the Notion token file a `--notion` service reads, which the user creates:
whether it is there, whether others may read it, whether it has a `NOTION_TOKEN=` line. It reads the file
a line at a time and keeps nothing of it, so the token is never held, shown or logged here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit.fileio import atomic_write
from vaultkit.watch.service import LOG_LINES, ServiceError, ServiceFile, is_ours, pushes_to_notion

__all__ = [
    "NotionEnv",
    "ServiceStatus",
    "install_service",
    "notion_env_status",
    "service_status",
    "uninstall_service",
    "vaultkit_program",
]

_TIMEOUT = 10.0
_SYSTEMD_STATES = frozenset({"active", "inactive", "failed", "activating", "deactivating", "reloading"})
Which = Callable[[str], str | None]


def vaultkit_program(executable: str = sys.executable) -> tuple[str, ...]:
    """The absolute command that runs this vaultkit: the console script beside the running Python (the
    same installation), else `vaultkit` on PATH, else `python -m vaultkit`."""
    beside = Path(executable).with_name("vaultkit")
    if beside.is_file() and os.access(beside, os.X_OK):
        return (str(beside.absolute()),)
    found = shutil.which("vaultkit")
    if found:
        return (str(Path(found).absolute()),)
    return (str(Path(executable).absolute()), "-m", "vaultkit")


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def install_service(service: ServiceFile, *, force: bool = False) -> bool:
    """Write the service file; False when it is there already, byte for byte.

    A different file at that path (an older vaultkit's, or the user's own) is replaced only with `force`:
    without it, ServiceError says whose it is. The launchd log folder is made too (launchd does not).
    """
    data = service.text.encode("utf-8")
    current = _current(service.path)
    if current == data:
        return False
    if current is not None and not force:
        whose = (
            "written by vaultkit with other settings"
            if is_ours(current.decode("utf-8", "replace"))
            else "not written by vaultkit"
        )
        raise ServiceError(f"{service.path} exists ({whose}); --force replaces it")
    service.path.parent.mkdir(parents=True, exist_ok=True)
    if service.log is not None:
        service.log.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write(service.path, data, current)


def uninstall_service(service: ServiceFile) -> bool:
    """Remove the service file (and systemd's enable link to it); False when there was none.

    A file without the marker is the user's: ServiceError, and it stays.
    """
    current = _current(service.path)
    if current is None:
        return False
    if not is_ours(current.decode("utf-8", "replace")):
        raise ServiceError(f"{service.path} was not written by vaultkit (no marker line); left alone")
    if service.manager == "systemd":
        _remove_enable_link(service)
    service.path.unlink()
    return True


def _remove_enable_link(service: ServiceFile) -> None:
    """What `systemctl --user disable` does, done without a session: drop the `default.target.wants/`
    link, but only when it points at this very file."""
    link = service.path.parent / "default.target.wants" / service.path.name
    if link.is_symlink() and (link.parent / link.readlink()).resolve() == service.path.resolve():
        link.unlink()


@dataclass(frozen=True, slots=True)
class NotionEnv:
    """What can be said of the token file without revealing the token. `problem` is None when the file
    is there, private to its owner and has a `NOTION_TOKEN=` line; else one sentence saying what to do."""

    path: Path
    exists: bool
    has_token_line: bool
    private: bool
    problem: str | None

    def as_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "exists": self.exists,
            "has_token_line": self.has_token_line,
            "private": self.private,
            "problem": self.problem,
        }


def notion_env_status(path: Path) -> NotionEnv:
    """Whether the token file is there, has a `NOTION_TOKEN=` line, and is readable by its owner only.

    Only the start of each line is looked at, and nothing read is kept or returned.
    """
    try:
        mode = path.stat().st_mode
        with path.open("rb") as handle:
            has_line = any(line.lstrip().startswith(b"NOTION_TOKEN=") for line in handle)
    except FileNotFoundError:
        return NotionEnv(path, False, False, True, f"{path} does not exist yet: create it (docs/watch.md)")
    except OSError as exc:
        return NotionEnv(path, True, False, True, f"{path}: {exc.strerror or exc}")
    private = not mode & (stat.S_IRWXG | stat.S_IRWXO)
    if not private:  # first: a token others can read is worse than a missing one
        problem: str | None = (
            f"{path} is open to group or others (mode {stat.S_IMODE(mode):o}): "
            f"chmod 600 {shlex.quote(str(path))}"
        )
    elif not has_line:
        problem = f"{path} has no NOTION_TOKEN= line"
    else:
        problem = None
    return NotionEnv(path, True, has_line, private, problem)


@dataclass(slots=True)
class ServiceStatus:
    """What `vaultkit service status` reports. `state` is the manager's word (`active`, `running`,
    `not loaded`, ...) or None when it could not be asked, and then `state_note` says why; `log_lines`
    are the last lines of its log, or `log_note` says why there are none. `notion_env` is the token
    file's state when the installed service pushes to Notion (`service.notion`)."""

    service: ServiceFile
    installed: bool
    ours: bool
    current: bool
    state: str | None = None
    state_note: str | None = None
    log_lines: list[str] = field(default_factory=list)
    log_note: str | None = None
    notion_env: NotionEnv | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "manager": self.service.manager,
            "name": self.service.name,
            "path": str(self.service.path),
            "installed": self.installed,
            "written_by_vaultkit": self.ours,
            "up_to_date": self.current,
            "state": self.state,
            "state_note": self.state_note,
            "log": self.log_lines,
            "log_note": self.log_note,
            "notion": self.service.notion,
            "notion_env": None if self.notion_env is None else self.notion_env.as_dict(),
        }


def service_status(
    service: ServiceFile, which: Which = shutil.which, with_notion: ServiceFile | None = None
) -> ServiceStatus:
    """Whether the service file is installed (and as `install` would write it now), whether the service
    runs, and its last log lines.

    `with_notion` is the same service rendered with `--notion`: when the installed file pushes to
    Notion, it is the one compared with, and the token file is looked at.
    """
    current = _current(service.path)
    text = None if current is None else current.decode("utf-8", "replace")
    if text is not None and with_notion is not None and pushes_to_notion(service.manager, text):
        service = with_notion
    status = ServiceStatus(
        service=service,
        installed=current is not None,
        ours=text is not None and is_ours(text),
        current=text == service.text,
    )
    if service.manager == "systemd":
        _systemd_state(status, which)
        _journal(status, which)
    else:
        _launchd_state(status, which)
        _log_file(status)
    if service.env_file is not None:
        status.notion_env = notion_env_status(service.env_file)
    return status


def _run(argv: tuple[str, ...]) -> subprocess.CompletedProcess[str] | str:
    """The finished command, or why it could not run (as a sentence)."""
    try:
        return subprocess.run(
            argv, capture_output=True, text=True, errors="replace", timeout=_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return f"{argv[0]} did not answer within {_TIMEOUT:.0f} s"
    except OSError as exc:
        return f"{argv[0]}: {exc.strerror or exc}"


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no output")


def _systemd_state(status: ServiceStatus, which: Which) -> None:
    if which("systemctl") is None:
        status.state_note = "systemctl not found: cannot tell whether it runs (is this a systemd system?)"
        return
    done = _run(status.service.status)
    if isinstance(done, str):
        status.state_note = done
        return
    word = done.stdout.strip()
    if word in _SYSTEMD_STATES:
        status.state = word
    else:  # no bus: a container, CI, or a login without a user session
        status.state_note = (
            "no user session: `systemctl --user` cannot reach a service manager "
            f"({_first_line(done.stderr or done.stdout)})"
        )


def _journal(status: ServiceStatus, which: Which) -> None:
    logs = status.service.logs
    if logs is None:
        return
    if which("journalctl") is None:
        status.log_note = "journalctl not found: no log lines to show"
        return
    done = _run(logs)
    if isinstance(done, str):
        status.log_note = done
    elif done.returncode != 0:
        status.log_note = f"journalctl: {_first_line(done.stderr or done.stdout)}"
    else:
        lines = [line for line in done.stdout.splitlines() if line and line != "-- No entries --"]
        status.log_lines = lines[-LOG_LINES:]
        if not status.log_lines:
            status.log_note = "no log lines yet"


def _launchd_state(status: ServiceStatus, which: Which) -> None:
    if which("launchctl") is None:
        status.state_note = "launchctl not found: cannot tell whether it runs (is this macOS?)"
        return
    done = _run(status.service.status)
    if isinstance(done, str):
        status.state_note = done
        return
    if done.returncode == 0:
        found = re.search(r"^\s*state = (.+)$", done.stdout, re.MULTILINE)
        status.state = found.group(1).strip() if found else "loaded"
    elif "could not find service" in (done.stdout + done.stderr).lower():
        status.state = "not loaded"
    else:  # no GUI session to ask (an ssh login)
        status.state_note = f"launchctl cannot tell: {_first_line(done.stderr or done.stdout)}"


def _log_file(status: ServiceStatus) -> None:
    log = status.service.log
    if log is None:
        return
    try:
        with log.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - 64 * 1024))
            tail = handle.read().decode("utf-8", "replace")
    except FileNotFoundError:
        status.log_note = f"no log file yet ({log})"
        return
    except OSError as exc:
        status.log_note = f"{log}: {exc.strerror or exc}"
        return
    lines = tail.splitlines()
    if size > 64 * 1024:
        lines = lines[1:]  # the first line of the window may be cut
    status.log_lines = lines[-LOG_LINES:]
    if not status.log_lines:
        status.log_note = "no log lines yet"
