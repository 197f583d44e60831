"""Shapes several rules share: default values, log calls, handlers that bail out, broad types."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from guards.children import children
from guards.scope import ScopeDiff, ScopeView, structural_key

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
    return any(raises_inside(child) for child in children(node))


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


def parameter_names(definition: cst.FunctionDef) -> set[str]:
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


# --- helpers for the fallback rules (FB002–FB008) ---

IMPORT_ERRORS = frozenset({"builtins.ImportError", "builtins.ModuleNotFoundError"})
IMPORT_STATEMENT = m.Import() | m.ImportFrom()


def code_of(node: cst.CSTNode, limit: int = 72) -> str:
    """The node's source on one line, cut at `limit` characters, for a finding's message."""
    text = " ".join(cst.Module([]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolves_to(view: ScopeView, node: cst.CSTNode, qualified: str) -> bool:
    """Whether `node` names `qualified`; the spelling stands in when the name does not resolve."""
    return qualified in view.qualified_names(node) or code_of(node) == qualified


def is_import_fallback(view: ScopeView, handler: cst.ExceptHandler) -> bool:
    """An `except ImportError`/`ModuleNotFoundError` handler of a `try` whose body imports."""
    parent = view.parent(handler)
    return (
        isinstance(parent, cst.Try)
        and any(m.matches(s, IMPORT_STATEMENT) for s in statements(parent.body))
        and bool(exception_names(view, handler) & IMPORT_ERRORS)
    )


# --- helpers for the guard and invariant rules (GD001–GD002, IV001–IV004) ---

_OPTIONAL_NAME = m.Name("Optional") | m.Attribute(attr=m.Name("Optional"))
_UNION_NAME = m.Name("Union") | m.Attribute(attr=m.Name("Union"))


def is_optional(annotation: cst.BaseExpression) -> bool:
    """`Optional[T]`, `Union[..., None]`, `T | None` (at any depth of `|`), with or without `typing.`."""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return any(m.matches(side, m.Name("None")) or is_optional(side) for side in (annotation.left, annotation.right))
    if isinstance(annotation, cst.Subscript):
        if m.matches(annotation.value, _OPTIONAL_NAME):
            return True
        if m.matches(annotation.value, _UNION_NAME):
            return any(m.matches(element.slice, m.Index(value=m.Name("None"))) for element in annotation.slice)
    return False


def every_parameter(definition: cst.FunctionDef) -> list[cst.Param]:
    params = definition.params
    stars = [star for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
    return [*params.posonly_params, *params.params, *stars, *params.kwonly_params]


def optional_parameters(definition: cst.FunctionDef) -> set[str]:
    """Parameters declared as possibly `None`: an Optional annotation or a `None` default."""
    return {
        param.name.value
        for param in every_parameter(definition)
        if (param.annotation is not None and is_optional(param.annotation.annotation))
        or (param.default is not None and m.matches(param.default, m.Name("None")))
    }


def is_validation(node: cst.CSTNode) -> bool:
    """`if <cond>: raise ...` without an else: a check that fails loudly."""
    return (
        isinstance(node, cst.If)
        and node.orelse is None
        and all(isinstance(statement, cst.Raise) for statement in statements(node.body))
    )


def raised_type(node: cst.Raise) -> str:
    """What a raise raises, by spelling: `ValueError` for `raise ValueError(...)`, "" for a bare `raise`."""
    if node.exc is None:
        return ""
    exc = node.exc.func if isinstance(node.exc, cst.Call) else node.exc
    return code_of(exc)


def removed_validations(scope: ScopeDiff) -> list[cst.If]:
    """Validations removed as a whole: no `if` with the same condition remains and no added
    validation raises the same type (a reworded or tightened check is not a removal)."""
    remaining_tests = {structural_key(node.test) for node in scope.after.find(m.If()) if isinstance(node, cst.If)}
    added_types = {
        raised_type(cst.ensure_type(statements(node.body)[0], cst.Raise))
        for node in scope.added(m.If())
        if is_validation(node)
    }
    return [
        node
        for node in scope.removed(m.If())
        if isinstance(node, cst.If)
        and is_validation(node)
        and structural_key(node.test) not in remaining_tests
        and raised_type(cst.ensure_type(statements(node.body)[0], cst.Raise)) not in added_types
    ]


# --- helpers for the test rules (TS001–TS006) ---

# `self.assertX(...)` of unittest; the expected-exception and log forms are not value checks.
UNITTEST_ASSERTION = m.Call(
    func=m.Attribute(value=m.Name("self"), attr=m.Name(m.MatchRegex(r"^assert(?!Raises|Warns|Logs|NoLogs)\w*$")))
)
ASSERTION = m.Assert() | UNITTEST_ASSERTION
# Candidates for an expected-exception call; `is_raises_call` tells pytest's `raises` from a namesake.
RAISES_CALL = m.Call(
    func=m.Name("raises")
    | m.Attribute(attr=m.Name("raises"))
    | m.Attribute(value=m.Name("self"), attr=m.Name(m.MatchRegex(r"^assertRaises(Regexp?)?$")))
)
LITERAL = (
    m.Integer()
    | m.Float()
    | m.Imaginary()
    | m.SimpleString()
    | m.ConcatenatedString()
    | m.Ellipsis()
    | m.Name("None")
    | m.Name("True")
    | m.Name("False")
)
# Calls whose first argument is what an assertion is about: `approx(b)`, `isinstance(a, T)`, `bool(a)`.
_ABOUT_FIRST_ARGUMENT = m.Call(
    func=m.Name("approx") | m.Attribute(attr=m.Name("approx")) | m.Name("isinstance") | m.Name("bool") | m.Name("callable")
)
_ABOUT_TWO_ARGUMENTS = m.Call(func=m.Name("isclose") | m.Attribute(attr=m.Name("isclose")))
# unittest methods about one value; the others compare their first two arguments.
_ONE_VALUE_METHODS = frozenset(
    {"assertTrue", "assertFalse", "assertIsNone", "assertIsNotNone", "assertIsInstance", "assertNotIsInstance"}
)


def is_raises_call(view: ScopeView, call: cst.Call) -> bool:
    """`pytest.raises(...)` however imported, or `self.assertRaises(...)`/`assertRaisesRegex(...)`."""
    return resolves_to(view, call.func, "pytest.raises") or m.matches(call.func, m.Attribute(value=m.Name("self")))


def expected_exceptions(view: ScopeView, call: cst.Call) -> set[str]:
    """Qualified names (the spelling when unresolved) of the types an expected-exception call accepts."""
    positional = [arg.value for arg in call.args if arg.keyword is None][:1]
    keyword = [arg.value for arg in call.args if arg.keyword is not None and arg.keyword.value == "expected_exception"]
    names: set[str] = set()
    for expected in [*positional, *keyword]:
        types = [element.value for element in expected.elements] if isinstance(expected, cst.Tuple) else [expected]
        for node in types:
            names |= view.qualified_names(node) or {code_of(node)}
    return names


def checks_message(call: cst.Call) -> bool:
    """Whether an expected-exception call also checks the message (`match=`, `assertRaisesRegex`)."""
    return any(arg.keyword is not None and arg.keyword.value == "match" for arg in call.args) or m.matches(
        call.func, m.Attribute(attr=m.Name(m.MatchRegex(r"^assertRaisesRegexp?$")))
    )


def _operands(expression: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(expression, cst.Comparison):
        sides = [expression.left, *(target.comparator for target in expression.comparisons)]
        return [operand for side in sides for operand in _operands(side)]
    if isinstance(expression, cst.UnaryOperation) and isinstance(expression.operator, cst.Not):
        return _operands(expression.expression)
    if isinstance(expression, cst.Call) and m.matches(expression, _ABOUT_FIRST_ARGUMENT | _ABOUT_TWO_ARGUMENTS):
        count = 2 if m.matches(expression, _ABOUT_TWO_ARGUMENTS) else 1
        return [operand for arg in expression.args[:count] for operand in _operands(arg.value)]
    return [expression]


def assertion_operands(assertion: cst.CSTNode) -> list[cst.BaseExpression]:
    """What an `assert` or `self.assertX(...)` compares: both sides of a comparison (inside
    `approx(...)`), the value of a truthiness check, the compared arguments of a unittest call."""
    if isinstance(assertion, cst.Assert):
        return _operands(assertion.test)
    call = cst.ensure_type(assertion, cst.Call)
    method = cst.ensure_type(call.func, cst.Attribute).attr.value
    compared = [arg.value for arg in call.args if arg.keyword is None][: 1 if method in _ONE_VALUE_METHODS else 2]
    return [operand for value in compared for operand in _operands(value)]


def subject_keys(assertion: cst.CSTNode) -> set[tuple[object, ...]]:
    """What an assertion is about: its non-literal operands, by structure."""
    return {structural_key(operand) for operand in assertion_operands(assertion) if not m.matches(operand, LITERAL)}


def mentioned_keys(assertion: cst.CSTNode) -> set[tuple[object, ...]]:
    """Every non-literal expression inside an assertion's operands (`a` in `len(a.items)`), by
    structure. An added assertion whose mentioned keys meet a removed one's `subject_keys` checks
    something the removed one checked: it is a rewrite of it, maybe a looser one."""
    keys: set[tuple[object, ...]] = set()
    pending: list[cst.CSTNode] = list(assertion_operands(assertion))
    while pending:
        node = pending.pop()
        if isinstance(node, cst.BaseExpression) and not m.matches(node, LITERAL):
            keys.add(structural_key(node))
        # An attribute's name is not a value of its own: `r.x` is not about a variable `x`.
        pending.extend([node.value] if isinstance(node, cst.Attribute) else children(node))
    return keys


def is_trivial_assertion(assertion: cst.CSTNode) -> bool:
    """An assertion about literals only (`assert True`, `self.assertTrue(1)`): it checks nothing."""
    return all(m.matches(operand, LITERAL) for operand in assertion_operands(assertion))


# Ending the process is not swallowing: the error stops everything, with a status (a CLI boundary).
PROCESS_EXIT = m.Call(
    func=m.Attribute(value=m.Name("sys"), attr=m.Name("exit")) | m.Attribute(value=m.Name("os"), attr=m.Name("_exit"))
)


def exits_inside(node: cst.CSTNode) -> bool:
    """Whether `node` calls `sys.exit` or `os._exit`."""
    return bool(m.findall(node, PROCESS_EXIT))
