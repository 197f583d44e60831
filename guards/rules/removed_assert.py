"""IV001 removed-assert."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of, is_validation, names_in
from guards.scope import ScopeDiff


class RemovedAssert(ScopeRule):
    """## What it does
    Flags an `assert` removed from a function, class body or module top level that the change
    keeps (changed, not deleted), outside test files.

    ## Why is this bad?
    An assert states an internal invariant: the code after it was written on that assumption.
    Deleting it because it fired does not make the assumption true; it lets the broken state
    travel on and fail somewhere less obvious. When an assert fires, the fix belongs where the
    bad state was made.

    Not flagged: asserts in deleted functions (the code they guarded is gone), asserts in test
    files (the test rules judge those), an assert merely reworded or moved within the scope, an
    assert the change adds elsewhere (moved into a helper, or to another file), and an assert
    replaced by an explicit validation (`if not <cond>: raise ...`) on the same names.

    ## Example
    ```python
    def settle(order):
        total = order.total()
        return charge(order.customer, total)  # `assert total >= 0` was deleted
    ```

    ## Use instead
    ```python
    def settle(order):
        total = order.total()
        assert total >= 0, total  # fix the discount code that produced a negative total
        return charge(order.customer, total)
    ```
    """

    applies = Applies(files="code", statuses=frozenset({"changed"}))
    ast_triggers = (ast.Assert,)
    fires_on = "removed"
    meta = RuleMeta(
        id="IV001",
        name="removed-assert",
        category=Category.INVARIANT,
        severity=Severity.ERROR,
        suggestion="Keep the assert and fix the code that breaks the invariant; if the invariant is really wrong, say so in the change's description.",
    )
    VALID = (
        # The assert became an explicit validation that raises.
        Example("def f(x):\n    assert x > 0\n    return g(x)\n", "def f(x):\n    if x <= 0:\n        raise ValueError(x)\n    return g(x)\n"),
        # The whole function is deleted.
        Example("def f(x):\n    assert x > 0\n    return g(x)\n\ndef h():\n    pass\n", "def h():\n    pass\n"),
        # Test files belong to the test rules.
        Example("def test_f():\n    assert f() == 1\n    g()\n", "def test_f():\n    g()\n", path="tests/test_service.py"),
        # Moved into a helper the function calls.
        Example(
            "def f(x):\n    assert x > 0, x\n    return g(x)\n",
            "def f(x):\n    _check(x)\n    return g(x)\n\ndef _check(x):\n    assert x > 0, x\n",
        ),
        # Reformatted, message reworded only in layout.
        Example("def f(x):\n    assert x > 0, 'positive'\n    return g(x)\n", "def f(x):\n    assert (x > 0), \"positive\"\n    return g(x)\n"),
    )
    INVALID = (
        Example("def f(x):\n    assert x > 0\n    return g(x)\n", "def f(x):\n    return g(x)\n"),
        Example("class C:\n    def f(self):\n        assert self.ready, 'not started'\n        self.run()\n", "class C:\n    def f(self):\n        self.run()\n"),
        Example("import os\nassert os.sep == '/'\nX = 1\n", "import os\nX = 2\n"),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        validated = [names_in(node.test) for node in scope.added(m.If()) if isinstance(node, cst.If) and is_validation(node)]
        for node in scope.removed(m.Assert()):
            assert isinstance(node, cst.Assert)
            names = names_in(node.test)
            if not any(names & checked for checked in validated) and not scope.facts.asserts_elsewhere(code_of(node.test, limit=10_000)):
                yield scope.finding(self.meta, node, f"removed `assert {code_of(node.test)}`")
