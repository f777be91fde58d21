"""Shared test helpers: the sample documents, fixture notes, small vaults on disk, and both YAML parsers."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from vaultkit.props import yaml_safe

if TYPE_CHECKING:
    from tests.notion_emulator import NotionEmulator

# CI explores a fixed set of examples so that main never turns red on a run that happened to draw a new
# edge case; developers' runs (no CI variable) draw fresh examples every time and find those cases first.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")



def _stale_extensions() -> list[str]:
    """Compiled modules older than their source: tests would run yesterday's code (setup.py, mypyc).

    mypyc puts the code of all of them in one library beside the package (`vaultkit_scan__mypyc`); each
    module's own extension is a small shim that is not rebuilt when only the code changes.
    """
    package = Path(yaml_safe.__file__).parent
    built = [path for path in package.iterdir() if path.suffix in (".so", ".pyd")]
    libraries = [p for p in package.parent.glob("vaultkit_scan__mypyc*") if p.suffix in (".so", ".pyd")]
    if not built or not libraries:
        return []
    newest = max(path.stat().st_mtime_ns for path in libraries)
    sources = [package / f"{path.name.split('.')[0]}.py" for path in built]
    return sorted(src.name for src in sources if src.is_file() and src.stat().st_mtime_ns > newest)


def pytest_sessionstart(session: pytest.Session) -> None:
    stale = _stale_extensions() if not os.environ.get("VAULTKIT_PURE_PYTHON") else []
    if stale:
        pytest.exit(
            f"compiled modules are older than {', '.join(stale)}: run `make test` (it rebuilds them), "
            "or set VAULTKIT_PURE_PYTHON=1 to test the Python source",
            returncode=2,
        )


SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
NOTES = Path(__file__).resolve().parent / "fixtures" / "notes"


def sample_paths() -> list[Path]:
    """The real PDP documents beside the repository (absent in some checkouts)."""
    return sorted(SAMPLES.glob("*.md")) if SAMPLES.is_dir() else []


def fixture_notes() -> list[Path]:
    return sorted(NOTES.glob("*.md"))


def sample(name: str) -> Path:
    """One sample document; the test is skipped when the samples folder is absent."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"sample {name} not available (../shared/samples is absent)")
    return path


def make_vault(root: Path, files: dict[str, str | bytes], *, templates: str | None = None) -> Path:
    """A vault at `root` with `.obsidian/` and the given files (text is written as UTF-8, bytes as is)."""
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    if templates is not None:
        (root / ".obsidian" / "templates.json").write_text(json.dumps({"folder": templates}), "utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return root


@pytest.fixture(params=["libyaml", "pure"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run a test with libyaml's parser and with the pure-Python one: their node marks must agree."""
    if request.param == "pure":
        monkeypatch.setattr(yaml_safe, "_Loader", yaml_safe.PyLoader)
    elif not yaml_safe.HAVE_LIBYAML:
        pytest.skip("PyYAML was built without libyaml")
    yield request.param


@pytest.fixture
def notion_emulator() -> Iterator[NotionEmulator]:
    """A running Notion API emulator (small pages of 3, no rate limit); stopped and joined afterwards."""
    from tests.notion_emulator import NotionEmulator  # imported here: only Notion tests pay for httpx

    with NotionEmulator(page_size=3) as emulator:
        yield emulator
