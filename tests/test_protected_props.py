"""Rollup-owned properties: `set`/`unset` refuse them unless --force; `check` warns about hand edits."""

from __future__ import annotations

from pathlib import Path

import conftest
from click.testing import CliRunner, Result

from vaultkit import Vault
from vaultkit.check.findings import check_vault
from vaultkit.cli.commands import main
from vaultkit.rollup.apply import load_settings, rollup_vault
from vaultkit.rollup.owned import owned_properties

PLAN = "---\ntype: plan\nprogress: 90\ntasks_done: 1\ntasks_total: 2\n---\n# Growth\n\n- [x] one\n- [ ] two\n"
MILESTONE = '---\ntype: milestone\nplan: "[[Growth]]"\nstatus: done\ncompleted: 2026-01-02\n---\n- [ ] open\n'


def make_vault(tmp_path: Path, files: dict[str, str], config: str = "") -> Path:
    """A vault (conftest's) with `config` as its `.vaultkit/config.toml`."""
    extra: dict[str, str | bytes] = {".vaultkit/config.toml": config} if config else {}
    return conftest.make_vault(tmp_path / "vault", {**files, **extra})


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--vault", str(root)], prog_name="vaultkit")


def test_set_refuses_a_rollup_owned_property(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN})
    result = run(root, "set", "Growth", "progress", "40")
    assert result.exit_code == 2
    assert result.stderr == (
        "vaultkit: Plans/Growth.md: progress is computed by `vaultkit rollup` from the plan's and its "
        "milestones' tasks; --force sets it anyway (the next rollup will replace it)\n"
    )
    assert (root / "Plans/Growth.md").read_text(encoding="utf-8") == PLAN


def test_set_force_sets_it_and_rollup_replaces_it(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN})
    result = run(root, "set", "Growth", "progress", "40", "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Plans/Growth.md: progress = 40\n"
    assert "progress: 40\n" in (root / "Plans/Growth.md").read_text(encoding="utf-8")
    rollup_vault(Vault(root))
    assert "progress: 50\n" in (root / "Plans/Growth.md").read_text(encoding="utf-8")


def test_unset_refuses_and_forces(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN})
    result = run(root, "unset", "Growth", "tasks_done")
    assert result.exit_code == 2
    assert result.stderr == (
        "vaultkit: Plans/Growth.md: tasks_done is computed by `vaultkit rollup` from the plan's and its "
        "milestones' tasks; --force removes it anyway (the next rollup will write it again)\n"
    )
    assert (
        run(root, "unset", "Growth", "tasks_done", "--force").stdout
        == "Plans/Growth.md: tasks_done removed\n"
    )
    assert "tasks_done" not in (root / "Plans/Growth.md").read_text(encoding="utf-8")


def test_status_is_owned_only_where_automation_is_on(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN, "Milestones/Talk.md": MILESTONE})
    result = run(root, "set", "Talk", "status", "done")
    assert result.exit_code == 2
    assert (
        "status is computed by `vaultkit rollup` by status automation, from the note's tasks" in result.stderr
    )
    assert run(root, "set", "Growth", "status", "done").exit_code == 0  # a plan's status is the user's
    assert run(root, "set", "Talk", "reviewed", "2026-02-01").exit_code == 0
    off = make_vault(
        tmp_path / "off", {"Milestones/Talk.md": MILESTONE}, "[rollup.status]\nenabled = false\n"
    )
    assert run(off, "set", "Talk", "status", "on-hold").exit_code == 0


def test_owned_names_follow_the_settings(tmp_path: Path) -> None:
    config = '[rollup]\nwrite = ["progress"]\n[rollup.names]\nprogress = "percent"\ncompleted = "finished"\n'
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN}, config)
    settings = load_settings(Vault(root))
    assert set(owned_properties(settings, "milestone")) == {"percent", "status", "finished"}
    assert set(owned_properties(settings, "plan")) == {"percent"}
    assert owned_properties(settings, "person") == {}
    assert owned_properties(settings, None) == {}
    assert run(root, "set", "Growth", "progress", "3").exit_code == 0  # not written by this vault's rollup
    assert run(root, "set", "Growth", "percent", "3").exit_code == 2


def test_a_note_of_an_unmanaged_type_is_free(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"People/Ann.md": "---\ntype: person\n---\n- [ ] call\n"})
    assert run(root, "set", "Ann", "progress", "10").exit_code == 0


def test_check_warns_about_a_hand_edited_progress(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN, "Milestones/Talk.md": MILESTONE})
    found = [f for f in check_vault(Vault(root)) if f.code == "stale-rollup"]
    assert [str(f) for f in found] == [
        "Milestones/Talk.md:4: warning: status is 'done', but rollup computes 'in-progress' from the note's "
        "content (a hand edit the next `vaultkit rollup` will replace) [stale-rollup]",
        "Milestones/Talk.md:5: warning: completed is 2026-01-02, but rollup removes it "
        "(a hand edit the next `vaultkit rollup` will replace) [stale-rollup]",
        "Plans/Growth.md:3: warning: progress is 90, but rollup computes 33 from the note's content "
        "(a hand edit the next `vaultkit rollup` will replace) [stale-rollup]",
        "Plans/Growth.md:5: warning: tasks_total is 2, but rollup computes 3 from the note's content "
        "(a hand edit the next `vaultkit rollup` will replace) [stale-rollup]",
    ]
    rollup_vault(Vault(root))
    assert [f for f in check_vault(Vault(root)) if f.code == "stale-rollup"] == []


def test_check_leaves_missing_empty_and_equal_values_alone(tmp_path: Path) -> None:
    text = '---\ntype: plan\nprogress: "50"\ntasks_done:\n---\n- [x] one\n- [ ] two\n'
    root = make_vault(tmp_path, {"Plans/Growth.md": text})
    assert [f for f in check_vault(Vault(root)) if f.code == "stale-rollup"] == []


def test_check_with_a_bad_rollup_config_says_so_once(tmp_path: Path) -> None:
    root = make_vault(tmp_path, {"Plans/Growth.md": PLAN}, "[rollup]\nbar_width = 0\n")
    found = [f for f in check_vault(Vault(root)) if f.code == "stale-rollup"]
    assert len(found) == 1
    assert found[0].path == ".vaultkit/config.toml"
    assert found[0].severity == "warning"
    assert found[0].message.endswith("; rollup values not compared")


def test_check_leaves_counts_a_rollup_wrote_alone_when_the_content_moved_on(tmp_path: Path) -> None:
    text = "---\ntype: plan\ntasks_done: 1\ntasks_total: 2\nprogress: 50\n---\n- [x] one\n- [x] two\n"
    root = make_vault(tmp_path, {"Plans/Growth.md": text})
    assert [f for f in check_vault(Vault(root)) if f.code == "stale-rollup"] == []
    hand = text.replace("progress: 50", "progress: 60")
    (root / "Plans/Growth.md").write_text(hand, encoding="utf-8")
    assert [(f.line, f.message) for f in check_vault(Vault(root)) if f.code == "stale-rollup"] == [
        (
            3,
            "tasks_done is 1, but rollup computes 2 from the note's content "
            "(a hand edit the next `vaultkit rollup` will replace)",
        ),
        (
            5,
            "progress is 60, but rollup computes 100 from the note's content "
            "(a hand edit the next `vaultkit rollup` will replace)",
        ),
    ]
