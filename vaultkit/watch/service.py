"""The service files that run `vaultkit watch` for one vault: a systemd user unit or a launchd agent.

Pure: values in, text out. Every input that differs between machines (the platform, the program that
runs vaultkit, the vault, the home folder) is an argument, so the files are exact and testable anywhere;
`vaultkit.watch.install` does the disk and the service managers.

Each file carries `MARKER`, so `uninstall` removes only a file vaultkit wrote. The unit's name holds a
slug of the vault's path, so two vaults get two services. A vault path is user data: in a systemd unit
it is quoted and escaped (spaces, quotes, backslashes, `%` specifiers, `$` variables, control
characters), in a plist XML-escaped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from xml.sax.saxutils import escape

from vaultkit.errors import VaultkitError

__all__ = [
    "LOG_LINES",
    "MARKER",
    "Manager",
    "ServiceError",
    "ServiceFile",
    "is_ours",
    "manager_for",
    "render_service",
    "vault_slug",
]

Manager = Literal["systemd", "launchd"]

MARKER = "Written by `vaultkit service install`; `vaultkit service uninstall` removes it."
LOG_LINES = 20
_CONTROL_RE = re.compile("[\x00-\x1f\x7f]")


class ServiceError(VaultkitError):
    """A service file cannot be made or removed here (an unknown platform, an unsafe path, a foreign file)."""


@dataclass(frozen=True, slots=True)
class ServiceFile:
    """What `install` writes and prints for one vault on one platform.

    `name` is the unit (`vaultkit-watch-<slug>.service`) or the agent's label. `enable` starts it now and
    at every login, `restart` makes a running one use a replaced file, `stop` stops it once the file is
    removed: shell commands, printed and never run, so the user decides when it starts. `status` asks the
    manager whether it runs (a command run without a shell); `logs` prints its last lines (None for
    launchd, whose log is the file `log`).
    """

    manager: Manager
    name: str
    path: Path
    text: str
    enable: tuple[str, ...]
    restart: tuple[str, ...]
    stop: tuple[str, ...]
    status: tuple[str, ...]
    logs: tuple[str, ...] | None
    log: Path | None


def manager_for(platform: str) -> Manager:
    """The service manager of a `sys.platform` value: systemd on Linux, launchd on macOS."""
    if platform.startswith("linux"):
        return "systemd"
    if platform == "darwin":
        return "launchd"
    raise ServiceError(
        f"no service manager vaultkit knows on {platform!r} (systemd on Linux, launchd on macOS)"
    )


def vault_slug(vault: PurePosixPath | Path) -> str:
    """A name for the vault that is safe in unit names and labels, and distinct per path.

    The folder's name (ASCII, lower case) keeps it readable in `systemctl --user` listings; eight hex
    digits of the path's SHA-256 keep two vaults of the same name (`~/Work/Notes`, `~/Home/Notes`) apart.
    """
    ascii_name = unicodedata.normalize("NFKD", vault.name).encode("ascii", "ignore").decode("ascii")
    readable = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:32].strip("-") or "vault"
    digest = hashlib.sha256(str(vault).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"{readable}-{digest}"


def is_ours(text: str) -> bool:
    """Whether a service file was written by vaultkit (it carries the marker)."""
    return MARKER in text


def render_service(
    platform: str,
    program: Sequence[str],
    vault: PurePosixPath | Path,
    home: PurePosixPath | Path,
    config_home: PurePosixPath | Path | None = None,
    uid: int | None = None,
) -> ServiceFile:
    """The service file that runs `<program> watch --vault <vault> --log-format json` for `platform`.

    `program` is the command that runs vaultkit (its console script, or `python -m vaultkit`), absolute
    because a service manager has no useful PATH. `config_home` is `$XDG_CONFIG_HOME` when set (systemd
    looks for user units there); `uid` fills the `gui/<uid>` domain of launchctl (`$UID` when None).
    """
    if not vault.is_absolute():
        raise ServiceError(f"{vault}: the vault's path must be absolute in a service file")
    if not program or not all(program) or not PurePosixPath(program[0]).is_absolute():
        raise ServiceError(f"{' '.join(program)!r}: the program that runs vaultkit must be an absolute path")
    for part in (*program, str(vault)):
        _check_encodable(part)
    argv = [*program, "watch", "--vault", str(vault), "--log-format", "json"]
    slug = vault_slug(vault)
    if manager_for(platform) == "systemd":
        return _systemd(argv, vault, slug, Path(config_home or Path(home) / ".config"))
    return _launchd(argv, vault, slug, Path(home), "$UID" if uid is None else str(uid))


def _check_encodable(text: str) -> None:
    """Refuse text a service file cannot carry: bytes that are not UTF-8 (a path read with surrogate
    escapes). Writing them out would fail half-way or name another folder."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ServiceError(f"{text!r}: not valid UTF-8, which a service file cannot hold") from exc


# ---------------------------------------------------------------------------------------------- systemd


def _systemd(argv: list[str], vault: PurePosixPath | Path, slug: str, config_home: Path) -> ServiceFile:
    name = f"vaultkit-watch-{slug}.service"
    text = "\n".join(
        [
            f"# {MARKER}",
            "[Unit]",
            f"Description=vaultkit watch: live rollups for {_systemd_value(str(vault))}",
            "",
            "[Service]",
            "Type=simple",
            "ExecStart=" + " ".join(_systemd_word(arg) for arg in argv),
            "Restart=on-failure",
            "RestartSec=5",
            "TimeoutStopSec=10",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
    )
    return ServiceFile(
        manager="systemd",
        name=name,
        path=config_home / "systemd" / "user" / name,
        text=text,
        enable=("systemctl --user daemon-reload", f"systemctl --user enable --now {name}"),
        restart=("systemctl --user daemon-reload", f"systemctl --user restart {name}"),
        stop=(f"systemctl --user stop {name}", "systemctl --user daemon-reload"),
        status=("systemctl", "--user", "is-active", name),
        logs=("journalctl", "--user", "-u", name, "-n", str(LOG_LINES), "--no-pager", "-o", "cat"),
        log=None,
    )


_PLAIN_WORD_RE = re.compile(r"[A-Za-z0-9_./=,-]+")


def _systemd_word(arg: str) -> str:
    """One ExecStart argument as systemd reads it back: bare when it holds only plain characters, else in
    double quotes with C escapes, `%` doubled (specifiers) and `$` doubled (variable expansion). The
    program is an absolute path, so ExecStart's prefixes (`-`, `@`, `+`, ...) never apply to it."""
    if _PLAIN_WORD_RE.fullmatch(arg):
        return arg
    quoted = arg.replace("\\", "\\\\").replace('"', '\\"')
    quoted = _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", quoted)
    return '"' + quoted.replace("%", "%%").replace("$", "$$") + '"'


def _systemd_value(text: str) -> str:
    """Free text for a unit setting (Description): one line, `%` doubled so no specifier expands, and
    backslashes doubled so none ends the line as a continuation."""
    return _CONTROL_RE.sub("?", text).replace("\\", "\\\\").replace("%", "%%")


# ---------------------------------------------------------------------------------------------- launchd


def _launchd(argv: list[str], vault: PurePosixPath | Path, slug: str, home: Path, uid: str) -> ServiceFile:
    label = f"io.vaultkit.watch.{slug}"
    for part in argv:
        if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", part):  # not representable in XML 1.0 at all
            raise ServiceError(f"{part!r}: holds a control character, which a launchd plist cannot hold")
    log = home / "Library" / "Logs" / "vaultkit" / f"watch-{slug}.log"
    path = home / "Library" / "LaunchAgents" / f"{label}.plist"
    arguments = [f"\t\t<string>{_xml(arg)}</string>" for arg in argv]
    text = "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
            f"<!-- {MARKER} -->",
            '<plist version="1.0">',
            "<dict>",
            "\t<key>Label</key>",
            f"\t<string>{label}</string>",
            "\t<key>ProgramArguments</key>",
            "\t<array>",
            *arguments,
            "\t</array>",
            "\t<key>RunAtLoad</key>",
            "\t<true/>",
            "\t<key>KeepAlive</key>",
            "\t<dict>",
            "\t\t<key>SuccessfulExit</key>",
            "\t\t<false/>",
            "\t</dict>",
            "\t<key>ThrottleInterval</key>",
            "\t<integer>5</integer>",
            "\t<key>StandardOutPath</key>",
            f"\t<string>{_xml(str(log))}</string>",
            "\t<key>StandardErrorPath</key>",
            f"\t<string>{_xml(str(log))}</string>",
            "</dict>",
            "</plist>",
            "",
        ]
    )
    domain = f"gui/{uid}"
    return ServiceFile(
        manager="launchd",
        name=label,
        path=path,
        text=text,
        enable=(f"launchctl bootstrap {domain} {_shell(str(path))}",),
        restart=(f"launchctl bootout {domain}/{label}", f"launchctl bootstrap {domain} {_shell(str(path))}"),
        stop=(f"launchctl bootout {domain}/{label}",),
        status=("launchctl", "print", f"{domain}/{label}"),
        logs=None,
        log=log,
    )


def _xml(text: str) -> str:
    """Text for an XML element (and for a comment, with `--` broken up by the caller)."""
    return escape(text, {'"': "&quot;"})


def _shell(text: str) -> str:
    """A word for a POSIX shell, quoted only when it must be (the commands are printed to copy)."""
    if re.fullmatch(r"[A-Za-z0-9_./=,:@%+-]+", text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"
