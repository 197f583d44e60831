"""Taste patterns: Python code with metavariables, compiled to libcst matchers.

    hasattr($OBJ, $NAME)     $OBJ, $NAME: any one expression (or name)
    print($...ARGS)          $...ARGS: any run of arguments, elements, parameters or statements
    $X.get($K, $X)           a repeated metavariable matches structurally equal code only

The pattern is parsed with each metavariable replaced by a placeholder name; the parsed tree then
becomes a matcher node by node: placeholders match anything, layout (whitespace, comments,
parentheses, commas, quoting, one-line vs indented suites) is ignored, everything else must be equal.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import libcst as cst
import libcst.matchers as m

from guards.children import children
from guards.scope import LAYOUT_NODES, StructuralKey, structural_key

_METAVARIABLE = re.compile(r"\$(\.\.\.)?([A-Z_][A-Z0-9_]*)")
_PLACEHOLDER = re.compile(r"__ratchet_(one|seq)_([A-Z_][A-Z0-9_]*)__")
# Node fields and node classes that carry only layout: left out of the matcher, so they match anything.
_LAYOUT_FIELDS = frozenset(
    {"lpar", "rpar", "leading_lines", "lines_after_decorators", "trailing_whitespace", "header", "footer", "indent", "newline", "comma", "semicolon"}
)
# Nodes that only wrap what a sequence holds: `f($...ARGS)` is an `Arg`, `$...BODY` a statement line.
_SEQUENCE_ITEMS = (cst.Arg, cst.Element, cst.Param, cst.Expr, cst.SimpleStatementLine)
_BLANK = cst.Module(body=[])


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why (the parser's message when it does not parse)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern. `matcher` finds candidates; `bind` checks repeated metavariables and
    returns what each metavariable stands for."""

    source: str
    matcher: m.BaseMatcherNode
    # (metavariable, capture name) for every occurrence, in pattern order.
    occurrences: tuple[tuple[str, str], ...]

    @property
    def variables(self) -> frozenset[str]:
        return frozenset(variable for variable, _ in self.occurrences)

    def bind(self, node: cst.CSTNode) -> Binding:
        """What the metavariables stand for in `node`, a node `matcher` matched."""
        captured = m.extract(node, self.matcher)
        assert captured is not None, "bind is for nodes the matcher matched"
        keys: dict[str, set[StructuralKey]] = {}
        code: dict[str, str] = {}
        for variable, name in self.occurrences:
            keys.setdefault(variable, set()).add(_key(captured[name]))
            code.setdefault(variable, _code(captured[name]))
        return Binding(consistent=all(len(found) == 1 for found in keys.values()), code=MappingProxyType(code))


@dataclass(frozen=True, slots=True)
class Binding:
    """The code each metavariable matched (its first occurrence); `consistent` is false when a
    repeated metavariable matched different code, i.e. the node does not match the pattern."""

    consistent: bool
    code: Mapping[str, str]


def compile_pattern(source: str) -> Pattern:
    """Raises `PatternError` for a pattern that does not parse or that is only a metavariable."""
    text = textwrap.dedent(source).strip()
    if not text:
        raise PatternError("the pattern is empty")
    substituted, count = _METAVARIABLE.subn(lambda found: f"__ratchet_{'seq' if found[1] else 'one'}_{found[2]}__", text)
    if "$" in substituted:
        column = substituted.index("$")
        raise PatternError(f"'$' must start a metavariable such as $NAME or $...ARGS (upper case), at {substituted[column:column + 12]!r}")
    try:
        statement = cst.parse_statement(substituted + "\n")
    except cst.ParserSyntaxError as exc:
        raise PatternError(f"not one Python expression or statement: {exc.message} (line {exc.raw_line}, column {exc.raw_column})") from exc
    root = _root(statement)
    if isinstance(root, cst.Name) and _PLACEHOLDER.fullmatch(root.value):
        raise PatternError("a pattern must be more than one metavariable")
    builder = _Builder()
    matcher = builder.node(root)
    assert isinstance(matcher, m.BaseMatcherNode)
    if len(builder.occurrences) != count:
        raise PatternError("a metavariable inside a string, comment or name matches only itself; use it as a whole expression")
    return Pattern(source, matcher, tuple(builder.occurrences))


def _root(statement: cst.BaseStatement) -> cst.CSTNode:
    """The node a pattern stands for: the expression of an expression statement, the small
    statement of a one-statement line (so `assert $X` also matches inside `a = 1; assert b`)."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        (small,) = statement.body
        return small.value if isinstance(small, cst.Expr) else small
    return statement


def _variable(node: cst.CSTNode, kind: str) -> str | None:
    if isinstance(node, cst.Name):
        found = _PLACEHOLDER.fullmatch(node.value)
        return found[2] if found and found[1] == kind else None
    return None


def _sequence_variable(node: cst.CSTNode) -> str | None:
    """`ARGS` when `node` is `$...ARGS` standing alone in a sequence (an argument, an element, a statement)."""
    if isinstance(node, cst.Arg) and (node.keyword is not None or node.star):
        return None
    if isinstance(node, _SEQUENCE_ITEMS):
        inside = [child for child in children(node) if not isinstance(child, LAYOUT_NODES)]
        return _sequence_variable(inside[0]) if len(inside) == 1 else None
    return _variable(node, "seq")


class _Builder:
    """Builds the matcher for a parsed pattern and records each metavariable occurrence."""

    def __init__(self) -> None:
        self.occurrences: list[tuple[str, str]] = []

    def _capture(self, variable: str, matcher: object) -> object:
        name = f"{variable}#{len(self.occurrences)}"
        self.occurrences.append((variable, name))
        return m.SaveMatchedNode(matcher, name)

    def node(self, node: cst.CSTNode) -> object:
        one = _variable(node, "one")
        if one is not None:
            return self._capture(one, m.DoNotCare())
        many = _variable(node, "seq")
        if many is not None:
            raise PatternError(f"$...{many} stands for a run of arguments, elements, parameters or statements, not for one expression")
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return m.SimpleString(value=m.MatchIfTrue(lambda text: _string_value(text) == value))
        if isinstance(node, cst.IndentedBlock | cst.SimpleStatementSuite):
            return self._block(node)
        # Every libcst node class has a matcher class of the same name and fields.
        return getattr(m, type(node).__name__)(**self._fields(node))

    def _fields(self, node: cst.CSTNode) -> dict[str, object]:
        """Matchers for the node's fields that are not layout; left-out fields match anything."""
        fields: dict[str, object] = {}
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            if field.name in _LAYOUT_FIELDS or field.name.startswith("whitespace"):
                continue
            if isinstance(value, (cst.MaybeSentinel, *LAYOUT_NODES)):
                continue
            if isinstance(value, cst.CSTNode):
                fields[field.name] = self.node(value)
            elif isinstance(value, Sequence) and not isinstance(value, str):
                fields[field.name] = self._sequence(value)
            else:
                fields[field.name] = value
        return fields

    def _sequence(self, items: Sequence[cst.CSTNode]) -> list[object]:
        built: list[object] = []
        for item in items:
            variable = _sequence_variable(item)
            built.append(self.node(item) if variable is None else self._capture(variable, m.ZeroOrMore()))
        return built

    def _block(self, block: cst.IndentedBlock | cst.SimpleStatementSuite) -> object:
        """A suite matches as an indented block or, when it holds only simple statements, as a one-line suite."""
        statements: list[cst.CSTNode] = []
        for statement in block.body:
            statements.extend(statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement])
        lines: list[object] = []
        smalls: list[object] = []
        for statement in statements:
            variable = _sequence_variable(statement)
            if variable is not None:
                wildcard = self._capture(variable, m.ZeroOrMore())
                lines.append(wildcard)
                smalls.append(wildcard)
            elif isinstance(statement, cst.BaseSmallStatement):
                small = self.node(statement)
                lines.append(m.SimpleStatementLine(body=[small]))
                smalls.append(small)
            else:
                lines.append(self.node(statement))
        indented = m.IndentedBlock(body=lines)
        if len(smalls) < len(statements):
            return indented
        return m.OneOf(indented, m.SimpleStatementSuite(body=smalls))


def _string_value(text: str) -> str | bytes:
    return cst.SimpleString(text).evaluated_value


def _key(captured: cst.CSTNode | Sequence[cst.CSTNode]) -> StructuralKey:
    if isinstance(captured, cst.CSTNode):
        return structural_key(captured)
    return tuple(structural_key(node) for node in captured)


def _code(captured: cst.CSTNode | Sequence[cst.CSTNode]) -> str:
    if isinstance(captured, cst.CSTNode):
        return _BLANK.code_for_node(captured).strip()
    return ", ".join(_BLANK.code_for_node(node).strip().rstrip(",").strip() for node in captured)
