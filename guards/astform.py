"""A canonical text of `ast` nodes that ignores positions: equal exactly when `ast.dump` is equal.

`ast.dump` formats every field through a recursive call per value (`None`, identifiers and
`Load()` included) and builds nested strings; it was the outline's and the prefilter's biggest
cost after parsing. `structure` writes the same information as a flat list of tokens: a node's
class name then each of its fields in `_fields` order; a list as `[`, its items, `]`; `None` as
`\\x01`; a constant by its `repr` (as `ast.dump` does, so `1`, `1.0` and `True` differ); an
identifier as itself. Every class has a fixed number of fields, each always a node, a list, an
identifier or a constant, so the tokens decode one way: two trees have the same tokens exactly
when they have the same dump. Tokens never contain `\\x00` (identifiers cannot, `repr` escapes
it), so they are joined with it. `tests/guards/test_astform.py` checks the equivalence on real code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

_SEPARATOR = "\x00"
_NONE = "\x01"


def _write(node: ast.AST, out: list[str]) -> None:
    kind = type(node)
    if kind is ast.Constant:
        # `value` is any constant: a string of it goes through `repr` like the others, not as an identifier.
        out += ("Constant", repr(node.value), repr(node.kind))
        return
    out.append(kind.__name__)
    for name in kind._fields:
        value = getattr(node, name)
        if type(value) is str:
            out.append(value)
        elif type(value) is list:
            out.append("[")
            for item in value:
                if isinstance(item, ast.AST):
                    _write(item, out)
                else:
                    out.append(repr(item))
            out.append("]")
        elif type(value) is ast.Load:
            # The commonest node by far (every name read): written without a call.
            out.append("Load")
        elif value is None:
            out.append(_NONE)
        elif isinstance(value, ast.AST):
            _write(value, out)
        else:
            out.append(repr(value))


def structure(nodes: Iterable[ast.AST]) -> str:
    """The canonical text of a sequence of nodes (equal exactly when their dumps are, one by one)."""
    out = ["["]
    for node in nodes:
        _write(node, out)
    out.append("]")
    return _SEPARATOR.join(out)
