"""TS005 test-deleted."""

from __future__ import annotations

from collections.abc import Iterator

import builtins

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Applies, Example, ScopeRule
from guards.scope import ScopeDiff

_PATH = "tests/test_service.py"
_BUILTINS = frozenset(dir(builtins))
_TESTED = "def total(xs):\n    return sum(xs)\n\ndef count(xs):\n    return len(xs)\n"


def called_names(definition: cst.FunctionDef) -> set[str]:
    """Names a function's body calls: `f` for `f(x)`, `total` for `order.total()`. Its decorators
    (`pytest.mark.parametrize`, `mock.patch`) are test machinery, not code under test."""
    names: set[str] = set()
    for call in m.findall(definition.body, m.Call()):
        func = cst.ensure_type(call, cst.Call).func
        if isinstance(func, cst.Name):
            names.add(func.value)
        elif isinstance(func, cst.Attribute):
            names.add(func.attr.value)
    return names


class DeletedTest(ScopeRule):
    """## What it does
    Flags a test function deleted while the code it tested stays: none of the functions the
    deleted test calls is deleted by the same change.

    ## Why is this bad?
    Deleting the failing test is the bluntest way to a green suite, and the behaviour it covered
    is left with no check at all. Unlike a skip, nothing in the test report shows the loss.

    Not flagged: a test deleted together with the code under test (a function it calls is
    removed by the same change); a test moved to another file or renamed intact, which the
    guard pairs with its new place; tests folded into others (the test code the change adds or
    edits, tests and what sets them up, calls everything the deleted test called, builtins aside).

    ## Example
    ```python
    # tests/test_orders.py, while `order_total` stays in app/orders.py
    def test_total_with_discount():
        assert order_total([10, 10], discount=0.5) == 10
    ```
    is deleted.

    ## Use instead
    Keep the test and fix the code under test; delete a test only together with the behaviour it
    pins, or replace it with one for the new behaviour.
    """

    applies = Applies(files="tests", kinds=frozenset({"function"}), statuses=frozenset({"removed"}))
    meta = RuleMeta(
        id="TS005",
        name="test-deleted",
        category=Category.TEST,
        severity=Severity.ERROR,
        suggestion="Keep the test and fix the code under test; delete a test only together with the code it tests.",
    )
    VALID = (
        # The change deletes `total` and its test together (both in one file, as an example must be).
        Example(
            _TESTED + "\ndef test_total():\n    assert total([1, 2]) == 3\n\ndef test_count():\n    assert count([1]) == 1\n",
            "def count(xs):\n    return len(xs)\n\ndef test_count():\n    assert count([1]) == 1\n",
            path=_PATH,
        ),
        Example(
            "def test_total():\n    assert total([1, 2]) == 3\n",
            "def test_sum_of_two():\n    assert total([1, 2]) == 3\n",
            path=_PATH,
        ),
        Example("def helper():\n    return make()\n\ndef test_f():\n    assert helper()\n", "def test_f():\n    assert make()\n", path=_PATH),
        # Renamed and edited: what the old test built, the class's new `setUp` builds.
        Example(
            "class TestOrder:\n    def test_repr(self):\n        order = Order(1)\n        assert describe(order) == '<Order 1>'\n",
            "class TestOrder:\n    def setUp(self):\n        self.order = Order(1)\n\n    def test_order_repr(self):\n        assert describe(self.order) == '<Order 1>'\n",
            path=_PATH,
        ),
        # Renamed and edited, its parametrization moved into a name the module defines.
        Example(
            "import pytest\n\n@pytest.mark.parametrize('x', [1, 2])\ndef test_a(x):\n    assert f(x)\n",
            "import pytest\n\nCASES = pytest.mark.parametrize('x', [1, 2])\n\n@CASES\ndef test_b(x):\n    assert f(x) == x\n",
            path=_PATH,
        ),
        # Copy-pasted tests folded into one parametrized test that calls the same code.
        Example(
            "def test_one():\n    assert slug('A B') == 'a-b'\n\ndef test_two():\n    assert slug('C') == 'c'\n",
            "import pytest\n\n@pytest.mark.parametrize(('s', 'want'), [('A B', 'a-b'), ('C', 'c')])\ndef test_slug(s, want):\n    assert slug(s) == want\n",
            path=_PATH,
        ),
    )
    INVALID = (
        # Another test is edited, but the deleted one's code under test (`total`) is not in it.
        Example(
            "def test_total():\n    assert total(make([1, 2])) == 3\n\ndef test_count():\n    assert count(make([1])) == 1\n",
            "def test_count():\n    assert count(make([1, 1])) == 2\n",
            path=_PATH,
        ),
        Example(
            "def test_total():\n    assert total([1, 2]) == 3\n\ndef test_count():\n    assert count([1]) == 1\n",
            "def test_count():\n    assert count([1]) == 1\n",
            path=_PATH,
        ),
        Example(
            "class TestOrder:\n    def test_total(self):\n        assert Order([1]).total() == 1\n",
            "class TestOrder:\n    pass\n",
            path=_PATH,
        ),
        Example("def test_total():\n    assert total([1, 2]) == 3\n", "", path=_PATH),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        if not scope.is_test:
            return
        definition = cst.ensure_type(scope.before.definition, cst.FunctionDef)
        under_test = called_names(definition) - {definition.name.value}
        if under_test & scope.facts.removed_definitions:
            return
        # Everything it called is still called by a test the change adds or edits: folded, not lost.
        exercised = under_test - _BUILTINS
        if exercised and exercised <= scope.facts.called_by_changed_tests:
            return
        yield scope.finding(self.meta, definition, f"test `{scope.qualname}` deleted while the code it tests remains")
