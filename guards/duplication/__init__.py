"""Duplication: added code that repeats code elsewhere in the repository, however renamed.

`tokens` normalises source, `windows` hashes and samples it, `cache` keeps each file's index on
disk by content id, `index` reads a tree through that cache, `finder` finds the copies a change
adds, and `rule` is the kind of rule that reports them.
"""

from guards import lazy

# Imported on first use: the report cache reads `keys` alone, without the rules behind `rule`.
__getattr__ = lazy.exports(
    __name__,
    {
        "guards.duplication.finder": ("ChangedSource", "Copy", "CopyFinder"),
        "guards.duplication.index": ("Indexer", "IndexStats"),
        "guards.duplication.rule": ("CopyRule",),
        "guards.duplication.windows": ("Shingling",),
    },
)

__all__ = ["ChangedSource", "Copy", "CopyFinder", "CopyRule", "IndexStats", "Indexer", "Shingling"]
