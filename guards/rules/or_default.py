"""FB006 or-default."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import OrEmpty
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import DEFAULT_VALUE, code_of
from guards.scope import ScopeDiff, ScopeView, structural_key

_OR_DEFAULT = m.BooleanOperation(operator=m.Or(), right=DEFAULT_VALUE)


def _is_direct_use(view: ScopeView, node: cst.CSTNode) -> bool:
    """A read of `node`'s value as it is: not a name being bound, not already defaulted."""
    parent = view.parent(node)
    if isinstance(parent, cst.Param | cst.AssignTarget):
        return False  # binds the name, does not read it
    if isinstance(parent, cst.AnnAssign) and parent.target is node:
        return False
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return False  # `o.x` holds `x` as an attribute name, not as a read of `x`
    if isinstance(parent, cst.Arg) and parent.keyword is node:
        return False
    return not (isinstance(parent, cst.BooleanOperation) and m.matches(parent, _OR_DEFAULT) and parent.left is node)


def _used_directly_before(scope: ScopeDiff, value: cst.BaseExpression) -> bool:
    key = structural_key(value)
    return any(
        structural_key(node) == key and _is_direct_use(scope.before, node)
        for node in scope.before.nodes
        if type(node) is type(value)
    )


class OrDefault(ScopeRule):
    """## What it does
    Flags an added `value or <default>` (`None`, `[]`, `{}`, `""`, `0`, `False`, `list()`…)
    where the before-scope used `value` directly.

    ## Why is this bad?
    `x or []` replaces every falsy `x` — `None`, but also a legitimately empty string, a zero, an
    empty mapping — with a default, in one expression nobody reads twice. When `x` used to be
    used as it is, the change means a `None` that should never have reached this line is now
    papered over instead of fixed where it came from.

    Not flagged: `or` in new code, where the value was never used directly before; `or` between
    two real values (`name or fallback_name`); `and`.

    ## Example
    ```python
    def names(user):
        return [g.name for g in user.groups or []]  # was: user.groups
    ```

    ## Use instead
    ```python
    def names(user: User) -> list[str]:
        return [g.name for g in user.groups]  # `groups` is a list by construction, never None
    ```
    """

    ast_triggers = (OrEmpty,)
    fires_on = "added"
    meta = RuleMeta(
        id="FB006",
        name="or-default",
        category=Category.FALLBACK,
        severity=Severity.ERROR,
        suggestion="Use the value directly and make it non-optional where it is created; if absence is legitimate, model it explicitly.",
    )
    VALID = (
        Example("", "def f(name):\n    return name or 'anonymous'\n"),
        # Two real values, no default literal.
        Example(
            "def f(user):\n    return user.nickname\n",
            "def f(user):\n    return user.nickname or user.full_name\n",
        ),
        # A parameter that was never read before is not a direct use.
        Example("def f(limit):\n    return 10\n", "def f(limit):\n    return limit or 0\n"),
        Example("def f(x):\n    return x or []\n", "def f(x):\n    y = x or []\n    return y\n"),
    )
    INVALID = (
        Example(
            "def f(user):\n    return [g.name for g in user.groups]\n",
            "def f(user):\n    return [g.name for g in user.groups or []]\n",
        ),
        Example(
            "def f(options):\n    timeout = options['timeout']\n    return wait(timeout)\n",
            "def f(options):\n    timeout = options['timeout']\n    return wait(timeout or 0)\n",
        ),
        Example(
            "def f(self):\n    return self.label.upper()\n",
            "def f(self):\n    return (self.label or '').upper()\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for operation in scope.added(_OR_DEFAULT):
            assert isinstance(operation, cst.BooleanOperation)
            if not _used_directly_before(scope, operation.left):
                continue
            value, default = code_of(operation.left), code_of(operation.right)
            yield scope.finding(
                self.meta,
                operation,
                f"`{value} or {default}` replaces the direct use of `{value}`: "
                f"None and every other falsy value now silently become {default}",
            )
