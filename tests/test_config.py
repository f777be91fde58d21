"""`.vaultkit/config.toml`: defaults, task statuses, milestone statuses, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultkit.config import Config, load_config
from vaultkit.errors import VaultError
from vaultkit.notes.tasks import TaskStatuses


def write(root: Path, text: str) -> Path:
    (root / ".vaultkit").mkdir()
    (root / ".vaultkit" / "config.toml").write_text(text, encoding="utf-8")
    return root


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert config.statuses == TaskStatuses(frozenset("xX"), frozenset("-"))
    assert config.milestone_done_statuses == frozenset({"done", "complete", "completed"})


def test_values_and_sections(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            '[tasks]\ndone = ["x"]\ncancelled = ["-", "~"]\n'
            '[milestones]\ndone_statuses = ["Finished"]\n'
            "[rollup]\nproperties = true\n",
        )
    )
    assert config.statuses == TaskStatuses(frozenset("x"), frozenset("-~"))
    assert config.milestone_done_statuses == frozenset({"finished"})
    assert config.section("rollup") == {"properties": True}
    assert config.section("notion") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tasks\n", "invalid TOML"),
        ('[tasks]\ndone = "x"\n', "must be a list of single characters"),
        ('[tasks]\ndone = ["xx"]\n', "must be a list of single characters"),
        ('[tasks]\ndone = ["x"]\ncancelled = ["x"]\n', "both done and cancelled"),
        ("tasks = 3\n", "`tasks` must be a table"),
        ("milestones = [1]\n", "`milestones` must be a table"),
        ("[milestones]\ndone_statuses = [1]\n", "done_statuses must be a list of strings"),
    ],
)
def test_invalid_config(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(VaultError, match=message) as info:
        load_config(write(tmp_path, text))
    assert str(tmp_path / ".vaultkit" / "config.toml") in str(info.value)


def test_undecodable_config(tmp_path: Path) -> None:
    (tmp_path / ".vaultkit").mkdir()
    (tmp_path / ".vaultkit" / "config.toml").write_bytes(b"\xff\xfe")
    with pytest.raises(VaultError, match="invalid TOML"):
        load_config(tmp_path)
