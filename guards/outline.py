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
from typing import Literal, cast

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
    # The segment's statements as `ast` parsed them, for the prefilter (`guards.prefilter`). A
    # segment the other side of the file holds word for word shares that side's nodes (see
    # `Outline.parse_beside`): their positions are that side's, so lines are read from the
    # segment's own, offsets from the nodes.
    nodes: tuple[ast.stmt, ...] = field(compare=False, repr=False)

    @property
    def statement_line(self) -> int:
        """The line of its first statement itself: a definition's `def` or `class`, after its decorators."""
        first = self.nodes[0]
        return self.first_line + first.lineno - _first_line(first)


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

    @property
    def def_line(self) -> int:
        """The line of its `def` or `class`, after its decorators (see `Segment.nodes` on positions)."""
        return self.first_line + self.node.lineno - _first_line(self.node)

    @property
    def body_line(self) -> int:
        """The first line of its body."""
        return self.first_line + self.node.body[0].lineno - _first_line(self.node)


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


def _span(node: ast.stmt, shift: int = 0) -> tuple[int, int]:
    """First line (decorators included) and last line of a statement; `ast.parse` sets both.
    `shift`: from a borrowed node's positions to the lines of this side (see `Segment.nodes`)."""
    assert node.end_lineno is not None, "positions are set on parsed source"
    return _first_line(node) + shift, node.end_lineno + shift


@dataclass(frozen=True, slots=True)
class _Span:
    """Top-level statements on lines `first..last`, their nodes positioned `shift` lines off
    (borrowed from the other side, see `Segment.nodes`)."""

    first: int
    last: int
    statements: list[ast.stmt]
    shift: int

    @property
    def is_definition(self) -> bool:
        return len(self.statements) == 1 and isinstance(self.statements[0], _DEFINITIONS)


def _statement_spans(tree: ast.Module, borrowed: dict[int, Segment]) -> list[_Span]:
    """The top-level statements of `tree`, statements that share a line together, each `pass`
    that stands for a borrowed segment replaced by it."""
    spans: list[_Span] = []
    for statement in tree.body:
        if statement.lineno in borrowed and isinstance(statement, ast.Pass):
            other = borrowed[statement.lineno]
            spans.append(_Span(statement.lineno, statement.lineno + other.last_line - other.first_line, list(other.nodes), statement.lineno - other.first_line))
            continue
        first, last = _span(statement)
        if spans and first <= spans[-1].last:
            spans[-1] = _Span(spans[-1].first, max(last, spans[-1].last), [*spans[-1].statements, statement], 0)
        else:
            spans.append(_Span(first, last, [statement], 0))
    return spans


def _split(source: str) -> list[str]:
    # `str.split` is several times faster than the pattern, and the same without a `\r`.
    return _LINE_BREAK.split(source) if "\r" in source else source.split("\n")


# A line at column 0 that carries on the statement above it rather than starting one.
_CARRIES_ON = ("else:", "else ", "elif ", "except:", "except ", "except*", "finally:", "finally ", ")", "]", "}")


def _guessed_statements(lines: list[str]) -> list[tuple[int, int]]:
    """Where a file's top-level statements may be (1-based first and last lines), from its text
    alone: each starts on a line that starts with code at column 0 (its decorators with it) and
    ends on its last line of code before the next. Inside a string this can be wrong; see
    `Outline.parse_beside`, which checks it."""
    starts: list[int] = []
    decorating = False
    for number, line in enumerate(lines, start=1):
        if line[:1] in ("", " ", "\t", "\f", "#") or line.startswith(_CARRIES_ON):
            continue
        if not decorating:
            starts.append(number)
        decorating = line.startswith("@")
    guessed = []
    for first, following in zip(starts, [*starts[1:], len(lines) + 1]):
        last = following - 1
        while last > first and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
            last -= 1
        guessed.append((first, last))
    return guessed


def _identical_segments(lines: list[str], other: Outline) -> dict[int, Segment]:
    """The guessed statements of `lines` (by first line) that are, word for word, segments of
    `other`; import lines are left to the parse (`from __future__` must come first)."""
    texts: dict[str, Segment] = {}
    for segment in other.segments:
        if not all(isinstance(node, ast.Import | ast.ImportFrom) for node in segment.nodes):
            texts.setdefault(other.segment_text(segment), segment)
    return {first: texts[text] for first, last in _guessed_statements(lines) if (text := _text(lines, first, last)) in texts}


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
        return cls._built(source, _split(source), ast.parse(source), {})

    @classmethod
    def parse_beside(cls, source: str, other: Outline) -> Outline:
        """The outline `parse` makes of `source`, the other side of the file `other` outlines, with
        less parsing: the top-level segments `other` holds word for word are put aside, each behind
        a `pass` on its first line (blank lines keep the rest where it was), the rest is parsed, and
        those segments take `other`'s nodes. A segment is found by guessing where top-level
        statements start (`_guessed_statements`); the guess holds when each `pass` parsed as a
        top-level statement: the text before it is the same as in `source`, so `source` is at the
        top level there too, and a segment is whole statements. Otherwise `source` is parsed."""
        lines = _split(source)
        borrowed = _identical_segments(lines, other)
        if not borrowed:
            return cls.parse(source)
        placeholders = list(lines)
        for first, segment in borrowed.items():
            placeholders[first - 1 : first + segment.last_line - segment.first_line] = ["pass"] + [""] * (segment.last_line - segment.first_line)
        try:
            tree = ast.parse("\n".join(placeholders))
        except SyntaxError:  # A guess that cut a statement: `source` alone says what it is.
            return cls.parse(source)
        standing = {statement.lineno for statement in tree.body if isinstance(statement, ast.Pass) and statement.end_lineno == statement.lineno}
        if not borrowed.keys() <= standing:
            return cls.parse(source)
        return cls._built(source, lines, tree, borrowed)

    @classmethod
    def _built(cls, source: str, lines: list[str], tree: ast.Module, borrowed: dict[int, Segment]) -> Outline:
        """The outline of `tree` parsed from `lines`, where the `pass` on each first line of
        `borrowed` stands for that segment of the other side (see `parse_beside`)."""
        spans = _statement_spans(tree, borrowed)
        segments = [Segment(index, span.first, span.last, tuple(span.statements)) for index, span in enumerate(spans)]
        module_statements = [(digest(_text(lines, span.first, span.last)), index) for index, span in enumerate(spans) if not span.is_definition]
        whole = ast.Module(body=[statement for span in spans for statement in span.statements], type_ignores=tree.type_ignores)
        outline = cls(source, lines, segments, {}, module_statements, whole)
        outline._add_top_level(spans)
        return outline

    def _add_top_level(self, spans: list[_Span]) -> None:
        top_level = [(index, span) for index, span in enumerate(spans) if span.is_definition]
        self._add_scopes(
            "",
            [cast(Definition, span.statements[0]) for _, span in top_level],
            [(span.first, span.last) for _, span in top_level],
            [index for index, _ in top_level],
            [span.shift for _, span in top_level],
        )

    def _add_scopes(self, parent: str, siblings: list[Definition], spans: list[tuple[int, int]], segments: list[int], shifts: list[int]) -> None:
        names = unique_names([sibling.name for sibling in siblings])
        for sibling, name, (first, last), segment, shift in zip(siblings, names, spans, segments, shifts, strict=True):
            qualname = f"{parent}.{name}" if parent else name
            children = child_definitions(sibling)
            nested = [_span(child, shift) for child in children]
            kind: ScopeKind = "class" if isinstance(sibling, ast.ClassDef) else "function"
            self.scopes[qualname] = ScopeOutline(qualname, sibling.name, kind, segment, first, last, digest(self._own_text(first, last, nested)), sibling)
            self._add_scopes(qualname, children, nested, [segment] * len(children), [shift] * len(children))

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
