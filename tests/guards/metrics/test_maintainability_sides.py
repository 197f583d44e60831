"""Both sides of a changed file measured together give the index each side gives alone, while the
old side counts only what differs from the new one."""

from __future__ import annotations

from pathlib import Path

import pytest

from guards.metrics import mi_sides
from guards.metrics.measure import maintainability
from guards.metrics.mi_lines import RawCounts
from guards.metrics.mi_sides import maintainability_of_sides
from guards.outline import Outline
from tests.guards.edited import SOURCES, edits


def _alone(before: str | None, after: str) -> tuple[float | None, float]:
    old = None if before is None else Outline.parse(before)
    new = Outline.parse(after)
    return None if old is None else maintainability(old.source, old.tree), maintainability(new.source, new.tree)


def _together(before: str | None, after: str) -> tuple[float | None, float]:
    new = Outline.parse(after)
    return maintainability_of_sides(None if before is None else Outline.parse_beside(before, new), new)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_this_projects_files_edited_measure_as_each_side_alone(path: Path) -> None:
    new = path.read_text(encoding="utf-8")
    for old in edits(new):
        assert _together(old, new) == _alone(old, new)
        assert _together(new, old) == _alone(new, old)


CLASS = '''"""Doc."""
import os

# A comment above the class.
class Shop:
    """Sells things."""

    def price(self, item):
        if item.on_sale:
            return item.base * 0.9  # discounted
        return item.base

    def stock(self, item):
        return os.environ.get(item.name) or 0


def total(items):
    return sum(i.base for i in items if i)
'''

EDITED = {
    "a method edited": CLASS.replace("* 0.9", "* 0.8 if item.big else item.base * 0.9"),
    "a comment between segments": CLASS.replace("# A comment above the class.", "# Two\n# comments, and a blank line\n"),
    "a function added twice": CLASS + "\n\ndef twice(x):\n    return x and x\n" * 2,
    "a docstring grown": CLASS.replace('"""Sells things."""', '"""Sells\n    things, many."""'),
    "windows line ends": CLASS.replace("\n", "\r\n"),
    "no final line break": CLASS.rstrip("\n"),
    "everything removed": "",
}


@pytest.mark.parametrize("after", EDITED.values(), ids=EDITED.keys())
def test_edits_measure_as_each_side_alone(after: str) -> None:
    assert _together(CLASS, after) == _alone(CLASS, after)
    assert _together(after, CLASS) == _alone(after, CLASS)
    assert _together(None, after) == _alone(None, after)


def test_the_old_side_counts_only_the_lines_that_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[str] = []
    real = mi_sides.raw_counts

    def spied(text: str) -> RawCounts:
        counted.append(text)
        return real(text)

    monkeypatch.setattr(mi_sides, "raw_counts", spied)
    after = EDITED["a method edited"]
    assert _together(CLASS, after) == _alone(CLASS, after)
    whole, *pieces = counted
    assert whole == after
    # The edited method on each side, from its `def` to the next method's: nothing else of the class.
    assert sorted(pieces) == sorted(text[text.index("    def price") : text.index("    def stock")].rstrip("\n") + "\n" for text in (CLASS, after))
