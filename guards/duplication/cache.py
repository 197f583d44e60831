"""The repository index on disk: one small file per (file content, index format), so a second
check reads and tokenizes only what changed.

Layout: `<cache_dir>/duplication/<format>/<id[:2]>/<id>`, where `id` is git's blob id of the
content. An entry is written to a temporary file in the same directory and renamed into place,
so two processes filling the cache at once never see half an entry; the last rename wins and
both wrote the same bytes.

Boundary: this is a cache. An entry that is truncated, corrupt or of another format is ignored
and rebuilt from the source (and counted in `rebuilt`); only the directory given is written.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
import tempfile
from array import array
from dataclasses import dataclass
from pathlib import Path

from guards.duplication.tokens import FORMAT, TokenStream

_MAGIC = b"RDUP1"
_HEADER = struct.Struct("<5sII16s")  # magic, tokens, sampled windows, digest of the payload


@dataclass(frozen=True, slots=True)
class FileIndex:
    """One file's normalised tokens and its sampled windows (hash and token position)."""

    tokens: TokenStream
    fingerprint_hashes: array[int]
    fingerprint_positions: array[int]

    def __post_init__(self) -> None:
        assert len(self.fingerprint_hashes) == len(self.fingerprint_positions), "one position per fingerprint"

    def encode(self) -> bytes:
        payload = b"".join(
            part.tobytes() for part in (self.tokens.ids, self.tokens.lines, self.fingerprint_hashes, self.fingerprint_positions)
        )
        header = _HEADER.pack(_MAGIC, len(self.tokens), len(self.fingerprint_hashes), _digest(payload))
        return header + payload

    @classmethod
    def decode(cls, data: bytes) -> FileIndex:
        """Raises `CorruptEntry` for bytes that are not a complete entry."""
        if len(data) < _HEADER.size:
            raise CorruptEntry("shorter than its header")
        magic, tokens, prints, digest = _HEADER.unpack_from(data)
        payload = data[_HEADER.size :]
        if magic != _MAGIC or len(payload) != tokens * 6 + prints * 12 or _digest(payload) != digest:
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


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=16).digest()


def blob_id(data: bytes) -> str:
    """Git's object id of a blob with these bytes (SHA-1 object format)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class DiskCache:
    """Entries of one index format under `root`; `variant` names the shingling parameters."""

    root: Path

    @classmethod
    def under(cls, cache_dir: Path, variant: str) -> DiskCache:
        # The token table and array layout depend on the interpreter's keywords and byte order.
        version = f"{FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-{sys.byteorder}-{variant}"
        return cls(cache_dir / "duplication" / version)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def load(self, key: str) -> FileIndex | None:
        """The entry for `key`, or None when there is none yet. Raises `CorruptEntry`."""
        path = self._path(key)
        # Entries only ever appear (by rename), so one that exists now can be read.
        return FileIndex.decode(path.read_bytes()) if path.is_file() else None

    def store(self, key: str, entry: FileIndex) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(entry.encode())
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)  # left behind only when writing failed
