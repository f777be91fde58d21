"""Benchmarks for vaultkit: a deterministic synthetic vault generator and a runner.

Run them with `make bench` (`python -m benchmarks.run`).

Nothing here is imported by vaultkit or run by pytest (except the generator's small ground-truth test).
"""
