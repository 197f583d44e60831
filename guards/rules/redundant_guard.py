"""GD003 redundant-guard."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from guards.callgraph.graph import CallGraph, CallSite, describe_sites
from guards.callgraph.model import Shape
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.prefilter import NameMissingTestIf
from guards.rules.base import Applies, Example, ScopeRule
from guards.rules.early_exit_guard import tested_subjects
from guards.rules.patterns import code_of, optional_parameters, parameter_names
from guards.scope import ScopeDiff

_NONE_TEST = m.Comparison(comparisons=[m.ComparisonTarget(operator=m.Is(), comparator=m.Name("None"))])
_TYPE_TEST = m.UnaryOperation(operator=m.Not(), expression=m.Call(func=m.Name("isinstance")))


def _proves(graph: CallGraph, test: cst.BaseExpression, shape: Shape) -> bool:
    """Whether an argument of this shape makes `test` always false."""
    if m.matches(test, _NONE_TEST):
        return graph.cannot_be_none(shape)
    if m.matches(test, _TYPE_TEST):
        call = cst.ensure_type(cst.ensure_type(test, cst.UnaryOperation).expression, cst.Call)
        wanted = code_of(call.args[1].value).rpartition(".")[2] if len(call.args) == 2 else ""
        made = graph.constructed_class(shape) or (shape.ref[2:] if shape.kind == "typed" else "")
        return wanted != "" and made.rpartition(".")[2] == wanted
    if m.matches(test, m.UnaryOperation(operator=m.Not(), expression=m.Call(func=m.Name("hasattr")))):
        return False
    return graph.is_truthy(shape)


class RedundantGuard(ScopeRule):
    """## What it does
    Flags a guard the change adds on a parameter (`if x is None`, `if not x`,
    `if not isinstance(x, T)`, `x == ""`, `len(x) == 0`) when the call graph shows that every
    call site in the repository passes a value that makes the test false: a constructed object
    `Foo(...)`, a literal, a parameter annotated with a non-Optional type, or a value the caller
    already checked. The finding names the call sites.

    ## Why is this bad?
    The guard defends against a state no caller produces. It costs a branch every reader has
    to understand, suggests that `None` is a legitimate input, and invites the next change to
    pass `None` on purpose. The invariant is already kept where the value is made.

    Not flagged (not provably redundant): a function with no known callers, one used as a value
    (a callback), listed in `__all__` or re-exported by a package (its callers may be outside
    the repository), a method also called on receivers of unknown type, and a genuinely
    Optional parameter (a call site passes `None`, an Optional-typed value, or relies on a
    `None` default).

    ## Example
    ```python
    def total(invoice: Invoice) -> int:
        if invoice is None:
            return 0
        return sum(line.amount for line in invoice.lines)

    def close(order: Order) -> None:
        charge(total(Invoice(order)))
    ```

    ## Use instead
    ```python
    def total(invoice: Invoice) -> int:
        return sum(line.amount for line in invoice.lines)
    ```
    """

    applies = Applies(files="code", kinds=frozenset({"function"}), statuses=frozenset({"added", "changed"}))
    ast_triggers = (NameMissingTestIf,)
    fires_on = "added"
    meta = RuleMeta(
        id="GD003",
        name="redundant-guard",
        category=Category.GUARD,
        severity=Severity.WARNING,
        suggestion="Remove the guard: every caller already passes a real value. If a new caller may pass None, fix that caller instead.",
    )
    _CALLERS = "class Invoice:\n    def __init__(self, lines):\n        self.lines = lines\n\n\ndef close(order):\n    return total(Invoice(order.lines))\n\n\ndef preview():\n    return total(Invoice([1, 2]))\n"
    _BEFORE = "def total(invoice):\n    return sum(invoice.lines)\n\n\n" + _CALLERS
    VALID = (
        # A special method is called by the language (here `Price()(1)`), where no call site shows.
        Example(
            "class Price:\n    def __call__(self, amount):\n        return amount * 2\n\n\ndef main():\n    return Price().__call__(1)\n",
            "class Price:\n    def __call__(self, amount):\n        if amount is None:\n            return 0\n        return amount * 2\n\n\ndef main():\n    return Price().__call__(1)\n",
        ),
        # A caller passes None: the parameter is genuinely optional.
        Example(_BEFORE + "\n\ndef empty():\n    return total(None)\n", "def total(invoice):\n    if invoice is None:\n        return 0\n    return sum(invoice.lines)\n\n\n" + _CALLERS + "\n\ndef empty():\n    return total(None)\n"),
        # No known callers: nothing is proven.
        Example("def total(invoice):\n    return sum(invoice.lines)\n", "def total(invoice):\n    if invoice is None:\n        return 0\n    return sum(invoice.lines)\n"),
        # A caller passes a value of unknown origin.
        Example(_BEFORE + "\n\ndef lookup(store, key):\n    return total(store.find(key))\n", "def total(invoice):\n    if invoice is None:\n        return 0\n    return sum(invoice.lines)\n\n\n" + _CALLERS + "\n\ndef lookup(store, key):\n    return total(store.find(key))\n"),
        # Used as a callback: its callers are unknown.
        Example(_BEFORE + "\n\nHANDLERS = [total]\n", "def total(invoice):\n    if invoice is None:\n        return 0\n    return sum(invoice.lines)\n\n\n" + _CALLERS + "\n\nHANDLERS = [total]\n"),
    )
    INVALID = (
        Example(_BEFORE, "def total(invoice):\n    if invoice is None:\n        return 0\n    return sum(invoice.lines)\n\n\n" + _CALLERS),
        Example(_BEFORE, "def total(invoice):\n    if not isinstance(invoice, Invoice):\n        raise TypeError(invoice)\n    return sum(invoice.lines)\n\n\n" + _CALLERS),
        Example(
            "def greet(name):\n    return 'hi ' + name\n\n\ndef main(user: str):\n    greet('world')\n    greet(user)\n",
            "def greet(name):\n    if name is None:\n        return ''\n    return 'hi ' + name\n\n\ndef main(user: str):\n    greet('world')\n    greet(user)\n",
        ),
    )

    def check(self, scope: ScopeDiff) -> Iterator[Finding]:
        subjects = _guarded_parameters(scope)
        if not subjects:
            return
        graph = scope.facts.calls.graph
        qualname = graph.qualname(scope.path, scope.qualname)
        sites = _call_sites(graph, qualname)
        redundant = [(node, name) for node, name in subjects if sites and _all_prove(graph, node, name, sites)]
        # Whether the call sites are all there is comes last: it reads every file naming the function.
        if redundant and graph.callers_all_known(qualname):
            for node, name in redundant:
                yield scope.finding(self.meta, node, f"added guard `if {code_of(node.test)}:` on `{name}` is redundant: no call site can make it true ({describe_sites(sites)})")


def _call_sites(graph: CallGraph, qualname: str) -> list[CallSite]:
    """The function's call sites the graph sees; none where some callers are unknown as far as
    calls go: a special method, which the language calls, or a method also called on receivers
    of unknown type (asked first: it usually stops at the first file calling the name)."""
    if not graph.has_function(qualname) or graph.called_by_the_language(qualname) or graph.calls_on_unknown_receivers(qualname):
        return []
    return graph.callers(qualname)


def _all_prove(graph: CallGraph, node: cst.If, name: str, sites: list[CallSite]) -> bool:
    """Whether what every site passes for `name` makes the guard's test false."""
    return all(_proves(graph, _test_on(node.test, name), graph.argument(site, name)) for site in sites)


def _guarded_parameters(scope: ScopeDiff) -> list[tuple[cst.If, str]]:
    """Each added `if` with each required parameter its test is about."""
    definition = cst.ensure_type(scope.after.definition, cst.FunctionDef)
    parameters = parameter_names(definition) - optional_parameters(definition)
    guards = [cst.ensure_type(node, cst.If) for node in scope.added(m.If())]
    return [(node, subject.value) for node in guards for subject in tested_subjects(node.test) if isinstance(subject, cst.Name) and subject.value in parameters]


def _test_on(test: cst.BaseExpression, name: str) -> cst.BaseExpression:
    """The part of an `or` chain that tests `name`."""
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
        left = [s for s in tested_subjects(test.left) if isinstance(s, cst.Name) and s.value == name]
        return _test_on(test.left if left else test.right, name)
    return test

