"""What the metric walks (`mi_tree`, `cyclomatic`) do with each `ast` node type, looked up by
exact type in one table: a parsed tree holds only the concrete classes, and one dict lookup per
node is what keeps an iterative walk over a whole module cheap (an `isinstance` ladder, or
`ast.NodeVisitor`'s per-node method lookup, costs several times more).

`KINDS[type(node)]` is `None` for a node with nothing to count and no node fields (names,
constants, `alias`); else `(action, children, many)`: what the node adds (`PLAIN`: nothing), a
getter of its node fields (`None` when it has none) and whether that getter returns a tuple of
fields (`attrgetter` of one name returns the value itself; a value may be a list of nodes or
`None`, as with `Return.value`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from operator import attrgetter

Getter = Callable[[ast.AST], object]
Kind = tuple[int, Getter | None, bool]

# Fields that never hold a node worth visiting: names, flags, expression contexts, and the
# operators, which the Halstead count reads from their parent.
_SCALARS = frozenset(("name", "id", "attr", "arg", "module", "names", "asname", "level", "kind", "conversion", "is_async", "simple", "type_comment", "tag", "lineno", "rest", "kwd_attrs", "ctx", "op", "ops"))
_LEAVES = (ast.Constant, ast.MatchSingleton)

# Actions. An operator is counted by Halstead; a decision adds to the cyclomatic complexity
# (`DECISIONS`); `BoolOp` is both. Definitions and `assert` change what the walk counts below.
PLAIN, OPERATOR, DECIDING, BOTH, FUNCTION, CLASS, ASSERT = range(7)


def _decide_match(node: ast.AST) -> int:
    assert isinstance(node, ast.Match)
    wildcard = any(type(case.pattern) is ast.MatchAs and case.pattern.pattern is None for case in node.cases)
    return max(0, len(node.cases) - wildcard)


def _decide_bool(node: ast.AST) -> int:
    assert isinstance(node, ast.BoolOp)
    return len(node.values) - 1


def _decide_loop(node: ast.AST) -> int:
    assert isinstance(node, ast.For | ast.AsyncFor | ast.While)
    return 1 + bool(node.orelse)


def _decide_comprehension(node: ast.AST) -> int:
    assert isinstance(node, ast.comprehension)
    return 1 + len(node.ifs)


def _decide_try(node: ast.AST) -> int:
    assert isinstance(node, ast.Try)
    return len(node.handlers) + bool(node.orelse)


def _decide_one(node: ast.AST) -> int:
    return 1


# The decision points radon's `ComplexityVisitor.generic_visit` adds for one node. Not `TryStar`:
# radon matches the class name `Try`.
DECISIONS: dict[type[ast.AST], Callable[[ast.AST], int]] = {
    ast.If: _decide_one,
    ast.IfExp: _decide_one,
    ast.BoolOp: _decide_bool,
    ast.For: _decide_loop,
    ast.AsyncFor: _decide_loop,
    ast.While: _decide_loop,
    ast.comprehension: _decide_comprehension,
    ast.Try: _decide_try,
    ast.Match: _decide_match,
}
_ACTIONS = {ast.BinOp: OPERATOR, ast.UnaryOp: OPERATOR, ast.AugAssign: OPERATOR, ast.Compare: OPERATOR, ast.BoolOp: BOTH}
_ACTIONS |= {node_type: DECIDING for node_type in DECISIONS if node_type is not ast.BoolOp}
_ACTIONS |= {ast.FunctionDef: FUNCTION, ast.AsyncFunctionDef: FUNCTION, ast.ClassDef: CLASS, ast.Assert: ASSERT}


def _kind(node_type: type[ast.AST]) -> Kind:
    fields = () if node_type in _LEAVES else tuple(name for name in node_type._fields if name not in _SCALARS)
    action = _ACTIONS[node_type] if node_type in _ACTIONS else PLAIN
    return action, attrgetter(*fields) if fields else None, len(fields) > 1


_NODE_TYPES = [node_type for node_type in vars(ast).values() if isinstance(node_type, type) and issubclass(node_type, ast.AST)]
_NOTHING: Kind = (PLAIN, None, False)
KINDS: dict[type, Kind | None] = {node_type: None if _kind(node_type) == _NOTHING else _kind(node_type) for node_type in _NODE_TYPES}
KINDS[type(None)] = None  # Optional fields and `**` keys of a dict.


def push_children(nodes: list[object], node: ast.AST, children: Getter, many: bool) -> None:
    """Adds the node fields of `node` (a list field's nodes one by one) to a walk's growing list."""
    for value in children(node) if many else (children(node),):
        if type(value) is list:
            nodes.extend(value)
        else:
            nodes.append(value)
