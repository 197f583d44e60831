"""Complexity across a change: each new or changed function measured on both sides, and each
file's maintainability index before and after.

Only the changed files are measured, from the outlines the engine already parsed. A function is
compared with the same qualified name in the same file; one that moved or was renamed (to
another file too) is compared with where it came from, as the engine pairs scopes: an intact
body first, then a unique name. A moved function is not new code, so it is not judged as new.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from guards.metrics.measure import FunctionMetrics, FunctionNode, function_metrics, maintainability
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


@dataclass(frozen=True, slots=True)
class _Found:
    path: str
    scope: ScopeOutline


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


def _intact_twins(added: list[_Found], removed: list[_Found]) -> dict[int, ScopeOutline]:
    """New functions (by index in `added`) whose body is that of a removed function."""
    intact: dict[str, ScopeOutline] = {}
    for found in removed:
        intact.setdefault(found.scope.body_digest(), found.scope)
    twins = {index: intact.pop(found.scope.body_digest(), None) for index, found in enumerate(added)}
    return {index: twin for index, twin in twins.items() if twin is not None}


def _moved_from(added: list[_Found], removed: list[_Found]) -> dict[int, ScopeOutline]:
    """For new functions (by index in `added`), the removed function each came from, if any:
    the same body first, then the same name when only one removed function has it."""
    origins = _intact_twins(added, removed)
    taken = {id(scope) for scope in origins.values()}
    left = [found.scope for found in removed if id(found.scope) not in taken]
    names = Counter(scope.name for scope in left)
    by_name = {scope.name: scope for scope in left if names[scope.name] == 1}
    for index, found in enumerate(added):
        if index not in origins and found.scope.name in by_name:
            origins[index] = by_name.pop(found.scope.name)
    return origins


def _sort_out(files: Sequence[SidePair]) -> tuple[list[_Found], list[_Found], dict[str, list[FunctionChange]]]:
    """Functions only after, functions only before, and functions edited in place, per file."""
    added: list[_Found] = []
    removed: list[_Found] = []
    changed: dict[str, list[FunctionChange]] = {f.path: [] for f in files}
    for file in files:
        old, new = _functions(file.before), _functions(file.after)
        removed += [_Found(file.path, scope) for name, scope in old.items() if name not in new]
        added += [_Found(file.path, scope) for name, scope in new.items() if name not in old]
        changed[file.path] += [_measured(new[name], old[name]) for name in new.keys() & old.keys() if _own_lines(old[name]) != _own_lines(new[name])]
    return added, removed, changed


def measure_change(files: Sequence[SidePair]) -> tuple[FileComplexity, ...]:
    """The complexity of every file of `files` that exists after the change, in path order."""
    added, removed, changed = _sort_out(files)
    origins = _moved_from(added, removed)
    for index, found in enumerate(added):
        origin = origins[index] if index in origins else None
        if origin is None or origin.body_digest() != found.scope.body_digest():
            changed[found.path].append(_measured(found.scope, origin))
    return tuple(
        FileComplexity(
            file.path,
            None if file.before is None else maintainability(file.before.source, file.before.tree),
            maintainability(file.after.source, file.after.tree),
            tuple(sorted(changed[file.path], key=lambda c: c.line)),
        )
        for file in sorted(files, key=lambda f: f.path)
        if file.after is not None
    )


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
