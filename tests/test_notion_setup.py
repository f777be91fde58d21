"""`vaultkit notion setup` and `check` against the emulator: one set of databases however often setup runs,
the config's comments kept, and every schema problem named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from tests.conftest import make_vault
from tests.notion_emulator import Fault, NotionEmulator
from vaultkit.cli.commands import main
from vaultkit.config import load_config
from vaultkit.notion.client import Notion, NotionError, Pacing
from vaultkit.notion.schema import KINDS
from vaultkit.notion.settings import NotionSettings, notion_settings
from vaultkit.notion.setup import check_databases, setup_databases, write_database_ids

FAST = Pacing(rate=None, backoff=0.0, max_backoff=0.0)
CONFIG = """# my vault's settings
[tasks]
done = ["x", "X"]   # ticked

[notion]
# written by setup
deleted = "keep"
"""


@pytest.fixture
def emu() -> Iterator[NotionEmulator]:
    with NotionEmulator(page_size=2) as emulator:
        yield emulator


def _notion(emu: NotionEmulator) -> Notion:
    return Notion(emu.token, emu.base_url, pacing=FAST, http=httpx.Client(trust_env=False))


def _settings(root: Path) -> NotionSettings:
    return notion_settings(load_config(root), {})


def _databases(emu: NotionEmulator, parent: str) -> list[tuple[str, Any]]:
    return [(b["type"], b[b["type"]]["title"]) for b in emu.tree(parent) if b["type"] == "child_database"]


def _setup(emu: NotionEmulator, root: Path, parent: str) -> dict[str, str]:
    with _notion(emu) as notion:
        return setup_databases(notion, parent, _settings(root), root)


def test_setup_twice_makes_one_set_and_keeps_the_config(tmp_path: Path, emu: NotionEmulator) -> None:
    make_vault(tmp_path, {".vaultkit/config.toml": CONFIG})
    parent = emu.add_page("PDP")
    ids = _setup(emu, tmp_path, parent.replace("-", ""))
    assert list(ids) == list(KINDS)
    text = (tmp_path / ".vaultkit/config.toml").read_text("utf-8")
    assert text == CONFIG + "".join(f'{kind} = "{ids[kind]}"\n' for kind in KINDS)
    assert _settings(tmp_path).databases == ids
    emu.reset_log()
    assert _setup(emu, tmp_path, f"https://www.notion.so/acme/PDP-{parent.replace('-', '')}?pvs=4") == ids
    assert emu.writes() == []
    assert (tmp_path / ".vaultkit/config.toml").read_text("utf-8") == text
    assert _databases(emu, parent) == [
        ("child_database", "Plans"), ("child_database", "Milestones"), ("child_database", "Journal")
    ]


def test_setup_without_a_config_adopts_the_databases_under_the_page(
    tmp_path: Path, emu: NotionEmulator
) -> None:
    make_vault(tmp_path, {})
    parent = emu.add_page("PDP")
    ids = _setup(emu, tmp_path, parent)
    (tmp_path / ".vaultkit/config.toml").unlink()
    emu.reset_log()
    assert _setup(emu, tmp_path, parent) == ids
    assert emu.writes() == []
    assert (tmp_path / ".vaultkit/config.toml").read_text("utf-8") == "[notion]\n" + "".join(
        f'{kind} = "{ids[kind]}"\n' for kind in KINDS
    )


def test_the_relations_point_at_the_plans_data_source(tmp_path: Path, emu: NotionEmulator) -> None:
    make_vault(tmp_path, {})
    ids = _setup(emu, tmp_path, emu.add_page("PDP"))
    with _notion(emu) as notion:
        plans = notion.get(f"databases/{ids['plans']}")["data_sources"][0]["id"]
        for kind in ("milestones", "journals"):
            source = notion.get(f"databases/{ids[kind]}")["data_sources"][0]["id"]
            schema = notion.get(f"data_sources/{source}")["properties"]
            assert schema["Plan"]["relation"]["data_source_id"] == plans
            assert schema["Progress"]["number"]["format"] == "percent"


def test_a_create_whose_answer_was_lost_makes_one_database(tmp_path: Path, emu: NotionEmulator) -> None:
    make_vault(tmp_path, {})
    parent = emu.add_page("PDP")
    emu.faults.add(Fault(status=503, match="POST /v1/databases", committed=True))
    _setup(emu, tmp_path, parent)
    assert [title for _, title in _databases(emu, parent)] == ["Plans", "Milestones", "Journal"]


def test_a_page_not_shared_says_how_to_share_it(tmp_path: Path, emu: NotionEmulator) -> None:
    make_vault(tmp_path, {})
    hidden = emu.add_page("Private", shared=False)
    with pytest.raises(NotionError) as caught:
        _setup(emu, tmp_path, hidden)
    assert "not found or not shared with the integration" in str(caught.value)
    assert "Connections > add your integration" in str(caught.value)
    assert not (tmp_path / ".vaultkit/config.toml").exists()


def test_check_names_a_missing_and_a_wrongly_typed_property(tmp_path: Path, emu: NotionEmulator) -> None:
    make_vault(tmp_path, {})
    ids = _setup(emu, tmp_path, emu.add_page("PDP"))
    with _notion(emu) as notion:
        assert check_databases(notion, _settings(tmp_path)) == {kind: [] for kind in KINDS}
        source = notion.get(f"databases/{ids['milestones']}")["data_sources"][0]["id"]
        notion.call("PATCH", f"data_sources/{source}", body={"properties": {
            "Due": None, "Tags": {"rich_text": {}},
        }})
        problems = check_databases(notion, _settings(tmp_path))
    assert problems == {"plans": [], "journals": [], "milestones": [
        'property "Tags" is a text property; vaultkit needs a multi-select property there',
        'property "Due" is missing: add a date property named "Due"',
    ]}


def _run(root: Path, emu: NotionEmulator, *args: str) -> Any:
    env = {"NOTION_TOKEN": emu.token, "VAULTKIT_NOTION_BASE_URL": emu.base_url,
           "VAULTKIT_NOTION_RATE": "off", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return CliRunner().invoke(main, ["notion", *args, "--vault", str(root)], env=env)


def test_the_commands(tmp_path: Path, emu: NotionEmulator) -> None:
    make_vault(tmp_path, {})
    parent = emu.add_page("PDP")
    missing = _run(tmp_path, emu, "check")
    assert missing.exit_code == 1
    assert "plans: no database: set [notion] plans or run `vaultkit notion setup --parent PAGE`" in (
        missing.stdout
    )
    result = _run(tmp_path, emu, "setup", "--parent", parent)
    assert result.exit_code == 0, result.output
    assert "wrote the ids to .vaultkit/config.toml [notion]" in result.stdout
    checked = _run(tmp_path, emu, "check")
    assert (checked.exit_code, checked.stdout) == (0, "plans: ok\nmilestones: ok\njournals: ok\n")
    bad = _run(tmp_path, emu, "setup", "--parent", "no-page-here")
    assert bad.exit_code == 2
    assert "is not a Notion page id or URL" in bad.stderr


def test_write_database_ids_writes_only_changes(tmp_path: Path) -> None:
    make_vault(tmp_path, {".vaultkit/config.toml": CONFIG})
    ids = {kind: f"{n}" * 8 + "-1111-2222-3333-444455556666" for n, kind in enumerate(KINDS, 1)}
    assert write_database_ids(tmp_path, ids)
    assert not write_database_ids(tmp_path, {k: v.replace("-", "") for k, v in ids.items()})
    bad = tmp_path / "bad"
    make_vault(bad, {".vaultkit/config.toml": "[notion\n"})
    with pytest.raises(Exception, match="invalid TOML"):
        write_database_ids(bad, ids)
