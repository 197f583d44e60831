"""FB005 getattr-default."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import calls_to
from guards.rules.base import Example, ScopeRule
from guards.rules.patterns import code_of, resolves_to
from guards.scope import ScopeDiff, structural_key

_POSITIONAL = m.Arg(keyword=None, star="")
_THREE_ARGUMENTS = m.Call(func=m.Name("getattr"), args=[_POSITIONAL, _POSITIONAL, _POSITIONAL])


def _replaced_accesses(scope: ScopeDiff, call: cst.Call) -> list[cst.CSTNode]:
    """The before-scope's `o.name` accesses that `getattr(o, "name", default)` stands in for."""
    name = call.args[1].value
    if not isinstance(name, cst.SimpleString | cst.ConcatenatedString):
        return []  # a computed name: no direct access it could replace
    target = structural_key(call.args[0].value)
    accesses = scope.before.find(m.Attribute(attr=m.Name(str(name.evaluated_value))))
    return [node for node in accesses if structural_key(cst.ensure_type(node, cst.Attribute).value) == target]


class GetattrDefault(ScopeRule):
    """## What it does
    Flags an added `getattr(o, "name", default)` with a default. A warning on its own; an error
    when it replaces a direct `o.name` the before-scope had.

    ## Why is this bad?
    `o.name` states what `o` is. The three-argument `getattr` says "`o` may be anything": an
    `AttributeError` from the wrong object, a typo or a half-built instance becomes a default
    value that flows on. It is duck-typing by probing, the attribute twin of `.get(k, default)`,
    and it hides the type the code really expects.

    Not flagged: `getattr(o, name)` with two arguments (a dynamic lookup that still fails
    loudly), and a three-argument `getattr` the scope already had.

    ## Example
    ```python
    def timeout(settings):
        return getattr(settings, "timeout", 30)  # was: settings.timeout
    ```

    ## Use instead
    ```python
    def timeout(settings: Settings) -> float:
        return settings.timeout  # Settings declares the field, with its default, in one place
    ```
    """

    ast_triggers = (calls_to("getattr"),)
    fires_on = "added"
    meta = RuleMeta(
        id="FB005",
        name="getattr-default",
        category=Category.FALLBACK,
        severity=Severity.WARNING,
        suggestion="Access the attribute directly on a type that declares it; give the field its default in the type's definition.",
    )
    VALID = (
        # A dynamic lookup that fails loudly: not a fallback.
        Example("def f(o, name):\n    return name\n", "def f(o, name):\n    return getattr(o, name)\n"),
        Example("def f(s):\n    return s.timeout\n", "def f(s: Settings):\n    return s.timeout\n"),
        # Already there before; only the surrounding code changed.
        Example(
            "def f(o):\n    return getattr(o, '__wrapped__', o)\n",
            "def f(o):\n    inner = getattr(o, '__wrapped__', o)\n    return inner\n",
        ),
    )
    INVALID = (
        Example("def f(s):\n    return s.timeout\n", "def f(s):\n    return getattr(s, 'timeout', 30)\n"),
        Example("", "def f(o):\n    return getattr(o, 'name', None)\n"),
        Example(
            "def f(self):\n    return self.user.email.lower()\n",
            "def f(self):\n    return getattr(self.user, 'email', '').lower()\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        for call in scope.added(_THREE_ARGUMENTS):
            assert isinstance(call, cst.Call)
            if not resolves_to(scope.after, call.func, "builtins.getattr"):
                continue
            subject, name, default = (code_of(arg.value) for arg in call.args)
            replaced = _replaced_accesses(scope, call)
            if not replaced:
                yield scope.finding(
                    self.meta, call, f"`{code_of(call)}` turns a missing attribute {name} of `{subject}` into `{default}`"
                )
            else:
                yield scope.finding(
                    self.meta,
                    call,
                    f"`{code_of(call)}` replaces `{code_of(replaced[0])}`: a missing attribute now yields `{default}` "
                    "instead of raising AttributeError",
                    severity=Severity.ERROR,
                )
