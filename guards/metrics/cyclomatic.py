"""A function's cyclomatic complexity as radon's `cc_visit_ast` scores it, in one iterative walk.

radon's `ComplexityVisitor` is a recursive `ast.NodeVisitor` that looks up a method by class name
for every node, and builds a visitor per statement of the body; this walks the same nodes with
the exact-type table of `node_kinds`. What radon counts for a `FunctionDef` (its `Function.complexity`):
1, plus the decision points (`node_kinds.DECISIONS`) of the body, plus one per `assert` (whose
own expressions are not visited); nested functions and classes are scored on their own and add
nothing; decorators, defaults and annotations of the function itself are not visited. Lambdas
are walked as plain code, so their decisions count.
"""

from __future__ import annotations

import ast

from guards.metrics.node_kinds import ASSERT, CLASS, DECISIONS, FUNCTION, KINDS, OPERATOR, push_children


def _score(node: object, action: int) -> tuple[int, bool]:
    """What a node other than a plain one adds, and whether its children are walked."""
    if action == FUNCTION or action == CLASS:
        return 0, False  # Scored on its own.
    if action == ASSERT:
        return 1, False
    if action == OPERATOR:
        return 0, True
    assert isinstance(node, ast.AST)
    return DECISIONS[type(node)](node), True


def cyclomatic_complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    complexity = 1
    nodes: list[object] = list(function.body)
    for node in nodes:  # `nodes` grows while it is walked.
        kind = KINDS[type(node)]
        if kind is None:
            continue
        action, children, many = kind
        if action:
            added, walked = _score(node, action)
            complexity += added
            if not walked:
                continue
        if children is None:
            continue
        push_children(nodes, node, children, many)
    return complexity
