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
    if isinstance(test, ast.Name):
        return {test.id}, set()
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        positive, negative = checked_names(test.operand)
        return negative, positive
    if isinstance(test, ast.BoolOp):
        sides = [checked_names(value) for value in test.values]
        if isinstance(test.op, ast.And):
            return set().union(*(p for p, _ in sides)), set()
        return set(), set().union(*(n for _, n in sides))
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name):
        against_none = isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None
        if against_none and isinstance(test.ops[0], ast.IsNot | ast.NotEq):
            return {test.left.id}, set()
        if against_none and isinstance(test.ops[0], ast.Is | ast.Eq):
            return set(), {test.left.id}
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id in _PROBES and test.args:
        subject = test.args[0]
        if isinstance(subject, ast.Name):
            return {subject.id}, set()
    return set(), set()


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
        single = rest != "" and "." not in rest
        if self.is_instance(first) and single:
            return f"s:{self.klass}.{rest}", True
        if first in self.classes and single:
            return f"r:{self.classes[first]}.{rest}", True
        if first in self.params and self.params[first].annotation and single:
            return f"{self.params[first].annotation}.{rest}", True
        if first in self.locals or first in ("self", "cls"):
            return ("a:" + raw.rpartition(".")[2], True) if rest else ("", False)
        return "r:" + raw, False

    def resolve_local(self, dotted: str) -> str:
        first, _, rest = dotted.partition(".")
        if self.is_instance(first) and rest:
            return f"s:{self.klass}.{rest}"
        return "r:" + dotted


def argument_shape(node: ast.expr, context: Context) -> Shape:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return Shape("none")
        return Shape("literal") if node.value or node.value is Ellipsis else Shape("falsy")
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return Shape("literal") if node.elts else Shape("falsy")
    if isinstance(node, ast.Dict):
        return Shape("literal") if node.keys else Shape("falsy")
    if isinstance(node, ast.Lambda):
        return Shape("literal")
    if isinstance(node, ast.JoinedStr | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        return Shape("container")
    if isinstance(node, ast.Call):
        raw = raw_name(node.func)
        if raw and raw.partition(".")[0] not in context.locals and raw.partition(".")[0] not in ("self", "cls"):
            return Shape("call", "r:" + raw)
        return Shape("unknown")
    if isinstance(node, ast.Name):
        return _name_shape(node.id, context)
    return Shape("unknown")


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
