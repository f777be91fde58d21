"""`vaultkit watch` and saves in place: a note is read once its writer has closed it, never between the
truncation and the write. The debouncer's rules with exact times (an injected clock), a model check of
them with hypothesis, and the daemon with the real observer on temporary vaults (Linux reports opens and
closes; these tests are about that)."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.watch import rounds_of
from tests.test_watch import MILESTONE, atomic_save, pdp_vault, props, read, running, up_to_date, wait_for
from vaultkit.errors import VaultError
from vaultkit.watch import daemon
from vaultkit.watch.debounce import DEFAULT_GRACE, DEFAULT_OPEN_WAIT, Debouncer

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify reports closes")

NOW = 100.0


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    before = threading.active_count()
    yield
    wait_for(lambda: threading.active_count() <= before, what="the daemon's threads to end")
    assert threading.active_count() == before


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------------------------------- debouncer


def test_a_save_in_place_is_due_at_its_close_even_with_no_debounce() -> None:
    clock = Clock()
    bounce = Debouncer(0.0, 0.0, clock)
    bounce.opened("a.md")
    bounce.add("a.md", "write")  # the truncation: the writer still holds the file open
    assert bounce.writing("a.md")
    assert bounce.due() == []
    assert bounce.next_due() == pytest.approx(NOW + DEFAULT_OPEN_WAIT)
    clock.now += 0.2
    bounce.add("a.md", "write")  # the write
    assert bounce.due() == []
    bounce.closed("a.md", wrote=True)
    assert bounce.next_due() == pytest.approx(NOW + 0.2)
    assert bounce.due() == ["a.md"]
    assert not bounce.writing("a.md")
    assert len(bounce) == 0


def test_a_readers_close_does_not_settle_a_write() -> None:
    clock = Clock()
    bounce = Debouncer(0.0, 0.0, clock)
    bounce.opened("a.md")  # the writer
    bounce.add("a.md", "write")
    bounce.opened("a.md")  # a reader (the daemon itself, say) comes and goes
    bounce.closed("a.md", wrote=False)
    bounce.add("a.md", "touch")  # attributes only: still waiting for the writer
    assert bounce.due() == []
    assert bounce.writing("a.md")
    clock.now += 0.5
    bounce.closed("a.md", wrote=True)
    assert bounce.due() == ["a.md"]


def test_a_writer_that_never_closes_is_read_after_the_open_wait() -> None:
    clock = Clock()
    bounce = Debouncer(0.0, 0.0, clock, open_wait=0.5)
    bounce.opened("a.md")
    bounce.add("a.md", "write")
    clock.now += 0.3
    bounce.add("a.md", "write")  # the wait counts from the last write
    clock.now += 0.49
    assert bounce.due() == []
    clock.now += 0.01
    assert bounce.due() == ["a.md"]


def test_without_opens_and_closes_a_write_waits_the_grace_or_the_debounce() -> None:
    """macOS and polling report no opens or closes: a write is read `grace` after it, at least the
    debounce."""
    clock = Clock()
    bounce = Debouncer(0.0, 0.0, clock)
    bounce.add("a.md", "write")
    assert bounce.next_due() == pytest.approx(NOW + DEFAULT_GRACE)
    clock.now += DEFAULT_GRACE
    assert bounce.due() == ["a.md"]
    slow = Debouncer(0.3, 0.0, clock, grace=0.1)
    slow.add("b.md", "write")
    assert slow.next_due() == pytest.approx(clock.now + 0.3)


def test_a_rename_and_a_delete_are_whole_at_once() -> None:
    clock = Clock()
    bounce = Debouncer(0.0, 0.0, clock)
    bounce.add("a.md", "write")
    bounce.add("a.md", "whole")  # a save through a temp file moved over the note: a new, complete file
    bounce.add("b.md")
    assert bounce.due() == ["a.md", "b.md"]


def test_with_a_debounce_a_close_settles_the_first_save_and_bursts_still_wait() -> None:
    clock = Clock()
    bounce = Debouncer(0.3, 2.0, clock)
    bounce.opened("a.md")
    bounce.add("a.md", "write")
    clock.now += 0.001
    bounce.closed("a.md", wrote=True)
    assert bounce.due() == ["a.md"]  # the path was quiet before this save: read it now that it is whole
    for _ in range(3):  # a burst: each save within the debounce of the one before
        clock.now += 0.01
        bounce.opened("a.md")
        bounce.add("a.md", "write")
        bounce.closed("a.md", wrote=True)
        assert bounce.due() == []
    assert bounce.next_due() == pytest.approx(clock.now + 0.3)
    clock.now += 0.3
    assert bounce.due() == ["a.md"]
    clock.now += 0.3  # quiet again: the next save is read at its close
    bounce.add("a.md", "write")
    bounce.closed("a.md", wrote=True)
    assert bounce.due() == ["a.md"]


def test_the_waits_cannot_be_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        Debouncer(0, 0, grace=-1)
    with pytest.raises(ValueError, match="negative"):
        Debouncer(0, 0, open_wait=-0.1)


_OPS = st.lists(
    st.tuples(
        st.sampled_from(["write", "whole", "touch", "open", "close", "release"]),
        st.sampled_from(["a.md", "b.md"]),
        st.sampled_from([0.0, 0.001, 0.05, 0.1, 0.25, 0.4, 1.0]),
    ),
    max_size=40,
)


@given(
    ops=_OPS,
    delay=st.sampled_from([0.0, 0.05, 0.3]),
    grace=st.sampled_from([0.0, 0.1, 0.2]),
    open_wait=st.sampled_from([0.15, 0.5]),
)
def test_a_write_is_never_read_before_its_close_or_its_wait(
    ops: list[tuple[str, str, float]], delay: float, grace: float, open_wait: float
) -> None:
    """A model of what each path waits for, checked after every step: a path whose last change is a write
    not yet closed is handed out only once its wait is over; any other path not before the debounce
    unless a close settled it; and every pending path is handed out at its `next_due` at the latest."""
    clock = Clock()
    bounce = Debouncer(delay, 0.0, clock, grace=grace, open_wait=open_wait)
    last: dict[str, float] = {}  # pending path -> time of its last event
    unclosed: set[str] = set()
    opens: dict[str, int] = {}
    closed_at: dict[str, float] = {}
    for op, path, step in ops:
        clock.now += step
        if op == "open":
            bounce.opened(path)
            opens[path] = opens.get(path, 0) + 1
        elif op in ("close", "release"):
            bounce.closed(path, wrote=op == "close")
            opens[path] = max(0, opens.get(path, 0) - 1)
            if op == "close":
                last[path] = clock.now
                unclosed.discard(path)
                closed_at[path] = clock.now
        else:
            bounce.add(path, "write" if op == "write" else "whole" if op == "whole" else "touch")
            last[path] = clock.now
            closed_at.pop(path, None)
            if op == "write":
                unclosed.add(path)
            elif op == "whole":
                unclosed.discard(path)
        for ready in bounce.due():
            waited = clock.now - last.pop(ready)
            if ready in unclosed:
                wait = open_wait if opens.get(ready) else grace
                assert waited >= max(delay, wait) - 1e-9
            elif ready not in closed_at:
                assert waited >= delay - 1e-9
            unclosed.discard(ready)
            closed_at.pop(ready, None)
        assert len(bounce) == len(last)
    deadline = bounce.next_due()
    if last:
        assert deadline is not None
        clock.now = max(clock.now, deadline)
        assert bounce.due()
    else:
        assert deadline is None


def test_close_waits_from_the_config(tmp_path: Path) -> None:
    assert daemon.close_waits(tmp_path, {}) == (0.1, 1.0)
    assert daemon.close_waits(tmp_path, {"close_grace_ms": 250, "open_wait_ms": 3000}) == (0.25, 3.0)
    with pytest.raises(VaultError, match=r"config\.toml: \[watch\] open_wait_ms must be a number") as caught:
        daemon.close_waits(tmp_path, {"open_wait_ms": "soon"})
    assert str(tmp_path / ".vaultkit" / "config.toml") in str(caught.value)
    with pytest.raises(VaultError, match="close_grace_ms"):
        daemon.close_waits(tmp_path, {"close_grace_ms": -5})


@linux_only
@pytest.mark.timeout(60)
def test_the_config_sets_the_waits_of_the_daemon(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    (vault / ".vaultkit").mkdir(exist_ok=True)
    config = "[watch]\nclose_grace_ms = 40\nopen_wait_ms = 700\n"
    (vault / ".vaultkit/config.toml").write_text(config, "utf-8")
    with running(vault, daemon.WatchSettings(debounce=0.0, quiet=0.0, idle_check=0.2)) as watcher:
        assert (watcher.debouncer.grace, watcher.debouncer.open_wait) == (0.04, 0.7)
    given = daemon.WatchSettings(debounce=0.0, quiet=0.0, idle_check=0.2, close_grace=0.0, open_wait=2.0)
    with running(vault, given) as watcher:
        assert (watcher.debouncer.grace, watcher.debouncer.open_wait) == (0.0, 2.0)


# ---------------------------------------------------------------------------------------------- the daemon

NO_WAIT = daemon.WatchSettings(debounce=0.0, quiet=0.0, idle_check=0.2)
TICKED = MILESTONE.replace("- [ ] read the book", "- [x] read the book")


def rounds_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "vaultkit.watch" and " -> " in r.getMessage()]


@linux_only
@pytest.mark.timeout(60)
def test_a_slow_save_in_place_is_one_round_of_its_final_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Obsidian's save (open with O_TRUNC, write, close) with 200 ms between the truncation and the
    write, and no debounce: the daemon waits for the close, so the plan and the dashboard never show the
    empty milestone, and one round reads the final text."""
    vault = pdp_vault(tmp_path)
    caplog.set_level(logging.DEBUG, "vaultkit.watch")
    with running(vault, NO_WAIT) as watcher:
        wait_for(lambda: watcher.writes == 3, what="the first rollup's writes")
        time.sleep(0.3)  # the echoes of those writes come and go
        rounds, writes = watcher.rounds, watcher.writes
        plan, home = read(vault, "Plans/Senior PDP.md"), read(vault, "Home.md")
        milestone = vault / "Milestones/Kafka.md"
        text = read(vault, "Milestones/Kafka.md").replace("- [ ] read the book", "- [x] read the book")
        with milestone.open("w", encoding="utf-8") as handle:  # truncated here
            time.sleep(0.2)
            assert read(vault, "Plans/Senior PDP.md") == plan  # nothing read, nothing written meanwhile
            assert read(vault, "Home.md") == home
            assert watcher.rounds == rounds
            handle.write(text)
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan")
        wait_for(lambda: props(vault, "Milestones/Kafka.md").get("tasks_done") == 1, what="the milestone")
        wait_for(lambda: "| 2/3 |" in read(vault, "Home.md"), what="the dashboard")
        time.sleep(0.5)
        assert watcher.rounds == rounds + 1
        assert watcher.writes == writes + 3  # the milestone, its plan, Home.md: once each
    lines = rounds_logged(caplog)
    assert not [line for line in lines if "0/0" in line], lines
    assert [line for line in lines if line.startswith("Milestones/Kafka.md")] == [
        'Milestones/Kafka.md ticked 1 -> Home.md, plan "Senior PDP" 2/3 67%'
    ], lines
    assert up_to_date(vault)


@linux_only
@pytest.mark.timeout(60)
def test_the_close_settles_a_save_at_once_not_after_a_wait(tmp_path: Path) -> None:
    """With the fallback waits at 5 s, a save in place is still read within moments of its close."""
    vault = pdp_vault(tmp_path)
    settings = daemon.WatchSettings(debounce=0.0, quiet=0.0, idle_check=0.2, close_grace=5.0, open_wait=5.0)
    with running(vault, settings):
        text = read(vault, "Milestones/Kafka.md").replace("- [ ] read the book", "- [x] read the book")
        (vault / "Milestones/Kafka.md").write_text(text, "utf-8")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan", timeout=3.0)


@linux_only
@pytest.mark.timeout(60)
def test_with_a_debounce_a_single_save_is_read_at_its_close(tmp_path: Path) -> None:
    vault = pdp_vault(tmp_path)
    settings = daemon.WatchSettings(debounce=4.0, quiet=0.0, idle_check=0.2)
    with running(vault, settings):
        time.sleep(0.3)
        text = read(vault, "Milestones/Kafka.md").replace("- [ ] read the book", "- [x] read the book")
        (vault / "Milestones/Kafka.md").write_text(text, "utf-8")
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan", timeout=3.0)


@linux_only
@pytest.mark.timeout(60)
def test_a_writer_that_keeps_the_note_open_is_read_after_the_open_wait(tmp_path: Path) -> None:
    """A writer that writes twice and does not close: no close comes, so the note is read once it has
    been quiet for `open_wait`, in one round of both writes."""
    vault = pdp_vault(tmp_path)
    settings = daemon.WatchSettings(debounce=0.0, quiet=30.0, idle_check=0.2, open_wait=0.6)
    with running(vault, settings) as watcher:
        time.sleep(0.3)
        rounds = watcher.rounds
        head, _, tail = read(vault, "Milestones/Kafka.md").partition("- [ ] read the book\n")
        with (vault / "Milestones/Kafka.md").open("r+", encoding="utf-8") as handle:
            handle.truncate(0)
            handle.write(head + "- [x] read the book\n")
            handle.flush()
            time.sleep(0.05)
            handle.write(tail + "- [x] keep a log\n")
            handle.flush()
            written = time.monotonic()
            wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_total"] == 4, what="the plan")
            assert time.monotonic() - written >= 0.6 - 0.05
            assert props(vault, "Plans/Senior PDP.md")["tasks_done"] == 3
            assert watcher.rounds == rounds + 1
        assert "- [x] keep a log\n" in read(vault, "Milestones/Kafka.md")


@linux_only
@pytest.mark.timeout(60)
def test_an_atomic_save_is_read_at_once(tmp_path: Path) -> None:
    """A save through a temp file and a rename is whole when it arrives: no wait for a close (the waits
    are 5 s here), one round."""
    vault = pdp_vault(tmp_path)
    settings = daemon.WatchSettings(debounce=0.0, quiet=0.0, idle_check=0.2, close_grace=5.0, open_wait=5.0)
    with running(vault, settings) as watcher:
        wait_for(lambda: watcher.writes == 3, what="the first rollup's writes")
        time.sleep(0.3)
        rounds = watcher.rounds
        atomic_save(vault, "Milestones/Kafka.md", TICKED)
        wait_for(lambda: props(vault, "Plans/Senior PDP.md")["tasks_done"] == 2, what="the plan", timeout=3.0)
        wait_for(lambda: props(vault, "Milestones/Kafka.md").get("tasks_done") == 1, what="the milestone")
        time.sleep(0.3)
        assert watcher.rounds == rounds + 1
    assert up_to_date(vault)


def test_the_benchmark_counts_the_rounds_of_the_milestone() -> None:
    log = (
        "13:41:23 skipped Journal/x.md: line 8: invalid YAML\n"
        '13:41:24 Plans/Milestones/M1 - Step.md ticked 1 -> Home.md, plan "P" 51/139 37%\n'
        '13:41:24 Plans/Milestones/M1 - Step.md ticked 0/0 -> Home.md, plan "P" 0/0\n'
        "13:41:24 Plans/Milestones/M1 - Step.md.bak ticked 1 -> Home.md\n"
        '13:41:25 Plans/Milestones/M1 - Step.md unticked 1 -> Home.md, plan "P" 50/139 36%\n'
    )
    assert rounds_of(log, "Plans/Milestones/M1 - Step.md") == 3
    assert rounds_of(log, "Journal/x.md") == 0
