"""GD001 early-exit-guard."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import QuietMissingTestIf
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.patterns import DEFAULT_VALUE, LOG_CALL, code_of, optional_parameters, parameter_names, statements
from guards.scope import ScopeDiff

_SUBJECT = m.SaveMatchedNode(m.Name(), "subject")
# Probing a type or an attribute is a guard on an attribute too (`not hasattr(self._stream, "flush")`).
_PROBED = m.SaveMatchedNode(m.Name() | m.Attribute(), "subject")
_EMPTY_STRING = m.SimpleString(value=m.MatchRegex(r"^[rbuRBU]*(''|\"\"|''''''|\"\"\"\"\"\")$"))

# Tests that ask "is this argument missing or of the wrong kind?"; each saves the tested name.
_MISSING_TESTS = (
    m.Comparison(left=_SUBJECT, comparisons=[m.ComparisonTarget(operator=m.Is(), comparator=m.Name("None"))]),
    m.Comparison(left=_SUBJECT, comparisons=[m.ComparisonTarget(operator=m.Equal(), comparator=_EMPTY_STRING)]),
    m.Comparison(
        left=m.Call(func=m.Name("len"), args=[m.Arg(value=_SUBJECT)]),
        comparisons=[m.ComparisonTarget(operator=m.Equal(), comparator=m.Integer("0"))],
    ),
    m.UnaryOperation(operator=m.Not(), expression=_SUBJECT),
    m.UnaryOperation(
        operator=m.Not(),
        expression=m.Call(func=m.Name("isinstance") | m.Name("hasattr"), args=[m.Arg(value=_PROBED), m.ZeroOrMore()]),
    ),
)
_INSTANCE = frozenset({"self", "cls"})
_BAIL = m.Pass() | m.Continue() | m.Return(value=None) | m.Return(value=DEFAULT_VALUE)


def tested_subjects(test: cst.BaseExpression) -> list[cst.Name | cst.Attribute]:
    """What a missing-value test checks; `a is None or b == ""` checks both."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        return [*tested_subjects(test.left), *tested_subjects(test.right)]
    subjects: list[cst.Name | cst.Attribute] = []
    for pattern in _MISSING_TESTS:
        captured = m.extract(test, pattern)
        if captured is not None:
            subject = captured["subject"]
            assert isinstance(subject, cst.Name | cst.Attribute)
            subjects.append(subject)
    return subjects


def root_name(subject: cst.Name | cst.Attribute) -> str:
    """`self` for `self._stream.buffer`, `x` for `x`."""
    node: cst.BaseExpression = subject
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else ""


def bails_out(node: cst.If) -> bool:
    """The `if` only leaves quietly (optionally logging first) and has no else."""
    body = statements(node.body)
    return (
        node.orelse is None
        and m.matches(body[-1], _BAIL)
        and all(m.matches(statement, m.Expr(value=LOG_CALL)) for statement in body[:-1])
    )


class EarlyExitGuard(ScopeRule):
    """## What it does
    Flags an added `if <test>: return` (or `return None`/`[]`/`""`, `continue`, `pass`) whose
    test asks whether a parameter is missing or of the wrong kind: `x is None`, `not x`,
    `not isinstance(x, T)`, `not hasattr(x, "n")`, `x == ""`, `len(x) == 0`, or such tests
    joined with `or`. Type and attribute probes (`not isinstance`, `not hasattr`) also count on
    an attribute of a parameter or of `self`/`cls`: `if not hasattr(self._stream, "flush")`.

    ## Why is this bad?
    The caller was supposed to pass a real value. When it does not, the function now quietly
    does nothing, and the bug that produced the bad argument moves out of sight: the failure
    surfaces later, far from its cause, as a missing result. Agents add these after one crash
    with `None`; the crash was the useful part.

    Not flagged: a parameter that was already optional before the change (annotated
    `Optional[T]` / `T | None` or defaulting to `None`), since checking a genuinely optional
    argument is the point of it; isinstance dispatch that returns a computed value; a guard that
    raises (that is validation); tests on local variables; a flag on the instance
    (`if not self.enabled: return`).

    ## Example
    ```python
    def send(message: Message) -> None:
        if message is None:
            return
        transport.write(message.encode())
    ```

    ## Use instead
    ```python
    def send(message: Message) -> None:
        transport.write(message.encode())  # fix the caller that passed None
    ```
    """

    applies = Applies(kinds=frozenset({"function"}), statuses=frozenset({"added", "changed"}))
    ast_triggers = (QuietMissingTestIf,)
    fires_on = "added"
    meta = RuleMeta(
        id="GD001",
        name="early-exit-guard",
        category=Category.GUARD,
        severity=Severity.WARNING,
        suggestion="Do not skip work for a bad argument: fix the caller that passes it, or raise a specific error if the argument can really be invalid.",
    )
    VALID = (
        # A new validation that raises.
        Example("def f(x):\n    return x.run()\n", "def f(x):\n    if x is None:\n        raise ValueError('x is required')\n    return x.run()\n"),
        # The parameter was optional already.
        Example("def f(x: int | None = None):\n    return g(x)\n", "def f(x: int | None = None):\n    if x is None:\n        return 0\n    return g(x)\n"),
        Example("from typing import Optional\ndef f(x: Optional[str]):\n    return g(x)\n", "from typing import Optional\ndef f(x: Optional[str]):\n    if not x:\n        return ''\n    return g(x)\n"),
        # isinstance dispatch returns a computed value.
        Example("def f(x):\n    return handle_b(x)\n", "def f(x):\n    if isinstance(x, A):\n        return handle_a(x)\n    return handle_b(x)\n"),
        # A guard on a local, not a parameter.
        Example("def f(key):\n    row = table.find(key)\n    use(row)\n", "def f(key):\n    row = table.find(key)\n    if row is None:\n        return\n    use(row)\n"),
        # A flag on the instance, not a probe.
        Example("class C:\n    def f(self):\n        self.flush()\n", "class C:\n    def f(self):\n        if not self.enabled:\n            return\n        self.flush()\n"),
        # Removing a redundant None check.
        Example("def f(x):\n    if x is None:\n        return\n    use(x)\n", "def f(x):\n    use(x)\n"),
    )
    INVALID = (
        Example(
            "class C:\n    def f(self, entry):\n        self._stream.write(entry)\n",
            "class C:\n    def f(self, entry):\n        if not hasattr(self._stream, 'write'):\n            return\n        self._stream.write(entry)\n",
        ),
        Example("def f(message):\n    send(message)\n", "def f(message):\n    if message is None:\n        return\n    send(message)\n"),
        Example("def f(items: list[str]):\n    for item in items:\n        use(item)\n", "def f(items: list[str]):\n    if not items:\n        return []\n    for item in items:\n        use(item)\n"),
        Example("class C:\n    def f(self, x):\n        x.run()\n", "class C:\n    def f(self, x):\n        if not isinstance(x, Job):\n            log.warning('not a job')\n            return None\n        x.run()\n"),
        Example("def f(name, path):\n    open(path).write(name)\n", "def f(name, path):\n    if name == '' or len(path) == 0:\n        return\n    open(path).write(name)\n"),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        definition = scope.after.definition
        assert isinstance(definition, cst.FunctionDef)
        parameters = parameter_names(definition)
        signature = scope.before.definition if scope.before.exists else definition
        assert isinstance(signature, cst.FunctionDef)
        optional = optional_parameters(signature)
        for node in scope.added(m.If()):
            assert isinstance(node, cst.If)
            guarded = sorted(
                {
                    code_of(subject)
                    for subject in tested_subjects(node.test)
                    if root_name(subject) not in optional
                    and (root_name(subject) in parameters or (isinstance(subject, cst.Attribute) and root_name(subject) in _INSTANCE))
                }
            )
            if guarded and bails_out(node):
                names = ", ".join(f"`{name}`" for name in guarded)
                yield scope.finding(self.meta, node, f"added early exit `if {code_of(node.test)}:` on {names} skips the work quietly")
