"""The first hour, as a new user spends it: init a vault, import the three sample documents, add a
milestone, tick a box, roll up, look at the status, check. It must end with `check` reporting no errors and
nothing about Home.md (vaultkit's own dashboard never trips its own check)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import sample_paths

from vaultkit.cli.commands import main

pytestmark = pytest.mark.skipif(len(sample_paths()) < 3, reason="../shared/samples is not here")


def vk(*args: str, cwd: Path) -> Result:
    result = CliRunner().invoke(main, list(args), env={"VAULTKIT_VAULT": str(cwd), "COLUMNS": "120"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


@pytest.mark.timeout(300)
def test_the_first_hour_ends_clean(tmp_path: Path) -> None:
    vault = tmp_path / "pdp"
    result = CliRunner().invoke(main, ["init", str(vault), "--role", "Data Engineer", "--level", "senior"])
    assert result.exit_code == 0, result.output
    imported = vk("import", *map(str, sample_paths()), cwd=vault)
    assert imported.exit_code == 0, imported.output
    created = vk("new", "milestone", "Kubernetes", "--plan", "Senior Data Engineer PDP", cwd=vault)
    assert created.exit_code == 0, created.output
    milestone = vault / "Milestones" / "Kubernetes.md"
    with milestone.open("a", encoding="utf-8") as note:  # the user writes two tasks in Obsidian
        note.write("\n- [ ] Read the docs\n- [ ] Pass the CKA exam\n")
    assert vk("rollup", cwd=vault).exit_code == 0
    text = milestone.read_text(encoding="utf-8")
    milestone.write_text(text.replace("- [ ] Read the docs", "- [x] Read the docs"), encoding="utf-8")
    rolled = vk("rollup", cwd=vault)
    assert rolled.exit_code == 0, rolled.output
    assert "Milestones/Kubernetes.md: tasks_done 0 → 1" in rolled.output
    status = json.loads(vk("status", "--json", cwd=vault).output)
    kubernetes = next(n for n in status["notes"] if n["path"] == "Milestones/Kubernetes.md")
    assert kubernetes["tasks"]["done"] == 1
    checked = vk("check", "--json", cwd=vault)
    findings = json.loads(checked.output)
    errors = [f for f in findings["problems"] if f["severity"] == "error"]
    assert errors == []
    assert [f for f in findings["problems"] if f["path"] == "Home.md"] == []
    assert "nothing to change" in vk("rollup", cwd=vault).output
