"""What a call site passes, seen from its own function: the context of names around a call and
the shape of each argument expression (see `guards.callgraph.model.Shape`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from guards.callgraph.model import Implicit, Param, Shape

_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)
_PROBES = frozenset({"isinstance", "hasattr", "callable"})


def raw_name(node: ast.expr) -> str:
    """`a.b.c` for a chain of attributes on a name, "" for anything else."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def exits(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], _EXITS)


def checked_names(test: ast.expr) -> tuple[set[str], set[str]]:
    """Names proven not None when `test` holds, and when it does not."""
    kind = type(test)
    return _CHECKS[kind](test) if kind in _CHECKS else (set(), set())


def _checked_name(test: ast.Name) -> tuple[set[str], set[str]]:
    return {test.id}, set()


def _checked_not(test: ast.UnaryOp) -> tuple[set[str], set[str]]:
    if not isinstance(test.op, ast.Not):
        return set(), set()
    positive, negative = checked_names(test.operand)
    return negative, positive


def _checked_bool(test: ast.BoolOp) -> tuple[set[str], set[str]]:
    sides = [checked_names(value) for value in test.values]
    if isinstance(test.op, ast.And):
        return set().union(*(p for p, _ in sides)), set()
    return set(), set().union(*(n for _, n in sides))


def _checked_compare(test: ast.Compare) -> tuple[set[str], set[str]]:
    """`x is not None` / `x != None`, and their negations."""
    comparator = test.comparators[0]
    if len(test.ops) != 1 or not isinstance(test.left, ast.Name) or not (isinstance(comparator, ast.Constant) and comparator.value is None):
        return set(), set()
    if isinstance(test.ops[0], ast.IsNot | ast.NotEq):
        return {test.left.id}, set()
    if isinstance(test.ops[0], ast.Is | ast.Eq):
        return set(), {test.left.id}
    return set(), set()


def _checked_probe(test: ast.Call) -> tuple[set[str], set[str]]:
    """`isinstance(x, T)`, `callable(x)` and the like: x is not None when they hold."""
    probe = isinstance(test.func, ast.Name) and test.func.id in _PROBES
    if probe and test.args and isinstance(test.args[0], ast.Name):
        return {test.args[0].id}, set()
    return set(), set()


_CHECKS = {
    ast.Name: _checked_name,
    ast.UnaryOp: _checked_not,
    ast.BoolOp: _checked_bool,
    ast.Compare: _checked_compare,
    ast.Call: _checked_probe,
}


@dataclass(slots=True)
class Context:
    """Where a statement sits: the caller it belongs to and what is known about its names.

    `checked` and `caught` are per path (copied into nested blocks); the rest is per function.
    """

    caller: str
    prefix: str
    klass: str  # the class whose `self` is in scope, "" outside methods
    in_class_body: bool
    params: dict[str, Param]
    implicit: Implicit
    locals: set[str] = field(default_factory=set)
    shapes: dict[str, Shape] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)  # local -> dotted name it was constructed from
    checked: set[str] = field(default_factory=set)
    caught: tuple[str, ...] = ()
    dereferenced: set[str] = field(default_factory=set)
    tested: set[str] = field(default_factory=set)

    @classmethod
    def for_module(cls, module: str) -> Context:
        return cls(module, module, "", False, {}, "none")

    @classmethod
    def for_class(cls, qualname: str) -> Context:
        return cls(qualname, qualname, qualname, True, {}, "none")

    @classmethod
    def for_function(cls, qualname: str, klass: str, params: tuple[Param, ...], implicit: Implicit) -> Context:
        return cls(qualname, qualname, klass, False, {p.name: p for p in params}, implicit, {p.name for p in params})

    def checking(self, names: set[str]) -> Context:
        return replace(self, checked=self.checked | names) if names else replace(self, checked=set(self.checked))

    def catching(self, names: tuple[str, ...]) -> Context:
        return replace(self, caught=self.caught + names, checked=set(self.checked))

    def assign(self, name: str, value: ast.expr) -> None:
        if name in self.locals and name not in self.params:
            self.shapes[name] = Shape("unknown")
            self.classes.pop(name, None)
            return
        self.locals.add(name)
        # An empty list/dict/set assigned to a name is usually filled next: not None, truth unknown.
        empty_display = isinstance(value, ast.List | ast.Dict | ast.Set)
        self.shapes[name] = Shape("container") if empty_display else argument_shape(value, self)
        self.checked.discard(name)
        if isinstance(value, ast.Call) and raw_name(value.func):
            self.classes[name] = raw_name(value.func)

    def is_instance(self, name: str) -> bool:
        return self.klass != "" and name in ("self", "cls") and self.implicit != "none"

    def target(self, raw: str) -> tuple[str, bool]:
        """The reference a call of `raw` goes to, and whether its receiver supplies `self`."""
        first, _, rest = raw.partition(".")
        if rest != "" and "." not in rest:
            receiver = self.receiver_class(first)
            if receiver:
                return f"{receiver}.{rest}", True
        if first in self.locals or first in ("self", "cls"):
            return ("a:" + raw.rpartition(".")[2], True) if rest else ("", False)
        return "r:" + raw, False

    def receiver_class(self, name: str) -> str:
        """The class reference of a method receiver `name`, "" when it is not known."""
        if self.is_instance(name):
            return f"s:{self.klass}"
        if name in self.classes:
            return f"r:{self.classes[name]}"
        if name in self.params:
            return self.params[name].annotation
        return ""

    def resolve_local(self, dotted: str) -> str:
        first, _, rest = dotted.partition(".")
        if self.is_instance(first) and rest:
            return f"s:{self.klass}.{rest}"
        return "r:" + dotted


def argument_shape(node: ast.expr, context: Context) -> Shape:
    kind = type(node)
    if kind in _CONTAINERS:
        return Shape("container")
    if kind in _SHAPES:
        return _SHAPES[kind](node, context)
    return Shape("unknown")


def _constant_shape(node: ast.Constant, _context: Context) -> Shape:
    if node.value is None:
        return Shape("none")
    return Shape("literal") if node.value or node.value is Ellipsis else Shape("falsy")


def _display_shape(node: ast.List | ast.Tuple | ast.Set | ast.Dict, _context: Context) -> Shape:
    elements = node.keys if isinstance(node, ast.Dict) else node.elts
    return Shape("literal") if elements else Shape("falsy")


def _lambda_shape(_node: ast.Lambda, _context: Context) -> Shape:
    return Shape("literal")


def _call_shape(node: ast.Call, context: Context) -> Shape:
    raw = raw_name(node.func)
    first = raw.partition(".")[0]
    if raw and first not in context.locals and first not in ("self", "cls"):
        return Shape("call", "r:" + raw)
    return Shape("unknown")


def _named_shape(node: ast.Name, context: Context) -> Shape:
    return _name_shape(node.id, context)


_CONTAINERS = frozenset({ast.JoinedStr, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})
_SHAPES = {
    ast.Constant: _constant_shape,
    ast.List: _display_shape,
    ast.Tuple: _display_shape,
    ast.Set: _display_shape,
    ast.Dict: _display_shape,
    ast.Lambda: _lambda_shape,
    ast.Call: _call_shape,
    ast.Name: _named_shape,
}


def _name_shape(name: str, context: Context) -> Shape:
    if context.is_instance(name):
        return Shape("self")
    if name in context.checked:
        return Shape("checked")
    if name in context.params:
        param = context.params[name]
        if param.optional:
            return Shape("optional")
        return Shape("typed", param.annotation) if param.annotation and param.kind in ("positional", "keyword") else Shape("unknown")
    if name in context.shapes:
        return context.shapes[name]
    return Shape("unknown")
