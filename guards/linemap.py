"""Where a line of the old file stands in the new one, for findings about removed code."""

from __future__ import annotations

import bisect
import difflib
from functools import cached_property


class LineMap:
    """Maps 1-based old lines to the nearest 1-based new line; the matching is computed on first use."""

    def __init__(self, before: list[str], after: list[str]) -> None:
        self._before = before
        self._after = after

    @cached_property
    def _blocks(self) -> list[tuple[int, int, int]]:
        matcher = difflib.SequenceMatcher(None, self._before, self._after, autojunk=False)
        return [block for block in matcher.get_matching_blocks() if block.size]

    def to_after(self, line: int) -> int:
        last = max(len(self._after), 1)
        starts = [block[0] for block in self._blocks]
        index = bisect.bisect_right(starts, line - 1) - 1
        if index < 0:
            return 1
        old_start, new_start, size = self._blocks[index]
        offset = min(line - 1 - old_start, size)
        return min(new_start + offset + 1, last)
