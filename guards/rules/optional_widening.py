"""GD002 optional-widening."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import Signature
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of, every_parameter, is_optional
from guards.scope import ScopeDiff


def _widened(before: cst.Annotation | None, after: cst.Annotation | None) -> bool:
    """A declared, non-optional type that became optional (an annotation merely added is not a widening)."""
    return before is not None and after is not None and not is_optional(before.annotation) and is_optional(after.annotation)


def _parameter_changes(before: cst.FunctionDef, after: cst.FunctionDef) -> Iterator[tuple[cst.CSTNode, str]]:
    old = {param.name.value: param for param in every_parameter(before)}
    for param in every_parameter(after):
        name = param.name.value
        if name not in old:
            continue
        if _widened(old[name].annotation, param.annotation):
            yield param, f"parameter `{name}` widened from `{code_of(cst.ensure_type(old[name].annotation, cst.Annotation).annotation)}` to `{code_of(cst.ensure_type(param.annotation, cst.Annotation).annotation)}`"
        elif old[name].default is None and param.default is not None and m.matches(param.default, m.Name("None")):
            yield param, f"previously required parameter `{name}` now defaults to `None`"


class OptionalWidening(ScopeRule):
    """## What it does
    Flags a changed function whose signature now admits `None` where it did not: a parameter
    annotation changed from `T` to `Optional[T]`, `T | None` or `Union[T, None]`, a default
    `None` added to a required parameter, or a return annotation widened the same way.

    ## Why is this bad?
    A widened signature moves a "can't happen" into every caller and every callee: each now has
    to handle `None`, and most will do it with another guard or fallback. It is usually the
    signature-side half of an `if x is None: return` added to silence one failure, and it makes
    the bad state representable instead of fixing where it arises.

    Not flagged: new functions (their signature is a design, not a widening), an annotation
    added where there was none, a narrowing (`Optional[T]` to `T`), and defaults other than
    `None`.

    ## Example
    ```python
    def render(template: Template | None, context: dict) -> str | None:
        ...
    ```

    ## Use instead
    ```python
    def render(template: Template, context: dict) -> str:
        ...  # callers pass a template; the one that had none is fixed
    ```
    """

    applies = Applies(kinds=frozenset({"function"}), statuses=frozenset({"changed"}))
    ast_triggers = (Signature,)
    meta = RuleMeta(
        id="GD002",
        name="optional-widening",
        category=Category.GUARD,
        severity=Severity.WARNING,
        suggestion="Keep the signature strict and fix the caller that produces None, or model absence with an explicit type instead of None.",
    )
    VALID = (
        # A new function may take an optional parameter.
        Example("", "def f(x: int | None = None) -> str | None:\n    return g(x)\n"),
        # Narrowing is the good direction.
        Example("from typing import Optional\ndef f(x: Optional[int]) -> int:\n    return g(x)\n", "def f(x: int) -> int:\n    return g(x)\n"),
        # A default that is not None, and an annotation added where there was none.
        Example("def f(x, retries):\n    return g(x)\n", "def f(x: int, retries: int = 3):\n    return g(x)\n"),
        # Already optional before; only the spelling changed.
        Example("from typing import Optional\ndef f(x: Optional[int]):\n    return g(x)\n", "def f(x: int | None):\n    return g(x)\n"),
    )
    INVALID = (
        Example("def f(x: int) -> str:\n    return g(x)\n", "def f(x: int | None) -> str:\n    return g(x)\n"),
        Example("from typing import Optional\ndef f(x: int) -> str:\n    return g(x)\n", "from typing import Optional\ndef f(x: int) -> Optional[str]:\n    return g(x)\n"),
        Example("def f(x, y):\n    return g(x, y)\n", "def f(x, y=None):\n    return g(x, y)\n"),
        Example("import typing\nclass C:\n    def f(self, x: str):\n        return g(x)\n", "import typing\nclass C:\n    def f(self, x: typing.Union[str, None]):\n        return g(x)\n"),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        before = cst.ensure_type(scope.before.definition, cst.FunctionDef)
        after = cst.ensure_type(scope.after.definition, cst.FunctionDef)
        for node, message in _parameter_changes(before, after):
            yield scope.finding(self.meta, node, message)
        if _widened(before.returns, after.returns):
            returns = cst.ensure_type(after.returns, cst.Annotation)
            yield scope.finding(self.meta, returns, f"return type widened to `{code_of(returns.annotation)}`")
