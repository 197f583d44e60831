"""The precise second pass: changed segments parsed with libcst, and one scope compared across a change.

A construct counts as *added* when the after-scope has it and the before-scope has no
structurally equal twin (see `structural_key`): comparison is by structure, not by lines, so
reformatting and moves do not create findings.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Literal
from dataclasses import dataclass
from functools import cached_property

import libcst as cst
import libcst.matchers as m
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from guards.callgraph.index import CallGraphSource
from guards.children import children
from guards.findings import Finding, RuleMeta, Severity
from guards.linemap import LineMap
from guards.names import NameScope
from guards.outline import Outline, ScopeKind, ScopeOutline, Segment, unique_names

# Nodes that only carry layout: skipped by the structural key, by the walk over a scope and by taste patterns.
LAYOUT_NODES = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.Comma,
    cst.Semicolon,
)
Definition = cst.FunctionDef | cst.ClassDef
StructuralKey = tuple[object, ...]


# Exact node classes (libcst's are never subclassed): `isinstance` against libcst's abstract
# classes goes through `ABCMeta.__instancecheck__`, and these tests run on every node of a scope.
_LAYOUT_TYPES = frozenset(LAYOUT_NODES)
_WALK_SKIPPED = _LAYOUT_TYPES | {cst.FunctionDef, cst.ClassDef}
_STRING_TYPES = frozenset({cst.SimpleString, cst.ConcatenatedString})
_ATOM_TYPES = frozenset({cst.Name, cst.Integer, cst.Float, cst.Imaginary})
_BLOCK_TYPES = frozenset({cst.IndentedBlock, cst.SimpleStatementSuite})


def nested_definitions(node: cst.CSTNode) -> list[Definition]:
    """Definitions inside `node`, in source order, without descending into them (as `guards.outline`)."""
    found: list[Definition] = []
    for child in children(node):
        kind = type(child)
        if kind is cst.FunctionDef or kind is cst.ClassDef:
            found.append(cst.ensure_type(child, Definition))
        elif kind not in _LAYOUT_TYPES:
            found.extend(nested_definitions(child))
    return found


@dataclass(frozen=True, slots=True)
class TopStatement:
    """What the outline knows of one top-level statement of a parse: its `ast` nodes (for the
    names it binds) and the file line where libcst's position of it starts (a definition's `def`
    or `class` line, after its decorators)."""

    roots: tuple[ast.AST, ...]
    first_line: int


class ParsedSource:
    """Source parsed with libcst: a whole file, or one top-level segment behind the file's imports.
    Which one is the caller's choice of cost: a file whose changes cover most of it is cheaper to
    parse once.

    Positions and qualified names are worked out per top-level statement, when first asked: a
    statement's positions from a module holding only it (the same node objects, no copy), its
    qualified names with `guards.names`. Over a whole file, libcst's providers would visit every
    node of it for the sake of one finding.
    """

    def __init__(self, source: str, statements: Sequence[TopStatement], imports: Mapping[str, str]) -> None:
        self.module = cst.parse_module(source)
        self._outlined = statements
        self._imports = imports
        self._names_by_statement: dict[int, NameScope] = {}
        self._positions_by_statement: dict[int, Mapping[cst.CSTNode, CodeRange]] = {}

    @classmethod
    def whole(cls, outline: Outline, imports: Mapping[str, str]) -> ParsedSource:
        parsed = cls(outline.source, [TopStatement(segment.nodes, segment.statement_line) for segment in outline.segments], imports)
        assert len(parsed.statements) == len(outline.segments), "libcst and ast disagree on top-level statements"
        return parsed

    @classmethod
    def scope(cls, outline: Outline, scope: ScopeOutline, imports: Mapping[str, str]) -> tuple[ParsedSource, Definition]:
        """The scope's own text parsed alone (see `Outline.scope_source`), and its definition node."""
        source = outline.scope_source(scope)
        # An indented definition sits under an `if True:` whose line stands just above its first.
        wrapped = outline.lines[scope.first_line - 1][:1].isspace()
        start = scope.first_line - 1 if wrapped else scope.def_line
        parsed = cls(source, [TopStatement((scope.node,), start)], imports)
        (statement,) = parsed.statements
        if isinstance(statement, cst.If):
            (statement,) = statement.body.body
        assert isinstance(statement, Definition)
        return parsed, statement

    @classmethod
    def segment(cls, outline: Outline, segment: Segment, imports: Mapping[str, str]) -> ParsedSource:
        parsed = cls(outline.segment_text(segment), [TopStatement(segment.nodes, segment.statement_line)], imports)
        assert len(parsed.statements) == 1, "a segment is one top-level statement"
        return parsed

    def _index(self, node: cst.CSTNode) -> int:
        return self._statement_of[node] if len(self._outlined) > 1 else 0

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based first and last line of `node` in the file."""
        index = self._index(node)
        statement = self.statements[index]
        if index not in self._positions_by_statement:
            alone = MetadataWrapper(cst.Module(body=[statement]), unsafe_skip_copy=True)
            self._positions_by_statement[index] = alone.resolve(PositionProvider)
        positions = self._positions_by_statement[index]
        shift = self._outlined[index].first_line - positions[statement].start.line
        return positions[node].start.line + shift, positions[node].end.line + shift

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        index = self._index(node)
        if index not in self._names_by_statement:
            self._names_by_statement[index] = NameScope.of(self._imports, self._outlined[index].roots)
        return self._names_by_statement[index].qualified_names(node)

    @property
    def statements(self) -> Sequence[cst.BaseStatement]:
        return self.module.body

    @cached_property
    def _statement_of(self) -> dict[cst.CSTNode, int]:
        """The index of the top-level statement each node sits in."""
        found: dict[cst.CSTNode, int] = {}
        for index, statement in enumerate(self.statements):
            pending: list[cst.CSTNode] = [statement]
            while pending:
                node = pending.pop()
                found[node] = index
                pending.extend(children(node))
        return found


@dataclass(frozen=True)
class SegmentNode:
    """A top-level statement of a file, with the parse it belongs to."""

    source: ParsedSource
    statement: cst.BaseStatement

    @cached_property
    def definitions(self) -> dict[str, Definition]:
        """The statement's definition (key "") and everything nested in it, by qualified name relative to it."""
        top = self.statement
        assert isinstance(top, Definition)
        found: dict[str, Definition] = {"": top}
        pending: list[tuple[str, Definition]] = [("", top)]
        while pending:
            prefix, node = pending.pop()
            nested = nested_definitions(node)
            for child, name in zip(nested, unique_names([c.name.value for c in nested]), strict=True):
                qualname = f"{prefix}.{name}" if prefix else name
                found[qualname] = child
                pending.append((qualname, child))
        return found


def structural_key(node: cst.CSTNode) -> StructuralKey:
    """What a node *is*, without layout: whitespace, comments, parentheses, commas and quoting are ignored.

    A one-line suite (`if x: return`) and an indented block have the same key.
    """
    kind = type(node)
    if kind in _STRING_TYPES:
        return ("str", cst.ensure_type(node, cst.SimpleString | cst.ConcatenatedString).evaluated_value)
    if kind in _ATOM_TYPES:
        return (kind.__name__, cst.ensure_type(node, cst.Name | cst.Integer | cst.Float | cst.Imaginary).value)
    if kind in _BLOCK_TYPES:
        return ("block", *(structural_key(s) for s in _flat_statements(cst.ensure_type(node, cst.IndentedBlock | cst.SimpleStatementSuite).body)))
    return (kind.__name__, *(structural_key(c) for c in children(node) if type(c) not in _LAYOUT_TYPES))


def _flat_statements(statements: Collection[cst.CSTNode]) -> Iterator[cst.CSTNode]:
    for statement in statements:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        else:
            yield statement


class ScopeView:
    """One side of a scope: its libcst roots and the nodes that belong to it, nested scopes excluded.

    The roots are parsed on first use, so a scope that no rule looks into costs no libcst parse.
    An absent side is a view with no roots, so that "added" and "removed" need no special case.
    """

    def __init__(self, load: Callable[[], list[tuple[ParsedSource, cst.CSTNode]]] | None = None) -> None:
        self._load = load
        self.exists = load is not None

    @cached_property
    def roots(self) -> list[tuple[ParsedSource, cst.CSTNode]]:
        return self._load() if self._load is not None else []

    @cached_property
    def _walk(self) -> tuple[list[cst.CSTNode], dict[cst.CSTNode, cst.CSTNode], dict[cst.CSTNode, ParsedSource]]:
        nodes: list[cst.CSTNode] = []
        parents: dict[cst.CSTNode, cst.CSTNode] = {}
        segments: dict[cst.CSTNode, ParsedSource] = {}
        for segment, root in self.roots:
            pending = [root]
            while pending:
                node = pending.pop()
                nodes.append(node)
                segments[node] = segment
                inside = [c for c in children(node) if type(c) not in _WALK_SKIPPED]
                for child in reversed(inside):
                    parents[child] = node
                    pending.append(child)
        return nodes, parents, segments

    @property
    def nodes(self) -> list[cst.CSTNode]:
        """Every node of the scope in source order; a definition's own decorators and signature included."""
        return self._walk[0]

    @property
    def definition(self) -> Definition:
        (segment_and_root,) = self.roots
        root = segment_and_root[1]
        assert isinstance(root, Definition)
        return root

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._walk[1].get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        return self._walk[2][node].span(node)

    def owns(self, node: cst.CSTNode) -> bool:
        return node in self._walk[2]

    def qualified_names(self, node: cst.CSTNode) -> set[str]:
        return self._walk[2][node].qualified_names(node)

    @cached_property
    def _by_type(self) -> dict[type[cst.CSTNode], list[cst.CSTNode]]:
        index: dict[type[cst.CSTNode], list[cst.CSTNode]] = {}
        for node in self.nodes:
            index.setdefault(type(node), []).append(node)
        return index

    def find(self, matcher: m.BaseMatcherNode) -> list[cst.CSTNode]:
        """Nodes of the scope that match, in source order; only nodes of the matcher's type are tried."""
        types = _node_types(matcher)
        if types is None:
            return [node for node in self.nodes if m.matches(node, matcher)]
        candidates = [node for t in types for node in self._by_type.get(t, [])]
        if len(types) > 1:
            order = self._order
            candidates.sort(key=order.__getitem__)
        return [node for node in candidates if m.matches(node, matcher)]

    @cached_property
    def _order(self) -> dict[cst.CSTNode, int]:
        return {node: position for position, node in enumerate(self.nodes)}

    def keys(self, matcher: m.BaseMatcherNode) -> Counter[StructuralKey]:
        return Counter(structural_key(node) for node in self.find(matcher))


def _node_types(matcher: m.BaseMatcherNode) -> list[type[cst.CSTNode]] | None:
    """The node classes a matcher can match: each libcst matcher class is named after its node class.
    `None` when the matcher is not tied to node types (e.g. `m.TypeOf`, `m.MatchIfTrue`)."""
    if isinstance(matcher, m.OneOf):
        types = [_node_types(option) for option in matcher.options]
        return None if any(t is None for t in types) else [t for group in types if group for t in group]
    node_class = vars(cst).get(type(matcher).__name__)
    if isinstance(node_class, type) and issubclass(node_class, cst.CSTNode):
        return [node_class]
    return None


def _without_twins(nodes: list[cst.CSTNode], others: Counter[StructuralKey]) -> list[cst.CSTNode]:
    remaining = Counter(others)
    unmatched = []
    for node in nodes:
        key = structural_key(node)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            unmatched.append(node)
    return unmatched


ScopeStatus = Literal["added", "removed", "changed"]


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """What rules may know about the change as a whole, beyond the scope they look at."""

    removed_definitions: frozenset[str]
    # Names called by the test code (functions of test files) the change adds or edits: a deleted
    # test whose code under test they call was folded into them (into one parametrized test, or a
    # renamed test whose `setUp` now builds what the old one built).
    called_by_changed_tests: frozenset[str]
    # The `assert` lines the change adds anywhere (see `assert_lines`): an assert removed from one
    # scope and added to another (a helper it calls, another file) moved; it was not removed.
    added_asserts: frozenset[str]
    # The repository's call graph (the after tree with the change applied), built on first use.
    calls: CallGraphSource

    def asserts_elsewhere(self, test: str) -> bool:
        """Whether the change adds `assert <test>` (with or without a message) somewhere."""
        statement = " ".join(f"assert {test}".split())
        return any(line == statement or line.startswith(f"{statement},") for line in self.added_asserts)


def assert_lines(lines: Iterable[str]) -> Counter[str]:
    """The `lines` that start an `assert` statement, whitespace collapsed; a line scan, no parse:
    only the first line of an assert that spans several is kept."""
    return Counter(" ".join(line.split()) for line in lines if line.lstrip().startswith("assert "))


@dataclass(frozen=True, eq=False)
class ScopeDiff:
    """One scope (by qualified name) before and after the change; what rules look at."""

    path: str
    qualname: str
    kind: ScopeKind
    before: ScopeView
    after: ScopeView
    is_test_file: bool
    line_map: LineMap
    facts: ChangeFacts

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """Lines of `node` in the new file; a before-side node is placed at the nearest new line."""
        if self.after.owns(node):
            return self.after.span(node)
        first, last = self.before.span(node)
        start = self.line_map.to_after(first)
        return start, max(start, self.line_map.to_after(last))

    def finding(
        self, rule: RuleMeta, node: cst.CSTNode, message: str, severity: Severity | None = None
    ) -> Finding:
        line, end_line = self.span(node)
        return rule.finding(self.path, line, end_line, message, self.qualname, severity)

    @property
    def status(self) -> ScopeStatus:
        if not self.before.exists:
            return "added"
        return "removed" if not self.after.exists else "changed"

    @property
    def is_test(self) -> bool:
        """A test function (pytest conventions) in a test file."""
        return self.is_test_file and self.kind == "function" and self.qualname.rsplit(".", 1)[-1].startswith("test")

    def added(self, matcher: m.BaseMatcherNode) -> list[cst.CSTNode]:
        """After-side nodes matching `matcher` with no structurally equal twin before."""
        return _without_twins(self.after.find(matcher), self.before.keys(matcher))

    def removed(self, matcher: m.BaseMatcherNode) -> list[cst.CSTNode]:
        """Before-side nodes matching `matcher` with no structurally equal twin after."""
        return _without_twins(self.before.find(matcher), self.after.keys(matcher))
