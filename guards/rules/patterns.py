"""Shapes several rules share: default values, log calls, handlers that bail out, broad types."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from guards.scope import ScopeView

# The values a fallback hands back instead of failing.
DEFAULT_VALUE = (
    m.Name("None")
    | m.Name("False")
    | m.List(elements=[])
    | m.Dict(elements=[])
    | m.Tuple(elements=[])
    | m.SimpleString(value=m.MatchRegex(r"^[rbuRBU]*(''|\"\"|''''''|\"\"\"\"\"\")$"))
    | m.Integer(value="0")
    | m.Float(value=m.MatchRegex(r"^0?\.0*$|^0\.$"))
    | m.Call(func=m.Name("list") | m.Name("dict") | m.Name("set") | m.Name("tuple") | m.Name("str"), args=[])
)

_LOGGER_NAMES = m.Name(m.MatchRegex(r"^_?(log|logger|logging|LOG|LOGGER|_logger|warnings)$"))
LOG_CALL = m.Call(
    func=m.Name("print")
    | m.Attribute(value=_LOGGER_NAMES | m.Attribute(attr=_LOGGER_NAMES))
    | m.Attribute(value=m.Call(func=m.Attribute(value=m.Name("logging"), attr=m.Name("getLogger"))))
)

# A statement that gives up quietly: does nothing, logs, moves on, or returns a default.
QUIET_STATEMENT = (
    m.Pass()
    | m.Continue()
    | m.Break()
    | m.Expr(value=m.Ellipsis() | LOG_CALL)
    | m.Return(value=None)
    | m.Return(value=DEFAULT_VALUE)
    | m.Assign(value=DEFAULT_VALUE)
    | m.AnnAssign(value=DEFAULT_VALUE)
)

BROAD_EXCEPTIONS = frozenset({"builtins.Exception", "builtins.BaseException"})


def statements(block: cst.BaseSuite) -> list[cst.CSTNode]:
    """The small and compound statements of a block, one-line suites and statement lines flattened."""
    found: list[cst.CSTNode] = []
    for statement in block.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def is_quiet(block: cst.BaseSuite) -> bool:
    """Every statement in the block gives up quietly (see `QUIET_STATEMENT`)."""
    return all(m.matches(statement, QUIET_STATEMENT) for statement in statements(block))


def raises_inside(node: cst.CSTNode) -> bool:
    """Whether a `raise` occurs in `node`, nested definitions excluded."""
    if isinstance(node, cst.Raise):
        return True
    if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
        return False
    return any(raises_inside(child) for child in node.children)


def exception_names(view: ScopeView, handler: cst.ExceptHandler) -> set[str]:
    """Qualified names of the types a handler catches; `builtins.BaseException` for a bare except."""
    if handler.type is None:
        return {"builtins.BaseException"}
    types = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
    names: set[str] = set()
    for node in types:
        # A name defined elsewhere in the file does not resolve inside a segment; its spelling stands in.
        names |= view.qualified_names(node) or {cst.Module([]).code_for_node(node)}
    return names


def is_broad(view: ScopeView, handler: cst.ExceptHandler) -> bool:
    return bool(exception_names(view, handler) & BROAD_EXCEPTIONS)


def parameter_names(definition: cst.CSTNode) -> set[str]:
    if not isinstance(definition, cst.FunctionDef):
        return set()
    params = definition.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    names = {p.name.value for p in every}
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.add(star.name.value)
    return names - {"self", "cls"}


def names_in(node: cst.CSTNode) -> set[str]:
    """Every plain name read in `node`."""
    return {cst.ensure_type(name, cst.Name).value for name in m.findall(node, m.Name())}
