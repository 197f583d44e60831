"""Qualified names of what a scope reads (`pytest.raises`, `builtins.Exception`), resolved from import
lines with `ast`.

Rules ask for the qualified names of a few names and attributes (an exception type, a decorator, a
callee). libcst's `QualifiedNameProvider` answers by analysing the scopes of every node of the parse,
which was the costliest step of a check; the answer rules need follows from the file's import lines,
the statement's own imports and the names the statement binds:

- a name bound by an import is the imported target followed by the attribute chain
  (`import pytest as pt` makes `pt.mark.skip` read `pytest.mark.skip`; `from . import x` reads `.x`);
- a name the statement binds otherwise (an assignment, a parameter, a definition) is local:
  its spelling is its only name, so it never reads as a builtin or a library's name;
- an unbound builtin name reads `builtins.<name>`;
- anything else (a name defined elsewhere in the file) does not resolve: no name.

As before, only the file's top-level import lines count, not other module-level bindings; a name
bound anywhere in the statement counts as bound in all of it (nested scopes are not told apart).
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import libcst as cst

_BUILTINS = frozenset(dir(builtins))
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _import_bindings(node: ast.Import) -> Iterator[tuple[str, str]]:
    for alias in node.names:
        # `import a.b` binds `a`; `import a.b as c` binds `c` to `a.b`.
        if alias.asname:
            yield alias.asname, alias.name
        else:
            head = alias.name.partition(".")[0]
            yield head, head


def _from_import_bindings(node: ast.ImportFrom) -> Iterator[tuple[str, str]]:
    module = "." * node.level + (node.module or "")
    # `from . import x` reads `.x`; `from .m import x` and `from m import x` put a dot between.
    joint = "." if node.module else ""
    for alias in node.names:
        if alias.name != "*":
            yield alias.asname or alias.name, f"{module}{joint}{alias.name}"


def imported_names(statements: Iterable[ast.AST]) -> dict[str, str]:
    """Each name that import statements among `statements` (and under them) bind, with its target."""
    found: dict[str, str] = {}
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Import):
                found.update(_import_bindings(node))
            elif isinstance(node, ast.ImportFrom):
                found.update(_from_import_bindings(node))
    return found


def bound_names(roots: Iterable[ast.AST]) -> frozenset[str]:
    """Names bound under `roots` other than by imports: stores, parameters, definitions, handlers."""
    found: set[str] = set()
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                found.add(node.id)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
            elif isinstance(node, _DEFINITIONS):
                found.add(node.name)
            elif isinstance(node, ast.ExceptHandler) and node.name is not None:
                found.add(node.name)
    return frozenset(found)


def dotted_name(node: cst.CSTNode) -> str | None:
    """`a.b.c` for a chain of names and attributes; `None` for any other expression."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return None if head is None else f"{head}.{node.attr.value}"
    return None


@dataclass(frozen=True, slots=True)
class NameScope:
    """What one top-level statement's names resolve against."""

    imports: Mapping[str, str]
    bound: frozenset[str]

    @classmethod
    def of(cls, file_imports: Mapping[str, str], roots: tuple[ast.AST, ...]) -> NameScope:
        own = imported_names(roots)
        return cls(MappingProxyType({**file_imports, **own}), bound_names(roots) - own.keys())

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        dotted = dotted_name(node)
        if dotted is None:
            return set()
        head, dot, rest = dotted.partition(".")
        if head in self.bound:
            return {dotted}
        if head in self.imports:
            return {self.imports[head] + dot + rest}
        return {f"builtins.{dotted}"} if head in _BUILTINS else set()
