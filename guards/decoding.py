"""Python source decoded from bytes as the interpreter would, or the reason it cannot be."""

from __future__ import annotations

import io
import tokenize


class SkippedFile(Exception):
    """A side of a file the guard does not analyse; becomes a notice at the per-file boundary."""


def read_source(data: bytes, max_bytes: int) -> str:
    """Decode Python source as the interpreter would (PEP 263 cookie, BOM), or say why not."""
    if len(data) > max_bytes:
        raise SkippedFile(f"larger than the limit of {max_bytes} bytes")
    if b"\0" in data:
        raise SkippedFile("binary: contains NUL bytes")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise SkippedFile(f"not decodable as Python source ({exc})") from exc
