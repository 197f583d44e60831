"""IV006 optional-return-unchecked."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from guards.callgraph.graph import describe_sites
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import Returns
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import code_of, is_optional
from guards.scope import ScopeDiff


class OptionalReturnUnchecked(ScopeRule):
    """## What it does
    Flags a return type widened to Optional (`T` became `T | None`, `Optional[T]`,
    `Union[T, None]`) when the call graph shows callers that use the result without a check:
    an attribute, subscript or call on the result (directly, or through the variable it was
    assigned to) with no `is None` test or truthiness test of it. The finding names them.

    ## Why is this bad?
    The function now hands `None` to code written for a `T`. Each of those callers fails later,
    with an `AttributeError` or `TypeError` far from the cause, or gets its own guard in the
    next change: the widening spreads. GD002 reports the widening itself; this rule reports
    where it breaks.

    Not flagged: callers that test the result for `None` (or its truth) before using it,
    callers that only pass the result on, and new functions.

    ## Example
    ```python
    def find_user(name: str) -> User | None:  # was: -> User
        ...

    def greeting(name: str) -> str:
        return "hello " + find_user(name).display_name
    ```

    ## Use instead
    Keep `-> User` and raise where the user is missing, or change every caller to handle `None`
    in the same change.
    """

    applies = Applies(files="code", kinds=frozenset({"function"}), statuses=frozenset({"changed"}))
    ast_triggers = (Returns,)
    meta = RuleMeta(
        id="IV006",
        name="optional-return-unchecked",
        category=Category.INVARIANT,
        severity=Severity.ERROR,
        suggestion="Keep the return type strict (raise when there is no value), or update every caller that uses the result to handle None.",
    )
    _STRICT = "def find(users, name) -> str:\n    return users[name]\n"
    _WIDE = "def find(users, name) -> str | None:\n    return users.get(name)\n"
    VALID = (
        # The caller checks.
        Example(
            _STRICT + "\n\ndef greet(users):\n    user = find(users, 'ann')\n    return user.upper()\n",
            _WIDE + "\n\ndef greet(users):\n    user = find(users, 'ann')\n    if user is None:\n        return ''\n    return user.upper()\n",
        ),
        # The caller only passes it on.
        Example(_STRICT + "\n\ndef greet(users):\n    return show(find(users, 'ann'))\n", _WIDE + "\n\ndef greet(users):\n    return show(find(users, 'ann'))\n"),
        # Already Optional before.
        Example(_WIDE + "\n\ndef greet(users):\n    return find(users, 'ann').upper()\n", _WIDE.replace("str | None", "Optional[str]") + "\n\ndef greet(users):\n    return find(users, 'ann').upper()\n"),
    )
    INVALID = (
        Example(_STRICT + "\n\ndef greet(users):\n    return find(users, 'ann').upper()\n", _WIDE + "\n\ndef greet(users):\n    return find(users, 'ann').upper()\n"),
        Example(
            _STRICT + "\n\ndef greet(users):\n    user = find(users, 'ann')\n    return user.upper()\n",
            _WIDE + "\n\ndef greet(users):\n    user = find(users, 'ann')\n    return user.upper()\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        before = cst.ensure_type(scope.before.definition, cst.FunctionDef).returns
        after = cst.ensure_type(scope.after.definition, cst.FunctionDef).returns
        if after is None or not _widened(before, after.annotation):
            return
        graph = scope.facts.calls.graph
        unchecked = [site for site in graph.callers(graph.qualname(scope.path, scope.qualname)) if site.call.unchecked]
        if unchecked:
            yield scope.finding(self.meta, after, f"return type widened to `{code_of(after.annotation)}` but callers use the result unchecked: {describe_sites(unchecked)}")


def _widened(before: cst.Annotation | None, after: cst.BaseExpression) -> bool:
    """A return annotation that was there and not optional became optional."""
    return before is not None and not is_optional(before.annotation) and is_optional(after)
