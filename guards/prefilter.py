"""The `ast` prefilter: which scope rules can fire on a changed scope, decided before libcst parses it.

A scope rule reports what a change *added* or *removed* in a scope (`ScopeDiff.added` /
`.removed`), and each rule declares in `ast_triggers` the `ast` node types (or the pseudo-nodes
of `guards.triggers`) whose addition or removal can make it fire. For each side of a scope, the
prefilter takes the scope's own nodes (nested definitions excluded, as `ScopeView` does) of those
types and compares their structures (`guards.astform`, equal exactly when `ast.dump`s are) as
multisets: when they are equal on both sides, nothing the rule looks for was added or removed,
and the rule is not run, so the scope is not parsed with libcst for its sake. A rule whose
`ast_triggers` is `None` is always run.

The structure ignores positions, comments and layout, as `guards.scope.structural_key` does, and
sees at least as much of the structure, so equal structures imply equal structural keys (up to the
spelling of numbers, e.g. `0x10` and `16`, which `ast` folds).

A pseudo-node is counted by the structure of the node it stands for: within one trigger's
multiset that is equal exactly when the pseudo-nodes' dumps are.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import UnionType
from typing import Any, Literal

from guards.astform import structure
from guards.triggers import (
    FROZEN_NAMES,
    IF_SHAPES,
    Decorator,
    FrozenMark,
    Mention,
    NameMissingTestIf,
    NamedCall,
    OrEmpty,
    QuietIf,
    QuietMissingTestIf,
    Returns,
    Signature,
    ValidationIf,
    callee_of,
    calls_starting_with,
    calls_to,
    frozen_mark,
    mentions,
    or_default,
)

# The pseudo-nodes live in `guards.triggers`; rules name them from here, with the prefilter.
__all__ = [
    "Decorator",
    "Fingerprint",
    "Fires",
    "FrozenMark",
    "Mention",
    "NameMissingTestIf",
    "NamedCall",
    "OrEmpty",
    "QuietIf",
    "QuietMissingTestIf",
    "Returns",
    "ScopeFilter",
    "Signature",
    "Trigger",
    "Triggers",
    "ValidationIf",
    "calls_starting_with",
    "calls_to",
    "fingerprint",
    "mentions",
    "trigger_types",
]

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)

Trigger = type[ast.AST]
Triggers = tuple[Trigger, ...]
# What a rule's findings need of its trigger nodes: one *added* (an after-side node with no equal
# structure before), one *removed*, one of each (*replaced*), or either (*changed*).
Fires = Literal["added", "removed", "replaced", "changed"]
Fingerprint = dict[Trigger, Counter[str]]
# What one node adds to a fingerprint, under the triggers it stands for.
Count = Callable[[Any, Fingerprint], None]


def _key(node: ast.AST) -> str:
    return structure((node,))


def _itself(trigger: Trigger, node: ast.AST, found: Fingerprint) -> None:
    found[trigger][_key(node)] += 1


def _shape(trigger: Trigger, shaped: Callable[[Any], bool], node: ast.AST, found: Fingerprint) -> None:
    if shaped(node):
        found[trigger][_key(node)] += 1


def _decorators(decorators: bool, marks: bool, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, found: Fingerprint) -> None:
    for expression in node.decorator_list:
        if decorators:
            found[Decorator][_key(expression)] += 1
        if marks and callee_of(expression) in FROZEN_NAMES:
            found[FrozenMark][_key(expression)] += 1


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef, found: Fingerprint) -> None:
    found[Signature][_key(Signature(args=node.args, returns=node.returns))] += 1


def _returns(node: ast.FunctionDef | ast.AsyncFunctionDef, found: Fingerprint) -> None:
    if node.returns is not None:
        found[Returns][_key(node.returns)] += 1


def _named_calls(kinds: tuple[type[NamedCall], ...], node: ast.Call, found: Fingerprint) -> None:
    callee = callee_of(node.func)
    for kind in kinds:
        if kind.wakes(callee):
            found[kind][_key(node)] += 1


def _mentions(kinds: tuple[type[Mention], ...], node: ast.Name | ast.Attribute, found: Fingerprint) -> None:
    name = callee_of(node)
    for kind in kinds:
        if name in kind.names:
            found[kind][_key(node)] += 1


def _if_shapes(kind: type[ast.AST], triggers: frozenset[Trigger]) -> list[Count]:
    return [functools.partial(_shape, shape, shaped) for shape, shaped in IF_SHAPES if shape in triggers] if issubclass(kind, ast.If) else []


def _or_empty(kind: type[ast.AST], triggers: frozenset[Trigger]) -> list[Count]:
    return [functools.partial(_shape, OrEmpty, or_default)] if issubclass(kind, ast.BoolOp) and OrEmpty in triggers else []


def _frozen_marks(kind: type[ast.AST], triggers: frozenset[Trigger]) -> list[Count]:
    return [functools.partial(_shape, FrozenMark, frozen_mark)] if issubclass(kind, ast.keyword | ast.Dict) and FrozenMark in triggers else []


def _decorated(kind: type[ast.AST], triggers: frozenset[Trigger]) -> list[Count]:
    if not issubclass(kind, _DEFINITIONS) or not (Decorator in triggers or FrozenMark in triggers):
        return []
    return [functools.partial(_decorators, Decorator in triggers, FrozenMark in triggers)]


def _function_parts(kind: type[ast.AST], triggers: frozenset[Trigger]) -> list[Count]:
    parts: tuple[tuple[Trigger, Count], ...] = ((Signature, _signature), (Returns, _returns))
    return [count for trigger, count in parts if trigger in triggers] if issubclass(kind, _FUNCTIONS) else []


def _naming(family: type[NamedCall | Mention], nodes: type[ast.AST] | UnionType, count: Callable[..., None]) -> Callable[[type[ast.AST], frozenset[Trigger]], list[Count]]:
    """The counts of a family of pseudo-nodes that name something (calls to a name, mentions of one)."""

    def counts(kind: type[ast.AST], triggers: frozenset[Trigger]) -> list[Count]:
        chosen = tuple(trigger for trigger in triggers if issubclass(trigger, family))
        return [functools.partial(count, chosen)] if issubclass(kind, nodes) and chosen else []

    return counts


# For each kind of pseudo-node: what a node of a class counts for it, under the triggers in use.
_PSEUDO_COUNTS = (
    _if_shapes, _or_empty, _frozen_marks, _decorated, _function_parts,
    _naming(NamedCall, ast.Call, _named_calls), _naming(Mention, ast.Name | ast.Attribute, _mentions),
)  # fmt: skip


def _counts(kind: type[ast.AST], triggers: frozenset[Trigger]) -> tuple[Count, ...]:
    """What a node of class `kind` counts: itself, and the pseudo-nodes it stands for, if triggers."""
    counts: list[Count] = [functools.partial(_itself, kind)] if kind in triggers else []
    for pseudo in _PSEUDO_COUNTS:
        counts += pseudo(kind, triggers)
    return tuple(counts)


class _CountTable(dict[type[ast.AST], tuple[Count, ...]]):
    """`_counts` for each node class met, made on first meeting."""

    def __init__(self, triggers: frozenset[Trigger]) -> None:
        super().__init__()
        self.triggers = triggers

    def __missing__(self, kind: type[ast.AST]) -> tuple[Count, ...]:
        self[kind] = _counts(kind, self.triggers)
        return self[kind]


@functools.cache
def _table(triggers: frozenset[Trigger]) -> _CountTable:
    return _CountTable(triggers)


def fingerprint(roots: Sequence[ast.AST], triggers: frozenset[Trigger]) -> Fingerprint:
    """For each trigger type, the multiset of the structures of the scope's own nodes of that type:
    the roots and every node under them, nested definitions (and all under them) left out; a root
    that is a definition keeps its own decorators and signature, as in `ScopeView.nodes`."""
    found: Fingerprint = {trigger: Counter() for trigger in triggers}
    table = _table(triggers)
    pending = list(roots)
    while pending:
        node = pending.pop()
        kind = type(node)
        for count in table[kind]:
            count(node, found)
        for name in kind._fields:
            value = getattr(node, name)
            # A definition is a statement, and statements only sit in lists.
            if type(value) is list:
                pending += [item for item in value if isinstance(item, ast.AST) and not isinstance(item, _DEFINITIONS)]
            elif isinstance(value, ast.AST):
                pending.append(value)
    return found


@dataclass(frozen=True, slots=True)
class ScopeFilter:
    """The fingerprints of one scope's two sides; an absent side has no roots."""

    before: Fingerprint
    after: Fingerprint

    @classmethod
    def of(cls, before: Sequence[ast.AST], after: Sequence[ast.AST], triggers: frozenset[Trigger]) -> ScopeFilter:
        return cls(fingerprint(before, triggers), fingerprint(after, triggers))

    def may_fire(self, triggers: Triggers | None, fires: Fires = "changed") -> bool:
        """Whether a rule with these triggers can find anything: some trigger node added or
        removed, as `fires` asks. A rule that reports what a scope gains finds nothing where every
        after-side trigger node has an equal twin before (equal structures have equal structural
        keys), however many were removed."""
        if triggers is None:
            return True
        added = any(self.after[trigger] - self.before[trigger] for trigger in triggers)
        removed = any(self.before[trigger] - self.after[trigger] for trigger in triggers)
        return {"added": added, "removed": removed, "replaced": added and removed, "changed": added or removed}[fires]


def trigger_types(all_triggers: Iterable[Triggers | None]) -> frozenset[Trigger]:
    return frozenset(trigger for triggers in all_triggers if triggers is not None for trigger in triggers)
