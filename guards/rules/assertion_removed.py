"""TS001 assertion-removed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import calls_starting_with, calls_to
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import ASSERTION, RAISES_CALL, code_of, is_raises_call, is_trivial_assertion, mentioned_keys, subject_keys
from guards.scope import ScopeDiff

_PATH = "tests/test_service.py"


class AssertionRemoved(ScopeRule):
    """## What it does
    Flags an `assert`, a `self.assertX(...)` call or a `pytest.raises(...)` block removed from a
    test-file function that still exists, when nothing checks the same thing in its place.

    ## Why is this bad?
    A test passes when it stops checking. Deleting the assertion that fails is the quickest way
    to a green run, and the behaviour it pinned is then free to regress. An agent in a loop finds
    this path fast: the failing line goes, the suite is green, the bug ships.

    Not flagged: an assertion rewritten so that it still checks the same value (same operand, a
    new expected value, `assert f(1) == 2` → `assert result == 2` next to another rewritten
    check); a looser rewrite, which is `assertion-loosened` (TS002); a `pytest.raises` whose
    exception type changed, which is `raises-broadened` (TS004); a test deleted as a whole,
    which is `test-deleted` (TS005). An added `assert True` replaces nothing.

    ## Example
    ```python
    def test_total():
        order = make_order(items=3)
        assert order.total() == 30
        assert order.items == 3
    ```
    becomes
    ```python
    def test_total():
        order = make_order(items=3)
        assert order.items == 3
    ```

    ## Use instead
    Keep the assertion and fix the code under test; if the expected value really changed, change
    the expected value and say why in the commit.
    """

    applies = Applies(files="tests", kinds=frozenset({"function"}), statuses=frozenset({"changed"}))
    ast_triggers = (ast.Assert, calls_starting_with("assert"), calls_to("raises"))
    fires_on = "removed"
    meta = RuleMeta(
        id="TS001",
        name="assertion-removed",
        category=Category.TEST,
        severity=Severity.ERROR,
        suggestion="Restore the assertion and fix the code under test; if the expectation really changed, assert the new value instead of nothing.",
    )
    VALID = (
        # Tightened: the truthiness check became an equality on the same value.
        Example("def test_f():\n    assert f(1)\n", "def test_f():\n    assert f(1) == 2\n", path=_PATH),
        # A new test with plain asserts.
        Example("", "import pytest\n\ndef test_f():\n    assert f(1) == 2\n    with pytest.raises(ValueError):\n        f(-1)\n", path=_PATH),
        # The expected value changed: the same operand is still checked.
        Example("def test_f():\n    r = f(1)\n    assert r == 2\n", "def test_f():\n    r = f(1)\n    assert r == 3\n", path=_PATH),
        # The expected exception changed type; not a removal.
        Example(
            "import pytest\n\ndef test_f():\n    with pytest.raises(KeyError):\n        f(-1)\n",
            "import pytest\n\ndef test_f():\n    with pytest.raises(ValueError):\n        f(-1)\n",
            path=_PATH,
        ),
        # Outside test files, removed asserts are the invariant rules' business.
        Example("def f(x):\n    assert x > 0\n    return x\n", "def f(x):\n    return x\n"),
    )
    INVALID = (
        Example(
            "def test_f():\n    r = f(1)\n    assert r.total == 30\n    assert r.items == 3\n",
            "def test_f():\n    r = f(1)\n    assert r.items == 3\n",
            path=_PATH,
        ),
        Example(
            "import unittest\n\nclass TestF(unittest.TestCase):\n    def test_f(self):\n        self.assertEqual(f(1), 2)\n",
            "import unittest\n\nclass TestF(unittest.TestCase):\n    def test_f(self):\n        f(1)\n",
            path=_PATH,
        ),
        Example(
            "import pytest as pt\n\ndef test_f():\n    with pt.raises(ValueError):\n        f(-1)\n",
            "import pytest as pt\n\ndef test_f():\n    f(-1)\n",
            path=_PATH,
        ),
        Example("def test_f():\n    assert f(1) == 2\n", "def test_f():\n    f(1)\n    assert True\n", path=_PATH),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        removed = scope.removed(ASSERTION)
        added = [node for node in scope.added(ASSERTION) if not is_trivial_assertion(node)]
        # Which added assertion checks something each removed one checked (a rewrite); the keys
        # are worked out once per assertion, not once per pair.
        mentioned = [mentioned_keys(new) for new in added]
        pairs = [[bool(subjects & keys) for keys in mentioned] for subjects in map(subject_keys, removed)]
        unpaired = [old for old, row in zip(removed, pairs, strict=True) if not any(row)]
        # An added check about something else may be a rewrite we cannot pair (`f(1) == 2` became
        # `result == 2`): each one excuses one removal, so only a net loss of checks is flagged.
        rewrites = sum(1 for index in range(len(added)) if not any(row[index] for row in pairs))
        for node in unpaired[rewrites:]:
            yield scope.finding(self.meta, node, f"assertion removed from the test: `{code_of(node)}`")
        gone = [node for node in scope.removed(RAISES_CALL) if is_raises_call(scope.before, cst.ensure_type(node, cst.Call))]
        came = [node for node in scope.added(RAISES_CALL) if is_raises_call(scope.after, cst.ensure_type(node, cst.Call))]
        for node in gone[len(came) :]:
            yield scope.finding(self.meta, node, f"expected exception no longer checked: `{code_of(node)}`")
