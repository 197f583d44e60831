"""TS006 assertion-swallowed."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import BROAD_EXCEPTIONS, exception_names, raises_inside
from guards.scope import ScopeDiff

_PATH = "tests/test_service.py"
_SWALLOWS = BROAD_EXCEPTIONS | {"builtins.AssertionError", "AssertionError"}
# A handler that turns the error into a test failure has not swallowed it.
_FAIL_CALL = m.Call(func=m.Attribute(value=m.Name("pytest") | m.Name("self"), attr=m.Name("fail")))


def _checks_something(body: cst.BaseSuite) -> bool:
    """An assertion or a call in the `try` body: the thing under test runs there."""
    return bool(m.findall(body, m.Assert() | m.Call()))


class AssertionSwallowed(ScopeRule):
    """## What it does
    Flags a `try`/`except` added to a test-file function whose body asserts or calls the code
    under test and whose handler catches `AssertionError`, `Exception`, `BaseException` or
    everything (bare `except:`) without raising or failing the test.

    ## Why is this bad?
    A test fails by raising. A handler around its assertions that catches the failure and moves
    on makes the test pass whatever the code does, while it still shows up as a passing test.

    Not flagged: a handler that re-raises, raises something else or calls `pytest.fail(...)` /
    `self.fail(...)`; a specific handler (`except KeyError:`) around code that is expected to
    raise it; a `try` the test already had.

    ## Example
    ```python
    def test_total():
        try:
            assert order_total([10, 10]) == 20
        except AssertionError:
            pass
    ```

    ## Use instead
    ```python
    def test_total():
        assert order_total([10, 10]) == 20
    ```
    """

    applies = Applies(files="tests", kinds=frozenset({"function"}))
    ast_triggers = (ast.Try, ast.TryStar)
    fires_on = "added"
    meta = RuleMeta(
        id="TS006",
        name="assertion-swallowed",
        category=Category.TEST,
        severity=Severity.ERROR,
        suggestion="Let the assertion fail the test: remove the try/except, or use pytest.raises for an expected exception.",
    )
    VALID = (
        Example(
            "def test_f():\n    assert f(1) == 2\n",
            "def test_f():\n    try:\n        assert f(1) == 2\n    except AssertionError:\n        dump_state()\n        raise\n",
            path=_PATH,
        ),
        Example(
            "def test_f():\n    assert f({}) is None\n",
            "def test_f():\n    try:\n        f({})\n    except KeyError:\n        return\n",
            path=_PATH,
        ),
        Example(
            "import pytest\n\ndef test_f():\n    assert f(1) == 2\n",
            "import pytest\n\ndef test_f():\n    try:\n        assert f(1) == 2\n    except Exception as exc:\n        pytest.fail(f'f raised {exc}')\n",
            path=_PATH,
        ),
        Example("", "def test_f():\n    assert f(1) == 2\n", path=_PATH),
    )
    INVALID = (
        Example(
            "def test_f():\n    assert f(1) == 2\n",
            "def test_f():\n    try:\n        assert f(1) == 2\n    except AssertionError:\n        pass\n",
            path=_PATH,
        ),
        Example(
            "def test_f():\n    r = f(1)\n    assert r == 2\n",
            "def test_f():\n    try:\n        r = f(1)\n        assert r == 2\n    except:\n        print('skipped')\n",
            path=_PATH,
        ),
        Example(
            "class TestF:\n    def test_f(self):\n        self.assertEqual(f(1), 2)\n",
            "class TestF:\n    def test_f(self):\n        try:\n            self.assertEqual(f(1), 2)\n        except Exception:\n            return\n",
            path=_PATH,
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for node in scope.added(m.Try()):
            attempt = cst.ensure_type(node, cst.Try)
            if not _checks_something(attempt.body):
                continue
            for handler in attempt.handlers:
                if exception_names(scope.after, handler) & _SWALLOWS and not _fails(handler):
                    yield scope.finding(self.meta, handler, "the test's failure is caught and dropped: the test passes whatever the code does")


def _fails(handler: cst.ExceptHandler) -> bool:
    return raises_inside(handler.body) or bool(m.findall(handler.body, _FAIL_CALL))
