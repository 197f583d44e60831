"""Duplication: added code that repeats code elsewhere in the repository, however renamed.

`tokens` normalises source, `windows` hashes and samples it, `cache` keeps each file's index on
disk by content id, `index` reads a tree through that cache, `finder` finds the copies a change
adds, and `rule` is the kind of rule that reports them.
"""

from guards.duplication.finder import ChangedSource, Copy, CopyFinder
from guards.duplication.index import Indexer, IndexStats
from guards.duplication.rule import CopyRule
from guards.duplication.windows import Shingling

__all__ = ["ChangedSource", "Copy", "CopyFinder", "CopyRule", "IndexStats", "Indexer", "Shingling"]
