"""`vaultkit watch --notion`: the real observer on temporary vaults, pushing to the Notion emulator.

A tick reaches Notion after the local rollup, and a slow Notion never delays a local round; Notion away
(503 forever) costs one log line, local rollups go on, and the push catches up to the exact final state;
a note Notion refuses is named once and not retried until it changes; a deleted note's page is trashed;
a restart makes no duplicate page; SIGTERM with a request in flight exits 0 at once; the token is never
logged. Real-filesystem tests poll for what they expect, with a deadline.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import make_vault
from tests.notion_emulator import Fault, NotionEmulator
from tests.test_watch import watch_process
from vaultkit.cli.commands import main
from vaultkit.notion.client import Notion, Pacing
from vaultkit.notion.settings import NotionSettings, notion_settings
from vaultkit.notion.setup import setup_databases
from vaultkit.notion.sync import sync_vault
from vaultkit.vault import Vault
from vaultkit.watch import daemon
from vaultkit.watch.notion_push import NotionPush, PushSettings

ROOT = Path(__file__).resolve().parents[1]
DEADLINE = 15.0
FAST = Pacing(rate=None, backoff=0.0, max_backoff=0.0)
WATCH = daemon.WatchSettings(debounce=0.05, quiet=0.0, idle_check=0.2)
PUSH = PushSettings(delay=0.1, backoff=0.2, max_backoff=0.5, join=2.0)

PLAN = "Plans/Senior PDP.md"
KAFKA = "Milestones/Kafka.md"
DAY = "Journal/2026-03-02.md"
VAULT = {
    PLAN: "---\ntype: plan\n---\n# Senior PDP\n\n- [x] write the plan\n",
    KAFKA: '---\ntype: milestone\nplan: "[[Senior PDP]]"\n---\n# Kafka\n\n- [ ] read the book\n'
    "- [ ] run a cluster\n",
    DAY: '---\ntype: journal\ndate: 2026-03-02\nplan: "[[Senior PDP]]"\n---\nLearned things.\n',
    "Home.md": "# Home\n\n<!-- vaultkit:begin plans -->\n<!-- vaultkit:end -->\n",
}


def wait_for(predicate: Callable[[], object], *, what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.fixture
def emu() -> Iterator[NotionEmulator]:
    with NotionEmulator(page_size=3) as emulator:
        yield emulator


def _notion(emu: NotionEmulator) -> Notion:
    return Notion(emu.token, emu.base_url, pacing=FAST, http=httpx.Client(trust_env=False))


def _settings(root: Path, emu: NotionEmulator) -> NotionSettings:
    return notion_settings(Vault(root).config, {"VAULTKIT_NOTION_BASE_URL": emu.base_url})


@pytest.fixture
def vault(tmp_path: Path, emu: NotionEmulator) -> Path:
    """A plan, its milestone and journal, a dashboard; and the three databases in the emulator."""
    root = make_vault(tmp_path / "vault", dict(VAULT))
    with _notion(emu) as notion:
        setup_databases(notion, emu.add_page("PDP"), NotionSettings(), root)
    emu.reset_log()
    return root


@contextmanager
def watching(root: Path, emu: NotionEmulator, push: PushSettings = PUSH) -> Iterator[tuple[daemon.Watcher,
                                                                                            NotionPush]]:
    """The daemon on a thread, with the push wired as `vaultkit watch --notion` wires it."""
    before = threading.active_count()
    pusher = NotionPush(root, _settings(root, emu), emu.token, FAST, push, http=httpx.Client(trust_env=False))
    watcher = daemon.Watcher(root, WATCH, after_round=pusher.queue)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            watcher.run()
        except BaseException as exc:  # the test's thread re-raises it
            failure.append(exc)

    pusher.start()
    thread = threading.Thread(target=run, name="watcher")
    thread.start()
    try:
        wait_for(lambda: (watcher.watching and watcher.rounds >= 1) or failure, what="the first rollup")
        if failure:
            raise failure[0]
        yield watcher, pusher
    finally:
        watcher.stop()
        thread.join(timeout=5)
        pusher.stop()
        assert not thread.is_alive()
        assert not pusher.alive
    if failure:
        raise failure[0]
    wait_for(lambda: threading.active_count() <= before, what="the threads to end")


def _sources(root: Path, emu: NotionEmulator) -> dict[str, str]:
    """The data source of each database, from the emulator's store (no request: faults stay for the push)."""
    with emu.lock:
        return {
            kind: str(emu.store.database(db)["data_sources"][0])
            for kind, db in _settings(root, emu).databases.items()
        }


def _pages(root: Path, emu: NotionEmulator) -> dict[str, dict[str, Any]]:
    """Every live page by its Path property."""
    out: dict[str, dict[str, Any]] = {}
    for source in _sources(root, emu).values():
        for page in emu.pages(source):
            path = "".join(t["plain_text"] for t in page["properties"]["Path"]["rich_text"])
            out[path] = page
    return out


def _progress(root: Path, emu: NotionEmulator, path: str) -> object:
    page = _pages(root, emu).get(path)
    return page["properties"]["Progress"]["number"] if page else None


def _todos(emu: NotionEmulator, page_id: str) -> dict[str, bool]:
    out = {}
    for block in emu.tree(page_id):
        if block["type"] == "to_do":
            text = "".join(t["plain_text"] for t in block["to_do"]["rich_text"])
            out[text] = block["to_do"]["checked"]
    return out


def _synced(root: Path, emu: NotionEmulator) -> bool:
    return set(_pages(root, emu)) == {PLAN, KAFKA, DAY}


def tick(root: Path, path: str, task: str) -> None:
    text = (root / path).read_text("utf-8")
    assert f"- [ ] {task}" in text
    (root / path).write_text(text.replace(f"- [ ] {task}", f"- [x] {task}"), "utf-8")


def _in_sync(root: Path, emu: NotionEmulator) -> bool:
    """A full sync from scratch (a new client) finds nothing to do: Notion holds exactly the vault."""
    emu.reset_log()
    vault = Vault(root)
    with _notion(emu) as notion:
        report = sync_vault(vault, notion, _settings(root, emu))
    return {n.action for n in report.notes} == {"unchanged"} and emu.writes() == []


# ----------------------------------------------------------------------------------------- pushing


@pytest.mark.timeout(90)
def test_a_tick_reaches_notion_after_the_local_rollup_which_a_slow_notion_never_delays(
    vault: Path, emu: NotionEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "vaultkit")
    with watching(vault, emu) as (watcher, _):
        wait_for(lambda: _synced(vault, emu), what="the first full sync")
        wait_for(lambda: "vaultkit_id:" in (vault / KAFKA).read_text("utf-8"), what="the sync id")
        # the sync ids written into three notes: at most one local round each, and none writes a thing
        writes, rounds = watcher.writes, watcher.rounds
        time.sleep(1.0)
        assert watcher.writes == writes
        assert watcher.rounds - rounds <= 3
        settled = len(emu.requests)
        time.sleep(0.5)
        assert len(emu.requests) == settled  # our own id writes are not pushed back

        emu.faults.add(Fault(kind="slow", delay=3.0, times=2, match="POST /v1/data_sources/*/query"))
        tick(vault, KAFKA, "read the book")
        ticked = time.monotonic()
        wait_for(lambda: "| 2/3 |" in (vault / "Home.md").read_text("utf-8"), what="the dashboard")
        assert time.monotonic() - ticked < 2.0  # the local round did not wait for Notion
        assert _progress(vault, emu, KAFKA) == 0.0  # Notion is still being slow
        page = _pages(vault, emu)[KAFKA]["id"]
        wait_for(lambda: _todos(emu, page) == {"read the book": True, "run a cluster": False},
                 what="the to_do block", timeout=30)
        wait_for(lambda: _progress(vault, emu, KAFKA) == 0.5, what="the Progress property")
        wait_for(lambda: _progress(vault, emu, PLAN) == 0.67, what="the plan's Progress")
    pushed = [r.getMessage() for r in caplog.records if r.getMessage().startswith("notion: ")]
    assert any(re.fullmatch(r"notion: 3 notes pushed \(3 created\), \d+ requests", m) for m in pushed)
    assert any(re.fullmatch(r"notion: 2 notes pushed \(2 updated\), \d+ requests", m) for m in pushed), pushed
    assert "notion: updated Milestones/Kafka.md" in pushed  # -v: each note
    assert _in_sync(vault, emu)
    assert emu.token not in caplog.text


@pytest.mark.timeout(90)
def test_notion_away_keeps_local_rollups_going_and_the_push_catches_up(
    vault: Path, emu: NotionEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "vaultkit")
    with watching(vault, emu) as (_, pusher):
        wait_for(lambda: _synced(vault, emu), what="the first full sync")
        emu.faults.add(Fault(status=503, times=None))
        tick(vault, KAFKA, "read the book")
        wait_for(lambda: "| 2/3 |" in (vault / "Home.md").read_text("utf-8"), what="the first local round")
        wait_for(lambda: pusher.down, what="the push to notice")
        tick(vault, KAFKA, "run a cluster")
        wait_for(lambda: "| 3/3 |" in (vault / "Home.md").read_text("utf-8"), what="the second local round")
        (vault / DAY).unlink()
        wait_for(lambda: "Journal" not in "".join(watcher_paths(vault)), what="the delete")
        time.sleep(1.0)  # several retries, all failing
        assert pusher.down
        emu.faults.clear()
        wait_for(lambda: not pusher.down, what="the push to catch up")
        wait_for(lambda: set(_pages(vault, emu)) == {PLAN, KAFKA}, what="the journal's page in the trash")
        wait_for(lambda: _progress(vault, emu, KAFKA) == 1.0, what="the milestone")
    away = [r for r in caplog.records if "notion: unreachable" in r.getMessage()]
    assert len(away) == 1, [r.getMessage() for r in away]
    assert away[0].levelno == logging.WARNING
    assert "service_unavailable" in away[0].getMessage()
    assert any(r.getMessage() == "notion: reachable again; caught up" for r in caplog.records)
    page = _pages(vault, emu)[KAFKA]["id"]
    assert _todos(emu, page) == {"read the book": True, "run a cluster": True}
    assert _in_sync(vault, emu)
    assert emu.token not in caplog.text


def watcher_paths(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*.md")]


@pytest.mark.timeout(60)
def test_a_note_notion_refuses_is_named_once_and_left_until_it_changes(
    vault: Path, emu: NotionEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "vaultkit")
    with watching(vault, emu):
        wait_for(lambda: _synced(vault, emu), what="the first full sync")
        wait_for(lambda: "vaultkit_id:" in (vault / DAY).read_text("utf-8"), what="the sync id")
        emu.faults.add(Fault(status=400, match="PATCH /v1/pages/*", times=None))
        text = (vault / DAY).read_text("utf-8")
        (vault / DAY).write_text(text.replace("type: journal\n", "type: journal\nstatus: active\n"), "utf-8")
        wait_for(lambda: any(r.getMessage().startswith(f"notion: {DAY}") for r in caplog.records),
                 what="the refusal")
        refused = [r for r in caplog.records if r.getMessage().startswith(f"notion: {DAY}")]
        assert len(refused) == 1
        assert refused[0].levelno == logging.WARNING
        assert "PATCH /v1/pages/" in refused[0].getMessage()
        assert "validation_error" in refused[0].getMessage()
        emu.reset_log()
        (vault / "Notes.md").write_text("an unrelated note\n", "utf-8")
        time.sleep(1.0)
        assert emu.requests == []  # not retried: the journal did not change
        emu.faults.clear()
        (vault / DAY).write_text(
            (vault / DAY).read_text("utf-8").replace("Learned things.", "Learned more."), "utf-8"
        )
        wait_for(lambda: _pages(vault, emu)[DAY]["properties"]["Status"]["select"] is not None,
                 what="the changed journal pushed")
    assert len([r for r in caplog.records if r.getMessage().startswith(f"notion: {DAY}")]) == 1


@pytest.mark.timeout(60)
def test_a_restarted_watcher_makes_no_duplicate_page(vault: Path, emu: NotionEmulator) -> None:
    with watching(vault, emu):
        wait_for(lambda: _synced(vault, emu), what="the first full sync")
    (vault / ".vaultkit" / "notion" / "state.json").unlink()  # lost local state: Notion is the truth
    emu.reset_log()
    with watching(vault, emu) as (_, pusher):
        wait_for(lambda: pusher.pushes >= 1, what="the full sync at the start")
        tick(vault, KAFKA, "read the book")
        wait_for(lambda: _progress(vault, emu, KAFKA) == 0.5, what="the tick pushed")
    assert not [w for w in emu.writes() if w.method == "POST" and w.path == "/v1/pages"]
    sources = _sources(vault, emu)
    assert [len(emu.pages(sources[kind])) for kind in ("plans", "milestones", "journals")] == [1, 1, 1]


# ----------------------------------------------------------------------------------------- the command


def _env(emu: NotionEmulator, token: str | None = None) -> dict[str, str]:
    return {
        "NOTION_TOKEN": emu.token if token is None else token,
        "VAULTKIT_NOTION_BASE_URL": emu.base_url,
        "VAULTKIT_NOTION_RATE": "off",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }


def test_watch_notion_without_a_token_refuses_to_start(vault: Path, emu: NotionEmulator) -> None:
    result = CliRunner().invoke(main, ["watch", "--notion", "--vault", str(vault)], env=_env(emu, token=""))
    assert result.exit_code == 2
    assert "NOTION_TOKEN is not set" in result.stderr
    assert emu.requests == []


def test_watch_notion_with_bad_settings_refuses_to_start(vault: Path, emu: NotionEmulator) -> None:
    config = vault / ".vaultkit" / "config.toml"
    config.write_text(config.read_text("utf-8").replace("[notion]", '[notion]\ndeleted = "shred"'), "utf-8")
    result = CliRunner().invoke(main, ["watch", "--notion", "--vault", str(vault)], env=_env(emu))
    assert result.exit_code == 2
    assert 'deleted = \'shred\' must be "trash" or "keep"' in result.stderr


def test_watch_notion_once_is_a_usage_error(vault: Path, emu: NotionEmulator) -> None:
    result = CliRunner().invoke(main, ["watch", "--notion", "--once", "--vault", str(vault)], env=_env(emu))
    assert result.exit_code == 2
    assert "vaultkit notion sync" in result.stderr


@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_sigterm_with_a_request_in_flight_exits_0_at_once(vault: Path, emu: NotionEmulator) -> None:
    emu.faults.add(Fault(kind="slow", delay=4.0, times=1))
    env = {**os.environ, **_env(emu), "PYTHONPATH": str(ROOT)}
    with watch_process(vault, "--notion", "--notion-delay", "0", "-v", env=env) as proc:
        assert proc.stderr is not None
        first = json.loads(proc.stderr.readline())
        assert first["message"].startswith(f"watching {vault}")
        wait_for(lambda: emu.faults.fired, what="a request in flight")
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - sent < 2
        rest = proc.stderr.read()
        lines = [json.loads(line) for line in rest.splitlines()]
        messages = [line["message"] for line in lines]
        assert f"stopped watching {vault}" in messages
        assert messages[-1] == "notion: a request is still in flight; not waiting for it"  # -v
        assert emu.token not in rest


@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM")
def test_the_command_pushes_and_logs_json_without_the_token(vault: Path, emu: NotionEmulator) -> None:
    env = {**os.environ, **_env(emu), "PYTHONPATH": str(ROOT)}
    with watch_process(vault, "--notion", "--notion-delay", "100", env=env) as proc:
        wait_for(lambda: _synced(vault, emu), what="the first full sync")
        wait_for(lambda: "vaultkit_id:" in (vault / KAFKA).read_text("utf-8"), what="the sync id")
        tick(vault, KAFKA, "read the book")
        wait_for(lambda: _progress(vault, emu, KAFKA) == 0.5, what="the tick pushed")
        wait_for(lambda: _progress(vault, emu, PLAN) == 0.67, what="the plan pushed")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
        assert proc.stderr is not None
        rest = proc.stderr.read()
    assert emu.token not in rest
    lines = [json.loads(line) for line in rest.splitlines()]
    pushes = [line for line in lines if line["message"].startswith("notion: ")]
    assert pushes[0]["fields"]["notion"]["totals"] == {"created": 3}
    later = [note for line in pushes[1:] for note in line["fields"]["notion"]["notes"]]
    assert {note["path"] for note in later} == {KAFKA, PLAN}
    assert {note["action"] for note in later} == {"updated"}
    assert all(line["level"] == "info" for line in pushes)
