"""The `ast` prefilter: which scope rules can fire on a changed scope, decided before libcst parses it.

A scope rule reports what a change *added* or *removed* in a scope (`ScopeDiff.added` /
`.removed`), and each rule declares in `ast_triggers` the `ast` node types whose addition or
removal can make it fire. For each side of a scope, the prefilter takes the scope's own nodes
(nested definitions excluded, as `ScopeView` does) of those types and compares their
`ast.dump`s as multisets: when they are equal on both sides, nothing the rule looks for was added
or removed, and the rule is not run, so the scope is not parsed with libcst for its sake. A rule
whose `ast_triggers` is `None` is always run.

`ast.dump` ignores positions, comments and layout, as `guards.scope.structural_key` does, and
sees at least as much of the structure, so equal dumps imply equal structural keys (up to the
spelling of numbers, e.g. `0x10` and `16`, which `ast` folds).
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class Signature(ast.AST):
    """Pseudo-node: a function's parameters and return annotation, for rules that compare signatures."""

    _fields = ("args", "returns")


class Returns(ast.AST):
    """Pseudo-node: a function's return annotation, for rules that look at the return type only."""

    _fields = ("annotation",)


class Decorator(ast.AST):
    """Pseudo-node: one decorator of a definition (`ast` keeps decorators as bare expressions)."""

    _fields = ("expression",)


class NamedCall(ast.AST):
    """Pseudo-node: a call whose callee is spelled `name(...)` or `<anything>.name(...)`, with
    `name` in the subclass's `names`; a rule looking for calls of a few names declares
    `calls_to(...)` rather than `ast.Call`, so that the scope's other calls do not wake it."""

    _fields = ("call",)
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def wakes(cls, callee: str) -> bool:
        return callee in cls.names or callee.startswith(cls.prefixes)


class Mention(ast.AST):
    """Pseudo-node: a name spelled `name` or `<anything>.name`, with `name` in the subclass's
    `names` (decorators and markers are mentioned without being called: `@pytest.mark.skip`)."""

    _fields = ("node",)
    names: frozenset[str] = frozenset()


class QuietIf(ast.AST):
    """Pseudo-node: an `if` without `else` whose block ends in `pass`, `continue` or `return`
    (the shape of an early exit)."""

    _fields = ("node",)


class ValidationIf(ast.AST):
    """Pseudo-node: an `if` without `else` whose block only raises (the shape of a validation)."""

    _fields = ("node",)


class MissingTestIf(ast.AST):
    """Pseudo-node: an `if` whose test may ask whether something is missing (`x is None`,
    `x == ""`, `len(x) == 0`, `not x`, and `or` chains of them), tested loosely."""

    _fields = ("node",)


def _missing_test(test: ast.expr) -> bool:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_missing_test(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return len(test.ops) == 1 and isinstance(test.ops[0], ast.Is | ast.Eq)
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)


def _quiet(node: ast.If) -> bool:
    return not node.orelse and isinstance(node.body[-1], ast.Pass | ast.Continue | ast.Return)


def _validation(node: ast.If) -> bool:
    return not node.orelse and all(isinstance(statement, ast.Raise) for statement in node.body)


def _missing(node: ast.If) -> bool:
    return _missing_test(node.test)


class QuietMissingTestIf(ast.AST):
    """Pseudo-node: an early exit (`QuietIf`) whose test may ask whether something is missing."""

    _fields = ("node",)


def _quiet_missing(node: ast.If) -> bool:
    return _quiet(node) and _missing(node)


_IF_SHAPES = ((QuietIf, _quiet), (ValidationIf, _validation), (MissingTestIf, _missing), (QuietMissingTestIf, _quiet_missing))


class OrEmpty(ast.AST):
    """Pseudo-node: `a or <empty value>` (`None`, `False`, `0`, `""`, `[]`, `{}`, `()`, `list()`…),
    the `<empty value>` anywhere after the first operand of the chain."""

    _fields = ("node",)


_EMPTY_FACTORIES = frozenset({"list", "dict", "set", "tuple", "str"})


def _empty_value(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return not node.value
    if isinstance(node, ast.List | ast.Tuple):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _EMPTY_FACTORIES and not node.args


def _or_default(node: ast.BoolOp) -> bool:
    return isinstance(node.op, ast.Or) and any(_empty_value(value) for value in node.values[1:])


class FrozenMark(ast.AST):
    """Pseudo-node: what makes a class frozen or final: a `frozen=` keyword, a `"frozen"` key of
    a dict, a `@final`/`@frozen` decorator (bare or dotted)."""

    _fields = ("node",)


_FROZEN_NAMES = frozenset({"final", "frozen"})


def _frozen_mark(node: ast.AST) -> bool:
    if isinstance(node, ast.keyword):
        return node.arg == "frozen"
    if isinstance(node, ast.Dict):
        return any(isinstance(key, ast.Constant) and key.value == "frozen" for key in node.keys)
    return isinstance(node, Decorator) and _callee_of(node.expression) in _FROZEN_NAMES


@functools.cache
def calls_to(*names: str) -> type[NamedCall]:
    """The `NamedCall` trigger for these callee names (one class per set of names)."""
    return type(f"CallTo_{'_'.join(names)}", (NamedCall,), {"names": frozenset(names)})


@functools.cache
def calls_starting_with(*prefixes: str) -> type[NamedCall]:
    """The `NamedCall` trigger for callee names with one of these prefixes (`assert` for unittest's
    `self.assertEqual`, `self.assertIn`…)."""
    return type(f"CallStartingWith_{'_'.join(prefixes)}", (NamedCall,), {"prefixes": prefixes})


@functools.cache
def mentions(*names: str) -> type[Mention]:
    """The `Mention` trigger for these names (one class per set of names)."""
    return type(f"Mention_{'_'.join(names)}", (Mention,), {"names": frozenset(names)})


def _callee(call: ast.Call) -> str:
    return _callee_of(call.func)


def _callee_of(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


Trigger = type[ast.AST]
Triggers = tuple[Trigger, ...]
Fingerprint = dict[Trigger, Counter[str]]


def own_nodes(roots: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """The roots and every node under them, nested definitions (and all under them) left out;
    a root that is a definition keeps its own decorators and signature, as in `ScopeView.nodes`."""
    pending = list(roots)
    while pending:
        node = pending.pop()
        yield node
        pending.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, _DEFINITIONS))


def _if_shapes(node: ast.If) -> Iterator[ast.AST]:
    return (kind(node=node) for kind, shaped in _IF_SHAPES if shaped(node))


def _or_empty(node: ast.BoolOp) -> Iterator[ast.AST]:
    return iter([OrEmpty(node=node)] if _or_default(node) else [])


def _frozen_marks(node: ast.keyword | ast.Dict) -> Iterator[ast.AST]:
    return iter([FrozenMark(node=node)] if _frozen_mark(node) else [])


def _decorators(node: Definition) -> Iterator[ast.AST]:
    for expression in node.decorator_list:
        decorator = Decorator(expression=expression)
        yield decorator
        if _frozen_mark(decorator):
            yield FrozenMark(node=expression)


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    yield Signature(args=node.args, returns=node.returns)
    if node.returns is not None:
        yield Returns(annotation=node.returns)


# The pseudo-nodes each kind of node stands for, besides itself.
_PSEUDO_NODES: tuple[tuple[type[ast.AST] | tuple[type[ast.AST], ...], Callable[[Any], Iterator[ast.AST]]], ...] = (
    (ast.If, _if_shapes),
    (ast.BoolOp, _or_empty),
    ((ast.keyword, ast.Dict), _frozen_marks),
    (_DEFINITIONS, _decorators),
    ((ast.FunctionDef, ast.AsyncFunctionDef), _signature),
)


def _named(node: ast.AST, named_calls: Sequence[type[NamedCall]], mentioned: Sequence[type[Mention]]) -> Iterator[ast.AST]:
    """The `NamedCall` and `Mention` pseudo-nodes `node` stands for."""
    if isinstance(node, ast.Call):
        callee = _callee(node)
        yield from (kind(call=node) for kind in named_calls if kind.wakes(callee))
    elif isinstance(node, ast.Name | ast.Attribute):
        name = _callee_of(node)
        yield from (kind(node=node) for kind in mentioned if name in kind.names)


def _with_pseudo_nodes(node: ast.AST, named_calls: Sequence[type[NamedCall]], mentioned: Sequence[type[Mention]]) -> Iterator[ast.AST]:
    yield node
    for kinds, pseudo in _PSEUDO_NODES:
        if isinstance(node, kinds):
            yield from pseudo(node)
    if named_calls or mentioned:
        yield from _named(node, named_calls, mentioned)


def fingerprint(roots: Sequence[ast.AST], triggers: frozenset[Trigger]) -> Fingerprint:
    """For each trigger type, the multiset of the dumps of the scope's own nodes of that type."""
    found: Fingerprint = {trigger: Counter() for trigger in triggers}
    named_calls = [trigger for trigger in triggers if issubclass(trigger, NamedCall)]
    mentioned = [trigger for trigger in triggers if issubclass(trigger, Mention)]
    for node in own_nodes(roots):
        for candidate in _with_pseudo_nodes(node, named_calls, mentioned):
            kind = type(candidate)
            if kind in found:
                found[kind][ast.dump(candidate)] += 1
    return found


@dataclass(frozen=True, slots=True)
class ScopeFilter:
    """The fingerprints of one scope's two sides; an absent side has no roots."""

    before: Fingerprint
    after: Fingerprint

    @classmethod
    def of(cls, before: Sequence[ast.AST], after: Sequence[ast.AST], triggers: frozenset[Trigger]) -> ScopeFilter:
        return cls(fingerprint(before, triggers), fingerprint(after, triggers))

    def may_fire(self, triggers: Triggers | None) -> bool:
        """Whether a rule with these triggers can find anything: some trigger node added or removed."""
        if triggers is None:
            return True
        return any(self.before[trigger] != self.after[trigger] for trigger in triggers)


def trigger_types(all_triggers: Iterable[Triggers | None]) -> frozenset[Trigger]:
    return frozenset(trigger for triggers in all_triggers if triggers is not None for trigger in triggers)
