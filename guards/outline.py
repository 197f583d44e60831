"""The cheap first pass over one side of a file: `ast` finds the scopes and their source spans.

libcst is about ten times slower to parse than `ast`, so the guard never hands it a whole file.
An outline cuts a module into top-level *segments* (a def, a class, or a run of statements that
share lines) and names every scope by its qualified name; the changed scopes are found by
comparing their text, and only their segments are parsed again with libcst (see `guards.scope`).
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import Literal

from guards.astform import structure

ScopeKind = Literal["module", "class", "function"]
MODULE_SCOPE = "<module>"
# The line breaks of Python's tokenizer; `str.splitlines` also breaks at form feeds and others.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Segment:
    """Lines `first_line..last_line` (1-based, inclusive) holding whole top-level statements."""

    index: int
    first_line: int
    last_line: int
    # The segment's statements as `ast` parsed them, for the prefilter (`guards.prefilter`).
    nodes: tuple[ast.stmt, ...] = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ScopeOutline:
    """A class or function found by `ast`: where it is and a digest of its text."""

    qualname: str
    name: str
    kind: ScopeKind
    segment: int
    first_line: int
    last_line: int
    text_digest: str
    node: Definition = field(compare=False, repr=False)

    def body_digest(self) -> str:
        """Digest of the structure without the name, to recognise a scope moved or renamed intact."""
        return digest(structure(self.node.body))


# What can hold a definition: a definition is a statement, and statements sit only in the blocks
# of statements (`body`, `orelse`, `finalbody`), of handlers and of match cases, never inside an
# expression; so only those fields are walked, in `_fields` (source) order.
_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


def _subclasses(kind: type) -> list[type]:
    return [kind, *itertools.chain.from_iterable(_subclasses(sub) for sub in kind.__subclasses__())]


_BLOCKS: dict[type, tuple[str, ...]] = {
    kind: tuple(name for name in kind._fields if name in _BLOCK_FIELDS)
    for holder in (ast.stmt, ast.excepthandler, ast.match_case)
    for kind in _subclasses(holder)
}


def child_definitions(node: ast.stmt | ast.excepthandler | ast.match_case) -> list[Definition]:
    """Definitions nested in `node`, in source order, without descending into them (nor into
    expressions, which cannot hold one)."""
    found: list[Definition] = []
    for name in _BLOCKS[type(node)]:
        for child in getattr(node, name):
            if isinstance(child, _DEFINITIONS):
                found.append(child)
            elif _BLOCKS[type(child)]:
                found.extend(child_definitions(child))
    return found


def unique_names(names: list[str]) -> list[str]:
    """Second and later definitions of a name in one parent get `#2`, `#3`…, as in `guards.scope`."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return unique


def _text(lines: list[str], first: int, last: int) -> str:
    return "\n".join(lines[first - 1 : last]) + "\n"


def _first_line(node: ast.stmt) -> int:
    # Decorators come in source order, all before the definition's own line.
    decorators = node.decorator_list if isinstance(node, _DEFINITIONS) else []
    return min(node.lineno, decorators[0].lineno) if decorators else node.lineno


def _span(node: ast.stmt) -> tuple[int, int]:
    """First line (decorators included) and last line of a statement; `ast.parse` sets both."""
    assert node.end_lineno is not None, "positions are set on parsed source"
    return _first_line(node), node.end_lineno


@dataclass(slots=True)
class Outline:
    """One side of one file. `parse` raises `SyntaxError` (and `ValueError` for NUL bytes)."""

    source: str
    lines: list[str]
    segments: list[Segment]
    scopes: dict[str, ScopeOutline]
    module_statements: list[tuple[str, int]]
    # The whole parse, for the file-level metrics (`guards.metrics`), which must not parse again.
    tree: ast.Module = field(compare=False, repr=False)

    @classmethod
    def parse(cls, source: str) -> Outline:
        tree = ast.parse(source)
        # `str.split` is several times faster than the pattern, and the same without a `\r`.
        lines = _LINE_BREAK.split(source) if "\r" in source else source.split("\n")
        segments: list[Segment] = []
        spans: list[tuple[int, int, list[ast.stmt]]] = []
        for statement in tree.body:
            first, last = _span(statement)
            if spans and first <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(last, spans[-1][1]), [*spans[-1][2], statement])
            else:
                spans.append((first, last, [statement]))
        scopes: dict[str, ScopeOutline] = {}
        module_statements: list[tuple[str, int]] = []
        for index, (first, last, statements) in enumerate(spans):
            segments.append(Segment(index, first, last, tuple(statements)))
            if any(isinstance(s, _DEFINITIONS) for s in statements) and len(statements) == 1:
                continue
            module_statements.append((digest(_text(lines, first, last)), index))
        top_level = [(span[2][0], i) for i, span in enumerate(spans) if len(span[2]) == 1 and isinstance(span[2][0], _DEFINITIONS)]
        outline = cls(source, lines, segments, scopes, module_statements, tree)
        outline._add_scopes("", [node for node, _ in top_level], [_span(node) for node, _ in top_level], [index for _, index in top_level])
        return outline

    def _add_scopes(self, parent: str, siblings: list[Definition], spans: list[tuple[int, int]], segments: list[int]) -> None:
        names = unique_names([sibling.name for sibling in siblings])
        for sibling, name, (first, last), segment in zip(siblings, names, spans, segments, strict=True):
            qualname = f"{parent}.{name}" if parent else name
            children = child_definitions(sibling)
            nested = [_span(child) for child in children]
            kind: ScopeKind = "class" if isinstance(sibling, ast.ClassDef) else "function"
            self.scopes[qualname] = ScopeOutline(qualname, sibling.name, kind, segment, first, last, digest(self._own_text(first, last, nested)), sibling)
            self._add_scopes(qualname, children, nested, [segment] * len(children))

    def _own_text(self, first: int, last: int, nested: list[tuple[int, int]]) -> str:
        """The scope's own text: its lines without those of nested definitions, which are scopes
        of their own; so a class is not re-analysed because one of its methods changed."""
        kept: list[str] = []
        line = first
        for start, end in sorted(nested):
            kept += self.lines[line - 1 : start - 1]
            line = max(line, end + 1)
        kept += self.lines[line - 1 : last]
        return "\n".join([text.rstrip() for text in kept])

    def segment_text(self, segment: Segment) -> str:
        """The segment's lines (made when asked: most segments are never parsed again)."""
        return _text(self.lines, segment.first_line, segment.last_line)

    def scope_source(self, scope: ScopeOutline) -> str:
        """Text that parses to the scope's definition on its own. An
        indented definition is put under `if True:`, whose block takes any indentation, so no
        dedenting (which multi-line strings would defeat) is needed."""
        text = _text(self.lines, scope.first_line, scope.last_line)
        header = "if True:\n" if text[:1].isspace() else ""
        return header + text
