"""The maintainability index of both sides of a changed file, what they share counted once.

A change leaves most of a file as it was, and the index's inputs are sums over a module's
top-level statements (`mi_tree.TreePart`, `mi_lines.RawCounts`): so the new side is counted
whole, and the old side from it, counting only what differs.
- The tree counts are merged from each top-level segment's. A segment the old side holds word for
  word shares the new side's `ast` nodes (`Outline.parse_beside`), so its part is counted once.
- The line counts of the old side are the new side's, less the pieces of the new side the old
  one lacks, plus the old side's own. The pieces are cut where statements start (top-level
  segments, classes and functions), and compared by text.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence

from guards.metrics.measure import maintainability_of
from guards.metrics.mi_lines import RawCounts, raw_counts
from guards.metrics.mi_tree import TreeCounts, TreePart, module_counts, statement_counts
from guards.outline import Outline


def maintainability_of_sides(before: Outline | None, after: Outline) -> tuple[float | None, float]:
    """The index of each side of a file that exists after the change (`None`: no old side)."""
    # A segment's part, by its nodes: a segment the old side holds word for word shares the new side's.
    parts: dict[tuple[ast.stmt, ...], TreePart] = {}
    after_raw = raw_counts(after.source)
    after_index = maintainability_of(after_raw, _tree_counts(after, parts))
    if before is None:
        return None, after_index
    return maintainability_of(_raw_beside(before, after, after_raw), _tree_counts(before, parts)), after_index


def _tree_counts(outline: Outline, parts: dict[tuple[ast.stmt, ...], TreePart]) -> TreeCounts:
    """The module's counts, a segment's part taken from `parts` when the other side counted it."""
    for segment in outline.segments:
        if segment.nodes not in parts:
            parts[segment.nodes] = statement_counts(segment.nodes)
    return module_counts(parts[segment.nodes] for segment in outline.segments)


def _pieces(outline: Outline) -> Counter[str]:
    """The file's lines cut where each top-level segment and each class or function starts (the
    lines above the first are a piece too), by text: a method edited in a long class leaves the
    class's other pieces as they were."""
    starts = sorted({1, *(segment.first_line for segment in outline.segments), *(scope.first_line for scope in outline.scopes.values())})
    ends = [*(start - 1 for start in starts[1:]), len(outline.lines)]
    return Counter(_joined(outline.lines, first, last) for first, last in zip(starts, ends, strict=True) if first <= last)


def _joined(lines: Sequence[str], first: int, last: int) -> str:
    return "\n".join(lines[first - 1 : last])


def _raw_beside(before: Outline, after: Outline, after_raw: RawCounts) -> RawCounts:
    """The old side's line counts from the new side's: only the pieces that differ are counted."""
    old, new = _pieces(before), _pieces(after)
    total = after_raw
    # Added first: no partial sum goes below the old side's own counts.
    for piece in (old - new).elements():
        total = raw_counts(piece) + total
    for piece in (new - old).elements():
        total = total - raw_counts(piece)
    return total
