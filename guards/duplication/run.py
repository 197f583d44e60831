"""The engine's entry to duplication: find the copies a change adds and let the copy rules judge them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from guards.config import Config
from guards.duplication.finder import ChangedSource, CopyFinder
from guards.duplication.index import Indexer
from guards.duplication.rule import CopyRule
from guards.duplication.windows import Shingling
from guards.findings import Finding
from guards.rules.base import Rule
from guards.tree import SourceTree


def run_duplication(
    sources: list[ChangedSource], tree: SourceTree, rules: Sequence[Rule], config: Config, cache_dir: Path | None
) -> tuple[list[Finding], dict[str, object]]:
    """Findings of the active copy rules and the index's statistics. Nothing is read when no copy
    rule is selected; only `cache_dir` (when given) is written."""
    copy_rules = [rule for rule in rules if isinstance(rule, CopyRule)]
    shingling = Shingling.for_copies_of(config.duplication_min_tokens)
    findings: list[Finding] = []
    # Closing the indexer writes what it built to the cache, in one go; the metrics count that.
    with Indexer.create(shingling, cache_dir, config.max_file_bytes) as indexer:
        if copy_rules:
            paths = [path for path in tree.python_paths() if not config.is_excluded(path)]
            finder = CopyFinder(shingling, config.duplication_min_tokens, config.duplication_min_lines)
            copies = finder.find(sources, tree, paths, indexer)
            for rule in copy_rules:
                findings.extend(rule.check(copies))
    return findings, indexer.stats.as_metrics()
