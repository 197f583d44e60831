"""The call graph's value objects, and their plain-data form for the on-disk cache.

`from_data` rebuilds a value from what `to_data` wrote and raises `ValueError` or `TypeError` for
anything else, so a damaged cache entry can never become a wrong graph.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

# What a call site passes for one argument, as far as its own file shows:
# none: `None`; falsy: a literal that is empty or zero; literal: any other literal, lambda or
# non-empty display; container: a comprehension (non-None, maybe empty); call: the result of
# calling `ref` (a constructed object when `ref` is a class); typed: a parameter annotated with
# the non-Optional type `ref`; optional: an Optional-typed or None-defaulted parameter;
# checked: a name already tested for None on this path; self: `self`/`cls`; unknown: anything else.
ShapeKind = Literal["none", "falsy", "literal", "container", "call", "typed", "optional", "checked", "self", "unknown"]
ParamKind = Literal["positional", "star", "keyword", "starstar"]
Implicit = Literal["none", "self", "cls"]
_SHAPE_KINDS = frozenset(get_args(ShapeKind))
_PARAM_KINDS = frozenset(get_args(ParamKind))
_IMPLICIT = frozenset(get_args(Implicit))


def _choice(value: object, allowed: frozenset[str], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"not a {what}: {value!r}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {value!r}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a boolean, got {value!r}")
    return value


def _rows(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class Shape:
    kind: ShapeKind
    ref: str = ""

    def to_data(self) -> list[str]:
        return [self.kind, self.ref]

    @classmethod
    def from_data(cls, data: object) -> Shape:
        kind, ref = _rows(data)
        return cls(cast(ShapeKind, _choice(kind, _SHAPE_KINDS, "shape")), _text(ref))


def encode_arguments(pairs: Iterable[tuple[str, Shape]]) -> str:
    """`0=literal |note=call g:app.Note` — position ("0", "1", …) or keyword name ("*"/"**" for
    unpacking), then the shape; names and references hold none of `|`, `=` and space."""
    return "|".join(f"{key}={shape.kind} {shape.ref}" for key, shape in pairs)


def decode_arguments(text: str) -> tuple[tuple[str, Shape], ...]:
    pairs = []
    for item in text.split("|") if text else []:
        key, _, shape = item.partition("=")
        kind, _, ref = shape.partition(" ")
        pairs.append((key, Shape(cast(ShapeKind, _choice(kind, _SHAPE_KINDS, "shape")), ref)))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: ParamKind
    annotation: str  # a reference (see `guards.callgraph.summary`), "" when unannotated
    optional: bool  # annotated Optional, or defaulting to None
    default: Shape | None  # None: the parameter has no default

    @classmethod
    def of(cls, arg: ast.arg, kind: ParamKind, default: ast.expr | None, is_optional: Callable[[ast.expr], bool], context: Any) -> Param:
        from guards.callgraph.shapes import argument_shape

        annotation = arg.annotation
        raw = "" if annotation is None else _annotation_reference(annotation)
        optional = (annotation is not None and is_optional(annotation)) or (isinstance(default, ast.Constant) and default.value is None)
        return cls(arg.arg, kind, raw, optional, None if default is None else argument_shape(default, context))

    def resolved(self, resolve: Callable[[Shape], Shape]) -> Param:
        annotation = resolve(Shape("typed", self.annotation)).ref if self.annotation else ""
        return Param(self.name, self.kind, annotation, self.optional, None if self.default is None else resolve(self.default))

    def to_data(self) -> list[Any]:
        return [self.name, self.kind, self.annotation, self.optional, None if self.default is None else self.default.to_data()]

    @classmethod
    def from_data(cls, data: object) -> Param:
        name, kind, annotation, optional, default = _rows(data)
        return cls(
            _text(name), cast(ParamKind, _choice(kind, _PARAM_KINDS, "parameter kind")), _text(annotation), _flag(optional),
            None if default is None else Shape.from_data(default),
        )


def _annotation_reference(annotation: ast.expr) -> str:
    """The unresolved reference an annotation names: `"Foo"` and `Foo` are `r:Foo`, `list[int]` is `r:list`."""
    from guards.callgraph.shapes import raw_name

    if isinstance(annotation, ast.Constant):
        text = annotation.value
        return "r:" + text if isinstance(text, str) and text.isidentifier() else ""
    generic = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return "r:" + raw_name(generic) if raw_name(generic) else ""


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    qualname: str  # module-qualified: `app.billing.Invoice.total`
    line: int
    params: tuple[Param, ...]
    implicit: Implicit  # the first parameter the call does not pass: `self` of a method, `cls` of a classmethod
    returns_optional: bool

    def to_data(self) -> list[Any]:
        return [self.qualname, self.line, [p.to_data() for p in self.params], self.implicit, self.returns_optional]

    @classmethod
    def from_data(cls, data: object) -> FunctionInfo:
        qualname, line, params, implicit, returns = _rows(data)
        return cls(
            _text(qualname), _number(line), tuple(Param.from_data(p) for p in _rows(params)),
            cast(Implicit, _choice(implicit, _IMPLICIT, "implicit parameter")), _flag(returns),
        )


@dataclass(frozen=True, slots=True)
class ClassInfo:
    qualname: str
    line: int
    bases: tuple[str, ...]  # references

    def to_data(self) -> list[Any]:
        return [self.qualname, self.line, list(self.bases)]

    @classmethod
    def from_data(cls, data: object) -> ClassInfo:
        qualname, line, bases = _rows(data)
        return cls(_text(qualname), _number(line), tuple(_text(b) for b in _rows(bases)))


@dataclass(frozen=True, slots=True)
class Call:
    caller: str  # the function, class or module whose code makes the call
    line: int
    target: str  # a reference
    bound: bool  # the receiver supplies the callee's `self` (`self.f()`, `invoice.total()`)
    args: str  # see `encode_arguments`; decoded only for the few calls a rule asks about
    caught: tuple[str, ...]  # qualified exception names of the `try` blocks around the call
    unchecked: bool  # the result is dereferenced (attribute, subscript, call) without a None test

    def to_data(self) -> list[Any]:
        return [self.caller, self.line, self.target, self.bound, self.args, list(self.caught), self.unchecked]

    @classmethod
    def from_data(cls, data: object) -> Call:
        caller, line, target, bound, args, caught, unchecked = _rows(data)
        return cls(_text(caller), _number(line), _text(target), _flag(bound), _text(args), tuple(_text(c) for c in _rows(caught)), _flag(unchecked))

    def arguments(self) -> tuple[tuple[str, Shape], ...]:
        """Raises `ValueError` for text `encode_arguments` did not write."""
        return decode_arguments(self.args)


@dataclass(frozen=True, slots=True)
class FileSummary:
    path: str
    module: str
    functions: tuple[FunctionInfo, ...]
    classes: tuple[ClassInfo, ...]
    calls: tuple[Call, ...]
    references: tuple[str, ...]  # names used without a call: callbacks, re-exports
    aliases: tuple[tuple[str, str], ...]  # imported name -> qualified name
    exported: tuple[str, ...]  # `__all__`

    @classmethod
    def empty(cls, path: str, module: str) -> FileSummary:
        return cls(path, module, (), (), (), (), (), ())

    def to_data(self) -> list[Any]:
        return [
            self.path, self.module, [f.to_data() for f in self.functions], [c.to_data() for c in self.classes],
            [c.to_data() for c in self.calls], list(self.references), [list(a) for a in self.aliases], list(self.exported),
        ]

    @classmethod
    def from_data(cls, data: object) -> FileSummary:
        path, module, functions, classes, calls, references, aliases, exported = _rows(data)
        pairs = tuple((_text(a), _text(b)) for a, b in (_rows(row) for row in _rows(aliases)))
        return cls(
            _text(path), _text(module), tuple(FunctionInfo.from_data(f) for f in _rows(functions)),
            tuple(ClassInfo.from_data(c) for c in _rows(classes)), tuple(Call.from_data(c) for c in _rows(calls)),
            tuple(_text(r) for r in _rows(references)), pairs, tuple(_text(e) for e in _rows(exported)),
        )

