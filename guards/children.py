"""A libcst node's children, read from its fields instead of through `CSTNode.children`.

`CSTNode.children` runs a visitor that rebuilds (and re-validates) the node on every call: on a
large change it was the guard's biggest cost. Each node class visits its child fields in source
order in `_visit_and_replace_children`; that order is read once per class from the method's
source, and the fields are then read directly. `tests/guards/test_children.py` checks that the
result is the same sequence as `CSTNode.children` on real code.
"""

from __future__ import annotations

import functools
import inspect
import re

import libcst as cst

# Every child field is visited as `visit_<how>(self, "<field>", self.<field>, visitor)`.
_VISITED_FIELD = re.compile(r'visit_\w+\(\s*self,\s*"(\w+)"')


@functools.cache
def child_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of `node_type` that hold children, in source order."""
    source = inspect.getsource(node_type._visit_and_replace_children)
    return tuple(dict.fromkeys(_VISITED_FIELD.findall(source)))


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The same nodes, in the same order, as `node.children`."""
    found: list[cst.CSTNode] = []
    for name in child_fields(type(node)):
        value = getattr(node, name)
        # Exact type checks: `isinstance` against libcst's abstract classes is itself a hotspot.
        kind = type(value)
        if kind is tuple or kind is list:
            found.extend(value)
        elif value is not None and value is not cst.MaybeSentinel.DEFAULT:
            found.append(value)
    return found
