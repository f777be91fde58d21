"""The package's shape: no import cycle between modules (imports inside functions count), no private
name imported from another module outside a private subpackage, a fingerprint that covers what the index
imports, and few modules left at the top. The layer contracts themselves are import-linter's
(`lint-imports`, run by `make test`; they live in pyproject.toml)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import vaultkit
from vaultkit.index.scan import record_modules

PACKAGE = Path(vaultkit.__file__).resolve().parent
ROOT = PACKAGE.parent


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("vaultkit", cache_dir=None)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    graph = _graph()
    edges = {
        module: {m for m in graph.find_modules_directly_imported_by(module) if m.startswith("vaultkit")}
        for module in graph.modules
        if module.startswith("vaultkit")
    }
    assert _cycles(edges) == []


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _private_imports(path: Path, here: str) -> list[str]:
    """`from X import _name` of another vaultkit module, as 'module: X._name' lines; allowed only where
    both modules are inside the same private subpackage (`vaultkit.markdown._fast`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        source = node.module
        if node.level:  # relative: resolve against this module's package
            base = here.split(".")[: -node.level] if path.name != "__init__.py" else here.split(".")
            source = ".".join([*base, node.module])
        if not source.startswith("vaultkit"):
            continue
        parts = source.split(".")
        private = next((i for i, part in enumerate(parts[:-1]) if part.startswith("_")), None)
        shared = private is not None and here.startswith(".".join(parts[: private + 1]) + ".")
        found += [
            f"{here}: {source}.{alias.name}"
            for alias in node.names
            if alias.name.startswith("_") and not alias.name.startswith("__") and not shared
        ]
    return found


def test_no_private_name_crosses_a_module_boundary() -> None:
    offenders = [
        line for path in sorted(PACKAGE.rglob("*.py")) for line in _private_imports(path, _module_name(path))
    ]
    assert offenders == []


def test_the_private_name_check_sees_one(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from vaultkit.notes.links import _WIKILINK_RE\nfrom vaultkit.markdown._fast.blocks import _Blocks\n",
        encoding="utf-8",
    )
    assert _private_imports(probe, "vaultkit.rollup.probe") == [
        "vaultkit.rollup.probe: vaultkit.notes.links._WIKILINK_RE",
        "vaultkit.rollup.probe: vaultkit.markdown._fast.blocks._Blocks",
    ]
    assert _private_imports(probe, "vaultkit.markdown._fast.probe") == [
        "vaultkit.markdown._fast.probe: vaultkit.notes.links._WIKILINK_RE"
    ]


def test_the_index_fingerprint_covers_every_module_the_index_imports() -> None:
    graph = _graph()
    imported = {"vaultkit.index.scan", *graph.find_upstream_modules("vaultkit.index.scan")}
    files = {_module_name(path) for path in record_modules()}
    assert sorted(m for m in imported if m.startswith("vaultkit") and m not in files) == []
    assert "vaultkit.notes.progress" in files


def test_few_modules_stay_at_the_top() -> None:
    top = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


def test_every_subpackage_is_installed() -> None:
    import tomllib

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(settings["packages"])
    packages = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in PACKAGE.rglob("__init__.py")
    }
    assert packages <= listed, sorted(packages - listed)


@pytest.mark.skipif(sys.platform == "win32", reason="the console script is the same there")
def test_the_layer_contracts_hold() -> None:
    """What `make test` runs: import-linter over pyproject.toml's contracts."""
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("import-linter is not installed in this environment")
    found = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert found.returncode == 0, found.stdout[-3000:]
    assert "0 broken" in found.stdout
