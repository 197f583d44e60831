"""The repository's files as normalised tokens and sampled windows, read through the disk cache."""

from __future__ import annotations

import functools
import time
from array import array
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from guards.cpus import worker_count
from guards.decoding import SkippedFile, read_source
from guards.duplication.cache import DiskCache, FileIndex, NoStore, Store
from guards.duplication.keys import content_ids
from guards.duplication.tokens import normalise
from guards.duplication.windows import Shingling, sampled_windows
from guards.sources.listing import blob_id
from guards.tree import SourceTree

Built = TypeVar("Built")
Entry = TypeVar("Entry")

EMPTY = FileIndex(normalise(""), array("q"), array("I"))
# Below this many files to tokenize, starting worker processes costs more than it saves.
PARALLEL_FROM = 400


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Bytes that are not Python source the index can read: the file is left out and counted."""

    reason: str


def build_entry(text: str, shingling: Shingling) -> FileIndex:
    tokens = normalise(text)
    return FileIndex(tokens, *sampled_windows(tokens.ids, shingling))


def _build_from_bytes(data: bytes, shingling: Shingling, max_bytes: int) -> FileIndex | Unreadable:
    """Module-level (as `build_entry`), so worker processes can run it."""
    try:
        text = read_source(data, max_bytes)
    except SkippedFile as exc:  # Per-file boundary: left out of the index, counted.
        return Unreadable(str(exc))
    return build_entry(text, shingling)


@dataclass(slots=True)
class IndexStats:
    """What the index cost: tree files read from disk or git, files tokenized now (changed files
    included), files whose index came from the cache, and the rest."""

    files_read: int = 0
    files_indexed: int = 0
    files_from_cache: int = 0
    files_unreadable: int = 0
    cache_entries_rebuilt: int = 0
    started: float = field(default_factory=time.perf_counter)

    def as_metrics(self) -> dict[str, object]:
        return {
            "files_read": self.files_read,
            "files_indexed": self.files_indexed,
            "files_from_cache": self.files_from_cache,
            "files_unreadable": self.files_unreadable,
            "cache_entries_rebuilt": self.cache_entries_rebuilt,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 1),
        }


@dataclass(slots=True)
class Indexer:
    """Entries by content id, from `store` or built. Entries built are kept in `pending` and
    written in one go when the indexer is closed (use it as a context manager): a check writes
    the cache once."""

    shingling: Shingling
    store: Store
    max_bytes: int
    stats: IndexStats = field(default_factory=IndexStats)
    pending: dict[str, FileIndex] = field(default_factory=dict)

    @classmethod
    def create(cls, shingling: Shingling, cache_dir: Path | None, max_bytes: int) -> Indexer:
        store = DiskCache.under(cache_dir, shingling.key).open() if cache_dir is not None else NoStore()
        return cls(shingling, store, max_bytes)

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, error_type: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None) -> None:
        try:
            if error is None:
                self.flush()
        finally:
            self.store.close()

    def flush(self) -> None:
        """Write the entries built since the last flush to the store, in one transaction."""
        self.store.store(self.pending)
        self.pending = {}

    def _cached(self, keys: list[str]) -> dict[str, FileIndex]:
        """The entries of `keys` already built in this check or found in the disk cache."""
        found = {key: self.pending[key] for key in keys if key in self.pending}
        lookup = self.store.load([key for key in keys if key not in found])
        self.stats.cache_entries_rebuilt += lookup.damaged
        found.update(lookup.entries)
        self.stats.files_from_cache += sum(key in found for key in keys)
        return found

    def _store(self, key: str, entry: FileIndex) -> None:
        self.stats.files_indexed += 1
        self.pending[key] = entry

    def of_texts(self, texts: list[str]) -> list[FileIndex]:
        """Changed files' sides, already decoded by the engine, in the order given."""
        keys = [blob_id(text.encode("utf-8", "surrogatepass")) for text in texts]
        found = self._cached(keys)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        # A text given twice is built once; the second is counted as found, as if given later.
        self.stats.files_from_cache += sum(key not in found for key in keys) - len(missing)
        for key, entry in zip(missing, self._map(build_entry, list(missing.values())), strict=True):
            self._store(key, entry)
            found[key] = entry
        return [found[key] for key in keys]

    def of_tree(self, tree: SourceTree, paths: list[str]) -> dict[str, FileIndex]:
        """Entries of `paths` in `tree`; unreadable files are left out and counted."""
        ids, read = content_ids(tree, paths)
        found = self._cached([ids[path] for path in paths])
        entries = {path: found[ids[path]] for path in paths if ids[path] in found}
        missing = [path for path in paths if ids[path] not in found]
        unread = [path for path in missing if path not in read]
        read.update(tree.read(unread))
        self.stats.files_read += len(read)
        built = self._build_all([read[path] for path in missing])
        for path, outcome in zip(missing, built, strict=True):
            if isinstance(outcome, Unreadable):
                self.stats.files_unreadable += 1
                self._store(ids[path], EMPTY)  # cached empty, so it is not read again
            else:
                self._store(ids[path], outcome)
                entries[path] = outcome
        return entries

    def _build_all(self, contents: list[bytes]) -> list[FileIndex | Unreadable]:
        return self._map(functools.partial(_build_from_bytes, max_bytes=self.max_bytes), contents)

    def _map(self, build: Callable[[Built, Shingling], Entry], items: list[Built]) -> list[Entry]:
        """`build` applied to each of `items` (tokenizing and sampling), by worker processes when
        there are many."""
        workers = worker_count()
        if len(items) < PARALLEL_FROM or workers == 1:
            return [build(item, self.shingling) for item in items]
        with ProcessPoolExecutor(workers) as pool:
            return list(pool.map(build, items, [self.shingling] * len(items), chunksize=32))
