"""The benchmark's synthetic vault: deterministic, and its ground truth is what vaultkit counts.

Only the generator is tested here; the benchmarks themselves run with `make bench`, never under pytest.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from benchmarks.cases import Context
from benchmarks.generate import FRONTMATTER_STYLES, generate_vault
from benchmarks.run import engine_counts
from vaultkit.cli.app import json_default
from vaultkit.cli.jsonout import dumps
from vaultkit.markdown._fast.scan import header_lines
from vaultkit.props.fast import fast_properties
from vaultkit.props.frontmatter import parse_frontmatter
from vaultkit.status import vault_status
from vaultkit.vault import Vault


def digest(folder: Path) -> str:
    out = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            out.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return out.hexdigest()


@pytest.mark.parametrize("frontmatter", FRONTMATTER_STYLES)
def test_ground_truth_is_what_vaultkit_counts(tmp_path: Path, frontmatter: str) -> None:
    generate_vault(tmp_path, 120, seed=3, frontmatter=frontmatter)
    truth = json.loads((tmp_path / "truth.json").read_text())
    vault = Vault(tmp_path / "vault")
    data = vault_status(vault)
    notes = {n["path"]: n["tasks"] for n in data["notes"]}
    assert set(notes) == set(truth["notes"]) and len(notes) == 120
    for path, want in truth["notes"].items():
        got = notes[path]
        assert (got["done"], got["open"], got["cancelled"]) == (want["done"], want["open"], want["cancelled"])
        assert [task.line for task in vault.records[path].tasks] == want["task_lines"]
    plans = {p["path"]: p for p in data["plans"]}
    assert truth["plans"] and all(
        {key: plans[path][key] for key in want} == want for path, want in truth["plans"].items()
    )
    assert sorted({e["path"] for e in data["errors"]}) == truth["errors"]
    assert sum(t["done"] + t["open"] for t in truth["notes"].values()) > 1000  # task-heavy notes
    context = Context(120, tmp_path / "vault", truth, tmp_path)
    assert context.check_status(dumps(data, json_default)) is None  # the benchmark's own check agrees


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    generate_vault(tmp_path / "a", 30, seed=1)
    generate_vault(tmp_path / "b", 30, seed=1)
    generate_vault(tmp_path / "c", 30, seed=2)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")
    sizes = [p.stat().st_size for p in (tmp_path / "a" / "vault").rglob("*.md") if "Templates" not in p.parts]
    assert min(sizes) >= 3000 and max(sizes) <= 8600  # PDP-shaped: 3-8 KB


def test_the_status_check_catches_a_wrong_count(tmp_path: Path) -> None:
    generate_vault(tmp_path, 10, seed=5)
    truth = json.loads((tmp_path / "truth.json").read_text())
    data = vault_status(Vault(tmp_path / "vault"))
    data["notes"][0]["tasks"]["done"] += 1
    problem = Context(10, tmp_path / "vault", truth, tmp_path).check_status(dumps(data, json_default))
    assert problem is not None and data["notes"][0]["path"] in problem


def test_rich_properties_stay_on_the_fast_path_with_yamls_values(tmp_path: Path) -> None:
    """The rich vault holds the shapes it promises, nearly all read by `fast_properties`, each exactly as
    YAML reads it; the runner's engine line counts the same."""
    generate_vault(tmp_path, 150, seed=4, frontmatter="rich")
    texts = [p.read_text("utf-8") for p in sorted((tmp_path / "vault").rglob("*.md"))]
    blocks = "".join(t.split("\n---", 1)[0] for t in texts if t.startswith("---"))
    for shape in (
        "tags: [",
        "tags:\n  - ",
        "  # ",
        "plan: '[[",
        'plan: "[[',
        'related: ["[[',
        "tags: []",
        "reviewed:\n",
    ):
        assert shape in blocks, shape
    with_properties = kept = 0
    for text in texts:
        lines = header_lines(text)
        reference = parse_frontmatter(text)
        if not reference.present:
            continue
        with_properties += 1
        linked: list[tuple[str, int, str]] = []
        fast = fast_properties(lines[1:-1], linked)
        if fast is None:
            continue
        kept += 1
        assert not reference.problems
        assert repr(fast) == repr(reference.properties)
        assert linked == [scalar for scalar in reference.scalars if "[[" in scalar[2]]
    assert kept >= 0.95 * with_properties
    found = re.search(
        r"by the fast reader (\d+) of (\d+) .*by YAML (\d+)$", engine_counts(tmp_path / "vault")
    )
    assert found is not None
    assert [int(n) for n in found.groups()] == [kept, with_properties, with_properties - kept]
