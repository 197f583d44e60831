"""The guard's accuracy on a labelled corpus of realistic changes (tests/guards/corpus/*.toml).

Each case is one change a coding agent might make after a failing test or an error: a bad one
(a fallback, a guard, a removed invariant, a weakened test, a suppression, a file that no longer
parses, a trade) or a legitimate look-alike. `expected` lists the categories the guard must
report; an empty list is a change it must accept silently. Categories the corpus does not label
(duplication, complexity) are left out of the comparison.

Run with `-s` to see the per-category table.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from guards import Change, Config, FilePair, Finding, RuleSet, check

CORPUS = Path(__file__).parent / "corpus"
CATEGORIES = ("fallback", "guard", "invariant", "test", "suppression", "parse", "trade", "duplication", "complexity")
THRESHOLD = 0.9
_CASE_NAME = re.compile(r"\d{3}_[a-z0-9_]+")
_CASE_KEYS = {"description", "path", "before", "after", "expected"}
_OPTIONAL_KEYS = {"extra_files"}


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    description: str
    expected: frozenset[str]
    sides: dict[str, tuple[str, str]]  # path -> (before, after); "" is a file absent on that side

    def change(self) -> Change:
        return Change.of([FilePair(path, before.encode() or None, after.encode() or None) for path, (before, after) in self.sides.items()])


def _sides(where: str, table: dict[str, object]) -> tuple[str, str]:
    if set(table) != {"before", "after"} or not all(isinstance(table[k], str) for k in ("before", "after")):
        raise ValueError(f"{where} needs exactly the string keys before and after")
    return str(table["before"]), str(table["after"])


def load_case(path: Path) -> Case:
    """Raises `ValueError` for a case file that breaks the corpus format."""
    data = tomllib.loads(path.read_text())
    missing, unknown = _CASE_KEYS - set(data), set(data) - _CASE_KEYS - _OPTIONAL_KEYS
    if missing or unknown:
        raise ValueError(f"{path.name}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
    expected = frozenset(data["expected"])
    if not expected <= set(CATEGORIES):
        raise ValueError(f"{path.name}: unknown categories {sorted(expected - set(CATEGORIES))}")
    sides = {data["path"]: _sides(f"{path.name}", {"before": data["before"], "after": data["after"]})}
    if "extra_files" in data:
        for extra, table in data["extra_files"].items():
            sides[extra] = _sides(f"{path.name} extra_files.{extra}", table)
    return Case(path.stem, data["description"], expected, sides)


CASES = [load_case(path) for path in sorted(CORPUS.glob("*.toml"))]


@cache
def findings_for(name: str) -> tuple[Finding, ...]:
    case = next(case for case in CASES if case.name == name)
    return check(case.change(), Config(), RuleSet.default()).findings


def predicted(case: Case) -> frozenset[str]:
    return frozenset(f.category.value for f in findings_for(case.name)) & set(CATEGORIES)


def test_corpus_is_large_mixed_and_covers_every_category() -> None:
    assert len(CASES) >= 45, len(CASES)
    assert all(_CASE_NAME.fullmatch(case.name) for case in CASES), [c.name for c in CASES if not _CASE_NAME.fullmatch(c.name)]
    legitimate = [case for case in CASES if not case.expected]
    assert 0.25 <= len(legitimate) / len(CASES) <= 0.45, f"{len(legitimate)} legitimate of {len(CASES)}"
    for category in CATEGORIES:
        assert sum(category in case.expected for case in CASES) >= 2, f"fewer than two cases expect {category}"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_sources_are_python_where_they_should_be(case: Case) -> None:
    """A corpus typo must not pass for a parse finding: every side parses unless the case is about parsing."""
    for path, (before, after) in case.sides.items():
        ast.parse(before, filename=f"{case.name}:{path} (before)")
        if "parse" not in case.expected:
            ast.parse(after, filename=f"{case.name}:{path} (after)")


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_case_is_classified_as_labelled(case: Case) -> None:
    got = predicted(case)
    shown = [f"{f.rule} {f.category} {f.path}:{f.line} [{f.scope}] {f.message}" for f in findings_for(case.name)]
    assert got == case.expected, (
        f"{case.description}\n"
        f"missing: {sorted(case.expected - got)}  unexpected: {sorted(got - case.expected)}\n" + "\n".join(shown)
    )


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def test_precision_and_recall_per_category() -> None:
    rows = []
    for category in CATEGORIES:
        tp = sum(category in case.expected and category in predicted(case) for case in CASES)
        fp = sum(category not in case.expected and category in predicted(case) for case in CASES)
        fn = sum(category in case.expected and category not in predicted(case) for case in CASES)
        rows.append((category, tp, fp, fn, _ratio(tp, tp + fp), _ratio(tp, tp + fn)))
    print(f"\n{'category':<12} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>6}")
    for category, tp, fp, fn, precision, recall in rows:
        print(f"{category:<12} {tp:>3} {fp:>3} {fn:>3} {precision:>9.2f} {recall:>6.2f}")
    below = [
        f"{category}: precision {precision:.2f}, recall {recall:.2f}"
        for category, tp, fp, fn, precision, recall in rows
        if tp + fn and (precision < THRESHOLD or recall < THRESHOLD)
    ]
    assert not below, "below 0.9: " + "; ".join(below)
