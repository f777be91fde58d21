"""The notes one watcher round wrote go into the index in one transaction (`Vault.apply_changes`), and the
index afterwards holds exactly what a fresh scan of the vault finds, in memory and on disk."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_vault
from vaultkit.index.store import NoteIndex
from vaultkit.rollup.apply import rollup_vault
from vaultkit.rollup.incremental import RollupState
from vaultkit.vault import Change, Vault

FILES = {
    "Plans/Senior PDP.md": '---\ntype: plan\n---\n# Senior PDP\n\n- [x] write the plan\n',
    "Milestones/Kafka.md": '---\ntype: milestone\nplan: "[[Senior PDP]]"\n---\n- [ ] read\n- [ ] run\n',
    "Milestones/SQL.md": '---\ntype: milestone\nplan: "[[Senior PDP]]"\n---\n- [x] joins\n',
    "Journal/2026-11-22.md": "---\ntype: journal\n---\nA day.\n",
    "Home.md": "# Home\n\n<!-- vaultkit:begin plans -->\n<!-- vaultkit:end -->\n",
}
NAMES = sorted(FILES)

_EDIT = st.tuples(
    st.sampled_from(["edit", "delete", "create", "move"]),
    st.sampled_from(NAMES),
    st.integers(min_value=0, max_value=3),
)


def fresh_summaries(root: Path) -> dict[str, object]:
    """The summaries a scan of a copy of the vault without its index finds."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "copy"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".vaultkit"))
        return dict(Vault(copy).summaries)


def counting_writes() -> mock._patch[mock.MagicMock]:
    return mock.patch.object(NoteIndex, "_write", autospec=True, side_effect=NoteIndex._write)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(_EDIT, min_size=1, max_size=6))
def test_several_changes_are_one_index_write_and_equal_a_fresh_scan(
    edits: list[tuple[str, str, int]],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = make_vault(Path(scratch) / "vault", FILES)
        vault = Vault(root)
        assert len(vault.summaries) == len(FILES)  # the index, built and stored
        changes = []
        for i, (what, name, n) in enumerate(edits):
            path = root / name
            if what == "edit" and path.is_file():
                path.write_text(path.read_text("utf-8") + f"- [{'x' if n % 2 else ' '}] step {i}\n", "utf-8")
                changes.append(Change("changed", name))
            elif what == "delete" and path.is_file():
                path.unlink()
                changes.append(Change("deleted", name))
            elif what == "create":
                new = f"Notes/New {n}.md"
                (root / "Notes").mkdir(exist_ok=True)
                text = f'---\ntype: milestone\nplan: "[[Senior PDP]]"\n---\n- [x] {i}\n'
                (root / new).write_text(text, "utf-8")
                changes.append(Change("created", new))
            elif what == "move" and path.is_file():
                dest = f"Archive/{Path(name).name}"
                (root / "Archive").mkdir(exist_ok=True)
                path.replace(root / dest)
                changes.append(Change("moved", name, dest))
        with counting_writes() as write:
            vault.apply_changes(changes)
        assert write.call_count <= 1
        expected = fresh_summaries(root)
        assert vault.summaries == expected
        assert list(vault.summaries) == sorted(expected)
        assert vault.note_paths == sorted(expected)
        assert dict(Vault(root).summaries) == expected  # what the index file holds


def test_a_round_writes_its_notes_into_the_index_at_once(tmp_path: Path) -> None:
    """A watcher's round (following) that writes a milestone, its plan and Home.md: one index write for
    the three, and the index then equals a fresh scan."""
    root = make_vault(tmp_path / "vault", FILES)
    vault = Vault(root)
    state = RollupState()
    rollup_vault(vault, state=state, following=True)
    kafka = root / "Milestones/Kafka.md"
    kafka.write_text(kafka.read_text("utf-8").replace("- [ ] read", "- [x] read"), "utf-8")
    vault.apply_change(Change("changed", "Milestones/Kafka.md"))
    with counting_writes() as write:
        report = rollup_vault(vault, state=state, following=True, changed=["Milestones/Kafka.md"])
    assert sorted(report.written) == ["Home.md", "Milestones/Kafka.md", "Plans/Senior PDP.md"]
    assert write.call_count == 1
    assert vault.summaries == fresh_summaries(root)
    assert dict(Vault(root).summaries) == fresh_summaries(root)
