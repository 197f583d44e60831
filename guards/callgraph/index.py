"""The call graph of one check: the after tree with the change applied, summarised file by file
(cached on disk by content hash) and resolved into a `CallGraph` on first use.

The cache is one JSON file, `callgraph-v1.json` under the cache directory, mapping a digest of
each file's path and content to its summary (an empty one for a file that does not parse). A cache that
cannot be read or does not have that form is ignored and rewritten: it only ever costs time.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any

from guards.callgraph.graph import CallGraph
from guards.callgraph.model import FileSummary
from guards.callgraph.summary import module_name, summarise
from guards.change import Change
from guards.tree import SourceTree

CACHE_NAME = "callgraph-v1.json"
_VERSION = 1
# Below this many files to parse, starting worker processes costs more than it saves.
_PARALLEL_FROM = 300
_WORKERS = 2


def _key(path: str, data: bytes) -> str:
    return hashlib.blake2b(path.encode() + b"\0" + data, digest_size=16).hexdigest()


def _summarise_one(path: str, data: bytes) -> FileSummary:
    """A file that does not parse is in the graph without functions or calls (a documented limit)."""
    try:
        return summarise(path, data)
    except (SyntaxError, ValueError, RecursionError):
        return FileSummary.empty(path, module_name(path))


def _summarise_batch(batch: list[tuple[str, bytes]]) -> list[FileSummary]:
    return [_summarise_one(path, data) for path, data in batch]


def _entries(data: Any) -> dict[str, FileSummary]:
    """Raises `ValueError` or `TypeError` for anything `_write_cache` did not write."""
    if not isinstance(data, dict) or data["version"] != _VERSION or not isinstance(data["entries"], dict):
        raise ValueError("not a call-graph cache of this version")
    return {key: FileSummary.from_data(value) for key, value in data["entries"].items()}


def _read_cache(file: Path) -> dict[str, FileSummary]:
    """The cached summaries; a damaged cache is deleted, to be rebuilt."""
    if not file.is_file():
        return {}
    try:
        return _entries(json.loads(file.read_bytes()))
    except (OSError, ValueError, TypeError, KeyError):
        file.unlink(missing_ok=True)
        return {}


def _write_cache(file: Path, entries: Mapping[str, FileSummary]) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    payload = {"version": _VERSION, "entries": {key: summary.to_data() for key, summary in entries.items()}}
    partial = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(payload, separators=(",", ":")))
    os.replace(partial, file)


def summaries(files: Mapping[str, bytes], cache_dir: Path | None) -> list[FileSummary]:
    """One summary per file that parses; only files the cache does not know are parsed."""
    cache_file = None if cache_dir is None else cache_dir / CACHE_NAME
    cached = _load(cache_file)
    keys = {path: _key(path, data) for path, data in files.items()}
    missing = [(path, data) for path, data in files.items() if keys[path] not in cached]
    fresh = {keys[path]: summary for path, summary in _summarise_all(missing)}
    entries = {key: fresh[key] if key in fresh else cached[key] for key in keys.values()}
    if cache_file is not None and _stale(cached, fresh, entries):
        _write_cache(cache_file, entries)
    return list(entries.values())


def _load(cache_file: Path | None) -> dict[str, FileSummary]:
    """The cached summaries by key; none without a cache directory."""
    return {} if cache_file is None else _read_cache(cache_file)


def _stale(cached: Mapping[str, FileSummary], fresh: Mapping[str, FileSummary], entries: Mapping[str, FileSummary]) -> bool:
    """The cache file needs rewriting: files were parsed, or some cached ones are gone."""
    return bool(fresh) or len(cached) != len(entries)


def _summarise_all(files: list[tuple[str, bytes]]) -> Iterator[tuple[str, FileSummary]]:
    """Each path with its summary; many files are parsed in worker processes."""
    if len(files) < _PARALLEL_FROM or multiprocessing.cpu_count() <= 1:
        yield from ((path, _summarise_one(path, data)) for path, data in files)
        return
    batches = [files[i :: _WORKERS * 4] for i in range(_WORKERS * 4)]
    with ProcessPoolExecutor(max_workers=_WORKERS) as pool:
        for batch, results in zip(batches, pool.map(_summarise_batch, batches), strict=True):
            yield from ((path, result) for (path, _), result in zip(batch, results, strict=True))


def after_files(change: Change, tree: SourceTree) -> dict[str, bytes]:
    """The after side of the repository: the tree's Python files with the change applied."""
    changed = {pair.path for pair in change.files} | {pair.old_path for pair in change.files if pair.old_path is not None}
    files = dict(tree.read([path for path in tree.python_paths() if path not in changed]))
    files.update((pair.path, pair.after) for pair in change.files if pair.after is not None)
    return files


class CallGraphSource:
    """The call graph a check's rules share, built when the first rule asks for it."""

    def __init__(self, change: Change, tree: SourceTree, cache_dir: Path | None) -> None:
        self._change = change
        self._tree = tree
        self._cache_dir = cache_dir

    @cached_property
    def graph(self) -> CallGraph:
        return CallGraph(summaries(after_files(self._change, self._tree), self._cache_dir))
