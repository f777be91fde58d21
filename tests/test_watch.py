"""`vaultkit watch`: the pure parts (filters, debounce, the log line) with exact values, the lock, and the
daemon itself with the real observer on temporary vaults. Real-filesystem tests poll for the state they
expect, with a deadline, rather than sleeping a fixed time; each leaves no thread behind."""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.cli.commands import main
from vaultkit.cli.watch import JsonFormatter
from vaultkit.rollup.apply import rollup_vault
from vaultkit.vault import Change, Vault
from vaultkit.watch import daemon
from vaultkit.watch.debounce import Debouncer
from vaultkit.watch.describe import describe_change
from vaultkit.watch.filters import ignored, ignored_folder
from vaultkit.watch.lock import LOCK_PATH, WatchLock, WatchLockedError

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 10.0


# ---------------------------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = threading.active_count()
    yield
    wait_for(lambda: threading.active_count() <= before, what="the daemon's threads to end")
    assert threading.active_count() == before


def wait_for(predicate: Callable[[], object], *, what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


MILESTONE = """---
type: milestone
plan: "[[Senior PDP]]"
---
# Kafka

- [ ] read the book
- [ ] run a cluster
"""

PLAN = """---
type: plan
---
# Senior PDP

- [x] write the plan
"""

HOME = """# Home

<!-- vaultkit:begin plans -->
<!-- vaultkit:end -->

My own notes.
"""


def pdp_vault(root: Path) -> Path:
    return make_vault(
        root / "vault",
        {"Plans/Senior PDP.md": PLAN, "Milestones/Kafka.md": MILESTONE, "Home.md": HOME},
    )


def read(vault: Path, path: str) -> str:
    return (vault / path).read_text("utf-8")


def props(vault: Path, path: str) -> dict[str, object]:
    return dict(Vault(vault).load(path).properties)


def up_to_date(vault: Path) -> bool:
    """What `vaultkit rollup --dry-run` says: nothing to change."""
    report = rollup_vault(Vault(vault), dry_run=True)
    return not report.changed and not report.skipped


FAST = daemon.WatchSettings(debounce=0.05, quiet=0.0, idle_check=0.2)


@contextmanager
def watch_process(vault: Path, *args: str, env: Mapping[str, str]) -> Iterator[subprocess.Popen[str]]:
    """`vaultkit watch ARGS --vault VAULT --log-format json` as a child process, its JSON log on a pipe;
    killed and its pipe closed however the test ends."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "vaultkit", "watch", *args, "--vault", str(vault), "--log-format", "json"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=dict(env),
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


@contextmanager
def running(vault: Path, settings: daemon.WatchSettings = FAST) -> Iterator[daemon.Watcher]:
    watcher = daemon.Watcher(vault, settings)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            watcher.run()
        except BaseException as exc:  # the test's thread re-raises it
            failure.append(exc)

    thread = threading.Thread(target=run, name="watcher")
    thread.start()
    try:
        wait_for(lambda: (watcher.watching and watcher.rounds >= 1) or failure, what="the first rollup")
        if failure:
            raise failure[0]
        yield watcher
    finally:
        watcher.stop()
        thread.join(timeout=5)
        assert not thread.is_alive()
    if failure:
        raise failure[0]


def tick(vault: Path, path: str, task: str) -> None:
    text = read(vault, path)
    assert f"- [ ] {task}" in text
    (vault / path).write_text(text.replace(f"- [ ] {task}", f"- [x] {task}"), "utf-8")


def atomic_save(vault: Path, path: str, text: str) -> None:
    """What vim, VS Code and sync tools do: write a temp file beside the note, move it over the note."""
    temp = vault / (path + ".tmp")
    temp.write_text(text, "utf-8")
    temp.replace(vault / path)


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Milestones/Kafka.md", False),
        ("Home.md", False),
        ("Notes/UPPER.MD", False),
        (".obsidian/workspace.json", True),
        (".obsidian/snippets/x.md", True),
        (".trash/Old.md", True),
        (".git/HEAD", True),
        (".vaultkit/cache/index.sqlite", True),
        (".hidden/Note.md", True),
        ("Notes/.draft.md", True),
        ("Notes/.#Kafka.md", True),
        ("Notes/Kafka.md.swp", True),
        ("Notes/Kafka.md~", True),
        ("Notes/Kafka.md.tmp", True),
        ("Notes/4913", True),
        ("Notes/Kafka.sync-conflict-20260101-120000-ABCDEF.md", True),
        ("Notes/picture.png", True),
        ("Notes/data.csv", True),
        ("Notes/.vk-1f-abcdefgh.tmp", True),
    ],
)
def test_ignored_paths(path: str, expected: bool) -> None:
    assert ignored(path) is expected


def test_ignored_folders() -> None:
    assert [ignored_folder(p) for p in ["", "Plans", "Plans/2026", ".git", "a/.trash/b"]] == [
        False,
        False,
        False,
        True,
        True,
    ]


@given(st.lists(st.text(alphabet="ab.~#-", min_size=1, max_size=6), min_size=1, max_size=4))
def test_a_path_under_a_dot_folder_is_always_ignored(parts: list[str]) -> None:
    path = "/".join(parts)
    if any(part.startswith(".") for part in parts[:-1]) or not path.endswith(".md"):
        assert ignored(path)


# ---------------------------------------------------------------------------------------------- debounce


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_debounce_waits_for_the_last_event_of_each_path() -> None:
    clock = Clock()
    bounce = Debouncer(0.3, 2.0, clock)
    bounce.add("a.md")
    clock.now += 0.2
    bounce.add("a.md")  # a burst: the wait starts again
    bounce.add("b.md")
    assert bounce.next_due() == pytest.approx(100.5)
    clock.now += 0.29
    assert bounce.due() == []
    clock.now += 0.01
    assert bounce.due() == ["a.md", "b.md"]
    assert bounce.due() == []
    assert len(bounce) == 0 and bounce.next_due() is None


def test_quiet_period_holds_a_path_longer_than_the_debounce() -> None:
    clock = Clock()
    bounce = Debouncer(0.25, 2.0, clock)
    bounce.add("a.md")
    clock.now += 0.25
    assert bounce.due() == ["a.md"]
    assert bounce.busy() == {"a.md"}
    assert bounce.quiet_at("a.md") == 102.0
    clock.now += 1.75
    assert bounce.busy() == frozenset()
    assert bounce.quiet_at("a.md") is None


def test_debounce_refuses_negative_times() -> None:
    with pytest.raises(ValueError, match="negative"):
        Debouncer(-1, 0)


# ---------------------------------------------------------------------------------------------- log line


def test_describe_change(tmp_path: Path) -> None:
    vault_dir = pdp_vault(tmp_path)
    vault = Vault(vault_dir)
    before = vault.summaries["Milestones/Kafka.md"]
    tick(vault_dir, "Milestones/Kafka.md", "run a cluster")
    vault.apply_change(Change("changed", "Milestones/Kafka.md"))
    after = vault.summaries["Milestones/Kafka.md"]
    assert describe_change("Milestones/Kafka.md", before, after) == "Milestones/Kafka.md ticked 1"
    assert describe_change("Milestones/Kafka.md", after, before) == "Milestones/Kafka.md unticked 1"
    assert describe_change("Milestones/Kafka.md", before, before) == "Milestones/Kafka.md edited"
    assert describe_change("A.md", None, after) == "A.md created"
    assert describe_change("A.md", before, None) == "A.md deleted"
    assert describe_change("B.md", None, after, moved_from="A.md") == "B.md moved from A.md"


def test_json_log_lines() -> None:
    record = logging.LogRecord("vaultkit.watch", logging.INFO, __file__, 1, "a -> b", None, None)
    record.fields = {"written": ["Home.md"]}
    data = json.loads(JsonFormatter().format(record))
    assert data["level"] == "info"
    assert data["message"] == "a -> b"
    assert data["fields"] == {"written": ["Home.md"]}
    assert data["time"].endswith("+00:00")


# ---------------------------------------------------------------------------------------------- hold


def test_rollup_holds_back_a_note_being_edited_but_counts_it(tmp_path: Path) -> None:
    vault_dir = pdp_vault(tmp_path)
    rollup_vault(Vault(vault_dir))
    tick(vault_dir, "Milestones/Kafka.md", "read the book")
    before = read(vault_dir, "Milestones/Kafka.md")
    report = rollup_vault(Vault(vault_dir), hold={"Milestones/Kafka.md"})
    assert report.held == ["Milestones/Kafka.md"]
    assert [change.path for change in report.changed] == ["Home.md", "Plans/Senior PDP.md"]
    assert sorted(report.written) == ["Home.md", "Plans/Senior PDP.md"]
    assert read(vault_dir, "Milestones/Kafka.md") == before
    assert props(vault_dir, "Plans/Senior PDP.md")["tasks_done"] == 2
    again = rollup_vault(Vault(vault_dir))
    assert [change.path for change in again.changed] == ["Milestones/Kafka.md"]
    assert props(vault_dir, "Milestones/Kafka.md")["tasks_done"] == 1


# ---------------------------------------------------------------------------------------------- lock


def dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True
    )
    return int(proc.stdout)


def test_lock_refuses_a_second_holder_naming_the_pid(tmp_path: Path) -> None:
    with WatchLock(tmp_path):
        assert (tmp_path / LOCK_PATH).read_text() == f"{os.getpid()}\n"
        with pytest.raises(WatchLockedError, match=rf"\(pid {os.getpid()}\)") as caught:
            WatchLock(tmp_path).acquire()
        assert caught.value.pid == os.getpid()
    assert not (tmp_path / LOCK_PATH).exists()


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / ".vaultkit").mkdir()
    (tmp_path / LOCK_PATH).write_text(f"{dead_pid()}\n")
    with WatchLock(tmp_path):
        assert (tmp_path / LOCK_PATH).read_text() == f"{os.getpid()}\n"


def test_lock_never_follows_a_link_out_of_the_vault(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / ".vaultkit").symlink_to(outside)
    with pytest.raises(Exception, match="not a folder"):
        WatchLock(vault).acquire()
    assert list(outside.iterdir()) == []
    (vault / ".vaultkit").unlink()
    (vault / ".vaultkit").mkdir()
    (vault / LOCK_PATH).symlink_to(outside / "lock")
    with WatchLock(vault):  # a link holds no pid: the link itself is replaced, never followed
        assert not (vault / LOCK_PATH).is_symlink()
        assert (vault / LOCK_PATH).read_text() == f"{os.getpid()}\n"
    assert list(outside.iterdir()) == []


# ---------------------------------------------------------------------------------------------- daemon


@pytest.mark.timeout(60)
def test_tick_updates_milestone_plan_and_dashboard(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    vault = pdp_vault(tmp_path)
    caplog.set_level(logging.INFO, "vaultkit.watch")
    with running(vault):
        assert props(vault, "Plans/Senior PDP.md")["tasks_done"] == 1
        tick(vault, "Milestones/Kafka.md", "read the book")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan")
        wait_for(lambda: "| 2/3 |" in read(vault, "Home.md"), what="the dashboard")
        wait_for(lambda: props(vault, "Milestones/Kafka.md").get("tasks_done") == 1, what="the milestone")
        assert props(vault, "Milestones/Kafka.md")["progress"] == 50
        assert props(vault, "Plans/Senior PDP.md")["progress"] == 67
        assert read(vault, "Home.md").endswith("My own notes.\n")
    assert up_to_date(vault)
    lines = [r.getMessage() for r in caplog.records if " -> " in r.getMessage()]
    assert 'Milestones/Kafka.md ticked 1 -> Home.md, plan "Senior PDP" 2/3 67%' in lines
    assert not (vault / LOCK_PATH).exists()


@pytest.mark.timeout(60)
def test_quiet_period_writes_the_edited_note_last(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault, daemon.WatchSettings(debounce=0.05, quiet=1.5, idle_check=0.2)) as watcher:
        tick(vault, "Milestones/Kafka.md", "read the book")
        edited = time.monotonic()
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan")
        assert "tasks_done: 0" in read(vault, "Milestones/Kafka.md")  # held: the user edited it just now
        assert time.monotonic() - edited < 1.5
        wait_for(lambda: props(vault, "Milestones/Kafka.md")["tasks_done"] == 1, what="the milestone")
        assert time.monotonic() - edited >= 1.5
        # the first rollup's three notes, the plan and Home at once, the milestone once quiet: no other
        wait_for(lambda: watcher.writes == 3 + 2 + 1, what="the count of writes")
        time.sleep(0.3)
        assert watcher.writes == 6


@pytest.mark.timeout(60)
def test_rename_move_and_delete(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault):
        (vault / "Milestones/Kafka.md").rename(vault / "Milestones/Streaming.md")
        wait_for(lambda: "[[Streaming]]" in read(vault, "Home.md"), what="the renamed milestone")
        (vault / "Archive").mkdir()
        (vault / "Milestones/Streaming.md").rename(vault / "Archive/Streaming.md")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md").get("tasks_total") == 3, what="the move")
        (vault / "Milestones").rename(vault / "Goals")  # a folder move: nothing to change, still followed
        (vault / "Archive/Streaming.md").unlink()
        wait_for(lambda: props(vault, "Plans/Senior PDP.md").get("milestones_total") == 0, what="the delete")
        wait_for(lambda: "[[Streaming]]" not in read(vault, "Home.md"), what="the dashboard")
    assert up_to_date(vault)


@pytest.mark.timeout(60)
def test_a_moved_plan_keeps_its_milestones_a_renamed_one_loses_them(tmp_path: Path) -> None:
    """A move into a folder made a moment before is reported by watchdog as a delete some 0.5 s later
    (it waits for the other half of the move): the vault is right once that has come."""
    vault = pdp_vault(tmp_path)
    with running(vault):
        (vault / "Archive").mkdir()
        (vault / "Plans/Senior PDP.md").rename(vault / "Archive/Senior PDP.md")  # [[Senior PDP]] resolves
        (vault / "Milestones/Kafka.md").write_text(MILESTONE + "- [x] moved\n", "utf-8")
        wait_for(lambda: props(vault, "Archive/Senior PDP.md").get("tasks_total") == 4, what="the move")
        assert props(vault, "Archive/Senior PDP.md")["milestones_total"] == 1
        wait_for(lambda: up_to_date(vault), what="the rollup")
        (vault / "Archive/Senior PDP.md").rename(vault / "Archive/Staff PDP.md")  # it no longer does
        wait_for(lambda: "[[Staff PDP]]" in read(vault, "Home.md"), what="the renamed plan")
        wait_for(lambda: props(vault, "Archive/Staff PDP.md").get("milestones_total") == 0, what="its count")
        wait_for(lambda: up_to_date(vault), what="the rollup")
        assert "[[Senior PDP]]" not in read(vault, "Home.md")


@pytest.mark.timeout(60)
def test_an_editors_atomic_save_counts(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault):
        text = read(vault, "Milestones/Kafka.md").replace("- [ ] run a cluster", "- [x] run a cluster")
        atomic_save(vault, "Milestones/Kafka.md", text + "- [x] a new task, done\n")
        wait_for(lambda: props(vault, "Milestones/Kafka.md").get("tasks_done") == 2, what="the milestone")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_total"] == 4, what="the plan")
    assert "- [x] a new task, done\n" in read(vault, "Milestones/Kafka.md")
    assert not (vault / "Milestones/Kafka.md.tmp").exists()
    assert up_to_date(vault)


@pytest.mark.timeout(60)
def test_a_hundred_edits_in_a_second_make_a_handful_of_writes(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    settings = daemon.WatchSettings(debounce=0.3, quiet=0.0, idle_check=0.2)
    with running(vault, settings) as watcher:
        writes, rounds = watcher.writes, watcher.rounds
        path = vault / "Milestones/Kafka.md"
        for i in range(100):
            text = read(vault, "Milestones/Kafka.md")
            path.write_text(text + f"- [{'x' if i % 2 else ' '}] step {i}\n", "utf-8")
            time.sleep(0.008)
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_total"] == 103, what="the last edit")
        wait_for(lambda: up_to_date(vault), what="the final state")
        assert props(vault, "Milestones/Kafka.md")["tasks_done"] == 50
        assert props(vault, "Plans/Senior PDP.md")["tasks_done"] == 51
        assert "| 51/103 |" in read(vault, "Home.md")
        assert watcher.writes - writes <= 6, watcher.writes - writes
        assert watcher.rounds - rounds <= 3
    assert read(vault, "Milestones/Kafka.md").count("] step ") == 100


@pytest.mark.timeout(60)
def test_an_idle_vault_is_never_written(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault) as watcher:
        tick(vault, "Milestones/Kafka.md", "read the book")
        wait_for(lambda: up_to_date(vault), what="the rollup")
        wait_for(lambda: watcher.writes == 6, what="the writes")
        time.sleep(0.3)  # the echoes of its own writes arrive
        before, rounds, writes = mtimes(vault), watcher.rounds, watcher.writes
        assert any(name.startswith(".vaultkit/cache/index.sqlite") for name in before)
        time.sleep(3)
        assert mtimes(vault) == before
        assert (watcher.rounds, watcher.writes) == (rounds, writes)


@pytest.mark.timeout(60)
def test_a_second_daemon_is_refused_with_the_pid(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault):
        with pytest.raises(WatchLockedError, match=rf"pid {os.getpid()}"):
            daemon.Watcher(vault).run()
        result = CliRunner().invoke(main, ["watch", "--vault", str(vault)])
        assert result.exit_code == 1
        assert f"another vaultkit watch (pid {os.getpid()}) is already watching this vault" in result.stderr


@pytest.mark.timeout(60)
def test_a_stale_lock_is_taken_over_by_the_daemon(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    (vault / ".vaultkit").mkdir()
    (vault / LOCK_PATH).write_text(f"{dead_pid()}\n")
    with running(vault):
        assert (vault / LOCK_PATH).read_text() == f"{os.getpid()}\n"
    assert not (vault / LOCK_PATH).exists()


@pytest.mark.timeout(60)
def test_the_vault_folder_removed_and_restored(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    backup = tmp_path / "backup"
    with running(vault) as watcher:
        shutil.copytree(vault, backup)
        shutil.rmtree(vault)
        wait_for(lambda: not watcher.watching, what="the daemon to notice")
        shutil.copytree(backup, vault)
        wait_for(lambda: watcher.watching, what="the daemon to watch again")
        tick(vault, "Milestones/Kafka.md", "run a cluster")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="a change after")
        wait_for(lambda: up_to_date(vault), what="the rollup")


@pytest.mark.timeout(60)
def test_a_failing_round_is_logged_and_the_daemon_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    vault = pdp_vault(tmp_path)
    real = daemon.rollup_vault
    failures = [RuntimeError("boom")]

    def flaky(*args: object, **kwargs: object) -> object:
        if failures and kwargs.get("following"):
            raise failures.pop()
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(daemon, "rollup_vault", flaky)
    with running(vault):
        tick(vault, "Milestones/Kafka.md", "read the book")
        wait_for(lambda: not failures, what="the failure")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the rescan")
    assert any("a round failed" in r.getMessage() for r in caplog.records)
    assert up_to_date(vault)


@pytest.mark.timeout(60)
def test_a_path_that_cannot_be_followed_makes_a_rescan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    vault = pdp_vault(tmp_path)
    real = Vault.apply_change
    failures = [PermissionError(13, "Permission denied")]

    def flaky(self: Vault, change: Change) -> list[str]:
        if failures:
            raise failures.pop()
        return real(self, change)

    monkeypatch.setattr(Vault, "apply_change", flaky)
    with running(vault):
        tick(vault, "Milestones/Kafka.md", "read the book")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the rescan")
        wait_for(lambda: up_to_date(vault), what="the rollup")
    assert not failures
    assert any("Permission denied; rescanning the vault" in r.getMessage() for r in caplog.records)


@pytest.mark.timeout(60)
def test_too_many_events_at_once_make_a_rescan(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault, daemon.WatchSettings(debounce=0.2, quiet=0.0, idle_check=0.2, max_events=3)):
        for i in range(8):
            (vault / f"Milestones/M{i}.md").write_text(MILESTONE.replace("# Kafka", f"# M{i}"), "utf-8")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md").get("milestones_total") == 9, what="the rescan")
        wait_for(lambda: up_to_date(vault), what="the rollup")


@pytest.mark.timeout(60)
def test_a_broken_note_is_skipped_and_the_others_roll_up(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    with running(vault):
        (vault / "Milestones/Broken.md").write_text(
            "---\ntype: milestone\nplan: [[[\n---\n- [ ] x\n", "utf-8"
        )
        tick(vault, "Milestones/Kafka.md", "read the book")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan")
    assert read(vault, "Milestones/Broken.md") == "---\ntype: milestone\nplan: [[[\n---\n- [ ] x\n"


# ---------------------------------------------------------------------------------------------- chaos


@pytest.mark.timeout(60)
def test_chaos_every_edit_survives_and_the_rollup_agrees(tmp_path: Path) -> None:
    """A thread edits notes while the daemon runs: ticks boxes, appends tasks and lines, also to the
    dashboard outside its managed block, in place and by atomic saves. The daemon must lose none of it,
    and once the edits stop every property and block must agree with the final text."""
    flink = MILESTONE.replace("# Kafka", "# Flink").replace("read the book", "stream a table")
    vault = make_vault(
        tmp_path / "vault",
        {
            "Plans/Senior PDP.md": PLAN,
            "Milestones/Kafka.md": MILESTONE,
            "Milestones/Flink.md": flink,
            "Home.md": HOME,
            "Dashboards/Plans.md": HOME.replace("My own notes.", "Another dashboard."),
        },
    )
    edited = ["Milestones/Kafka.md", "Milestones/Flink.md", "Home.md"]
    expected: dict[str, list[str]] = {path: [] for path in edited}
    chaos = random.Random(13)
    settings = daemon.WatchSettings(debounce=0.05, quiet=1.0, idle_check=0.2)
    with running(vault, settings):
        end = time.monotonic() + 2.5
        i = 0
        while time.monotonic() < end:
            path = edited[i % len(edited)]
            text = read(vault, path)
            line = f"- [{chaos.choice(' x')}] chaos {i}" if path != "Home.md" else f"chaos line {i}"
            if path != "Home.md" and "- [ ] " in text and chaos.random() < 0.3:
                text = text.replace("- [ ] ", "- [x] ", 1)
            new = text + line + "\n"
            if chaos.random() < 0.5:
                atomic_save(vault, path, new)
            else:
                (vault / path).write_text(new, "utf-8")
            expected[path].append(line.removeprefix("- [ ] ").removeprefix("- [x] "))  # ticked later
            i += 1
            time.sleep(0.03)
        wait_for(lambda: up_to_date(vault), what="the rollup to settle")
    for path, lines in expected.items():
        text = read(vault, path)
        missing = [line for line in lines if f"] {line}\n" not in text and f"\n{line}\n" not in text]
        assert not missing, (path, missing)
    assert read(vault, "Home.md").index("<!-- vaultkit:end -->") < read(vault, "Home.md").index("chaos line")
    assert up_to_date(vault)
    done = sum(read(vault, p).count("- [x]") for p in ["Plans/Senior PDP.md", *edited[:2]])
    total = done + sum(read(vault, p).count("- [ ]") for p in ["Plans/Senior PDP.md", *edited[:2]])
    assert props(vault, "Plans/Senior PDP.md")["tasks_done"] == done
    assert props(vault, "Plans/Senior PDP.md")["tasks_total"] == total
    assert f"| {done}/{total} |" in read(vault, "Dashboards/Plans.md")


# ---------------------------------------------------------------------------------------------- the CLI


def test_watch_once_rolls_up_and_exits(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    result = CliRunner().invoke(main, ["watch", "--once", "--vault", str(vault)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "updated 3 notes, 0 notes up to date"
    assert up_to_date(vault)
    assert not (vault / LOCK_PATH).exists()
    (vault / "Milestones/Broken.md").write_text("---\ntype: milestone\nplan: [[[\n---\n", "utf-8")
    result = CliRunner().invoke(main, ["watch", "--once", "--vault", str(vault)])
    assert result.exit_code == 1
    assert "skipped Milestones/Broken.md" in result.stdout


def test_watch_refuses_a_folder_that_is_not_a_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VAULTKIT_VAULT", raising=False)
    result = CliRunner().invoke(main, ["watch", "--once"])
    assert result.exit_code == 2
    assert "no vault: no .obsidian/ folder" in result.stderr


@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_stops_the_daemon_cleanly_and_quickly(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with watch_process(vault, env=env) as proc:
        assert proc.stderr is not None
        first = json.loads(proc.stderr.readline())
        assert first["message"].startswith(f"watching {vault}")
        assert first["fields"]["written"] == ["Home.md", "Milestones/Kafka.md", "Plans/Senior PDP.md"]
        wait_for(lambda: (vault / LOCK_PATH).is_file(), what="the lock")
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - sent < 2
        rest = [json.loads(line) for line in proc.stderr.read().splitlines()]
        assert rest[-1]["message"] == f"stopped watching {vault}"
        assert not (vault / LOCK_PATH).exists()


@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_during_the_first_rollup_of_a_large_vault_stops_within_two_seconds(tmp_path: Path) -> None:
    """The first rollup of a never rolled-up 800-note vault writes some 600 notes (seconds): a stop
    request ends it between two notes, every note is whole (old or new text, no temp file), exit 0."""
    from benchmarks.generate import generate_vault

    generate_vault(tmp_path, 800, 13)
    vault = tmp_path / "vault"
    notes = sorted(vault.rglob("*.md"))
    before = {path: path.read_bytes() for path in notes}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with watch_process(vault, env=env) as proc:
        wait_for(
            lambda: any(path.read_bytes() != before[path] for path in notes),
            what="the first rollup to write",
            timeout=30,
        )
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - sent < 2
        assert proc.stderr is not None
        lines = [json.loads(line) for line in proc.stderr.read().splitlines()]
        assert lines[-1]["message"] == f"stopped watching {vault}"
    assert not (vault / LOCK_PATH).exists()
    after = sorted(vault.rglob("*.md"))
    assert after == notes  # no temp file left behind, no note lost
    written = [path for path in notes if path.read_bytes() != before[path]]
    assert 0 < len(written) < len(notes) // 2, len(written)  # it stopped part way
