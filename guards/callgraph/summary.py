"""One file reduced to what the call graph needs: its functions, classes, imports and call sites.

A summary is plain data (strings, numbers, tuples), so it can be cached on disk by content hash
and rebuilt without the source. Names are resolved as far as the file alone allows: imports
become qualified names, `self.method` names its class, a local assigned `Foo(...)` names `Foo`.
What needs the whole repository (which qualified name is a class, inherited methods,
re-exports) is left to `guards.callgraph.graph`.

References (`Call.target`) are strings with a prefix: `g:` a qualified name, `s:` a method
looked up on a class (`s:app.billing.Invoice.total`), `a:` a method called on a receiver of
unknown type (`a:total`), `b:` a builtin.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from guards.callgraph.model import Call, ClassInfo, FileSummary, FunctionInfo, Implicit, Param, Shape, encode_arguments
from guards.callgraph.shapes import Context, argument_shape, checked_names, exits, raw_name

_BUILTINS = frozenset(dir(builtins))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# The fields of each node type that may hold expressions: contexts, operators, names and
# annotations are skipped (a walk over every field visits a third more nodes).


def _expression_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    skipped = {"ctx", "op", "ops", "type_comment", "annotation", "returns", "id", "attr", "arg", "name", "names", "module", "level", "conversion", "kind", "simple", "is_async", "asname"}
    return tuple(field for field in kind._fields if field not in skipped)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    kind: _expression_fields(kind) for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.AST)
}
_CHILD_FIELDS[type(None)] = ()  # `{**x}` has None among its keys
# The expression nodes `_Extractor.note` tells something about.
_NOTED = frozenset({ast.Call, ast.Attribute, ast.Subscript, ast.BoolOp, ast.Compare, ast.IfExp})


def module_name(path: str) -> str:
    """`app/billing.py` -> `app.billing`, `app/__init__.py` -> `app`; a leading `src/` is a layout, not a package."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


@dataclass(slots=True)
class _Pending:
    """A call whose target still needs the file's imports; they are all known only at the end."""

    caller: str
    line: int
    raw: str
    bound: bool
    args: tuple[tuple[str, Shape], ...]
    caught: tuple[str, ...]
    direct_use: bool
    assigned_to: str
    use_scope: Context


class _Extractor:
    def __init__(self, path: str) -> None:
        self.path = path
        self.module = module_name(path)
        self.package = self.module if path.endswith("__init__.py") else self.module.rpartition(".")[0]
        self.aliases: dict[str, str] = {}
        self.defined: set[str] = set()
        self.functions: list[FunctionInfo] = []
        self.classes: list[ClassInfo] = []
        self.pending: list[_Pending] = []
        self.references: set[tuple[str, str]] = set()
        self.exported: tuple[str, ...] = ()

    # --- statements ---

    def block(self, statements: list[ast.stmt], context: Context) -> None:
        for statement in statements:
            self.statement(statement, context)

    def statement(self, node: ast.stmt, context: Context) -> None:
        kind = type(node)
        if kind in _STATEMENTS:
            _STATEMENTS[kind](self, node, context)
        else:
            self.simple(node, context)

    def if_statement(self, node: ast.If, context: Context) -> None:
        self.expressions(node.test, context)
        positive, negative = checked_names(node.test)
        context.tested.update(positive | negative)
        self.block(node.body, context.checking(positive))
        self.block(node.orelse, context.checking(negative))
        if exits(node.body):
            context.checked.update(negative)

    def assertion(self, node: ast.Assert, context: Context) -> None:
        self.expressions(node, context)
        positive, _ = checked_names(node.test)
        context.tested.update(positive)
        context.checked.update(positive)

    def try_statement(self, node: ast.Try | ast.TryStar, context: Context) -> None:
        caught = tuple(name for handler in node.handlers for name in _handled(handler))
        self.block(node.body, context.catching(caught))
        for handler in node.handlers:
            self.block(handler.body, context)
        self.block(node.orelse, context)
        self.block(node.finalbody, context)

    def loop(self, node: ast.For | ast.AsyncFor | ast.While, context: Context) -> None:
        self.expressions(node.test if isinstance(node, ast.While) else node.iter, context)
        self.block(node.body, context)
        self.block(node.orelse, context)

    def with_statement(self, node: ast.With | ast.AsyncWith, context: Context) -> None:
        for item in node.items:
            self.expressions(item.context_expr, context)
        self.block(node.body, context)

    def match_statement(self, node: ast.Match, context: Context) -> None:
        self.expressions(node.subject, context)
        for case in node.cases:
            self.block(case.body, context)

    def simple(self, node: ast.stmt, context: Context) -> None:
        assigned, value = _assignment(node)
        if isinstance(node, ast.Assign) and assigned == "__all__" and context.caller == self.module:
            self.exported = _strings(value)
        self.expressions(node, context, value if isinstance(value, ast.Call) else None, assigned)
        if value is not None:
            context.assign(assigned, value)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, context: Context) -> None:
        for expression in (*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)):
            self.expressions(expression, context)
        qualname = f"{context.prefix}.{node.name}"
        decorators = {raw_name(d) for d in node.decorator_list}
        implicit: Implicit = "none" if not context.in_class_body or "staticmethod" in decorators else ("cls" if "classmethod" in decorators else "self")
        params = _params(node.args, context)
        returns = node.returns is not None and _optional(node.returns)
        self.functions.append(FunctionInfo(qualname, node.lineno, params, implicit, returns))
        if context.caller == self.module:
            self.defined.add(node.name)
        self.block(node.body, Context.for_function(qualname, context.klass, params, implicit))

    def klass(self, node: ast.ClassDef, context: Context) -> None:
        for expression in (*node.decorator_list, *node.bases, *(k.value for k in node.keywords)):
            self.expressions(expression, context)
        qualname = f"{context.prefix}.{node.name}"
        self.classes.append(ClassInfo(qualname, node.lineno, tuple(raw_name(b) for b in node.bases)))
        if context.caller == self.module:
            self.defined.add(node.name)
        self.block(node.body, Context.for_class(qualname))

    def imports(self, node: ast.Import, _context: Context) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.partition(".")[0]
                self.aliases[top] = top

    def from_imports(self, node: ast.ImportFrom, _context: Context) -> None:
        base = self.imported_module(node)
        for alias in node.names:
            if alias.name != "*":
                self.aliases[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name

    def imported_module(self, node: ast.ImportFrom) -> str:
        """The absolute name of the module `node` imports from; "" for `from . import x` at the top."""
        if not node.level:
            return node.module or ""
        package = self.package.split(".") if self.package else []
        package = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        return ".".join([*package, *([node.module] if node.module else [])])

    # --- expressions ---

    def expressions(self, root: ast.AST, context: Context, assigned_call: ast.Call | None = None, assigned: str = "") -> None:
        """Calls and references in `root`, which holds no statements; parents come before children.
        One loop, dispatching on the exact node type: most nodes only lead to their children."""
        functions: set[int] = set()
        used: set[int] = set()
        pending = [root]
        pop, push, extend = pending.pop, pending.append, pending.extend
        while pending:
            node = pop()
            kind = type(node)
            if kind is ast.Name:
                if type(node.ctx) is ast.Load and id(node) not in functions:
                    self.reference(node.id, context)
                continue
            if kind is ast.Constant:
                continue
            if kind in _NOTED:
                self.note(node, kind, context, functions, used, assigned if node is assigned_call else "")
            for field in _CHILD_FIELDS[kind]:
                child = getattr(node, field)
                if type(child) is list:
                    extend(reversed(child))
                elif child is not None:
                    push(child)

    def note(self, node: ast.AST, kind: type, context: Context, functions: set[int], used: set[int], assigned: str) -> None:
        """What one expression node tells: a call, a dereference, or names it tests."""
        if kind is ast.Call:
            functions.add(id(node.func))
            self.call(node, context, id(node) in used, assigned)
        elif kind is ast.Attribute or kind is ast.Subscript:
            self.dereference(node, context, id(node) in functions, used)
        elif kind is ast.BoolOp or kind is ast.Compare:
            positive, negative = checked_names(node)
            operands = node.values if kind is ast.BoolOp else []
            context.tested.update(positive | negative, (v.id for v in operands if type(v) is ast.Name))
        else:
            positive, negative = checked_names(node.test)
            context.tested.update(positive | negative)

    def dereference(self, node: ast.Attribute | ast.Subscript, context: Context, called: bool, used: set[int]) -> None:
        """`x.a` or `x[k]`: a call's result used directly, or a name dereferenced (and, for `x.a`, referenced)."""
        value = node.value
        if type(value) is ast.Call:
            used.add(id(value))
        elif type(value) is ast.Name:
            context.dereferenced.add(value.id)
            if type(node) is ast.Attribute and not called:
                self.reference(f"{value.id}.{node.attr}", context)

    def reference(self, dotted: str, context: Context) -> None:
        """A function named without being called (a callback, a re-export): its callers are unknowable."""
        first = dotted.partition(".")[0]
        if first in context.locals and first not in ("self", "cls"):
            return
        self.references.add((context.resolve_local(dotted), context.klass))

    def call(self, node: ast.Call, context: Context, direct_use: bool, assigned: str) -> None:
        raw = raw_name(node.func)
        if not raw:
            return
        target, bound = context.target(raw)
        args: list[tuple[str, Shape]] = []
        for index, arg in enumerate(node.args):
            if type(arg) is ast.Starred:
                args.append(("*", Shape("unknown")))
                break
            args.append((str(index), argument_shape(arg, context)))
        for keyword in node.keywords:
            args.append((keyword.arg or "**", argument_shape(keyword.value, context)))
        self.pending.append(_Pending(context.caller, node.lineno, target, bound, tuple(args), context.caught, direct_use, assigned, context))

    # --- resolution, once the file's imports are all known ---

    def resolve(self, target: str) -> str:
        if target[:2] != "r:":
            return target
        dotted = target[2:]
        first, _, rest = dotted.partition(".")
        if first in self.aliases:
            return "g:" + self.aliases[first] + (f".{rest}" if rest else "")
        if first in self.defined:
            return f"g:{self.module}.{dotted}"
        if first in _BUILTINS:
            return "b:" + dotted
        return "a:" + dotted.rpartition(".")[2] if rest else ""

    def resolve_shape(self, shape: Shape) -> Shape:
        return Shape(shape.kind, self.resolve(shape.ref)) if shape.ref[:2] == "r:" else shape

    def calls(self) -> Iterator[Call]:
        """The pending calls with their targets resolved; calls to builtins and unknowable targets are dropped."""
        for pending in self.pending:
            target = self.resolve(pending.raw)
            if target and not target.startswith("b:"):
                caught = tuple(self.resolve("r:" + name)[2:] or name for name in pending.caught)
                args = encode_arguments((key, self.resolve_shape(shape)) for key, shape in pending.args)
                yield Call(pending.caller, pending.line, target, pending.bound, args, caught, _unchecked(pending))

    def summary(self) -> FileSummary:
        references = sorted({self.resolve(ref) for ref, _ in self.references} - {""})
        classes = tuple(ClassInfo(c.qualname, c.line, tuple(self.resolve("r:" + b) for b in c.bases if b)) for c in self.classes)
        functions = tuple(
            FunctionInfo(f.qualname, f.line, tuple(p.resolved(self.resolve_shape) for p in f.params), f.implicit, f.returns_optional)
            for f in self.functions
        )
        aliases = tuple(sorted(self.aliases.items()))
        return FileSummary(self.path, self.module, functions, classes, tuple(self.calls()), tuple(references), aliases, self.exported)


_STATEMENTS = {
    ast.FunctionDef: _Extractor.function,
    ast.AsyncFunctionDef: _Extractor.function,
    ast.ClassDef: _Extractor.klass,
    ast.If: _Extractor.if_statement,
    ast.Assert: _Extractor.assertion,
    ast.Try: _Extractor.try_statement,
    ast.TryStar: _Extractor.try_statement,
    ast.For: _Extractor.loop,
    ast.AsyncFor: _Extractor.loop,
    ast.While: _Extractor.loop,
    ast.With: _Extractor.with_statement,
    ast.AsyncWith: _Extractor.with_statement,
    ast.Match: _Extractor.match_statement,
    ast.Import: _Extractor.imports,
    ast.ImportFrom: _Extractor.from_imports,
}


def _unchecked(pending: _Pending) -> bool:
    """The call's result is dereferenced with no test for None first: used directly, or through the name it was assigned to."""
    scope = pending.use_scope
    assigned = pending.assigned_to
    return pending.direct_use or (assigned != "" and assigned in scope.dereferenced and assigned not in scope.tested)


def _assignment(node: ast.stmt) -> tuple[str, ast.expr | None]:
    """The name and value of `name = value` or `name: T = value`; ("", None) for any other statement."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        return node.targets[0].id, node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        return node.target.id, node.value
    return "", None


def _handled(handler: ast.ExceptHandler) -> list[str]:
    if handler.type is None:
        return ["BaseException"]
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return [name for name in (raw_name(t) for t in types) if name]


def _strings(node: ast.expr) -> tuple[str, ...]:
    if isinstance(node, ast.List | ast.Tuple):
        return tuple(e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return ()


def _optional(annotation: ast.expr) -> bool:
    """`Optional[T]`, `Union[T, None]`, `T | None`, or their string forms."""
    kind = type(annotation)
    return kind in _OPTIONAL_FORMS and _OPTIONAL_FORMS[kind](annotation)


def _optional_text(annotation: ast.Constant) -> bool:
    text = annotation.value.replace(" ", "") if isinstance(annotation.value, str) else ""
    return "Optional[" in text or "|None" in text or "None|" in text or ",None]" in text


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _optional_union(annotation: ast.BinOp) -> bool:
    return isinstance(annotation.op, ast.BitOr) and any(_is_none(side) or _optional(side) for side in (annotation.left, annotation.right))


def _optional_subscript(annotation: ast.Subscript) -> bool:
    name = raw_name(annotation.value).rpartition(".")[2]
    if name == "Union" and isinstance(annotation.slice, ast.Tuple):
        return any(_is_none(element) for element in annotation.slice.elts)
    return name == "Optional"


_OPTIONAL_FORMS = {ast.Constant: _optional_text, ast.BinOp: _optional_union, ast.Subscript: _optional_subscript}


def _params(args: ast.arguments, context: Context) -> tuple[Param, ...]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [Param.of(a, "positional", d, _optional, context) for a, d in zip(positional, defaults, strict=True)]
    if args.vararg is not None:
        params.append(Param.of(args.vararg, "star", None, _optional, context))
    params += [Param.of(a, "keyword", d, _optional, context) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg is not None:
        params.append(Param.of(args.kwarg, "starstar", None, _optional, context))
    return tuple(params)


def summarise(path: str, data: bytes) -> FileSummary:
    """Raises `SyntaxError`, `ValueError` (NUL bytes) or `RecursionError` (absurd nesting)."""
    tree = ast.parse(data)
    extractor = _Extractor(path)
    extractor.block(tree.body, Context.for_module(extractor.module))
    return extractor.summary()
