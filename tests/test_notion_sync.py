"""`vaultkit notion sync` against the emulator: the real notion-client, real files in a temporary vault.

What a first sync creates (exact properties and block tree), that a re-sync writes nothing, that a ticked
box is one block update, that renames, lost state and lost answers never duplicate a page, that random
faults still end in the exact state, relations in any order, trash, failures reported per note, the
token never shown, and `--dry-run`.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_vault
from tests.notion_emulator import Fault, NotionEmulator, RateLimit
from tests.notion_emulator.store import render_text
from vaultkit.cli.commands import main
from vaultkit.notion.client import Notion, Pacing
from vaultkit.notion.pages import (
    PageSource,
    canonical_properties,
    changed_properties,
    page_properties,
)
from vaultkit.notion.richtext import MAX_TEXT, utf16_len
from vaultkit.notion.settings import NotionSettings, notion_settings
from vaultkit.notion.setup import setup_databases
from vaultkit.notion.sync import SyncReport, sync_vault
from vaultkit.vault import Vault

FAST = Pacing(rate=None, backoff=0.0, max_backoff=0.0)

PLAN = "Plans/Senior PDP.md"
SHIP = "Milestones/Ship search.md"
MENTOR = "Milestones/Mentor.md"
DAY = "Journal/2026-03-02.md"
VAULT = {
    PLAN: "---\ntype: plan\nstatus: active\ntags: [career, \"a,b\"]\n---\n# Senior PDP\n\n"
    "- [x] Write the plan\n- [ ] Ask for feedback\n",
    SHIP: "---\ntype: milestone\nplan: \"[[Senior PDP]]\"\nstatus: in-progress\ndue: 2026-03-31\n---\n"
    "## Tasks\n\n- [ ] Design\n- [x] Prototype\n",
    MENTOR: "---\ntype: milestone\nplan: \"[[Senior PDP]]\"\ndue: next week\n---\n- [ ] Pair weekly\n\n"
    "See [[Ship search]].\n",
    DAY: "---\ntype: journal\ndate: 2026-03-02\nplan: \"[[Senior PDP]]\"\n---\nLearned %%secret%% things.\n",
    "Notes/idea.md": "just a note\n",
}


@pytest.fixture
def emu() -> Iterator[NotionEmulator]:
    with NotionEmulator(page_size=3) as emulator:
        yield emulator


def _notion(emu: NotionEmulator, pacing: Pacing = FAST) -> Notion:
    return Notion(emu.token, emu.base_url, pacing=pacing, http=httpx.Client(trust_env=False))


@pytest.fixture
def vault(tmp_path: Path, emu: NotionEmulator) -> Path:
    """A vault with a plan, two milestones, a journal and a plain note, and its three databases."""
    root = tmp_path / "vault"
    make_vault(root, VAULT)
    parent = emu.add_page("PDP")
    with _notion(emu) as notion:
        setup_databases(notion, parent, NotionSettings(), root)
    emu.reset_log()
    return root


def _sync(root: Path, emu: NotionEmulator, pacing: Pacing = FAST, **options: Any) -> SyncReport:
    vault = Vault(root)
    with _notion(emu, pacing) as notion:
        return sync_vault(vault, notion, notion_settings(vault.config, {}), **options)


def _sources(root: Path, emu: NotionEmulator) -> dict[str, str]:
    vault = Vault(root)
    settings = notion_settings(vault.config, {})
    with _notion(emu) as notion:
        return {
            kind: str(notion.get(f"databases/{db}")["data_sources"][0]["id"])
            for kind, db in settings.databases.items()
        }


def _plain(items: list[dict[str, Any]]) -> str:
    return "".join(item["plain_text"] for item in items)


def _value(prop: dict[str, Any]) -> Any:
    kind = prop["type"]
    value = prop[kind]
    if kind in ("title", "rich_text"):
        return _plain(value)
    if kind == "select":
        return value and value["name"]
    if kind == "multi_select":
        return [option["name"] for option in value]
    if kind == "date":
        return value and value["start"]
    if kind == "relation":
        return [ref["id"] for ref in value]
    return value


def _tree(nodes: list[dict[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for node in nodes:
        data = node[node["type"]]
        entry: dict[str, Any] = {"type": node["type"], "text": _plain(data.get("rich_text", []))}
        links = [item["href"] for item in data.get("rich_text", []) if item.get("href")]
        if links:
            entry["links"] = links
        if node["type"] == "to_do":
            entry["checked"] = data["checked"]
        if node["children"]:
            entry["children"] = _tree(node["children"])
        out.append(entry)
    return out


def _state(root: Path, emu: NotionEmulator) -> dict[str, Any]:
    """Every live page by its Path property: its properties (plain values) and its block tree."""
    out: dict[str, Any] = {}
    for kind, source in _sources(root, emu).items():
        for page in emu.pages(source):
            values = {name: _value(prop) for name, prop in page["properties"].items()}
            out[values["Path"]] = {"kind": kind, "id": page["id"], "properties": values,
                                   "body": _tree(emu.tree(page["id"]))}
    return out


def _sync_id(root: Path, path: str) -> str:
    text = (root / path).read_text("utf-8")
    return text.split("vaultkit_id: ", 1)[1].split("\n", 1)[0]


def _expected(root: Path, state: dict[str, Any]) -> dict[str, Any]:
    """The exact state the small vault should have in Notion (page ids from `state`)."""
    plan_id = state[PLAN]["id"]
    ship_url = "https://www.notion.so/" + state[SHIP]["id"].replace("-", "")
    common = {"Tags": [], "Status": None}
    return {
        PLAN: {"kind": "plans", "properties": {
            "Name": "Senior PDP", "Status": "active", "Progress": 0.4, "Tasks done": 2, "Tasks total": 5,
            "Tags": ["career", "a b"], "Path": PLAN, "vaultkit id": _sync_id(root, PLAN),
        }, "body": [
            {"type": "heading_1", "text": "Senior PDP"},
            {"type": "to_do", "text": "Write the plan", "checked": True},
            {"type": "to_do", "text": "Ask for feedback", "checked": False},
        ]},
        SHIP: {"kind": "milestones", "properties": common | {
            "Name": "Ship search", "Status": "in-progress", "Progress": 0.5, "Tasks done": 1,
            "Tasks total": 2, "Due": "2026-03-31", "Plan": [plan_id], "Path": SHIP,
            "vaultkit id": _sync_id(root, SHIP),
        }, "body": [
            {"type": "heading_2", "text": "Tasks"},
            {"type": "to_do", "text": "Design", "checked": False},
            {"type": "to_do", "text": "Prototype", "checked": True},
        ]},
        MENTOR: {"kind": "milestones", "properties": common | {
            "Name": "Mentor", "Progress": 0.0, "Tasks done": 0, "Tasks total": 1, "Due": None,
            "Plan": [plan_id], "Path": MENTOR, "vaultkit id": _sync_id(root, MENTOR),
        }, "body": [
            {"type": "to_do", "text": "Pair weekly", "checked": False},
            {"type": "paragraph", "text": "See Ship search.", "links": [ship_url]},
        ]},
        DAY: {"kind": "journals", "properties": common | {
            "Name": "2026-03-02", "Progress": None, "Tasks done": 0, "Tasks total": 0, "Date": "2026-03-02",
            "Plan": [plan_id], "Path": DAY, "vaultkit id": _sync_id(root, DAY),
        }, "body": [{"type": "paragraph", "text": "Learned things."}]},
    }


def _without_ids(state: dict[str, Any]) -> dict[str, Any]:
    return {path: {k: v for k, v in page.items() if k != "id"} for path, page in state.items()}


# ----------------------------------------------------------------------------------------- first sync


def test_first_sync_creates_exactly_the_expected_pages(vault: Path, emu: NotionEmulator) -> None:
    report = _sync(vault, emu)
    assert {n.path: n.action for n in report.notes} == dict.fromkeys([DAY, MENTOR, SHIP, PLAN], "created")
    assert [w for n in report.notes for w in n.warnings] == [
        "due: 'next week' is not a date (YYYY-MM-DD); left out of the page"
    ]
    state = _state(vault, emu)
    assert _without_ids(state) == _expected(vault, state)
    # the sync id was written once, as one line, and nothing else in the note changed
    text = (vault / MENTOR).read_text("utf-8")
    assert text == VAULT[MENTOR].replace("---\n-", f"vaultkit_id: {_sync_id(vault, MENTOR)}\n---\n-", 1)
    assert len(_sync_id(vault, MENTOR)) == 32
    assert (vault / "Notes/idea.md").read_text("utf-8") == VAULT["Notes/idea.md"]
    assert report.requests["writes"] == len(emu.writes())


def test_a_resync_of_an_unchanged_vault_sends_no_write(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    emu.reset_log()
    report = _sync(vault, emu)
    assert emu.writes() == []
    assert {n.action for n in report.notes} == {"unchanged"}
    # three data source queries (page_size 3: one page each), no body read
    assert [r.method + " " + r.path.split("/")[2] for r in emu.requests] == ["POST data_sources"] * 3


def test_one_ticked_box_is_one_block_update_plus_the_changed_properties(
    vault: Path, emu: NotionEmulator
) -> None:
    _sync(vault, emu)
    before = _state(vault, emu)
    path = vault / SHIP
    path.write_text(path.read_text("utf-8").replace("- [ ] Design", "- [x] Design"), "utf-8")
    emu.reset_log()
    report = _sync(vault, emu)
    block = next(b for b in emu.tree(before[SHIP]["id"]) if b["type"] == "to_do")
    assert block["to_do"]["rich_text"][0]["plain_text"] == "Design"
    writes = [(w.method, w.path, w.body) for w in emu.writes()]
    assert sorted(writes, key=repr) == sorted([
        ("PATCH", f"/v1/blocks/{block['id']}", {"to_do": {
            "rich_text": [{"type": "text", "text": {"content": "Design", "link": None}, "annotations": {}}],
            "checked": True,
        }}),
        ("PATCH", f"/v1/pages/{before[PLAN]['id']}", {"properties": {
            "Progress": {"number": 0.6}, "Tasks done": {"number": 3},
        }}),
        ("PATCH", f"/v1/pages/{before[SHIP]['id']}", {"properties": {
            "Progress": {"number": 1.0}, "Tasks done": {"number": 2},
        }}),
    ], key=repr)
    assert {n.path: n.action for n in report.notes} == {
        DAY: "unchanged", MENTOR: "unchanged", SHIP: "updated", PLAN: "updated"
    }


# ----------------------------------------------------------------------------------------- identity


def test_a_renamed_note_keeps_its_page_and_its_path_follows(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    before = _state(vault, emu)
    (vault / "Milestones/Done").mkdir()
    (vault / SHIP).rename(vault / "Milestones/Done/Search shipped.md")
    emu.reset_log()
    _sync(vault, emu)
    after = _state(vault, emu)
    moved = after["Milestones/Done/Search shipped.md"]
    assert moved["id"] == before[SHIP]["id"]
    assert moved["properties"]["Name"] == "Search shipped"
    assert len(after) == 4
    assert {w.method for w in emu.writes()} == {"PATCH"}
    assert not any(w.path == "/v1/pages" for w in emu.writes())


def test_lost_local_state_makes_no_duplicate_and_no_write(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    before = _state(vault, emu)
    shutil.rmtree(vault / ".vaultkit" / "notion")
    shutil.rmtree(vault / ".vaultkit" / "cache", ignore_errors=True)
    emu.reset_log()
    report = _sync(vault, emu)
    assert emu.writes() == []
    assert {n.action for n in report.notes} == {"unchanged"}
    assert _state(vault, emu) == before
    assert (vault / ".vaultkit" / "notion" / "state.json").is_file()


def test_a_create_whose_answer_was_lost_makes_one_page(vault: Path, emu: NotionEmulator) -> None:
    emu.faults.add(Fault(status=503, match="POST /v1/pages", committed=True, times=2))
    report = _sync(vault, emu)
    assert not report.failed
    state = _state(vault, emu)
    assert _without_ids(state) == _expected(vault, state)
    # the two answers lost were confirmed by reading back, never repeated
    assert len([w for w in emu.writes() if w.path == "/v1/pages"]) == 4


@pytest.mark.parametrize("seed", [5, 8])  # both lose the answer to a committed create
def test_random_faults_end_in_the_exact_state_in_one_run(
    vault: Path, emu: NotionEmulator, seed: int
) -> None:
    emu.faults.random(0.1, seed=seed)
    report = _sync(vault, emu)
    emu.faults.clear()
    assert not report.failed, [n.as_dict() for n in report.failed]
    assert report.requests["retries"] > 0
    state = _state(vault, emu)
    assert _without_ids(state) == _expected(vault, state)
    emu.reset_log()
    _sync(vault, emu)
    assert emu.writes() == []


def test_relations_are_right_whatever_the_order(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu, notes=[SHIP])
    first = _state(vault, emu)
    assert first[SHIP]["properties"]["Plan"] == []
    _sync(vault, emu, notes=[PLAN])
    state = _state(vault, emu)
    assert state[SHIP]["properties"]["Plan"] == [state[PLAN]["id"]]
    assert state[SHIP]["id"] == first[SHIP]["id"]
    assert set(state) == {PLAN, SHIP}


# ----------------------------------------------------------------------------------------- deletion


@pytest.mark.parametrize("deleted", ["trash", "keep"])
def test_a_deleted_note_is_trashed_or_kept(vault: Path, emu: NotionEmulator, deleted: str) -> None:
    _sync(vault, emu)
    page = _state(vault, emu)[MENTOR]["id"]
    config = vault / ".vaultkit" / "config.toml"
    config.write_text(config.read_text("utf-8") + f'deleted = "{deleted}"\n', "utf-8")
    (vault / MENTOR).unlink()
    report = _sync(vault, emu)
    source = _sources(vault, emu)["milestones"]
    live = [p["id"] for p in emu.pages(source)]
    if deleted == "trash":
        assert page not in live
        assert [(n.path, n.action, n.page_id) for n in report.notes if n.action == "trashed"] == [
            (MENTOR, "trashed", page)
        ]
    else:
        assert page in live
        assert not [n for n in report.notes if n.action == "trashed"]


def test_a_trash_answered_503_after_landing_is_not_repeated(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    page = _state(vault, emu)[MENTOR]["id"]
    (vault / MENTOR).unlink()
    emu.faults.add(Fault(status=503, match=f"PATCH /v1/pages/{page}", committed=True))
    report = _sync(vault, emu)
    assert not report.failed
    assert [n.action for n in report.notes if n.page_id == page] == ["trashed"]


# ----------------------------------------------------------------------------------------- failures


def test_broken_yaml_is_reported_and_its_page_kept(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    page = _state(vault, emu)[MENTOR]["id"]
    path = vault / MENTOR
    path.write_text(path.read_text("utf-8").replace("due: next week", "due: [next"), "utf-8")
    report = _sync(vault, emu)
    failed = {n.path: n for n in report.failed}
    assert list(failed) == [MENTOR]
    assert failed[MENTOR].line is not None and failed[MENTOR].error
    source = _sources(vault, emu)["milestones"]
    assert page in [p["id"] for p in emu.pages(source)]  # never trashed for a note we could not read
    # the plan no longer counts the unreadable milestone's tasks, as rollup would not
    assert {n.path: n.action for n in report.notes if n.path != MENTOR} == {
        DAY: "unchanged", SHIP: "unchanged", PLAN: "updated"
    }


def test_a_copied_note_is_reported_not_synced_onto_the_same_page(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    before = _state(vault, emu)
    shutil.copy(vault / SHIP, vault / "Milestones/Ship search copy.md")
    emu.reset_log()
    report = _sync(vault, emu)
    copy = "Milestones/Ship search copy.md"
    assert [(n.path, n.error) for n in report.failed] == [
        (copy, f"vaultkit_id is the same as in {SHIP} (a copied note?): delete the "
         "vaultkit_id line of the copy and sync again"),
        (SHIP, f"vaultkit_id is the same as in {copy} (a copied note?): delete the "
         "vaultkit_id line of the copy and sync again"),
    ]
    after = _state(vault, emu)
    assert after[SHIP] == before[SHIP]  # neither copy took the page over, and it was not trashed
    assert set(after) == set(before)


def test_a_note_notion_rejects_fails_alone_with_notions_message(vault: Path, emu: NotionEmulator) -> None:
    source = _sources(vault, emu)["journals"]
    with _notion(emu) as notion:  # the user turned Date into a text property
        notion.call("PATCH", f"data_sources/{source}", body={"properties": {"Date": {"rich_text": {}}}})
    report = _sync(vault, emu)
    assert [n.path for n in report.failed] == [DAY]
    assert "Date" in (report.failed[0].error or "")
    assert "validation_error" in (report.failed[0].error or "")
    assert {n.path: n.action for n in report.notes if n.path != DAY} == dict.fromkeys(
        [MENTOR, SHIP, PLAN], "created"
    )


# ----------------------------------------------------------------------------------------- the command


def _run(root: Path, emu: NotionEmulator, *args: str, token: str | None = None) -> Any:
    env = {
        "NOTION_TOKEN": emu.token if token is None else token,
        "VAULTKIT_NOTION_BASE_URL": emu.base_url,
        "VAULTKIT_NOTION_RATE": "off",
        "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1",
        "COLUMNS": "100",
    }
    return CliRunner().invoke(main, ["notion", *args, "--vault", str(root)], env=env)


def test_the_command_syncs_reports_json_and_never_shows_the_token(
    vault: Path, emu: NotionEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    emu.faults.add(Fault(status=401, match="POST /v1/data_sources/*/query", times=1))
    failed = _run(vault, emu, "sync")
    assert failed.exit_code == 1
    result = _run(vault, emu, "sync", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["totals"] == {"created": 4}
    assert set(data["requests"]) == {"reads", "writes", "retries", "waited_seconds"}
    assert [n["path"] for n in data["notes"]] == [DAY, MENTOR, SHIP, PLAN]
    text = _run(vault, emu, "sync")
    assert text.exit_code == 0
    assert "4 unchanged; 3 reads, 0 writes, 0 retries" in text.stdout
    secret = emu.token
    assert secret not in failed.output + result.output + text.output
    assert secret not in caplog.text
    for file in vault.rglob("*"):
        if file.is_file():
            assert secret.encode() not in file.read_bytes(), file


def test_a_failed_note_exits_1_naming_it(vault: Path, emu: NotionEmulator) -> None:
    source = _sources(vault, emu)["journals"]
    with _notion(emu) as notion:
        notion.call("PATCH", f"data_sources/{source}", body={"properties": {"Date": {"rich_text": {}}}})
    result = _run(vault, emu, "sync")
    assert result.exit_code == 1
    assert f"failed     {DAY}: PATCH /v1/pages/" not in result.stdout  # created: the create failed
    assert f"failed     {DAY}: POST /v1/pages: validation_error:" in result.stdout
    assert "3 created, 1 failed" in result.stdout


def test_dry_run_sends_no_write_and_lists_what_it_would(vault: Path, emu: NotionEmulator) -> None:
    result = _run(vault, emu, "sync", "--dry-run")
    assert result.exit_code == 0, result.output
    assert emu.writes() == []
    assert "would be created Plans/Senior PDP.md" in result.stdout
    assert "create page (8 properties)" in result.stdout
    assert "(provisional)" in result.stdout
    for path, text in VAULT.items():
        assert (vault / path).read_text("utf-8") == text
    assert not (vault / ".vaultkit" / "notion").exists()
    _sync(vault, emu)
    (vault / SHIP).write_text((vault / SHIP).read_text("utf-8").replace("[ ] Design", "[x] Design"))
    emu.reset_log()
    result = _run(vault, emu, "sync", "--dry-run", "--json")
    assert emu.writes() == []
    notes = {n["path"]: n for n in json.loads(result.stdout)["notes"]}
    assert notes[SHIP]["action"] == "updated"
    assert notes[SHIP]["sent"] == ["properties: Progress, Tasks done", "body: differs (3 blocks wanted)"]


def test_no_token_is_a_usage_error(vault: Path, emu: NotionEmulator) -> None:
    result = _run(vault, emu, "sync", token="")
    assert result.exit_code == 2
    assert "NOTION_TOKEN is not set" in result.stderr
    assert emu.requests == []


def test_pacing_honours_429_and_retry_after(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    make_vault(root, {PLAN: VAULT[PLAN], SHIP: VAULT[SHIP]})
    with NotionEmulator(page_size=100) as emu:
        parent = emu.add_page("PDP")
        with _notion(emu) as notion:
            setup_databases(notion, parent, NotionSettings(), root)
        emu.rate_limit = RateLimit(per_second=3.0, burst=1)
        emu.reset_log()
        report = _sync(root, emu, Pacing(), notes=[PLAN])  # the default: 3 a second, bursts of 3
        statuses = [r.status for r in emu.requests]
        assert 429 in statuses
        assert not report.failed
        assert report.requests["retries"] == statuses.count(429)
        assert report.requests["waited_seconds"] >= 1.0
        assert {n.action for n in report.notes} == {"created"}


# ----------------------------------------------------------------------------------------- pages.py


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=2500)


@given(
    title=_TEXT,
    status=st.one_of(st.none(), st.text(max_size=30)),
    tags=st.lists(st.text(min_size=1, max_size=12), max_size=120),
    progress=st.one_of(st.none(), st.integers(0, 100)),
    due=st.one_of(st.none(), st.dates().map(str), st.text(max_size=10)),
)
def test_what_notion_returns_for_the_values_sent_compares_unchanged(
    title: str, status: str | None, tags: list[str], progress: int | None, due: str | None
) -> None:
    source = PageSource(
        kind="milestones", title=title, path="M.md", sync_id="0" * 32,
        frontmatter={"status": status, "tags": tags, "due": due}, tasks_done=1, tasks_total=2,
        progress=progress, plan_page="1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
    )
    values = page_properties(source)
    name = values.properties["Name"]["title"]
    assert len(name) <= 100 and all(utf16_len(i["text"]["content"]) <= MAX_TEXT for i in name)
    assert all("," not in o["name"] for o in values.properties["Tags"]["multi_select"])
    assert len(values.properties["Tags"]["multi_select"]) <= 100
    returned = {key: _as_returned(value) for key, value in values.properties.items()}
    assert changed_properties(values.properties, canonical_properties(returned)) == {}
    other = page_properties(PageSource(**{**source.__dict__, "tasks_done": 2}))
    assert changed_properties(other.properties, canonical_properties(returned)) == {
        "Tasks done": {"number": 2}
    }


def _as_returned(value: dict[str, Any]) -> dict[str, Any]:
    """A property value as Notion returns it: `type`, rich text filled in, option ids and colours."""
    ((kind, raw),) = value.items()
    if kind in ("title", "rich_text"):
        raw = render_text(raw)
    elif kind == "select" and raw is not None:
        raw = raw | {"id": "x", "color": "default"}
    elif kind == "multi_select":
        raw = [o | {"id": "x", "color": "blue"} for o in raw]
    elif kind == "date" and raw is not None:
        raw = raw | {"end": None, "time_zone": None}
    elif kind == "relation":
        raw = [{"id": r["id"].replace("-", "")} for r in raw]
    return {"id": "p", "type": kind, kind: raw}


def test_dates_that_are_not_dates_are_left_out_with_a_warning() -> None:
    import datetime as dt

    for due, want in [("2026-03-31", "2026-03-31"), (dt.date(2026, 1, 2), "2026-01-02"),
                      ("2026-03-31T10:00", "2026-03-31"), ("", None), (None, None)]:
        values = page_properties(PageSource("milestones", "M", "M.md", "0" * 32, {"due": due}))
        assert values.properties["Due"] == {"date": {"start": want} if want else None}
        assert values.warnings == ()
    values = page_properties(PageSource("journals", "J", "J.md", "0" * 32, {"date": "31/03/2026"}))
    assert values.properties["Date"] == {"date": None}
    assert values.warnings == ("date: '31/03/2026' is not a date (YYYY-MM-DD); left out of the page",)


def test_a_second_copy_without_the_ids_finds_the_pages_by_path(
    tmp_path: Path, vault: Path, emu: NotionEmulator
) -> None:
    """Another machine whose copy of the vault has not received the ids yet: no page is created twice,
    none is trashed, and its notes take the ids the pages carry, so both copies agree."""
    other = tmp_path / "other"
    shutil.copytree(vault, other)  # before the first sync: no vaultkit_id in any note
    _sync(vault, emu)
    before = _state(vault, emu)
    emu.reset_log()
    report = _sync(other, emu)
    assert not report.failed
    assert not [w for w in emu.writes() if w.path == "/v1/pages" or "in_trash" in (w.body or {})]
    assert _state(other, emu) == before
    for path in (PLAN, SHIP, MENTOR, DAY):
        assert _sync_id(other, path) == _sync_id(vault, path)
    emu.reset_log()
    _sync(vault, emu)
    assert emu.writes() == []


def test_a_note_whose_id_line_was_deleted_keeps_its_page(vault: Path, emu: NotionEmulator) -> None:
    _sync(vault, emu)
    before = _state(vault, emu)
    path = vault / SHIP
    old = _sync_id(vault, SHIP)
    path.write_text(path.read_text("utf-8").replace(f"vaultkit_id: {old}\n", ""), "utf-8")
    report = _sync(vault, emu)
    assert not report.failed
    assert _sync_id(vault, SHIP) == old
    assert _state(vault, emu) == before
