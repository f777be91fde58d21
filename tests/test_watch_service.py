"""`vaultkit service`: golden service files for both platforms, quoting that systemd and plistlib read
back exactly, and install / uninstall / status against a temporary HOME (never the real ~/.config)."""

from __future__ import annotations

import json
import plistlib
import sys
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.cli import main
from vaultkit.watch.install import vaultkit_program
from vaultkit.watch.service import ServiceError, render_service, vault_slug

VAULT = PurePosixPath("/home/ann/Notes/My Career")
HOME = PurePosixPath("/home/ann")
PROGRAM = ("/usr/local/bin/vaultkit",)

GOLDEN_UNIT = """\
# Written by `vaultkit service install`; `vaultkit service uninstall` removes it.
[Unit]
Description=vaultkit watch: live rollups for /home/ann/Notes/My Career

[Service]
Type=simple
ExecStart=/usr/local/bin/vaultkit watch --vault "/home/ann/Notes/My Career" --log-format json
Restart=on-failure
RestartSec=5
TimeoutStopSec=10

[Install]
WantedBy=default.target
"""

GOLDEN_PLIST = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by `vaultkit service install`; `vaultkit service uninstall` removes it. -->
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>io.vaultkit.watch.r-d-2026-q-73a60b7d</string>
	<key>ProgramArguments</key>
	<array>
		<string>/usr/local/bin/vaultkit</string>
		<string>watch</string>
		<string>--vault</string>
		<string>/Users/ann/R&amp;D &lt;2026&gt; &quot;q&quot;</string>
		<string>--log-format</string>
		<string>json</string>
	</array>
	<key>RunAtLoad</key>
	<true/>
	<key>KeepAlive</key>
	<dict>
		<key>SuccessfulExit</key>
		<false/>
	</dict>
	<key>ThrottleInterval</key>
	<integer>5</integer>
	<key>StandardOutPath</key>
	<string>/Users/ann/Library/Logs/vaultkit/watch-r-d-2026-q-73a60b7d.log</string>
	<key>StandardErrorPath</key>
	<string>/Users/ann/Library/Logs/vaultkit/watch-r-d-2026-q-73a60b7d.log</string>
</dict>
</plist>
"""


# ------------------------------------------------------------------------------------------ rendering


def test_systemd_unit_is_exact() -> None:
    unit = render_service("linux", PROGRAM, VAULT, HOME)
    assert unit.text == GOLDEN_UNIT
    assert unit.name == "vaultkit-watch-my-career-07eb927b.service"
    assert unit.path == Path("/home/ann/.config/systemd/user/vaultkit-watch-my-career-07eb927b.service")
    assert unit.enable == (
        "systemctl --user daemon-reload",
        "systemctl --user enable --now vaultkit-watch-my-career-07eb927b.service",
    )
    assert unit.status == ("systemctl", "--user", "is-active", unit.name)
    assert unit.logs == ("journalctl", "--user", "-u", unit.name, "-n", "20", "--no-pager", "-o", "cat")


def test_systemd_unit_goes_to_xdg_config_home() -> None:
    unit = render_service("linux", PROGRAM, VAULT, HOME, config_home=PurePosixPath("/cfg"))
    assert unit.path == Path("/cfg/systemd/user/vaultkit-watch-my-career-07eb927b.service")
    assert unit.text == GOLDEN_UNIT


def test_launchd_plist_is_exact() -> None:
    vault = PurePosixPath('/Users/ann/R&D <2026> "q"')
    agent = render_service("darwin", PROGRAM, vault, PurePosixPath("/Users/ann"))
    assert agent.text == GOLDEN_PLIST
    assert agent.path == Path("/Users/ann/Library/LaunchAgents/io.vaultkit.watch.r-d-2026-q-73a60b7d.plist")
    assert agent.enable == (
        "launchctl bootstrap gui/$UID "
        "/Users/ann/Library/LaunchAgents/io.vaultkit.watch.r-d-2026-q-73a60b7d.plist",
    )
    assert agent.stop == ("launchctl bootout gui/$UID/io.vaultkit.watch.r-d-2026-q-73a60b7d",)
    assert agent.log == Path("/Users/ann/Library/Logs/vaultkit/watch-r-d-2026-q-73a60b7d.log")
    status = render_service("darwin", PROGRAM, vault, PurePosixPath("/Users/ann"), uid=501).status
    assert status == ("launchctl", "print", "gui/501/io.vaultkit.watch.r-d-2026-q-73a60b7d")


def test_launchd_enable_command_quotes_a_home_with_spaces() -> None:
    agent = render_service("darwin", PROGRAM, VAULT, PurePosixPath("/Users/Ann Lee"))
    assert agent.enable[0].endswith(
        " '/Users/Ann Lee/Library/LaunchAgents/io.vaultkit.watch.my-career-07eb927b.plist'"
    )


def test_slugs_tell_vaults_of_the_same_name_apart() -> None:
    assert vault_slug(PurePosixPath("/home/ann/Work/Notes")) == "notes-8d5015af"
    assert vault_slug(PurePosixPath("/home/ann/Home/Notes")) == "notes-a5acb9a6"
    assert vault_slug(PurePosixPath("/home/ann/Carrière")) == "carriere-29534ef3"
    assert vault_slug(PurePosixPath("/home/ann/Карьера")) == "vault-a8c248ea"


@pytest.mark.parametrize(
    ("platform", "program", "vault", "message"),
    [
        ("win32", PROGRAM, VAULT, "no service manager"),
        ("linux", PROGRAM, PurePosixPath("Notes"), "must be absolute"),
        ("linux", ("vaultkit",), VAULT, "absolute path"),
        ("linux", PROGRAM, PurePosixPath("/home/ann/bad\udcff"), "not valid UTF-8"),
        ("darwin", PROGRAM, PurePosixPath("/Users/ann/bell\x07"), "control character"),
    ],
)
def test_refusals(platform: str, program: tuple[str, ...], vault: PurePosixPath, message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        render_service(platform, program, vault, HOME)


def systemd_words(line: str) -> list[str]:
    """ExecStart's arguments as systemd reads them (systemd.syntax(7)): words split on spaces, double
    quotes with C escapes, then `%%` and `$$` each read as one character."""
    words, i = [], 0
    while i < len(line):
        if line[i] == " ":
            i += 1
        elif line[i] == '"':
            i += 1
            chars = []
            while line[i] != '"':
                if line[i] == "\\":
                    if line[i + 1] == "x":
                        chars.append(chr(int(line[i + 2 : i + 4], 16)))
                        i += 4
                    else:
                        chars.append(line[i + 1])
                        i += 2
                else:
                    chars.append(line[i])
                    i += 1
            words.append("".join(chars))
            i += 1
        else:
            end = line.find(" ", i)
            end = len(line) if end < 0 else end
            words.append(line[i:end])
            i = end
    return [_unspecify(word) for word in words]


def _unspecify(word: str) -> str:
    out, i = [], 0
    while i < len(word):
        if word[i] in "%$":
            assert word[i + 1] == word[i], f"a lone {word[i]!r} would expand: {word!r}"
            i += 1
        out.append(word[i])
        i += 1
    return "".join(out)


vault_names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)


@given(vault_names)
@settings(max_examples=300, deadline=None)
def test_systemd_reads_back_every_vault_path(name: str) -> None:
    vault = PurePosixPath("/home/ann") / name.replace("\x00", "")
    unit = render_service("linux", ("/opt/my tools/vaultkit",), vault, HOME)
    lines = unit.text.split("\n")
    assert len(lines) == len(GOLDEN_UNIT.split("\n"))  # nothing in the path breaks or adds a line
    # nor continues one: systemd reads an odd run of backslashes at a line's end as a continuation
    assert all((len(line) - len(line.rstrip("\\"))) % 2 == 0 for line in lines)
    exec_start = next(line for line in lines if line.startswith("ExecStart="))
    assert systemd_words(exec_start.removeprefix("ExecStart=")) == [
        "/opt/my tools/vaultkit",
        "watch",
        "--vault",
        str(vault),
        "--log-format",
        "json",
    ]


@given(st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_plistlib_reads_back_every_vault_path(name: str) -> None:
    vault = PurePosixPath("/Users/ann") / name
    agent = render_service("darwin", PROGRAM, vault, PurePosixPath("/Users/ann"))
    loaded = plistlib.loads(agent.text.encode("utf-8"))
    assert loaded["ProgramArguments"] == [*PROGRAM, "watch", "--vault", str(vault), "--log-format", "json"]
    assert loaded["RunAtLoad"] is True
    assert loaded["KeepAlive"] == {"SuccessfulExit": False}
    assert loaded["StandardErrorPath"] == str(agent.log)


# ------------------------------------------------------------------------------------------ the command


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary HOME, Linux, no XDG_CONFIG_HOME, and a vault with a space in its name."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("VAULTKIT_VAULT", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    (tmp_path / "My Vault" / ".obsidian").mkdir(parents=True)
    return folder


def run(home: Path, *args: str) -> Result:
    vault = home.parent / "My Vault"
    return CliRunner().invoke(main, ["service", *args, "--vault", str(vault)], prog_name="vaultkit")


def expected(home: Path, platform: str = "linux") -> tuple[Path, str]:
    unit = render_service(platform, vaultkit_program(), (home.parent / "My Vault").resolve(), home)
    return unit.path, unit.text


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_print_shows_the_unit_and_writes_nothing(home: Path) -> None:
    result = run(home, "install", "--print")
    assert result.exit_code == 0, result.output
    path, text = expected(home)
    assert result.stdout == text
    assert f"would write {path}" in result.stderr
    assert tree(home) == []


def test_install_writes_once_then_leaves_it(home: Path) -> None:
    path, text = expected(home)
    first = run(home, "install")
    assert first.exit_code == 0, first.output
    assert path.read_text(encoding="utf-8") == text
    assert first.stdout == (
        f"wrote {path}\nStart it now and at every login:\n  systemctl --user daemon-reload\n"
        f"  systemctl --user enable --now {path.name}\n"
    )
    mtime = path.stat().st_mtime_ns
    again = run(home, "install")
    assert again.exit_code == 0
    assert again.stdout.startswith(f"already installed, unchanged: {path}\n")
    assert path.stat().st_mtime_ns == mtime
    assert tree(home) == [
        ".config",
        ".config/systemd",
        ".config/systemd/user",
        f".config/systemd/user/{path.name}",
    ]


def test_install_never_overwrites_a_different_unit_without_force(home: Path) -> None:
    path, text = expected(home)
    path.parent.mkdir(parents=True)
    path.write_text("[Service]\nExecStart=/bin/true\n", encoding="utf-8")
    refused = run(home, "install")
    assert refused.exit_code == 1
    assert refused.stderr == f"vaultkit: {path} exists (not written by vaultkit); --force replaces it\n"
    assert path.read_text(encoding="utf-8") == "[Service]\nExecStart=/bin/true\n"
    forced = run(home, "install", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.startswith(f"replaced {path}\nRestart it to use the new file:\n")
    assert path.read_text(encoding="utf-8") == text


def test_an_older_vaultkit_unit_is_named_as_ours(home: Path) -> None:
    path, text = expected(home)
    path.parent.mkdir(parents=True)
    path.write_text(text.replace("RestartSec=5", "RestartSec=9"), encoding="utf-8")
    refused = run(home, "install")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"vaultkit: {path} exists (written by vaultkit with other settings); --force replaces it\n"
    )


def test_uninstall_removes_our_unit_and_its_enable_link(home: Path) -> None:
    path, _ = expected(home)
    assert run(home, "install").exit_code == 0
    wants = path.parent / "default.target.wants"
    wants.mkdir()
    (wants / path.name).symlink_to(path)
    (wants / "other.service").symlink_to(path.parent / "other.service")
    shown = run(home, "uninstall", "--print")
    assert shown.exit_code == 0
    assert shown.stdout == path.read_text(encoding="utf-8")
    assert path.exists()
    result = run(home, "uninstall")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"removed {path}\nStop it, if it runs:\n  systemctl --user stop {path.name}\n"
        "  systemctl --user daemon-reload\n"
    )
    assert not path.exists()
    assert not (wants / path.name).is_symlink()
    assert (wants / "other.service").is_symlink()
    again = run(home, "uninstall")
    assert again.exit_code == 0
    assert again.stdout == f"not installed: no {path}\n"


def test_uninstall_leaves_a_unit_vaultkit_did_not_write(home: Path) -> None:
    path, _ = expected(home)
    path.parent.mkdir(parents=True)
    path.write_text("# mine\n[Service]\nExecStart=/bin/true\n", encoding="utf-8")
    for args in (("uninstall",), ("uninstall", "--print")):
        result = run(home, *args)
        assert result.exit_code == 1
        assert "was not written by vaultkit (no marker line); left alone" in result.stderr
        assert path.read_text(encoding="utf-8") == "# mine\n[Service]\nExecStart=/bin/true\n"


def test_install_on_macos_writes_the_agent_and_its_log_folder(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    path, text = expected(home, "darwin")
    result = run(home, "install")
    assert result.exit_code == 0, result.output
    assert path.parent == home / "Library" / "LaunchAgents"
    assert path.read_text(encoding="utf-8") == text
    assert (home / "Library" / "Logs" / "vaultkit").is_dir()
    assert result.stdout.endswith(f"  launchctl bootstrap gui/$UID {path}\n")
    assert run(home, "uninstall").exit_code == 0
    assert not path.exists()


def test_a_folder_that_is_not_a_folder_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(main, ["service", "install", "--vault", str(home / "missing")])
    assert result.exit_code == 2
    assert tree(home) == []


# ------------------------------------------------------------------------------------------ status


def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def fake_tool(bin_dir: Path, name: str, script: str) -> None:
    tool = bin_dir / name
    tool.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    tool.chmod(0o755)


def test_status_without_systemctl_says_so(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_path(tmp_path, monkeypatch)
    path, _ = expected(home)
    result = run(home, "status")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"service: {path.name} (systemd user unit)\n"
        f"file:    {path}: not installed\n"
        "running: systemctl not found: cannot tell whether it runs (is this a systemd system?)\n"
        "log:     journalctl not found: no log lines to show\n"
    )
    data = json.loads(run(home, "status", "--json").stdout)
    assert data["installed"] is False
    assert data["state"] is None
    assert data["log"] == []


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="fake tools are shell scripts")
def test_status_asks_systemctl_and_shows_the_journal(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = empty_path(tmp_path, monkeypatch)
    path, _ = expected(home)
    fake_tool(bin_dir, "systemctl", f'[ "$*" = "--user is-active {path.name}" ] && echo active')
    fake_tool(bin_dir, "journalctl", 'i=0; while [ $i -lt 25 ]; do i=$((i+1)); echo "line $i"; done')
    assert run(home, "install").exit_code == 0
    result = run(home, "status")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == f"file:    {path}: installed"
    assert lines[2] == "running: active"
    assert lines[3] == "last 20 log lines:"
    assert lines[4:] == [f"  line {i}" for i in range(6, 26)]


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="fake tools are shell scripts")
def test_status_without_a_user_session_says_so(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = empty_path(tmp_path, monkeypatch)
    fake_tool(bin_dir, "systemctl", 'echo "Failed to connect to bus: No medium found" >&2; exit 1')
    fake_tool(bin_dir, "journalctl", 'echo "No journal files were found." >&2; exit 1')
    data = json.loads(run(home, "status", "--json").stdout)
    assert data["state"] is None
    assert data["state_note"] == (
        "no user session: `systemctl --user` cannot reach a service manager "
        "(Failed to connect to bus: No medium found)"
    )
    assert data["log_note"] == "journalctl: No journal files were found."


def test_status_on_macos_reads_the_log_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    empty_path(tmp_path, monkeypatch)
    assert run(home, "install").exit_code == 0
    slug = vault_slug((home.parent / "My Vault").resolve())
    log_file = home / "Library" / "Logs" / "vaultkit" / f"watch-{slug}.log"
    log_file.write_text("".join(f'{{"n": {i}}}\n' for i in range(1, 31)), encoding="utf-8")
    data = json.loads(run(home, "status", "--json").stdout)
    assert data["installed"] is True
    assert data["up_to_date"] is True
    assert data["state_note"] == "launchctl not found: cannot tell whether it runs (is this macOS?)"
    assert data["log"] == [f'{{"n": {i}}}' for i in range(11, 31)]


def test_vaultkit_program_is_absolute() -> None:
    program = vaultkit_program()
    assert Path(program[0]).is_absolute()
    assert program[1:] in ((), ("-m", "vaultkit"))


def test_the_guide_covers_running_ignoring_safety_and_latency() -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "watch.md").read_text(encoding="utf-8")
    for phrase in [
        *(f"`{folder}/`" for folder in (".obsidian", ".trash", ".git", ".vaultkit")),
        *("`*.swp`", "`*~`", "`.#*`", "`*.tmp`", "`4913`", "`*.sync-conflict-*`"),
        "--once",
        "--log-format json",
        "--quiet-period",
        "systemctl --user daemon-reload",
        "systemctl --user enable --now vaultkit-watch-<slug>.service",
        "launchctl bootstrap gui/$UID ~/Library/LaunchAgents/io.vaultkit.watch.<slug>.plist",
        "vaultkit service install --print",
        "## Latency",
    ]:
        assert phrase in text, f"docs/watch.md should explain {phrase!r}"
