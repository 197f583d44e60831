"""Matching lines across a change: blocks of equal lines, found between the common head and tail."""

from __future__ import annotations

import difflib
import random

import pytest

from guards.linemap import LineMap, matching_blocks


def _lines(seed: int) -> tuple[list[str], list[str]]:
    """A file of repetitive lines and an edit of it: lines inserted, deleted and replaced."""
    rng = random.Random(seed)
    before = [rng.choice(["", "x = 1", "return x", "    pass", f"y = {rng.randrange(50)}"]) for _ in range(rng.randrange(0, 120))]
    after = list(before)
    for _ in range(rng.randrange(0, 6)):
        at = rng.randrange(len(after) + 1)
        choice = rng.choice(["insert", "delete", "replace"])
        if choice == "insert":
            after.insert(at, f"z = {rng.randrange(9)}")
        elif at < len(after):
            after[at : at + 1] = [] if choice == "delete" else ["w = 0"]
    return before, after


def _common_ends(before: list[str], after: list[str]) -> tuple[int, int]:
    """How many lines the two files share at the start, and then at the end."""
    limit = min(len(before), len(after))
    head = next((i for i in range(limit) if before[i] != after[i]), limit)
    tail = next((i for i in range(limit - head) if before[-1 - i] != after[-1 - i]), limit - head)
    return head, tail


# Sixty random edits, each matched with and without difflib's junk heuristic.
EDITS = pytest.mark.parametrize(("seed", "autojunk"), [(seed, autojunk) for seed in range(60) for autojunk in (True, False)])


@EDITS
def test_blocks_hold_equal_lines_in_order(seed: int, autojunk: bool) -> None:
    before, after = _lines(seed)
    blocks = matching_blocks(before, after, autojunk)
    assert all(size > 0 and before[old : old + size] == after[new : new + size] for old, new, size in blocks)
    assert all(a[0] + a[2] <= b[0] and a[1] + a[2] <= b[1] for a, b in zip(blocks, blocks[1:]))


@EDITS
def test_the_common_head_and_tail_are_kept_and_difflib_matches_between_them(seed: int, autojunk: bool) -> None:
    before, after = _lines(seed)
    head, tail = _common_ends(before, after)
    blocks = matching_blocks(before, after, autojunk)
    kept = {(old + offset, new + offset) for old, new, size in blocks for offset in range(size)}
    assert {(line, line) for line in range(head)} <= kept
    assert {(len(before) - 1 - line, len(after) - 1 - line) for line in range(tail)} <= kept
    middle = difflib.SequenceMatcher(None, before[head : len(before) - tail], after[head : len(after) - tail], autojunk=autojunk)
    assert len(kept) == head + sum(block.size for block in middle.get_matching_blocks()) + tail


def test_an_old_line_maps_to_where_it_stands_after_lines_inserted_above_it() -> None:
    before = ["a", "b", "c", "d"]
    after = ["new", "a", "b", "other", "d", "tail"]
    lines = LineMap(before, after)
    assert [lines.to_after(line) for line in (1, 2, 3, 4)] == [2, 3, 4, 5]


def test_identical_and_empty_files() -> None:
    assert matching_blocks(["a", "b"], ["a", "b"], autojunk=False) == [(0, 0, 2)]
    assert matching_blocks([], ["a"], autojunk=False) == []
    assert matching_blocks(["a", "x", "b"], ["a", "b"], autojunk=False) == [(0, 0, 1), (2, 1, 1)]
