"""TS004 raises-broadened."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import Triggers, calls_starting_with, calls_to, mentions
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import BROAD_EXCEPTIONS, RAISES_CALL, checks_message, code_of, expected_exceptions, is_raises_call
from guards.scope import ScopeDiff, ScopeStatus

_PATH = "tests/test_service.py"


class RaisesBroadened(ScopeRule):
    """## What it does
    Flags an expected exception made broader in a test-file function: `pytest.raises(X)` or
    `self.assertRaises(X)` changed to `Exception`/`BaseException` (or a tuple holding one), or its
    message check dropped (`match=` removed, `assertRaisesRegex` → `assertRaises`). A new
    `pytest.raises(Exception)` where no specific one stood before is a warning.

    ## Why is this bad?
    `pytest.raises(Exception)` passes for a `TypeError` from a typo, an `AttributeError` from a
    `None`, any bug at all on the path: the test no longer says which failure is the designed one.
    Dropping `match=` does the same for the message. Broadening the expectation until the test
    passes hides the regression that made it fail.

    Not flagged: a narrower or equally specific type (`KeyError` → `ValueError`), a `match=`
    added (`pytest.raises(ValueError)` → `pytest.raises(ValueError, match="negative")`), a broad
    expectation the test already had.

    ## Example
    ```python
    def test_rejects_negative():
        with pytest.raises(Exception):
            withdraw(account, -5)
    ```

    ## Use instead
    ```python
    def test_rejects_negative():
        with pytest.raises(InvalidAmount, match="negative"):
            withdraw(account, -5)
    ```
    """

    # A removed test expects nothing any more: only added and changed ones are looked at.
    applies = Applies(files="tests", kinds=frozenset({"function"}), statuses=frozenset({"added", "changed"}))
    ast_triggers = (calls_to("raises"), calls_starting_with("assertRaises"))
    fires_on = "added"
    meta = RuleMeta(
        id="TS004",
        name="raises-broadened",
        category=Category.TEST,
        severity=Severity.ERROR,
        suggestion="Expect the specific exception the code is designed to raise, with `match=` on its message.",
    )
    VALID = (
        # A new test expecting a specific exception.
        Example("", "import pytest\n\ndef test_f():\n    with pytest.raises(ValueError):\n        f(-1)\n", path=_PATH),
        Example(
            "import pytest\n\ndef test_f():\n    with pytest.raises(ValueError):\n        f(-1)\n",
            "import pytest\n\ndef test_f():\n    with pytest.raises(ValueError, match='negative'):\n        f(-1)\n",
            path=_PATH,
        ),
        Example(
            "import pytest\n\ndef test_f():\n    with pytest.raises(Exception):\n        f(-1)\n",
            "import pytest\n\ndef test_f():\n    with pytest.raises(Exception):\n        f(-2)\n",
            path=_PATH,
        ),
        Example("", "import pytest\n\ndef test_f():\n    with pytest.raises(KeyError, match='x'):\n        f('x')\n", path=_PATH),
        Example(
            "import pytest\n\ndef test_f():\n    with pytest.raises(KeyError):\n        f(-1)\n",
            "import pytest\n\ndef test_f():\n    with pytest.raises(InvalidAmount):\n        f(-1)\n",
            path=_PATH,
        ),
    )
    INVALID = (
        Example(
            "import pytest\n\ndef test_f():\n    with pytest.raises(ValueError):\n        f(-1)\n",
            "import pytest\n\ndef test_f():\n    with pytest.raises(Exception):\n        f(-1)\n",
            path=_PATH,
        ),
        Example(
            "from pytest import raises\n\ndef test_f():\n    with raises(ValueError, match='negative'):\n        f(-1)\n",
            "from pytest import raises\n\ndef test_f():\n    with raises(ValueError):\n        f(-1)\n",
            path=_PATH,
        ),
        Example(
            "class TestF:\n    def test_f(self):\n        with self.assertRaises(KeyError):\n            f(-1)\n",
            "class TestF:\n    def test_f(self):\n        with self.assertRaises((KeyError, BaseException)):\n            f(-1)\n",
            path=_PATH,
        ),
        Example("", "import pytest\n\ndef test_f():\n    with pytest.raises(Exception):\n        f(-1)\n", path=_PATH),
    )

    def triggers_for(self, status: ScopeStatus) -> Triggers | None:
        # A new test has no expectation to broaden: only one that expects any exception is flagged.
        return (mentions("Exception", "BaseException"),) if status == "added" else self.ast_triggers

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        removed = [cst.ensure_type(node, cst.Call) for node in scope.removed(RAISES_CALL)]
        removed = [call for call in removed if is_raises_call(scope.before, call)]
        for node in scope.added(RAISES_CALL):
            call = cst.ensure_type(node, cst.Call)
            if not is_raises_call(scope.after, call):
                continue
            expected = expected_exceptions(scope.after, call)
            if expected & BROAD_EXCEPTIONS:
                specific = [old for old in removed if not expected_exceptions(scope.before, old) & BROAD_EXCEPTIONS]
                if specific:
                    yield scope.finding(self.meta, call, f"expected exception broadened: `{code_of(specific[0])}` became `{code_of(call)}`")
                elif not removed:
                    yield scope.finding(self.meta, call, f"expects any exception: `{code_of(call)}`", Severity.WARNING)
            elif not checks_message(call):
                matched = [old for old in removed if checks_message(old) and expected_exceptions(scope.before, old) == expected]
                if matched:
                    yield scope.finding(self.meta, call, f"message check dropped: `{code_of(matched[0])}` became `{code_of(call)}`")
