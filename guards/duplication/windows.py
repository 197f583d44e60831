"""Window hashes: every window of the added code, a sample of the repository's.

A window is a run of `k` tokens. The added code is small, so every one of its windows is
hashed; a repository file keeps only every `stride`-th window (positions 0, stride, 2·stride…).
A run of `k + stride - 1` tokens that a repository file shares with the added code holds
`stride` consecutive window starts of that file, one of which is sampled, and the added side has
them all: no copy of the configured length can slip through, while the index keeps one window
in `stride` and hashes no more than that. (Winnowing would let both sides be sampled; one side
is always small here, so the simpler scheme suffices.)

Hashes are Python's hash of a tuple of small ints: deterministic across processes (only `str`
and `bytes` hashing is randomised), so they can be cached.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

WINDOW = 20  # tokens per hashed window; copies are at least this long (see `Config`)


@dataclass(frozen=True, slots=True)
class Shingling:
    """Window length `k` and sampling stride for copies of at least `min_tokens` tokens."""

    k: int
    stride: int

    @classmethod
    def for_copies_of(cls, min_tokens: int) -> Shingling:
        assert min_tokens >= WINDOW, f"a copy has at least {WINDOW} tokens"
        return cls(WINDOW, min_tokens - WINDOW + 1)

    @property
    def key(self) -> str:
        return f"k{self.k}-s{self.stride}"


def window_hashes(ids: array[int], k: int) -> list[int]:
    """The hash of every run of `k` consecutive tokens, by start position."""
    tokens = tuple(ids)
    return [hash(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def sampled_windows(ids: array[int], shingling: Shingling) -> tuple[array[int], array[int]]:
    """The hashes of every `stride`-th window and their start positions."""
    tokens = tuple(ids)
    positions = range(0, len(tokens) - shingling.k + 1, shingling.stride)
    return array("q", [hash(tokens[i : i + shingling.k]) for i in positions]), array("I", positions)
