"""The radon adapter: typed, per-function metrics from the `ast` the outline already built.

radon's `cc_visit` returns top-level functions, classes and their methods in one flat list, with
a class's complexity already including its methods': summing it counts methods twice, and
closures are hidden inside their function. So each function is measured on its own node, as
`cc_visit_ast` on a `FunctionDef` scores exactly that function, closures excluded, but counted by
`cyclomatic` (the same figure, several times faster), and keyed by the outline's qualified name
(`Class.method`, `outer.inner`).
radon has no nesting metric; nesting and length are counted here from the same node.

The maintainability index is radon's formula (`mi_compute`) fed with its four inputs as radon
counts them, but counted in one walk of the tree the outline already has (`mi_tree`) and one
regex pass over the text (`mi_lines`): `mi_visit` parses again, walks twice and tokenizes line
by line, which was about 40% of a whole check on a large change.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from radon.metrics import mi_compute

from guards.metrics.cyclomatic import cyclomatic_complexity
from guards.metrics.mi_lines import RawCounts, raw_counts
from guards.metrics.mi_tree import TreeCounts, tree_counts

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

# Statements that open a block a reader must keep in mind; `elif` stays at its `if`'s depth.
_BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.Match)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True, slots=True)
class FunctionMetrics:
    """One function: cyclomatic complexity (radon's, closures excluded), deepest block nesting of
    its own body (0 for straight-line code), and length in lines from `def` to its last line."""

    cc: int
    nesting: int
    length: int

    def __post_init__(self) -> None:
        if self.cc < 1 or self.nesting < 0 or self.length < 1:
            raise ValueError(f"impossible function metrics {self}")


def _depth(statements: list[ast.stmt], depth: int) -> int:
    deepest = depth
    for statement in statements:
        if isinstance(statement, _DEFINITIONS):
            continue  # A nested definition is measured on its own.
        inner = depth + 1 if isinstance(statement, _BLOCKS) else depth
        for block in _child_blocks(statement):
            deepest = max(deepest, _depth(block, inner))
        if isinstance(statement, ast.If) and len(statement.orelse) == 1 and isinstance(statement.orelse[0], ast.If):
            deepest = max(deepest, _depth(statement.orelse, depth))
    return deepest


def _child_blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    if isinstance(statement, ast.If) and len(statement.orelse) == 1 and isinstance(statement.orelse[0], ast.If):
        return [statement.body]  # The `elif` chain is walked at the same depth by the caller.
    if isinstance(statement, ast.Try | ast.TryStar):
        return [statement.body, *(h.body for h in statement.handlers), statement.orelse, statement.finalbody]
    if isinstance(statement, ast.Match):
        return [case.body for case in statement.cases]
    if isinstance(statement, ast.If | ast.For | ast.AsyncFor | ast.While):
        return [statement.body, statement.orelse]
    if isinstance(statement, ast.With | ast.AsyncWith):
        return [statement.body]
    return []


def function_metrics(node: FunctionNode) -> FunctionMetrics:
    end = node.end_lineno
    assert end is not None, "ast positions are set for parsed source"
    return FunctionMetrics(cyclomatic_complexity(node), _depth(node.body, 0), end - node.lineno + 1)


def maintainability(source: str, tree: ast.Module) -> float:
    """radon's maintainability index (0-100, higher is easier) of `source`, parsed as `tree`,
    multi-line strings counted as comments, as `radon mi` does by default (`mi_visit(source,
    multi=True)`, to within the line-splitting differences `mi_lines` describes)."""
    return maintainability_of(raw_counts(source), tree_counts(tree))


def maintainability_of(raw: RawCounts, counts: TreeCounts) -> float:
    """radon's maintainability index from its inputs, counted (see `maintainability`)."""
    comments = (raw.comments + raw.multi) * 100 / raw.sloc if raw.sloc else 0
    return round(float(mi_compute(counts.volume, counts.complexity, raw.lloc, comments)), 2)
