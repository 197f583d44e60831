"""The call graph of one check: the after tree with the change applied, summarised file by file
(cached on disk by content hash, see `guards.callgraph.store`) only as far as the rules' questions
need, and resolved into a `CallGraph` on demand.

The rules ask about the callers of a few changed functions. A file that does not contain a
function's name cannot call it, so `TreeSummaries.naming` selects the files to summarise for a
name with a scan of their bytes; modules are summarised when resolution reaches them.
"""

from __future__ import annotations

import multiprocessing
import re
import tokenize
import unicodedata
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cached_property
from io import BytesIO
from pathlib import Path

from guards.callgraph.graph import CallGraph
from guards.callgraph.model import FileSummary
from guards.callgraph.store import CACHE_NAME, SummaryCache, summary_key
from guards.callgraph.summary import module_name, summarise
from guards.change import Change
from guards.tree import NO_TREE, SourceTree

__all__ = ["CACHE_NAME", "CallGraphSource", "TreeSummaries", "after_files", "summaries"]

# Below this many files to parse, starting worker processes costs more than it saves.
_PARALLEL_FROM = 300
_WORKERS = 2
_IDENTIFIER_CHARACTER = rb"[A-Za-z0-9_]"


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
    if len(files) < _PARALLEL_FROM or multiprocessing.cpu_count() <= 1:
        yield from ((path, _summarise_one(path, data)) for path, data in files)
        return
    batches = [files[i :: _WORKERS * 4] for i in range(_WORKERS * 4)]
    with ProcessPoolExecutor(max_workers=_WORKERS) as pool:
        for batch, results in zip(batches, pool.map(_summarise_batch, batches), strict=True):
            yield from ((path, result) for (path, _), result in zip(batch, results, strict=True))


def _normalised(data: bytes) -> str:
    """The text with identifiers as Python reads them (NFKC), for a file with non-ASCII bytes."""
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    return unicodedata.normalize("NFKC", text)


class TreeSummaries:
    """Summaries of a set of files (path -> bytes, read on first need), made or taken from the
    cache only when asked for. The paths' order is the graph's: a later file wins a name clash."""

    def __init__(self, paths: list[str], tree: SourceTree, given: Mapping[str, bytes], cache_dir: Path | None) -> None:
        """`given` holds the bytes of some paths (the change's after side); `tree` has the others."""
        self._paths = paths
        self._tree = tree
        self._given = dict(given)
        self._cache = SummaryCache(cache_dir)

    def paths(self) -> list[str]:
        return self._paths

    @cached_property
    def _files(self) -> dict[str, bytes]:
        found = self._tree.read([path for path in self._paths if path not in self._given])
        return {path: self._given[path] if path in self._given else found[path] for path in self._paths}

    @cached_property
    def _normalised(self) -> dict[str, str]:
        """Files with non-ASCII bytes, NFKC-normalised: an ASCII name may be spelled otherwise there."""
        return {path: _normalised(data) for path, data in self._files.items() if not data.isascii()}

    def naming(self, name: str) -> list[str]:
        """The files that may call or reference the identifier `name`: a superset of those that do."""
        return self._scan(name, b"")

    def referring(self, name: str) -> list[str]:
        """The files that may name `name` without calling it: a superset of those that do. A name
        followed by `(` on its line is a call or a definition (`def name(`), never a reference."""
        return self._scan(name, rb"|[ \t]*\(")

    def _scan(self, name: str, excluded: bytes) -> list[str]:
        if not name.isascii():
            return list(self._paths)
        wanted = name.encode()
        pattern = re.compile(rb"(?<!%s)%s(?!%s%s)" % (_IDENTIFIER_CHARACTER, re.escape(wanted), _IDENTIFIER_CHARACTER, excluded))
        text_pattern = re.compile(pattern.pattern.decode())
        found = []
        for path, data in self._files.items():
            if (wanted in data and pattern.search(data)) or (path in self._normalised and name in self._normalised[path] and text_pattern.search(self._normalised[path])):
                found.append(path)
        return found

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
