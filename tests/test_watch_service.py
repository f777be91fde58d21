"""`vaultkit service`: golden service files for both platforms, quoting that systemd and plistlib read
back exactly, and install / uninstall / status against a temporary HOME (never the real ~/.config)."""

from __future__ import annotations

import json
import plistlib
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.cli import main
from vaultkit.watch.install import vaultkit_program
from vaultkit.watch.service import (
    ServiceError,
    notion_env_commands,
    pushes_to_notion,
    render_service,
    vault_slug,
)

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


# ------------------------------------------------------------------------------------------ --notion

FIXTURES = Path(__file__).parent / "fixtures" / "service"
ODD_VAULT = PurePosixPath('/home/ann/Notes/My "Career" 100%')
SENTINEL = "ntn_SENTINEL_never_on_disk_0123456789"


def test_systemd_unit_with_notion_is_exact() -> None:
    unit = render_service("linux", PROGRAM, ODD_VAULT, HOME, notion=True)
    assert unit.text == (FIXTURES / "systemd-notion.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=%h/.config/vaultkit/notion.env\n" in unit.text  # no `-`: a missing file fails
    assert unit.notion
    assert unit.env_file == Path("/home/ann/.config/vaultkit/notion.env")
    exec_start = next(line for line in unit.text.splitlines() if line.startswith("ExecStart="))
    assert systemd_words(exec_start.removeprefix("ExecStart=")) == [
        *PROGRAM,
        "watch",
        "--vault",
        str(ODD_VAULT),
        "--log-format",
        "json",
        "--notion",
    ]


def test_systemd_unit_with_notion_reads_the_token_under_xdg_config_home() -> None:
    config_home = PurePosixPath("/home/ann/my 100% config")
    unit = render_service("linux", PROGRAM, ODD_VAULT, HOME, config_home=config_home, notion=True)
    assert unit.text == (FIXTURES / "systemd-notion-xdg.service").read_text(encoding="utf-8")
    assert unit.env_file == Path("/home/ann/my 100% config/vaultkit/notion.env")
    env_line = next(line for line in unit.text.splitlines() if line.startswith("EnvironmentFile="))
    assert _unspecify(env_line.removeprefix("EnvironmentFile=")) == str(unit.env_file)


def test_launchd_plist_with_notion_is_exact() -> None:
    vault = PurePosixPath('/Users/ann/R&D <2026> "q" $(x)')
    agent = render_service("darwin", PROGRAM, vault, PurePosixPath("/Users/ann"), notion=True)
    assert agent.text == (FIXTURES / "launchd-notion.plist").read_text(encoding="utf-8")
    arguments = plistlib.loads(agent.text.encode("utf-8"))["ProgramArguments"]
    assert arguments[:2] == ["/bin/sh", "-c"]
    assert arguments[3:] == ["vaultkit-watch", "/Users/ann/.config/vaultkit/notion.env", str(vault), *PROGRAM]
    assert str(vault) not in arguments[2]  # the script text never holds a path


def test_pushes_to_notion_reads_the_file_not_the_path() -> None:
    odd = PurePosixPath("/home/ann/x --notion")
    for platform in ("linux", "darwin"):
        plain = render_service(platform, PROGRAM, odd, HOME)
        notion = render_service(platform, PROGRAM, odd, HOME, notion=True)
        assert not pushes_to_notion(plain.manager, plain.text)
        assert pushes_to_notion(notion.manager, notion.text)
    assert not pushes_to_notion("launchd", "not a plist")


def test_the_env_file_steps_hold_a_placeholder_and_set_the_umask() -> None:
    commands = notion_env_commands(Path("/home/ann/my config/vaultkit/notion.env"))
    assert commands == (
        "(umask 077 && mkdir -p '/home/ann/my config/vaultkit' && printf '%s\\n' "
        "'NOTION_TOKEN=<your integration secret>' > '/home/ann/my config/vaultkit/notion.env')",
        "${EDITOR:-vi} '/home/ann/my config/vaultkit/notion.env'",
    )


@given(st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30))
@settings(max_examples=200, deadline=None)
def test_launchd_with_notion_passes_every_vault_path_as_an_argument(name: str) -> None:
    vault = PurePosixPath("/Users/ann") / name
    agent = render_service("darwin", PROGRAM, vault, PurePosixPath("/Users/ann"), notion=True)
    arguments = plistlib.loads(agent.text.encode("utf-8"))["ProgramArguments"]
    assert arguments[5] == str(vault)
    assert pushes_to_notion("launchd", agent.text)


@pytest.mark.skipif(not Path("/bin/sh").exists(), reason="runs the agent's command with /bin/sh")
@pytest.mark.parametrize("name", ["My Vault", 'it\'s "q" $(touch pwned) `touch pwned` $HOME; \\ *'])
def test_the_launchd_command_sources_the_file_and_passes_paths_unchanged(tmp_path: Path, name: str) -> None:
    """Run the agent's ProgramArguments for real: the token reaches vaultkit's environment, the vault
    path arrives as one argument, byte for byte, and nothing in it runs."""
    home = tmp_path / "h o'me"
    env_file = home / ".config" / "vaultkit" / "notion.env"
    env_file.parent.mkdir(parents=True)
    env_file.write_text(f"NOTION_TOKEN={SENTINEL}\n", encoding="utf-8")
    program = tmp_path / "bin dir" / "vault kit"
    program.parent.mkdir()
    record = tmp_path / "args.txt"
    program.write_text(
        f'#!/bin/sh\n[ "$NOTION_TOKEN" = {SENTINEL} ] && echo token-ok > {record}\n'
        f'for arg in "$@"; do printf "%s\\n" "$arg" >> {record}; done\n',
        encoding="utf-8",
    )
    program.chmod(0o755)
    vault = tmp_path / name
    agent = render_service("darwin", (str(program),), PurePosixPath(vault), PurePosixPath(home), notion=True)
    arguments = plistlib.loads(agent.text.encode("utf-8"))["ProgramArguments"]
    done = subprocess.run(arguments, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert record.read_text(encoding="utf-8").splitlines() == [
        "token-ok",
        "watch",
        "--vault",
        str(vault),
        "--log-format",
        "json",
        "--notion",
    ]
    assert not (tmp_path / "pwned").exists()
    env_file.unlink()
    missing = subprocess.run(arguments, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert missing.returncode == 78
    assert missing.stderr == (
        f"vaultkit: {env_file} is missing: create it with one line NOTION_TOKEN=... (docs/watch.md)\n"
    )


def token_file(home: Path, mode: int, text: str = f"NOTION_TOKEN={SENTINEL}\n") -> Path:
    path = home / ".config" / "vaultkit" / "notion.env"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def expected_notion(home: Path, platform: str = "linux") -> tuple[Path, str]:
    vault = (home.parent / "My Vault").resolve()
    unit = render_service(platform, vaultkit_program(), vault, home, notion=True)
    return unit.path, unit.text


def test_install_notion_without_the_token_file_warns_and_shows_how(home: Path) -> None:
    path, text = expected_notion(home)
    env_file = home / ".config" / "vaultkit" / "notion.env"
    result = run(home, "install", "--notion")
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == text
    assert not env_file.exists()  # never created by vaultkit
    assert result.stdout == (
        f"wrote {path}\nStart it now and at every login:\n  systemctl --user daemon-reload\n"
        f"  systemctl --user enable --now {path.name}\n"
        f"It reads NOTION_TOKEN from {env_file} (vaultkit never writes the token).\n"
        "Create it, readable by you only, then replace the placeholder with your integration secret:\n"
        f"  (umask 077 && mkdir -p {env_file.parent} && printf '%s\\n' "
        f"'NOTION_TOKEN=<your integration secret>' > {env_file})\n"
        f"  ${{EDITOR:-vi}} {env_file}\n"
        "Then restart the service:\n  systemctl --user daemon-reload\n"
        f"  systemctl --user restart {path.name}\n"
    )
    assert result.stderr == (
        f"vaultkit: warning: {env_file} does not exist yet: create it (docs/watch.md); "
        "the service fails to start until it does\n"
    )


@pytest.mark.parametrize(
    ("mode", "text", "warning"),
    [
        (0o600, f"# mine\nNOTION_TOKEN={SENTINEL}\n", ""),
        (0o644, f"NOTION_TOKEN={SENTINEL}\n", "is open to group or others (mode 644): chmod 600 "),
        (0o600, "TOKEN=x\n", "has no NOTION_TOKEN= line"),
    ],
)
def test_install_notion_checks_the_token_file(home: Path, mode: int, text: str, warning: str) -> None:
    env_file = token_file(home, mode, text)
    result = run(home, "install", "--notion")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        f"It reads NOTION_TOKEN from {env_file} (vaultkit never writes the token).\n"
    )
    assert (warning in result.stderr) if warning else result.stderr == ""
    assert env_file.read_text(encoding="utf-8") == text
    assert oct(env_file.stat().st_mode & 0o777) == oct(mode)


def test_install_notion_honours_xdg_config_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "x d g"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    empty_path(tmp_path, monkeypatch)
    env_file = config / "vaultkit" / "notion.env"
    result = run(home, "install", "--notion")
    assert result.exit_code == 0, result.output
    unit = next((config / "systemd" / "user").iterdir())
    assert f"EnvironmentFile={env_file}\n" in unit.read_text(encoding="utf-8")
    assert f"It reads NOTION_TOKEN from {env_file} (" in result.stdout
    assert f"vaultkit: warning: {env_file} does not exist yet" in result.stderr
    assert tree(home) == []
    env_file.parent.mkdir()
    env_file.write_text("NOTION_TOKEN=x\n", encoding="utf-8")
    env_file.chmod(0o600)
    assert f"token:   {env_file}: there, private" in run(home, "status").stdout


def test_status_says_the_service_pushes_to_notion_and_checks_the_token_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_path(tmp_path, monkeypatch)
    env_file = home / ".config" / "vaultkit" / "notion.env"
    assert run(home, "install", "--notion").exit_code == 0
    lines = run(home, "status").stdout.splitlines()
    assert lines[1].endswith(": installed")
    assert lines[3:5] == [
        "notion:  pushes changes to Notion (watch --notion)",
        f"token:   {env_file}: {env_file} does not exist yet: create it (docs/watch.md)",
    ]
    token_file(home, 0o600)
    lines = run(home, "status").stdout.splitlines()
    assert lines[4] == f"token:   {env_file}: there, private, with a NOTION_TOKEN= line"
    data = json.loads(run(home, "status", "--json").stdout)
    assert data["up_to_date"] is True
    assert data["notion"] is True
    assert data["notion_env"] == {
        "path": str(env_file),
        "exists": True,
        "has_token_line": True,
        "private": True,
        "problem": None,
    }
    assert run(home, "install", "--force").exit_code == 0  # back to a plain unit
    data = json.loads(run(home, "status", "--json").stdout)
    assert (data["notion"], data["notion_env"], data["up_to_date"]) == (False, None, True)


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_the_token_never_appears_in_any_file_or_output(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("NOTION_TOKEN", SENTINEL)
    empty_path(tmp_path, monkeypatch)
    before = (("install", "--notion", "--print"), ("install", "--notion"), ("status",))
    outputs = [run(home, *args) for args in before]
    env_file = token_file(home, 0o644)
    after = (("install", "--notion"), ("status",), ("status", "--json"), ("uninstall", "--print"))
    outputs += [run(home, *args) for args in after]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert SENTINEL not in result.stdout + result.stderr
        assert SENTINEL[:12] not in result.stdout + result.stderr
    written = [p for p in home.rglob("*") if p.is_file() and p != env_file]
    assert written  # the service file at least
    for path in written:
        assert SENTINEL.encode() not in path.read_bytes(), path
    assert env_file.read_text(encoding="utf-8") == f"NOTION_TOKEN={SENTINEL}\n"
    assert run(home, "uninstall").exit_code == 0
    assert env_file.exists()  # the user's file stays


def test_the_guides_explain_the_service_with_notion() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs"
    watch = (docs / "watch.md").read_text(encoding="utf-8")
    notion = (docs / "notion.md").read_text(encoding="utf-8")
    for phrase in (
        "vaultkit service install --notion",
        "~/.config/vaultkit/notion.env",
        "umask 077",
        "chmod 600",
        "EnvironmentFile=%h/.config/vaultkit/notion.env",
        "$XDG_CONFIG_HOME",
    ):
        assert phrase in watch, f"docs/watch.md should explain {phrase!r}"
    assert "vaultkit service install --notion" in notion
    assert "~/.config/vaultkit/notion.env" in notion
