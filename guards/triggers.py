"""The pseudo-nodes a scope rule may declare in `ast_triggers` besides `ast` node types (see
`guards.prefilter`): shapes of nodes (an early-exit `if`, `a or []`…), calls and mentions of a few
names, and the parts of a definition `ast` does not keep as nodes of their own."""

from __future__ import annotations

import ast
import functools

class Signature(ast.AST):
    """Pseudo-node: a function's parameters and return annotation, for rules that compare signatures."""

    _fields = ("args", "returns")


class Returns(ast.AST):
    """Pseudo-node: a function's return annotation, for rules that look at the return type only."""

    _fields = ("annotation",)


class Decorator(ast.AST):
    """Pseudo-node: one decorator of a definition (`ast` keeps decorators as bare expressions)."""

    _fields = ("expression",)


class NamedCall(ast.AST):
    """Pseudo-node: a call whose callee is spelled `name(...)` or `<anything>.name(...)`, with
    `name` in the subclass's `names`; a rule looking for calls of a few names declares
    `calls_to(...)` rather than `ast.Call`, so that the scope's other calls do not wake it."""

    _fields = ("call",)
    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    @classmethod
    def wakes(cls, callee: str) -> bool:
        return callee in cls.names or callee.startswith(cls.prefixes)


class Mention(ast.AST):
    """Pseudo-node: a name spelled `name` or `<anything>.name`, with `name` in the subclass's
    `names` (decorators and markers are mentioned without being called: `@pytest.mark.skip`)."""

    _fields = ("node",)
    names: frozenset[str] = frozenset()


class QuietIf(ast.AST):
    """Pseudo-node: an `if` without `else` whose block ends in `pass`, `continue` or `return`
    (the shape of an early exit)."""

    _fields = ("node",)


class ValidationIf(ast.AST):
    """Pseudo-node: an `if` without `else` whose block only raises (the shape of a validation)."""

    _fields = ("node",)


class NameMissingTestIf(ast.AST):
    """Pseudo-node: an `if` whose test may ask whether a variable itself is missing (`x is None`,
    `x == ""`, `len(x) == 0`, `not x`, `not isinstance(x, T)`, and `or` chains of them), tested
    loosely: a test only about attributes (`self.x is None`) is not one."""

    _fields = ("node",)


def _missing_test(test: ast.expr) -> bool:
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        return any(_missing_test(value) for value in test.values)
    if isinstance(test, ast.Compare):
        return len(test.ops) == 1 and isinstance(test.ops[0], ast.Is | ast.Eq)
    return isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)


def _quiet(node: ast.If) -> bool:
    return not node.orelse and isinstance(node.body[-1], ast.Pass | ast.Continue | ast.Return)


def _validation(node: ast.If) -> bool:
    return not node.orelse and all(isinstance(statement, ast.Raise) for statement in node.body)


def _missing(node: ast.If) -> bool:
    return _missing_test(node.test)


def _reads_a_variable(test: ast.expr) -> bool:
    """Whether `test` reads a bare name other than as an attribute's object or the function it calls."""
    pending: list[ast.AST] = [test]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            return True
        if isinstance(node, ast.Call):
            pending += [*node.args, *(keyword.value for keyword in node.keywords)]
        elif not isinstance(node, ast.Attribute):
            pending += ast.iter_child_nodes(node)
    return False


def _name_missing(node: ast.If) -> bool:
    return _missing(node) and _reads_a_variable(node.test)


class QuietMissingTestIf(ast.AST):
    """Pseudo-node: an early exit (`QuietIf`) whose test may ask whether something is missing."""

    _fields = ("node",)


def _quiet_missing(node: ast.If) -> bool:
    return _quiet(node) and _missing(node)


IF_SHAPES = ((QuietIf, _quiet), (ValidationIf, _validation), (NameMissingTestIf, _name_missing), (QuietMissingTestIf, _quiet_missing))


class OrEmpty(ast.AST):
    """Pseudo-node: `a or <empty value>` (`None`, `False`, `0`, `""`, `[]`, `{}`, `()`, `list()`…),
    the `<empty value>` anywhere after the first operand of the chain."""

    _fields = ("node",)


_EMPTY_FACTORIES = frozenset({"list", "dict", "set", "tuple", "str"})


def _empty_value(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return not node.value
    if isinstance(node, ast.List | ast.Tuple):
        return not node.elts
    if isinstance(node, ast.Dict):
        return not node.keys
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _EMPTY_FACTORIES and not node.args


def or_default(node: ast.BoolOp) -> bool:
    return isinstance(node.op, ast.Or) and any(_empty_value(value) for value in node.values[1:])


class FrozenMark(ast.AST):
    """Pseudo-node: what makes a class frozen or final: a `frozen=` keyword, a `"frozen"` key of
    a dict, a `@final`/`@frozen` decorator (bare or dotted)."""

    _fields = ("node",)


FROZEN_NAMES = frozenset({"final", "frozen"})


def frozen_mark(node: ast.AST) -> bool:
    if isinstance(node, ast.keyword):
        return node.arg == "frozen"
    if isinstance(node, ast.Dict):
        return any(isinstance(key, ast.Constant) and key.value == "frozen" for key in node.keys)
    return isinstance(node, Decorator) and callee_of(node.expression) in FROZEN_NAMES


@functools.cache
def calls_to(*names: str) -> type[NamedCall]:
    """The `NamedCall` trigger for these callee names (one class per set of names)."""
    return type(f"CallTo_{'_'.join(names)}", (NamedCall,), {"names": frozenset(names)})


@functools.cache
def calls_starting_with(*prefixes: str) -> type[NamedCall]:
    """The `NamedCall` trigger for callee names with one of these prefixes (`assert` for unittest's
    `self.assertEqual`, `self.assertIn`…)."""
    return type(f"CallStartingWith_{'_'.join(prefixes)}", (NamedCall,), {"prefixes": prefixes})


@functools.cache
def mentions(*names: str) -> type[Mention]:
    """The `Mention` trigger for these names (one class per set of names)."""
    return type(f"Mention_{'_'.join(names)}", (Mention,), {"names": frozenset(names)})


def callee_of(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""
