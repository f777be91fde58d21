"""The service files that run `vaultkit watch` for one vault: a systemd user unit or a launchd agent.

Pure: values in, text out. Every input that differs between machines (the platform, the program that
runs vaultkit, the vault, the home folder) is an argument, so the files are exact and testable anywhere;
`vaultkit.watch.install` does the disk and the service managers.

Each file carries `MARKER`, so `uninstall` removes only a file vaultkit wrote. The unit's name holds a
slug of the vault's path, so two vaults get two services. A vault path is user data: in a systemd unit
it is quoted and escaped (spaces, quotes, backslashes, `%` specifiers, `$` variables, control
characters), in a plist XML-escaped.

With `notion=True` the service runs `watch --notion`, which needs `$NOTION_TOKEN`. The token never passes
through vaultkit: it lives in a file the user creates and owns (`notion_env_file`: one line
`NOTION_TOKEN=...`, mode 600), which systemd reads with `EnvironmentFile=` and which a launchd agent, having
no such setting, sources from a fixed `/bin/sh` script. The paths reach that script as arguments, never
spliced into its text, so no vault or home path can change what the shell runs.
"""

from __future__ import annotations

import hashlib
import plistlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal
from xml.parsers.expat import ExpatError
from xml.sax.saxutils import escape

from vaultkit.errors import VaultkitError

__all__ = [
    "LOG_LINES",
    "MARKER",
    "NOTION_ENV_PLACEHOLDER",
    "Manager",
    "ServiceError",
    "ServiceFile",
    "is_ours",
    "manager_for",
    "notion_env_commands",
    "notion_env_file",
    "pushes_to_notion",
    "render_service",
    "vault_slug",
]

Manager = Literal["systemd", "launchd"]

MARKER = "Written by `vaultkit service install`; `vaultkit service uninstall` removes it."
LOG_LINES = 20
NOTION_ENV_PLACEHOLDER = "<your integration secret>"
# The launchd agent's command with --notion: $1 is the token file, $2 the vault, the rest runs vaultkit.
# Fixed text: a path is an argument here, so no quote, `$` or backtick in one can reach the shell.
_LAUNCHD_SCRIPT = (
    '[ -r "$1" ] || { echo "vaultkit: $1 is missing: create it with one line NOTION_TOKEN=... '
    '(docs/watch.md)" >&2; exit 78; }; '
    'set -a; . "$1"; set +a; vault="$2"; shift 2; '
    'exec "$@" watch --vault "$vault" --log-format json --notion'
)
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
    launchd, whose log is the file `log`). `notion` says whether it runs `watch --notion`, and then
    `env_file` is where it reads the token from.
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
    notion: bool = False
    env_file: Path | None = None


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


def notion_env_file(home: PurePosixPath | Path, config_home: PurePosixPath | Path | None = None) -> Path:
    """Where a service with --notion reads `NOTION_TOKEN` from: `vaultkit/notion.env` under
    `$XDG_CONFIG_HOME` (`config_home`), else under `~/.config`."""
    return Path(config_home or Path(home) / ".config") / "vaultkit" / "notion.env"


def notion_env_commands(env_file: Path) -> tuple[str, ...]:
    """The shell commands that create the token file, readable by its owner only, holding a placeholder
    (never a token: vaultkit does not know it and must not), then open it to put the secret in. The
    umask is set in a subshell, so the user's shell keeps its own; an editor keeps the secret out of the
    shell's history."""
    folder, path = _shell(str(env_file.parent)), _shell(str(env_file))
    return (
        f"(umask 077 && mkdir -p {folder} && "
        f"printf '%s\\n' {_shell('NOTION_TOKEN=' + NOTION_ENV_PLACEHOLDER)} > {path})",
        f"${{EDITOR:-vi}} {path}",
    )


def render_service(
    platform: str,
    program: Sequence[str],
    vault: PurePosixPath | Path,
    home: PurePosixPath | Path,
    config_home: PurePosixPath | Path | None = None,
    uid: int | None = None,
    *,
    notion: bool = False,
) -> ServiceFile:
    """The service file that runs `<program> watch --vault <vault> --log-format json` for `platform`
    (with `--notion` appended when `notion`).

    `program` is the command that runs vaultkit (its console script, or `python -m vaultkit`), absolute
    because a service manager has no useful PATH. `config_home` is `$XDG_CONFIG_HOME` when set (systemd
    looks for user units there, and the Notion token file is under it); `uid` fills the `gui/<uid>`
    domain of launchctl (`$UID` when None).
    """
    if not vault.is_absolute():
        raise ServiceError(f"{vault}: the vault's path must be absolute in a service file")
    if not program or not all(program) or not PurePosixPath(program[0]).is_absolute():
        raise ServiceError(f"{' '.join(program)!r}: the program that runs vaultkit must be an absolute path")
    env_file = notion_env_file(home, config_home) if notion else None
    for part in (*program, str(vault), str(env_file or "")):
        _check_encodable(part)
    argv = [*program, "watch", "--vault", str(vault), "--log-format", "json"]
    if notion:
        argv.append("--notion")
    slug = vault_slug(vault)
    if manager_for(platform) == "systemd":
        return _systemd(argv, vault, slug, Path(config_home or Path(home) / ".config"), config_home, env_file)
    return _launchd(argv, vault, slug, Path(home), "$UID" if uid is None else str(uid), env_file, program)


def pushes_to_notion(manager: Manager, text: str) -> bool:
    """Whether a service file (as read back from disk) runs `watch --notion`. Read structurally, so a
    vault whose path holds `--notion` is not mistaken for it."""
    if manager == "systemd":
        lines = text.splitlines()
        return any(line.startswith("ExecStart=") and line.rstrip().endswith(" --notion") for line in lines)
    try:
        loaded = plistlib.loads(text.encode("utf-8"))
    except (ValueError, ExpatError):
        return False
    arguments = loaded.get("ProgramArguments") if isinstance(loaded, dict) else None
    if not isinstance(arguments, list):
        return False
    script = arguments[2] if len(arguments) > 2 and arguments[:2] == ["/bin/sh", "-c"] else ""
    return "--notion" in arguments or (isinstance(script, str) and script.endswith(" --notion"))


def _check_encodable(text: str) -> None:
    """Refuse text a service file cannot carry: bytes that are not UTF-8 (a path read with surrogate
    escapes). Writing them out would fail half-way or name another folder."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ServiceError(f"{text!r}: not valid UTF-8, which a service file cannot hold") from exc


# ---------------------------------------------------------------------------------------------- systemd


def _systemd(
    argv: list[str],
    vault: PurePosixPath | Path,
    slug: str,
    config_home: Path,
    xdg_config_home: PurePosixPath | Path | None,
    env_file: Path | None,
) -> ServiceFile:
    name = f"vaultkit-watch-{slug}.service"
    what = "live rollups and Notion sync" if env_file else "live rollups"
    text = "\n".join(
        [
            f"# {MARKER}",
            "[Unit]",
            f"Description=vaultkit watch: {what} for {_systemd_value(str(vault))}",
            "",
            "[Service]",
            "Type=simple",
            *([f"EnvironmentFile={_systemd_env_file(env_file, xdg_config_home)}"] if env_file else []),
            "ExecStart=" + " ".join(_systemd_word(arg) for arg in argv),
            "Restart=on-failure",
            "RestartSec=5",
            # exit 2 is a usage error (no token in the file, a bad [notion] table): restarting repeats it
            *(["RestartPreventExitStatus=2"] if env_file else []),
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
        notion=env_file is not None,
        env_file=env_file,
    )


def _systemd_env_file(env_file: Path, xdg_config_home: PurePosixPath | Path | None) -> str:
    """The token file for `EnvironmentFile=`, without the `-` prefix: a missing file makes systemd refuse
    to start the unit and name the file in `systemctl --user status`, which says more than the watcher's
    own "NOTION_TOKEN is not set" would. `%h` (the user's home) when it is under `~/.config`, else the
    absolute path: systemd reads the value as one path with specifiers, so `%` is doubled and a control
    character, which would end the line, is refused."""
    if xdg_config_home is None:
        return "%h/.config/vaultkit/notion.env"
    text = str(env_file)
    if _CONTROL_RE.search(text):
        raise ServiceError(f"{text!r}: holds a control character, which a systemd unit cannot hold")
    return text.replace("%", "%%")


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


def _launchd(
    argv: list[str],
    vault: PurePosixPath | Path,
    slug: str,
    home: Path,
    uid: str,
    env_file: Path | None,
    program: Sequence[str],
) -> ServiceFile:
    label = f"io.vaultkit.watch.{slug}"
    if env_file is not None:  # launchd reads no env files: a shell sources it, the paths as its arguments
        argv = ["/bin/sh", "-c", _LAUNCHD_SCRIPT, "vaultkit-watch", str(env_file), str(vault), *program]
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
        notion=env_file is not None,
        env_file=env_file,
    )


def _xml(text: str) -> str:
    """Text for an XML element (and for a comment, with `--` broken up by the caller)."""
    return escape(text, {'"': "&quot;"})


def _shell(text: str) -> str:
    """A word for a POSIX shell, quoted only when it must be (the commands are printed to copy)."""
    if re.fullmatch(r"[A-Za-z0-9_./=,:@%+-]+", text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"
