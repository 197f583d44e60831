"""IV003 removed-validation."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import ValidationIf
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of, raised_type, removed_validations, statements
from guards.scope import ScopeDiff


class RemovedValidation(ScopeRule):
    """## What it does
    Flags a validation (`if <cond>: raise ...`, a body that only raises) removed as a whole from
    a function, class body or module top level that the change keeps, outside test files.

    ## Why is this bad?
    A validation is where a function refuses bad input at the door, with an error that names the
    problem. Without it, the bad input is accepted and fails later, somewhere that cannot say what
    was wrong, or does not fail at all and produces a wrong result. Agents remove validations
    that a failing test tripped over instead of fixing the input.

    Not flagged: validations in deleted functions, a validation whose condition is kept with a
    different body (IV002 judges the raise), a validation reworded or tightened (a validation
    raising the same type is added), and validations added by the change.

    ## Example
    ```python
    def withdraw(account, amount):
        account.balance -= amount  # `if amount <= 0: raise ValueError(...)` was deleted
    ```

    ## Use instead
    ```python
    def withdraw(account, amount):
        if amount <= 0:
            raise ValueError(f"amount must be positive, got {amount}")
        account.balance -= amount
    ```
    """

    applies = Applies(files="code", statuses=frozenset({"changed"}))
    ast_triggers = (ValidationIf,)
    fires_on = "removed"
    meta = RuleMeta(
        id="IV003",
        name="removed-validation",
        category=Category.INVARIANT,
        severity=Severity.ERROR,
        suggestion="Keep the validation and fix the caller that passes the invalid value.",
    )
    VALID = (
        # A new validation.
        Example("def f(amount):\n    return pay(amount)\n", "def f(amount):\n    if amount <= 0:\n        raise ValueError(amount)\n    return pay(amount)\n"),
        # The condition was tightened, the error type kept.
        Example(
            "def f(amount):\n    if amount < 0:\n        raise ValueError(amount)\n    return pay(amount)\n",
            "def f(amount):\n    if amount <= 0:\n        raise ValueError(f'not positive: {amount}')\n    return pay(amount)\n",
        ),
        # The function is deleted.
        Example("def f(a):\n    if a < 0:\n        raise ValueError(a)\n    return a\n\ndef h():\n    pass\n", "def h():\n    pass\n"),
        # An `if` that also does other work is not a validation (IV002 reports its raise).
        Example("def f(a):\n    if a < 0:\n        log.error('negative')\n        raise ValueError(a)\n    return a\n", "def f(a):\n    return a\n"),
    )
    INVALID = (
        Example("def f(amount):\n    if amount <= 0:\n        raise ValueError(amount)\n    return pay(amount)\n", "def f(amount):\n    return pay(amount)\n"),
        Example(
            "class C:\n    def put(self, key, value):\n        if key in self.data:\n            raise KeyError(key)\n        self.data[key] = value\n",
            "class C:\n    def put(self, key, value):\n        self.data[key] = value\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for node in removed_validations(scope):
            raise_ = cst.ensure_type(statements(node.body)[0], cst.Raise)
            yield scope.finding(self.meta, node, f"removed validation `if {code_of(node.test)}: raise {raised_type(raise_)}`")
