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
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

# Where the walk is, for radon's complexity total: module code (its functions and classes are
# top level), the body of a top-level class (its functions are methods), a function body, or code
# whose decision points radon leaves out of the total (nested definitions, `assert`).
_MODULE, _CLASS, _FUNCTION, _UNCOUNTED = range(4)
_INSIDE_FUNCTION = (_FUNCTION, _FUNCTION, _UNCOUNTED, _UNCOUNTED)
_INSIDE_CLASS = (_CLASS, _UNCOUNTED, _UNCOUNTED, _UNCOUNTED)
# Fields that never hold a node worth visiting: names, flags, expression contexts, and the
# operators, which the Halstead count reads from their parent.
_SCALARS = frozenset(("name", "id", "attr", "arg", "module", "names", "asname", "level", "kind", "conversion", "is_async", "simple", "type_comment", "tag", "lineno", "rest", "kwd_attrs", "ctx", "op", "ops"))
_LEAVES = (ast.Constant, ast.MatchSingleton)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_PLAIN_NODE, _OPERATOR, _DECIDING, _BOTH = range(4)  # What a node adds besides its children.
_NODE_TYPES = [node_type for node_type in vars(ast).values() if isinstance(node_type, type) and issubclass(node_type, ast.AST)]
_ROLES = dict.fromkeys(_NODE_TYPES, _PLAIN_NODE)
_ROLES.update({ast.BinOp: _OPERATOR, ast.UnaryOp: _OPERATOR, ast.AugAssign: _OPERATOR, ast.Compare: _OPERATOR, ast.BoolOp: _BOTH})
_ROLES.update(dict.fromkeys((ast.If, ast.IfExp, *_LOOPS, ast.comprehension, ast.Try, ast.Match), _DECIDING))
Getter = Callable[[ast.AST], object]


def _kind(node_type: type[ast.AST]) -> tuple[int, Getter | None, bool]:
    """How the walk treats one node type: its role, a getter of its node fields, and whether that
    getter returns a tuple of fields (`attrgetter` of one name returns the value itself)."""
    fields = () if node_type in _LEAVES else tuple(name for name in node_type._fields if name not in _SCALARS)
    return _ROLES[node_type], attrgetter(*fields) if fields else None, len(fields) > 1


_KINDS = {node_type: _kind(node_type) for node_type in _NODE_TYPES}
_KINDS[type(None)] = (_PLAIN_NODE, None, False)  # Optional fields and `**` keys of a dict.


@dataclass(frozen=True, slots=True)
class TreeCounts:
    """radon's Halstead volume and total cyclomatic complexity of a module."""

    volume: float
    complexity: int


class _Halstead:
    __slots__ = ("operators", "operands", "operator_kinds", "operand_keys", "anonymous")

    def __init__(self) -> None:
        self.operators = self.operands = self.anonymous = 0
        self.operator_kinds: set[type] = set()
        self.operand_keys: set[tuple[str | None, object]] = set()

    def count(self, node: ast.AST, context: str | None) -> None:
        if isinstance(node, ast.Compare):
            ops, operands = node.ops, [*node.comparators, node.left]
        elif isinstance(node, ast.BinOp):
            ops, operands = [node.op], [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            ops, operands = [node.op], [node.operand]
        elif isinstance(node, ast.BoolOp):
            ops, operands = [node.op], node.values
        else:
            assert isinstance(node, ast.AugAssign), type(node)
            ops, operands = [node.op], [node.target, node.value]
        self.operators += len(ops)
        self.operator_kinds.update(type(op) for op in ops)
        self.operands += len(operands)
        for operand in operands:
            if isinstance(operand, ast.Name):
                self.operand_keys.add((context, operand.id))
            elif isinstance(operand, ast.Attribute):
                self.operand_keys.add((context, operand.attr))
            elif isinstance(operand, ast.Constant):
                self.operand_keys.add((context, operand.value))
            else:
                self.anonymous += 1  # radon keys any other operand by the node itself.

    def volume(self) -> float:
        distinct = len(self.operator_kinds) + len(self.operand_keys) + self.anonymous
        total = self.operators + self.operands
        return total * math.log(distinct, 2) if distinct else 0.0


def _decisions(node: ast.AST) -> int:
    """The decision points radon's `ComplexityVisitor.generic_visit` adds for one node."""
    if isinstance(node, ast.If | ast.IfExp):
        return 1
    if isinstance(node, ast.BoolOp):
        return len(node.values) - 1
    if isinstance(node, _LOOPS):
        return 1 + bool(node.orelse)
    if isinstance(node, ast.comprehension):
        return 1 + len(node.ifs)
    if isinstance(node, ast.Try):  # Not `TryStar`: radon matches the class name `Try`.
        return len(node.handlers) + bool(node.orelse)
    if isinstance(node, ast.Match):
        wildcard = any(isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None for case in node.cases)
        return max(0, len(node.cases) - wildcard)
    return 0



def tree_counts(tree: ast.Module) -> TreeCounts:
    """One iterative walk; nodes that share a function context and a complexity place are walked
    as one growing list, so only definitions and `assert`s open a new frame."""
    halstead = _Halstead()
    complexity = 1
    frames: list[tuple[list[object], str | None, int]] = [(list(tree.body), None, _MODULE)]
    while frames:
        nodes, context, place = frames.pop()
        counted = place != _UNCOUNTED
        for node in nodes:  # `nodes` grows while it is walked.
            kind = type(node)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                complexity += place == _CLASS  # radon adds one per method, not per function.
                frames.append((list(node.body), node.name, _INSIDE_FUNCTION[place]))
                continue
            if kind is ast.ClassDef:
                assert isinstance(node, ast.ClassDef)
                frames.append((list(node.body), context, _INSIDE_CLASS[place]))
                frames.append(([*node.bases, *node.keywords, *node.decorator_list], context, _UNCOUNTED))
                continue
            if kind is ast.Assert and counted:
                assert isinstance(node, ast.Assert)
                complexity += 1
                frames.append(([node.test, node.msg], context, _UNCOUNTED))
                continue
            role, getter, many = _KINDS[kind]
            if role:
                assert isinstance(node, ast.AST)
                if role != _DECIDING:
                    halstead.count(node, context)
                if counted and role != _OPERATOR:
                    complexity += _decisions(node)
            if getter is None:
                continue
            values = getter(node) if many else (getter(node),)
            for value in values:
                if type(value) is list:
                    nodes.extend(value)
                else:
                    nodes.append(value)
    return TreeCounts(halstead.volume(), complexity)
