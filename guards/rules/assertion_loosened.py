"""TS002 assertion-loosened."""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import calls_starting_with
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import ASSERTION, code_of, mentioned_keys, subject_keys
from guards.scope import ScopeDiff

_PATH = "tests/test_service.py"
# Below this an added tolerance is a floating-point fix, at or above it a looser expectation.
_LOOSE_TOLERANCE = 1e-3
_APPROX_DEFAULT = 1e-6  # pytest.approx's default relative tolerance
_ISCLOSE_DEFAULT = 1e-9  # math.isclose's default rel_tol
_PLACES_DEFAULT = 7  # unittest's assertAlmostEqual


class Strength(enum.IntEnum):
    """How much an assertion pins down, for the kinds that can be ordered."""

    TRUTHY = 0
    NOT_NONE = 1
    PARTIAL = 2  # ordering, membership, type
    TOLERANT = 3  # equal within a tolerance
    EXACT = 4


@dataclass(frozen=True, slots=True)
class Check:
    strength: Strength
    tolerance: float = 0.0


_APPROX = m.Call(func=m.Name("approx") | m.Attribute(attr=m.Name("approx")))
_ISCLOSE = m.Call(func=m.Name("isclose") | m.Attribute(attr=m.Name("isclose")))
_UNITTEST_STRENGTH = {
    **dict.fromkeys(
        (
            "assertEqual assertEquals assertListEqual assertDictEqual assertTupleEqual assertSetEqual "
            "assertSequenceEqual assertMultiLineEqual assertCountEqual assertIs assertIsNone"
        ).split(),
        Strength.EXACT,
    ),
    **dict.fromkeys(
        "assertIn assertGreater assertGreaterEqual assertLess assertLessEqual assertIsInstance assertRegex".split(),
        Strength.PARTIAL,
    ),
    "assertIsNotNone": Strength.NOT_NONE,
    "assertTrue": Strength.TRUTHY,
}
_ORDERING = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)


def _number(node: cst.BaseExpression) -> float | None:
    """The value of a numeric literal, `None` for anything computed (its tolerance is unknown)."""
    if isinstance(node, cst.Integer | cst.Float):
        return float(node.evaluated_value)
    return None


def _tolerance(call: cst.Call, keywords: tuple[str, ...], default: float) -> float | None:
    given = [_number(arg.value) for arg in call.args if arg.keyword is not None and arg.keyword.value in keywords]
    if not given:
        return default
    if any(value is None for value in given):
        return None
    return max(value for value in given if value is not None)


def _tolerant(call: cst.Call, keywords: tuple[str, ...], default: float) -> Check | None:
    tolerance = _tolerance(call, keywords, default)
    return None if tolerance is None else Check(Strength.TOLERANT, tolerance)


def _comparison(test: cst.Comparison) -> Check | None:
    operators = [target.operator for target in test.comparisons]
    if all(isinstance(op, _ORDERING) for op in operators):
        return Check(Strength.PARTIAL)
    if len(operators) != 1:
        return None
    (operator,) = operators
    comparator = test.comparisons[0].comparator
    if isinstance(operator, cst.In):
        return Check(Strength.PARTIAL)
    if isinstance(operator, cst.IsNot) and m.matches(comparator, m.Name("None")):
        return Check(Strength.NOT_NONE)
    if isinstance(operator, cst.Equal | cst.Is):
        for side in (test.left, comparator):
            if isinstance(side, cst.Call) and m.matches(side, _APPROX):
                return _tolerant(side, ("rel", "abs"), _APPROX_DEFAULT)
        return Check(Strength.EXACT)
    return None


def classify(assertion: cst.CSTNode) -> Check | None:
    """The strength of an assertion, or `None` for one that cannot be ranked (`!=`, `not x`, `a and b`)."""
    if isinstance(assertion, cst.Call):
        method = cst.ensure_type(assertion.func, cst.Attribute).attr.value
        if method == "assertAlmostEqual":
            places = _tolerance(assertion, ("places",), _PLACES_DEFAULT)
            delta = _tolerance(assertion, ("delta",), 0.0)
            if places is None or delta is None:
                return None
            return Check(Strength.TOLERANT, max(delta, 10.0**-places))
        return Check(_UNITTEST_STRENGTH[method]) if method in _UNITTEST_STRENGTH else None
    test = cst.ensure_type(assertion, cst.Assert).test
    if isinstance(test, cst.Comparison):
        return _comparison(test)
    if isinstance(test, cst.Call) and m.matches(test, _ISCLOSE):
        return _tolerant(test, ("rel_tol", "abs_tol"), _ISCLOSE_DEFAULT)
    if isinstance(test, cst.Call) and m.matches(test, m.Call(func=m.Name("isinstance"))):
        return Check(Strength.PARTIAL)
    if isinstance(test, cst.Name | cst.Attribute | cst.Subscript | cst.Call):
        return Check(Strength.TRUTHY)
    return None


def is_looser(before: Check, after: Check) -> bool:
    if before.strength == Strength.EXACT and after.strength == Strength.TOLERANT:
        return after.tolerance >= _LOOSE_TOLERANCE
    if before.strength == after.strength == Strength.TOLERANT:
        return after.tolerance > before.tolerance
    return after.strength < before.strength


class AssertionLoosened(ScopeRule):
    """## What it does
    Flags an assertion in a test-file function replaced by a weaker one about the same value:
    `assert a == b` became `assert a`, `assert a is not None`, `assert x in a`, `assert a >= b`,
    `assert a == approx(b, rel=0.1)`; an `approx`/`isclose`/`assertAlmostEqual` tolerance widened;
    `self.assertEqual(a, b)` became `self.assertTrue(a)`. Removed and added assertions are paired
    by a shared operand.

    ## Why is this bad?
    A loosened assertion still looks like a test, so a reviewer skims past it, but it no longer
    fails for the bug it was written for: `assert result` passes for every wrong non-empty result.
    Loosening the check until it passes is the test-side twin of a fallback in the code.

    Not flagged: a tightened or equally strong rewrite (a new expected value, `assert a` →
    `assert a == 3`); exact equality replaced by `approx` with a tolerance below 1e-3 (a floating
    point fix); a looser check added next to the unchanged strict one; assertions that cannot be
    ranked (`!=`, `not a`, `a and b`). A check removed with no replacement is `assertion-removed`.

    ## Example
    ```python
    def test_parse():
        assert parse("1.5") == Decimal("1.5")
    ```
    becomes
    ```python
    def test_parse():
        assert parse("1.5") is not None
    ```

    ## Use instead
    Keep the exact expectation and fix the code under test, or assert the new exact value if the
    behaviour was meant to change.
    """

    applies = Applies(files="tests", kinds=frozenset({"function"}), statuses=frozenset({"changed"}))
    ast_triggers = (ast.Assert, calls_starting_with("assert"))
    fires_on = "replaced"
    meta = RuleMeta(
        id="TS002",
        name="assertion-loosened",
        category=Category.TEST,
        severity=Severity.ERROR,
        suggestion="Keep the assertion as strict as it was and fix the code under test; assert the new exact value if the behaviour really changed.",
    )
    VALID = (
        Example("def test_f():\n    assert f(1)\n", "def test_f():\n    assert f(1) == 2\n", path=_PATH),
        Example("def test_f():\n    assert f(1) == 2\n", "def test_f():\n    assert f(1) == 3\n", path=_PATH),
        Example(
            "def test_f():\n    assert area(2) == 12.56\n",
            "from pytest import approx\n\ndef test_f():\n    assert area(2) == approx(12.566, rel=1e-6)\n",
            path=_PATH,
        ),
        Example("", "def test_f():\n    assert f(1)\n    assert 'x' in g()\n", path=_PATH),
        Example(
            "def test_f():\n    r = f()\n    assert r == 2\n",
            "def test_f():\n    r = f()\n    assert r is not None\n    assert r == 2\n",
            path=_PATH,
        ),
    )
    INVALID = (
        Example("def test_f():\n    r = f(1)\n    assert r == 2\n", "def test_f():\n    r = f(1)\n    assert r\n", path=_PATH),
        Example("def test_f():\n    assert f(1) == [2]\n", "def test_f():\n    assert 2 in f(1)\n", path=_PATH),
        Example(
            "import pytest\n\ndef test_f():\n    assert area(2) == pytest.approx(12.566)\n",
            "import pytest\n\ndef test_f():\n    assert area(2) == pytest.approx(12.566, abs=0.5)\n",
            path=_PATH,
        ),
        Example(
            "class TestF:\n    def test_f(self):\n        self.assertEqual(f(1), 2)\n",
            "class TestF:\n    def test_f(self):\n        self.assertIsNotNone(f(1))\n",
            path=_PATH,
        ),
        Example("def test_f():\n    assert count() == 3\n", "def test_f():\n    assert count() >= 1\n", path=_PATH),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        added = [(node, classify(node), mentioned_keys(node)) for node in scope.added(ASSERTION)]
        for old in scope.removed(ASSERTION):
            before = classify(old)
            subjects = subject_keys(old)
            # The added assertions that check something the removed one checked: its rewrites.
            partners = [(node, check) for node, check, keys in added if subjects & keys]
            if before is None or not partners:
                continue
            # One replacement as strict as the old check is enough: the others only add to it.
            if all(check is not None and is_looser(before, check) for _, check in partners):
                new = partners[0][0]
                yield scope.finding(self.meta, new, f"assertion loosened: `{code_of(old)}` became `{code_of(new)}`")
