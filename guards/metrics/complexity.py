"""Complexity across a change: each new or changed function measured on both sides, and each
file's maintainability index before and after.

Only the changed files are measured, from the outlines the engine already parsed. A function is
compared with the same qualified name in the same file; one that moved or was renamed (to
another file too) is compared with where it came from, as the engine pairs scopes
(`guards.moves`). A function moved intact is not new code, so it is not measured as new.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from guards.metrics.measure import FunctionMetrics, FunctionNode, function_metrics
from guards.metrics.mi_sides import maintainability_of_sides
from guards.outline import Outline, ScopeOutline


@dataclass(frozen=True, slots=True)
class SidePair:
    """A file of the change whose sides parsed; `None` is a side that does not exist."""

    path: str
    before: Outline | None
    after: Outline | None


@dataclass(frozen=True, slots=True)
class FunctionChange:
    """A function the change adds (`before is None`) or edits, located in the new file."""

    qualname: str
    line: int
    end_line: int
    before: FunctionMetrics | None
    after: FunctionMetrics

    @property
    def status(self) -> Literal["added", "changed"]:
        return "added" if self.before is None else "changed"


@dataclass(frozen=True, slots=True)
class FileComplexity:
    """One file that exists after the change; `mi_before` is `None` for a new file."""

    path: str
    mi_before: float | None
    mi_after: float
    functions: tuple[FunctionChange, ...]


# A function on the new side of a file only, and the function it came from, if any: where the
# change's scopes are paired (`guards.moves`), a function moved or renamed and edited finds its
# origin, and one moved intact is no arrival at all.
Arrival = tuple[ScopeOutline, ScopeOutline | None]


def _functions(outline: Outline | None) -> dict[str, ScopeOutline]:
    if outline is None:
        return {}
    return {name: scope for name, scope in outline.scopes.items() if scope.kind == "function"}


def _node(scope: ScopeOutline) -> FunctionNode:
    node = scope.node
    assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef), f"{scope.qualname} is not a function"
    return node


def _own_lines(scope: ScopeOutline) -> tuple[str, int]:
    """What decides whether a function changed: its own text (nested definitions are scopes of
    their own) and its length, which includes them."""
    return scope.text_digest, scope.last_line - scope.first_line


def measure_file(file: SidePair, arrivals: Sequence[Arrival]) -> FileComplexity:
    """`file`, which exists after the change: its maintainability index on each side, the
    functions edited in place, and the functions that arrived in it."""
    assert file.after is not None, "only a file that exists after the change is measured"
    old, new = _functions(file.before), _functions(file.after)
    edited = [_measured(new[name], old[name]) for name in new.keys() & old.keys() if _own_lines(old[name]) != _own_lines(new[name])]
    arrived = [_measured(scope, origin) for scope, origin in arrivals]
    mi_before, mi_after = maintainability_of_sides(file.before, file.after)
    return FileComplexity(file.path, mi_before, mi_after, tuple(sorted(edited + arrived, key=lambda change: change.line)))


def _measured(scope: ScopeOutline, before: ScopeOutline | None) -> FunctionChange:
    return FunctionChange(
        scope.qualname,
        scope.first_line,
        scope.last_line,
        None if before is None else function_metrics(_node(before)),
        function_metrics(_node(scope)),
    )


def _pair(before: float | None, after: float) -> dict[str, float | None]:
    return {"before": before, "after": after}


def complexity_metrics(files: Sequence[FileComplexity]) -> dict[str, object]:
    """The JSON `metrics["complexity"]`: per file the maintainability index, per new or changed
    function its complexity, nesting and length, each before (`null` when new) and after."""
    return {
        file.path: {
            "mi": _pair(file.mi_before, file.mi_after),
            "functions": {
                change.qualname: {
                    metric: _pair(None if change.before is None else getattr(change.before, metric), getattr(change.after, metric))
                    for metric in ("cc", "nesting", "length")
                }
                for change in file.functions
            },
        }
        for file in files
    }
