"""The call graph of one check: the after tree with the change applied, summarised file by file
(cached on disk by content hash, see `guards.callgraph.store`) only as far as the rules' questions
need, and resolved into a `CallGraph` on demand.

The rules ask about the callers of a few changed functions. A file that does not call a
function's name cannot call it, so `TreeSummaries.calling` selects the files to summarise for a
name from their text (`guards.callgraph.scan`); modules are summarised when resolution reaches them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cached_property
from pathlib import Path

from guards.callgraph.graph import CallGraph
from guards.cpus import worker_count
from guards.callgraph.scan import Text, call_pattern, identifiers, reference_pattern
from guards.callgraph.model import FileSummary
from guards.callgraph.store import CACHE_NAME, SummaryCache, summary_key
from guards.callgraph.summary import module_name, summarise
from guards.change import Change
from guards.tree import NO_TREE, SourceTree

__all__ = ["CACHE_NAME", "CallGraphSource", "TreeSummaries", "after_files", "summaries"]

# Below this many files to parse, starting worker processes costs more than it saves.
_PARALLEL_FROM = 300


def _summarise_one(path: str, data: bytes) -> FileSummary:
    """A file that does not parse is in the graph without functions or calls (a documented limit)."""
    try:
        return summarise(path, data)
    except (SyntaxError, ValueError, RecursionError):
        return FileSummary.empty(path, module_name(path))


def _summarise_batch(batch: list[tuple[str, bytes]]) -> list[FileSummary]:
    return [_summarise_one(path, data) for path, data in batch]


def _summarise_all(files: list[tuple[str, bytes]]) -> Iterator[tuple[str, FileSummary]]:
    """Each path with its summary; many files are parsed in worker processes."""
    workers = worker_count()
    if len(files) < _PARALLEL_FROM or workers == 1:
        yield from ((path, _summarise_one(path, data)) for path, data in files)
        return
    batches = [files[i :: workers * 4] for i in range(workers * 4)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for batch, results in zip(batches, pool.map(_summarise_batch, batches), strict=True):
            yield from ((path, result) for (path, _), result in zip(batch, results, strict=True))


class TreeSummaries:
    """Summaries of a set of files (path -> bytes, read on first need), made or taken from the
    cache only when asked for. The paths' order is the graph's: a later file wins a name clash."""

    def __init__(self, paths: list[str], tree: SourceTree, given: Mapping[str, bytes], cache_dir: Path | None) -> None:
        """`given` holds the bytes of some paths (the change's after side); `tree` has the others."""
        self._paths = paths
        self._tree = tree
        self._given = dict(given)
        self._cache = SummaryCache(cache_dir)
        self._texts: dict[str, Text] = {}

    def paths(self) -> list[str]:
        return self._paths

    @cached_property
    def _files(self) -> dict[str, bytes]:
        found = self._tree.read([path for path in self._paths if path not in self._given])
        return {path: self._given[path] if path in self._given else found[path] for path in self._paths}

    @cached_property
    def _identifiers(self) -> dict[str, frozenset[bytes]]:
        """Each file's words (in code, comments or strings): one pass per file for every name asked."""
        return {path: identifiers(data) for path, data in self._files.items()}

    def _text(self, path: str) -> Text:
        if path not in self._texts:
            self._texts[path] = Text(self._files[path])
        return self._texts[path]

    def _mentioning(self, name: str) -> list[str]:
        """The files that mention `name` at all, in the paths' order."""
        if not name.isascii():
            return list(self._paths)
        wanted = name.encode()
        return [path for path, words in self._identifiers.items() if wanted in words]

    def calling(self, name: str) -> list[str]:
        """The files that may call something named `name`: a superset of those that do (see `guards.callgraph.scan`)."""
        pattern = call_pattern(name)
        return [path for path in self._mentioning(name) if self._text(path).calls(pattern)]

    def referring(self, name: str) -> list[str]:
        """The files that may name `name` without calling it: a superset of those that do."""
        pattern = reference_pattern(name)
        return [path for path in self._mentioning(name) if self._text(path).refers(pattern)]

    def _keys(self, paths: list[str]) -> dict[str, str]:
        return {path: summary_key(path, self._files[path]) for path in paths}

    def load(self, paths: list[str]) -> list[FileSummary]:
        """The summaries of `paths`, in their order; those the cache lacks are made and cached."""
        keys = self._keys(paths)
        cached = self._cache.summaries(keys)
        missing = [(path, self._files[path]) for path in paths if path not in cached]
        fresh = dict(_summarise_all(missing))
        self._cache.add({keys[path]: summary for path, summary in fresh.items()}, lambda: set(self._keys(self._paths).values()))
        return [cached[path] if path in cached else fresh[path] for path in paths]


def summaries(files: Mapping[str, bytes], cache_dir: Path | None) -> list[FileSummary]:
    """One summary per file (empty for one that does not parse); only files the cache does not know are parsed."""
    paths = list(files)
    return TreeSummaries(paths, NO_TREE, files, cache_dir).load(paths)


def _changed_paths(change: Change) -> set[str]:
    return {pair.path for pair in change.files} | {pair.old_path for pair in change.files if pair.old_path is not None}


def after_files(change: Change, tree: SourceTree) -> dict[str, bytes]:
    """The after side of the repository: the tree's Python files with the change applied."""
    changed = _changed_paths(change)
    files = dict(tree.read([path for path in tree.python_paths() if path not in changed]))
    files.update((pair.path, pair.after) for pair in change.files if pair.after is not None)
    return files


class CallGraphSource:
    """The call graph a check's rules share, made when the first rule asks for it; it summarises
    files as the rules' questions reach them."""

    def __init__(self, change: Change, tree: SourceTree, cache_dir: Path | None) -> None:
        self._change = change
        self._tree = tree
        self._cache_dir = cache_dir

    @cached_property
    def graph(self) -> CallGraph:
        changed = _changed_paths(self._change)
        after = {pair.path: pair.after for pair in self._change.files if pair.after is not None}
        paths = [path for path in self._tree.python_paths() if path not in changed] + list(after)
        return CallGraph((), TreeSummaries(paths, self._tree, after, self._cache_dir))
