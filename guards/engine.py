"""`check`: a change in, a report out. Pure: no network, no global state, and no writes except
the caches (the repository's indexes and whole reports), in the directory the caller names.

This module is the light front: a report found in the cache (`guards.report_cache`) is returned
without importing the analysis (`guards.checker`), which pulls in libcst, radon and networkx.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from guards import report_cache
from guards.change import Change
from guards.config import Config
from guards.registry import RuleSet
from guards.report import Report
from guards.tree import NO_TREE, SourceTree

__all__ = ["check"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused: a check allocates millions of syntax-tree nodes
    that stay alive until it ends, and each full collection walks all of them (on Django's diff
    collections took half the time). Nothing of a check's own makes reference cycles worth
    collecting before it returns."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check(change: Change, config: Config, rules: RuleSet, tree: SourceTree = NO_TREE, cache_dir: Path | None = None) -> Report:
    """Score `change` with the `rules` that `config` selects; `tree` is the after side's whole
    repository for duplication (by default only the change is known), `cache_dir` where its index
    and the report are cached (by default nothing is written; see `guards.report_cache`).
    Raises `ConfigError` for selectors that name no rule."""
    with _collector_paused():
        if cache_dir is None:
            return _analyse(change, config, rules, tree, cache_dir)
        key = report_cache.report_key(change, config, rules, tree)
        cached = report_cache.load(cache_dir, key)
        if cached is not None:
            return cached
        report = _analyse(change, config, rules, tree, cache_dir)
        report_cache.store(cache_dir, key, report)
        return report


def _analyse(change: Change, config: Config, rules: RuleSet, tree: SourceTree, cache_dir: Path | None) -> Report:
    # Imported on a cache miss only: the analysis costs a quarter of a second of imports.
    from guards.checker import analyse

    return analyse(change, config, rules, tree, cache_dir)
