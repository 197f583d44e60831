"""Where a line of the old file stands in the new one, for findings about removed code."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from functools import cached_property


def matching_blocks(before: Sequence[str], after: Sequence[str], autojunk: bool) -> list[tuple[int, int, int]]:
    """difflib's matching blocks of two files' lines: (before start, after start, size), 0-based,
    in order, none empty. difflib's search is quadratic in the worst case; it runs only between
    the common head and tail, which a change mostly leaves alone."""
    limit = min(len(before), len(after))
    head = 0
    while head < limit and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < limit - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(None, before[head : len(before) - tail], after[head : len(after) - tail], autojunk=autojunk)
    middle = [(old + head, new + head, size) for old, new, size in matcher.get_matching_blocks() if size]
    ends = [(0, 0, head)] + middle + [(len(before) - tail, len(after) - tail, tail)]
    return [block for block in ends if block[2]]


class LineMap:
    """Maps 1-based old lines to the nearest 1-based new line; the matching is computed on first use.

    The lines may be a part of each file (a scope's, see `guards.analysis`): `before_first` and
    `after_first` are the file lines they start on, and a line maps within the new part.
    """

    def __init__(self, before: list[str], after: list[str], before_first: int = 1, after_first: int = 1) -> None:
        self._before = before
        self._after = after
        self._before_first = before_first
        self._after_first = after_first

    @cached_property
    def _blocks(self) -> list[tuple[int, int, int]]:
        return matching_blocks(self._before, self._after, autojunk=False)

    def to_after(self, line: int) -> int:
        return self._local(line - self._before_first + 1) + self._after_first - 1

    def _local(self, line: int) -> int:
        last = max(len(self._after), 1)
        starts = [block[0] for block in self._blocks]
        index = bisect.bisect_right(starts, line - 1) - 1
        if index < 0:
            return 1
        old_start, new_start, size = self._blocks[index]
        offset = min(line - 1 - old_start, size)
        return min(new_start + offset + 1, last)
