"""The scanning facade: one place chooses the engine, settings can force the oracle, and it counts which
engine read each note."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_vault

from vaultkit.errors import VaultError
from vaultkit.markdown import scanner
from vaultkit.markdown._fast.blockrules import UndecidedError
from vaultkit.notes.tasks import DEFAULT_STATUSES
from vaultkit.vault import Vault

DECIDED = "- [x] done\n- [ ] open\n"
DECLINED = "> quote\nlazy continuation\n- [ ] task\n"  # a lazy line after a quote: the fast scanner declines


@pytest.fixture(autouse=True)
def _engine_from_a_clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scanner.ENV_VAR, "")  # "" is auto; monkeypatch restores it after each test
    scanner.COUNTS.reset()


def test_auto_reads_fast_where_it_can_and_the_oracle_elsewhere() -> None:
    with pytest.raises(UndecidedError):
        scanner.scan(DECLINED, engine="fast")
    assert scanner.scan(DECLINED) == scanner.scan(DECLINED, engine="oracle")
    assert scanner.scan(DECIDED) == scanner.scan(DECIDED, engine="oracle")
    scanner.COUNTS.reset()
    scanner.scan(DECIDED)
    scanner.scan(DECLINED)
    assert scanner.COUNTS.as_dict() == {"fast": 1, "oracle": 1, "yaml_properties": 0}


def test_the_environment_forces_the_oracle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scanner.ENV_VAR, "oracle")
    assert scanner.current_engine() == "oracle"
    scanner.scan(DECIDED)
    assert (scanner.COUNTS.fast, scanner.COUNTS.oracle) == (0, 1)
    assert scanner.note_summary("a.md", DECIDED.encode(), DEFAULT_STATUSES) is None


def test_a_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scanner.ENV_VAR, "fast")
    with pytest.raises(VaultError, match=r'\$VAULTKIT_SCANNER: the scanner engine is "auto" or "oracle"'):
        scanner.current_engine()


def test_the_config_key_forces_the_oracle_and_rebuilds_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(tmp_path, {"a.md": "---\ntype: plan\n---\n" + DECIDED})
    assert Vault(root).summaries["a.md"].counts.done == 1
    (root / ".vaultkit").mkdir(exist_ok=True)
    (root / ".vaultkit" / "config.toml").write_text('[scanner]\nengine = "oracle"\n', encoding="utf-8")
    scanner.COUNTS.reset()
    vault = Vault(root)
    assert scanner.current_engine() == "oracle"
    assert vault.summaries["a.md"].counts.done == 1
    assert (scanner.COUNTS.fast, scanner.COUNTS.oracle) == (0, 1)  # re-read, by the oracle


def test_a_bad_config_engine_names_the_file(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"a.md": "x\n"})
    (root / ".vaultkit").mkdir(exist_ok=True)
    (root / ".vaultkit" / "config.toml").write_text('[scanner]\nengine = "turbo"\n', encoding="utf-8")
    with pytest.raises(VaultError, match=r'config\.toml: \[scanner\] engine must be "auto" or "oracle"'):
        Vault(root)
