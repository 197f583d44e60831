"""IV002 removed-raise."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import LOG_CALL, raised_type, removed_validations
from guards.scope import ScopeDiff

# How far (in lines of the new file) a return or log call may sit from where the raise was
# and still count as its replacement.
_NEARBY_LINES = 2


def _label(node: cst.Raise) -> str:
    kind = raised_type(node)
    return f"raise {kind}" if kind else "raise"


def _replacement(scope: ScopeDiff, node: cst.Raise) -> str:
    """What the change put where the raise was: "a `return`", "a log call", or "" for nothing."""
    line, _ = scope.span(node)
    for replacement, label in ((m.Return(), "a `return`"), (LOG_CALL, "a log call")):
        for added in scope.added(replacement):
            if abs(scope.span(added)[0] - line) <= _NEARBY_LINES:
                return label
    return ""


class RemovedRaise(ScopeRule):
    """## What it does
    Flags a `raise` removed from a function, class body or module top level that the change
    keeps, outside test files, including a `raise` turned into a `return` or a log call.

    ## Why is this bad?
    A raise is how a function refuses a state it cannot handle. Removing it makes the function
    carry on with that state (or hand back something that looks like a result), and every
    caller that relied on the error now proceeds silently. Agents do this to make a failing
    test pass; the failure was the information.

    Not flagged: raises in deleted functions, a raise whose exception type is still raised
    elsewhere in the scope after the change (reworded, moved), a removed bare `raise` when the
    change adds a translating `raise ... from exc`, and raises inside a whole validation `if`
    that was removed (IV003 reports those once).

    ## Example
    ```python
    def parse_port(text):
        port = int(text)
        if not 0 < port < 65536:
            log.warning("bad port %s", port)  # was: raise ValueError(f"bad port {port}")
        return port
    ```

    ## Use instead
    ```python
    def parse_port(text):
        port = int(text)
        if not 0 < port < 65536:
            raise ValueError(f"bad port {port}")
        return port
    ```
    """

    applies = Applies(files="code", statuses=frozenset({"changed"}))
    ast_triggers = (ast.Raise,)
    fires_on = "removed"
    meta = RuleMeta(
        id="IV002",
        name="removed-raise",
        category=Category.INVARIANT,
        severity=Severity.ERROR,
        suggestion="Keep the raise and fix the caller or the data that triggers it; an error that callers rely on is part of the contract.",
    )
    VALID = (
        # The message changed, the error did not.
        Example("def f(x):\n    if x < 0:\n        raise ValueError('neg')\n    return x\n", "def f(x):\n    if x < 0:\n        raise ValueError(f'negative: {x}')\n    return x\n"),
        # A bare re-raise became a translation.
        Example(
            "def f(p):\n    try:\n        return load(p)\n    except OSError:\n        raise\n",
            "def f(p):\n    try:\n        return load(p)\n    except OSError as exc:\n        raise ConfigError(p) from exc\n",
        ),
        # A new validation is the opposite of a removed one.
        Example("def f(x):\n    return x\n", "def f(x):\n    if x < 0:\n        raise ValueError(x)\n    return x\n"),
        # The function is deleted.
        Example("def f(x):\n    raise NotImplementedError\n\ndef h():\n    pass\n", "def h():\n    pass\n"),
    )
    INVALID = (
        Example("def f(x):\n    if x < 0:\n        raise ValueError(x)\n    return x\n", "def f(x):\n    if x < 0:\n        return None\n    return x\n"),
        Example(
            "def f(p):\n    try:\n        return load(p)\n    except OSError as exc:\n        raise ConfigError(p) from exc\n",
            "def f(p):\n    try:\n        return load(p)\n    except OSError as exc:\n        logger.warning('cannot load %s: %s', p, exc)\n",
        ),
        Example("class C:\n    def run(self):\n        raise NotImplementedError\n", "class C:\n    def run(self):\n        pass\n"),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        in_removed_validation = {id(node) for validation in removed_validations(scope) for node in m.findall(validation, m.Raise())}
        still_raised = Counter(raised_type(cst.ensure_type(node, cst.Raise)) for node in scope.added(m.Raise()))
        translated = any(cst.ensure_type(node, cst.Raise).cause is not None for node in scope.added(m.Raise()))
        for node in scope.removed(m.Raise()):
            assert isinstance(node, cst.Raise)
            kind = raised_type(node)
            if id(node) in in_removed_validation or (kind == "" and translated):
                continue
            if still_raised[kind] > 0:
                still_raised[kind] -= 1
                continue
            replacement = _replacement(scope, node)
            turned = f", turned into {replacement}" if replacement else ""
            yield scope.finding(self.meta, node, f"removed `{_label(node)}`{turned}")
