"""The repository index on disk: one SQLite database per index format, so a second check reads and
tokenizes only what changed.

Layout: `<cache_dir>/duplication/<format>.sqlite`, one table from git's blob id of a file content
to its encoded `FileIndex` (the folders of one file per entry that earlier versions kept there are
removed when a store is opened). A check looks its entries up in bulk and writes the ones it built in
one transaction at its end (measured on Django's 2,600 entries, 25 MB: under 0.1 s of CPU to write
or to read, where one file per entry took 0.7-2 s to write). The default rollback journal, not
WAL: WAL writes every page twice (0.13 s against 0.08 s) and readers here never wait long. SQLite's locking makes two processes filling the store at
once safe: a reader sees a transaction whole or not at all, and the last writer of a key wins
(both wrote the same bytes).

Boundary: this is a cache. An entry that is truncated, corrupt or not what its key names is
ignored and rebuilt from the source; a database file that is damaged or foreign is deleted and
made anew, every entry asked of it counted as damaged. Only the directory given is written:
the journal sits next to the database and temporary tables stay in memory.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import struct
import sys
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from guards.duplication.tokens import FORMAT, TokenStream

_MAGIC = b"RDUP2"
_HEADER = struct.Struct("<5sII16s")  # magic, tokens, sampled windows, digest of key and payload
# The exact schema: a database holding anything else is not ours and is made anew.
_SCHEMA = "CREATE TABLE entries (key BLOB PRIMARY KEY, value BLOB NOT NULL)"
# Keys per lookup query, well below SQLite's limit on bound parameters.
_KEYS_PER_QUERY = 500
# A writer holds the lock for a fraction of a second; waiting longer means something is wrong.
_LOCK_TIMEOUT_SECONDS = 60.0
_DAMAGE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


@dataclass(frozen=True, slots=True)
class FileIndex:
    """One file's normalised tokens and its sampled windows (hash and token position)."""

    tokens: TokenStream
    fingerprint_hashes: array[int]
    fingerprint_positions: array[int]

    def __post_init__(self) -> None:
        assert len(self.fingerprint_hashes) == len(self.fingerprint_positions), "one position per fingerprint"

    def encode(self, key: bytes) -> bytes:
        """The entry's bytes, bound to `key` by the digest: stored under another key, it reads as corrupt."""
        payload = b"".join(
            part.tobytes() for part in (self.tokens.ids, self.tokens.lines, self.fingerprint_hashes, self.fingerprint_positions)
        )
        header = _HEADER.pack(_MAGIC, len(self.tokens), len(self.fingerprint_hashes), _digest(key, payload))
        return header + payload

    @classmethod
    def decode(cls, data: bytes, key: bytes) -> FileIndex:
        """Raises `CorruptEntry` for bytes that are not a complete entry encoded for `key`."""
        if len(data) < _HEADER.size:
            raise CorruptEntry("shorter than its header")
        magic, tokens, prints, digest = _HEADER.unpack_from(data)
        payload = data[_HEADER.size :]
        if magic != _MAGIC or len(payload) != tokens * 6 + prints * 12 or _digest(key, payload) != digest:
            raise CorruptEntry("bad magic, length or digest")
        parts = []
        offset = 0
        for code, count in (("H", tokens), ("I", tokens), ("q", prints), ("I", prints)):
            part = array(code)
            part.frombytes(payload[offset : offset + count * part.itemsize])
            offset += count * part.itemsize
            parts.append(part)
        return cls(TokenStream(parts[0], parts[1]), parts[2], parts[3])


class CorruptEntry(Exception):
    """A cache entry that cannot be read back; the caller rebuilds it."""


class _DamagedStore(Exception):
    """The database file is not a store of ours, or SQLite found it corrupt."""


def _digest(key: bytes, payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16, key=key).digest()



@dataclass(frozen=True, slots=True)
class Found:
    """The entries a lookup found by key, and how many of the keys asked had a damaged entry."""

    entries: dict[str, FileIndex]
    damaged: int


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to the store at `path`, created when missing. Raises `_DamagedStore`."""
    connection = sqlite3.connect(path, timeout=_LOCK_TIMEOUT_SECONDS, isolation_level=None)
    try:
        # A crash mid-write can leave a damaged file, which is detected and rebuilt like any other.
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("PRAGMA temp_store = MEMORY")
        schema = connection.execute("SELECT sql FROM sqlite_schema").fetchall()
        if not schema:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(_SCHEMA.replace("TABLE", "TABLE IF NOT EXISTS", 1))
            connection.execute("COMMIT")
            schema = connection.execute("SELECT sql FROM sqlite_schema").fetchall()
        if [row[0] for row in schema if row[0] is not None] != [_SCHEMA]:
            raise _DamagedStore(f"{path} holds tables of another schema")
    except (sqlite3.DatabaseError, _DamagedStore):
        connection.close()
        raise
    return connection


def _is_damage(error: sqlite3.DatabaseError | _DamagedStore) -> bool:
    return isinstance(error, _DamagedStore) or error.sqlite_errorcode & 0xFF in _DAMAGE_CODES


def _decoded(rows: list[tuple[bytes, bytes]]) -> Found:
    entries: dict[str, FileIndex] = {}
    damaged = 0
    for key, value in rows:
        try:
            entries[key.hex()] = FileIndex.decode(value, key)
        except CorruptEntry:  # Cache boundary: a damaged entry is rebuilt, never trusted.
            damaged += 1
    return Found(entries, damaged)


def _encoded(entries: Mapping[str, FileIndex]) -> list[tuple[bytes, bytes]]:
    keys = [bytes.fromhex(key) for key in entries]
    return [(key, entry.encode(key)) for key, entry in zip(keys, entries.values(), strict=True)]


class Store(Protocol):
    """Where an indexer finds the entries of earlier checks and leaves its own."""

    def load(self, keys: Iterable[str]) -> Found: ...

    def store(self, entries: Mapping[str, FileIndex]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class NoStore:
    """No cache directory: every entry is built, nothing is written."""

    def load(self, keys: Iterable[str]) -> Found:
        return Found({}, 0)

    def store(self, entries: Mapping[str, FileIndex]) -> None:
        """Nothing to write to."""

    def close(self) -> None:
        """Nothing to close."""


@dataclass(frozen=True, slots=True)
class DiskCache:
    """The database file of one index format; `variant` names the shingling parameters."""

    path: Path

    @classmethod
    def under(cls, cache_dir: Path, variant: str) -> DiskCache:
        # The token table and array layout depend on the interpreter's keywords and byte order.
        version = f"{FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-{sys.byteorder}-{variant}"
        return cls(cache_dir / "duplication" / f"{version}.sqlite")

    def open(self) -> DiskStore:
        return DiskStore(self.path)


def _remove_entry_folders(directory: Path) -> None:
    """Earlier versions kept one file per entry in a folder per format; the stores are files, so
    any folder here is one of those, never read again: removed, not left to fill the disk."""
    for folder in (path for path in directory.iterdir() if path.is_dir()):
        shutil.rmtree(folder)


class DiskStore:
    """An open `DiskCache`: the database is opened on first use and kept open until `close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None  # not opened yet

    def _opened(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _remove_entry_folders(self.path.parent)
            self._connection = _connect(self.path)
        return self._connection

    def load(self, keys: Iterable[str]) -> Found:
        """The entries stored under `keys`; a damaged store is made anew and finds none."""
        wanted = list({bytes.fromhex(key) for key in keys})
        try:
            rows = self._select(wanted)
        except (sqlite3.DatabaseError, _DamagedStore) as exc:
            self._rebuild(exc)
            return Found({}, len(wanted))
        return _decoded(rows)

    def _select(self, keys: list[bytes]) -> list[tuple[bytes, bytes]]:
        """(key, value) rows of `keys`; a value of another type is cast to bytes (and fails to decode)."""
        rows: list[tuple[bytes, bytes]] = []
        for start in range(0, len(keys), _KEYS_PER_QUERY):
            chunk = keys[start : start + _KEYS_PER_QUERY]
            query = f"SELECT key, CAST(value AS BLOB) FROM entries WHERE key IN ({','.join('?' * len(chunk))})"
            rows += self._opened().execute(query, chunk).fetchall()
        return rows

    def store(self, entries: Mapping[str, FileIndex]) -> None:
        """Write `entries` in one transaction; a damaged store is made anew first."""
        rows = _encoded(entries)
        if not rows:
            return
        try:
            self._insert(rows)
        except (sqlite3.DatabaseError, _DamagedStore) as exc:
            self._rebuild(exc)
            self._insert(rows)

    def _insert(self, rows: list[tuple[bytes, bytes]]) -> None:
        """One transaction; on an error it is left open and `close` rolls it back."""
        connection = self._opened()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", rows)
        connection.execute("COMMIT")

    def _rebuild(self, error: sqlite3.DatabaseError | _DamagedStore) -> None:
        """Cache boundary: a damaged store is deleted (with any journal of it), so the next use
        makes a new one. Any other error (a lock held past the timeout, a full disk, a read-only
        directory) is not the cache's to hide and is raised again."""
        if not _is_damage(error):
            raise error
        self.close()
        for leftover in (self.path, self.path.with_name(self.path.name + "-journal")):
            leftover.unlink(missing_ok=True)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
