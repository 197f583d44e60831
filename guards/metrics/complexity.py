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
class LooseFunction:
    """A function found on one side of its file only, measured, for pairing across the change."""

    path: str
    qualname: str
    name: str
    line: int
    end_line: int
    body_digest: str
    metrics: FunctionMetrics

    @classmethod
    def of(cls, path: str, scope: ScopeOutline) -> LooseFunction:
        return cls(path, scope.qualname, scope.name, scope.first_line, scope.last_line, scope.body_digest(), function_metrics(_node(scope)))


@dataclass(frozen=True, slots=True)
class FileMeasures:
    """One file measured on its own (`measure_file`): what `settle` needs of it. The functions
    edited in place are compared already; those on one side only wait for the whole change."""

    path: str
    mi_before: float | None
    mi_after: float | None
    edited: tuple[FunctionChange, ...]
    added: tuple[LooseFunction, ...]
    removed: tuple[LooseFunction, ...]


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


def _mi(outline: Outline | None) -> float | None:
    return None if outline is None else maintainability(outline.source, outline.tree)


def measure_file(file: SidePair) -> FileMeasures:
    """What can be measured of `file` without the rest of the change."""
    old, new = _functions(file.before), _functions(file.after)
    edited = [_edited(new[name], old[name]) for name in new.keys() & old.keys() if _own_lines(old[name]) != _own_lines(new[name])]
    return FileMeasures(
        file.path,
        _mi(file.before),
        _mi(file.after),
        tuple(edited),
        tuple(LooseFunction.of(file.path, scope) for name, scope in new.items() if name not in old),
        tuple(LooseFunction.of(file.path, scope) for name, scope in old.items() if name not in new),
    )


def _intact_twins(added: list[LooseFunction], removed: list[LooseFunction]) -> dict[int, LooseFunction]:
    """New functions (by index in `added`) whose body is that of a removed function."""
    intact: dict[str, LooseFunction] = {}
    for function in removed:
        intact.setdefault(function.body_digest, function)
    twins = {index: intact.pop(function.body_digest, None) for index, function in enumerate(added)}
    return {index: twin for index, twin in twins.items() if twin is not None}


def _moved_from(added: list[LooseFunction], removed: list[LooseFunction]) -> dict[int, LooseFunction]:
    """For new functions (by index in `added`), the removed function each came from, if any:
    the same body first, then the same name when only one removed function has it."""
    origins = _intact_twins(added, removed)
    taken = {id(function) for function in origins.values()}
    left = [function for function in removed if id(function) not in taken]
    names = Counter(function.name for function in left)
    by_name = {function.name: function for function in left if names[function.name] == 1}
    for index, function in enumerate(added):
        if index not in origins and function.name in by_name:
            origins[index] = by_name.pop(function.name)
    return origins


def settle(files: Sequence[FileMeasures]) -> tuple[FileComplexity, ...]:
    """The complexity of every file of `files` that exists after the change, in path order: the
    functions on one side only paired across the change (a function moved intact is not measured
    as new code; one moved and edited is compared with where it came from)."""
    added = [function for file in files for function in file.added]
    removed = [function for file in files for function in file.removed]
    changed = {file.path: list(file.edited) for file in files}
    origins = _moved_from(added, removed)
    for index, function in enumerate(added):
        origin = origins[index] if index in origins else None
        if origin is None or origin.body_digest != function.body_digest:
            before = None if origin is None else origin.metrics
            changed[function.path].append(FunctionChange(function.qualname, function.line, function.end_line, before, function.metrics))
    return tuple(
        FileComplexity(file.path, file.mi_before, file.mi_after, tuple(sorted(changed[file.path], key=lambda c: c.line)))
        for file in sorted(files, key=lambda f: f.path)
        if file.mi_after is not None
    )


def measure_change(files: Sequence[SidePair]) -> tuple[FileComplexity, ...]:
    """The complexity of every file of `files` that exists after the change, in path order."""
    return settle([measure_file(file) for file in files])


def _edited(scope: ScopeOutline, before: ScopeOutline) -> FunctionChange:
    return FunctionChange(scope.qualname, scope.first_line, scope.last_line, function_metrics(_node(before)), function_metrics(_node(scope)))


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
