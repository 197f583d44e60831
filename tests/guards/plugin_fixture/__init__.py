"""A tiny rule plugin, as a third-party distribution would ship it, and broken look-alikes.

Tests point real `importlib.metadata.EntryPoint` objects at these names.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Example, ScopeRule
from guards.scope import ScopeDiff


class NoPrint(ScopeRule):
    """## What it does
    Flags an added `print(...)` call.

    ## Why is this bad?
    Output belongs to the CLI boundary; a library that prints cannot be used quietly.

    ## Example
    ```python
    print(result)
    ```

    ## Use instead
    ```python
    return result
    ```
    """

    meta = RuleMeta(id="PL001", name="no-print", category=Category.GUARD, severity=Severity.WARNING, suggestion="Return the value; let the CLI print it.")
    VALID = (Example("", "log(x)\n"),)
    INVALID = (Example("", "print(x)\n"),)

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for call in scope.added(m.Call(func=m.Name("print"))):
            yield scope.finding(self.meta, call, "print in library code")


class ClashingId(NoPrint):
    meta = RuleMeta(id="FB001", name="plugin-clash", category=Category.GUARD, severity=Severity.WARNING, suggestion="Pick a free id.")


class WithoutMeta(ScopeRule):
    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        yield from ()


class NotARule:
    """A class that is not a `Rule`."""


def not_a_class() -> None:
    """A function where a rule class is expected."""
