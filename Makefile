# vaultkit: `make test` and `make demo` work from a fresh clone (they build .venv from PyPI).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   ?= build/demo-vault
SAMPLES ?= ../shared/samples

# The modules setup.py compiles with mypyc (built in place): editing one rebuilds them.
COMPILED := $(shell sed -n 's/^    "\(vaultkit\/[a-z_\/]*\.py\)",$$/\1/p' setup.py)

.PHONY: test lint typecheck pytest demo bench docs clean

$(STAMP): pyproject.toml setup.py $(COMPILED)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

demo: $(STAMP)
	$(BIN)/python scripts/demo.py --vault $(DEMO) --samples $(SAMPLES)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

docs: $(STAMP)
	$(BIN)/python scripts/gen_cli_docs.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache .hypothesis vaultkit/*.so vaultkit/*/*.so vaultkit/*/*/*.so *.so
