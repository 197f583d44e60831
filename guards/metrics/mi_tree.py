"""radon's Halstead volume and total cyclomatic complexity, in one walk of an existing tree.

radon's `mi_parameters` parses the source again and walks it twice, with a `HalsteadVisitor` and
a `ComplexityVisitor` (recursive `NodeVisitor`s, slow on large files). One iterative walk of the
outline's tree counts what they count, quirks included:
- Halstead: operators are the `op`s of `BinOp`, `UnaryOp`, `BoolOp`, `AugAssign` and `Compare`;
  their operands are keyed by the enclosing function's *name* (not qualified) and the `Name.id`,
  `Attribute.attr` or `Constant.value` (so `1`, `1.0` and `True` are one operand), any other
  operand node is distinct. A function's decorators, arguments and annotations are not visited.
- Complexity: the module total of `ComplexityVisitor`: decision points of module code, of each
  function body found in it and of each class body found in it, plus one per method of those
  classes; nested functions and classes, and what is inside an `assert`, do not count.

Nothing carries over from one top-level statement to the next, so the counts of a module are
those of its top-level statements merged (`TreePart`): the two sides of a changed file count the
statements they share once (`guards.metrics.mi_sides`).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from guards.metrics.node_kinds import CLASS, DECIDING, DECISIONS, FUNCTION, KINDS, OPERATOR, push_children

# Where the walk is, for radon's complexity total: module code (its functions and classes are
# top level), the body of a top-level class (its functions are methods), a function body, or code
# whose decision points radon leaves out of the total (nested definitions, `assert`).
_MODULE, _CLASS, _FUNCTION, _UNCOUNTED = range(4)
_INSIDE_FUNCTION = (_FUNCTION, _FUNCTION, _UNCOUNTED, _UNCOUNTED)
_INSIDE_CLASS = (_CLASS, _UNCOUNTED, _UNCOUNTED, _UNCOUNTED)


@dataclass(frozen=True, slots=True)
class TreeCounts:
    """radon's Halstead volume and total cyclomatic complexity of a module."""

    volume: float
    complexity: int


@dataclass(frozen=True, slots=True)
class TreePart:
    """What some top-level statements add to their module's counts: Halstead's operator and
    operand totals, the distinct operator kinds and operand keys (a module's distinct counts are
    the sizes of their unions), the operands that are distinct anyway, and decision points."""

    operators: int
    operands: int
    anonymous: int
    operator_kinds: frozenset[type]
    operand_keys: frozenset[tuple[str | None, object]]
    decisions: int


def _compare(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    assert isinstance(node, ast.Compare)
    return list(node.ops), [*node.comparators, node.left]


def _binary(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    assert isinstance(node, ast.BinOp)
    return [node.op], [node.left, node.right]


def _unary(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    assert isinstance(node, ast.UnaryOp)
    return [node.op], [node.operand]


def _boolean(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    assert isinstance(node, ast.BoolOp)
    return [node.op], list(node.values)


def _augmented(node: ast.AST) -> tuple[list[ast.AST], list[ast.AST]]:
    assert isinstance(node, ast.AugAssign), type(node)
    return [node.op], [node.target, node.value]


# radon's Halstead operators and operands of each operator node, and the operand keys it uses
# (any other operand is keyed by the node itself, so it is distinct).
_OPERATIONS = {ast.Compare: _compare, ast.BinOp: _binary, ast.UnaryOp: _unary, ast.BoolOp: _boolean, ast.AugAssign: _augmented}
_OPERAND_KEYS = {ast.Name: attrgetter("id"), ast.Attribute: attrgetter("attr"), ast.Constant: attrgetter("value")}


class _Halstead:
    __slots__ = ("operators", "operands", "operator_kinds", "operand_keys", "anonymous")

    def __init__(self) -> None:
        self.operators = self.operands = self.anonymous = 0
        self.operator_kinds: set[type] = set()
        self.operand_keys: set[tuple[str | None, object]] = set()

    def count(self, node: ast.AST, context: str | None) -> None:
        ops, operands = _OPERATIONS[type(node)](node)
        self.operators += len(ops)
        self.operator_kinds.update(type(op) for op in ops)
        self.operands += len(operands)
        for operand in operands:
            kind = type(operand)
            if kind in _OPERAND_KEYS:
                self.operand_keys.add((context, _OPERAND_KEYS[kind](operand)))
            else:
                self.anonymous += 1

    def part(self, decisions: int) -> TreePart:
        return TreePart(self.operators, self.operands, self.anonymous, frozenset(self.operator_kinds), frozenset(self.operand_keys), decisions)


class _Walk:
    """The state of a walk over top-level statements: the counts and the frames still to walk,
    each a list of nodes that share a function context and a complexity place."""

    __slots__ = ("halstead", "decisions", "frames")

    def __init__(self, statements: Sequence[ast.stmt]) -> None:
        self.halstead = _Halstead()
        self.decisions = 0
        self.frames: list[tuple[list[object], str | None, int]] = [(list(statements), None, _MODULE)]

    def visit(self, node: ast.AST, action: int, context: str | None, place: int) -> bool:
        """Counts what a node other than a plain one adds; whether it took over its children."""
        if action >= FUNCTION:
            return self._open(node, action, context, place)
        if action != DECIDING:
            self.halstead.count(node, context)
        if action != OPERATOR and place != _UNCOUNTED:
            self.decisions += DECISIONS[type(node)](node)
        return False

    def _open(self, node: ast.AST, action: int, context: str | None, place: int) -> bool:
        """A definition or an `assert`: a new frame for what radon counts differently below."""
        if action == FUNCTION:
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            self.decisions += place == _CLASS  # radon adds one per method, not per function.
            self.frames.append((list(node.body), node.name, _INSIDE_FUNCTION[place]))
            return True
        if action == CLASS:
            assert isinstance(node, ast.ClassDef)
            self.frames.append((list(node.body), context, _INSIDE_CLASS[place]))
            self.frames.append(([*node.bases, *node.keywords, *node.decorator_list], context, _UNCOUNTED))
            return True
        assert isinstance(node, ast.Assert)
        if place == _UNCOUNTED:
            return False  # Walked as plain code: its decisions are not counted anyway.
        self.decisions += 1
        self.frames.append(([node.test, node.msg], context, _UNCOUNTED))
        return True


def statement_counts(statements: Sequence[ast.stmt]) -> TreePart:
    """What top-level `statements` add to their module's counts, in one iterative walk; nodes that
    share a function context and a complexity place are walked as one growing list, so only
    definitions and `assert`s open a new frame."""
    walk = _Walk(statements)
    while walk.frames:
        nodes, context, place = walk.frames.pop()
        for node in nodes:  # `nodes` grows while it is walked.
            kind = KINDS[type(node)]
            if kind is None:
                continue
            action, children, many = kind
            if action and walk.visit(node, action, context, place):
                continue
            if children is None:
                continue
            push_children(nodes, node, children, many)
    return walk.halstead.part(walk.decisions)


def module_counts(parts: Iterable[TreePart]) -> TreeCounts:
    """The counts of a module whose top-level statements add `parts`."""
    operators = operands = anonymous = decisions = 0
    operator_kinds: set[type] = set()
    operand_keys: set[tuple[str | None, object]] = set()
    for part in parts:
        operators += part.operators
        operands += part.operands
        anonymous += part.anonymous
        decisions += part.decisions
        operator_kinds |= part.operator_kinds
        operand_keys |= part.operand_keys
    distinct = len(operator_kinds) + len(operand_keys) + anonymous
    total = operators + operands
    return TreeCounts(total * math.log(distinct, 2) if distinct else 0.0, 1 + decisions)


def tree_counts(tree: ast.Module) -> TreeCounts:
    return module_counts([statement_counts(tree.body)])
