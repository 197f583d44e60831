"""`guards.astform.structure` is equal exactly when `ast.dump` is, and the outline's walk for nested
definitions finds what a walk of every child finds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import guards
from guards.astform import structure
from guards.outline import Outline, child_definitions

# Snippets whose nodes differ only in what a careless canonical form would confuse.
TRICKY = """
a = 1; a = 1.0; a = True; a = None; a = 0.0; a = -0.0; a = 1e999; a = 1j; a = ...
a = "x"; a = u"x"; a = b"x"; a = ""; a = "\\x00"; a = "\\x01"; a = "["; a = "]"; a = "None"; a = "Load"
a = [x]; a = [[x]]; a = [x, []]; a = ([], x); a = {**x}; a = {None: x}; a = {x: None}
global g, h
from . import x
from .. import x
from x import y as z
f"{x!r:>{y}}"; f"{x}"; f"{x!s}"
del x; x = y; x.y = z; x[y] = z
def f(x, /, y=1, *a, z, **k) -> None: return
async def f(x, y=None): yield
class C(B, metaclass=M): pass
match x:
    case None: pass
    case True: pass
    case 1 | "1": pass
    case [x, *_]: pass
    case {"k": v, **rest}: pass
    case P(a, b=c): pass
try:
    pass
except* E as e:
    pass
lambda: x
lambda x=None: x
"""


def _nodes(source: str) -> list[ast.AST]:
    return list(ast.walk(ast.parse(source)))


def _sources() -> list[str]:
    package = Path(guards.__file__).parent
    return [TRICKY, *(path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py")))]


@pytest.mark.parametrize("source", _sources(), ids=lambda source: source[:30])
def test_structure_is_equal_exactly_when_the_dump_is(source: str) -> None:
    nodes = _nodes(source)
    pairs = {(ast.dump(node), structure([node])) for node in nodes}
    # A one-to-one pairing: no two dumps share a structure, and no dump has two.
    assert len({dump for dump, _ in pairs}) == len(pairs) == len({form for _, form in pairs})
    assert len(pairs) > 20


@pytest.mark.parametrize(
    ("before", "after", "equal"),
    [
        ("x = 1\n", "x  =  1  # same\n", True),
        ("x = 1\n", "x = 1.0\n", False),
        ("x = 1\n", "x = True\n", False),
        ("x = '['\n", "x = ['']\n", False),
        ("x = None\n", "x = '\\x01'\n", False),
        ("x = 1\n", "x = (\n    1\n)\n", True),
        ("def f(a):\n    return 1\n", "def f(b):\n    return 1\n", False),
    ],
)
def test_structure_ignores_layout_only(before: str, after: str, equal: bool) -> None:
    assert (structure(ast.parse(before).body) == structure(ast.parse(after).body)) is equal


def _every_child_definition(node: ast.AST) -> list[ast.AST]:
    """The plain walk: every child, nested definitions not descended into."""
    found: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.append(child)
        else:
            found.extend(_every_child_definition(child))
    return found


@pytest.mark.parametrize("source", [source for source in _sources() if "\ndef " in source or "\nclass " in source], ids=lambda source: source[:30])
def test_child_definitions_walk_only_blocks_and_miss_nothing(source: str) -> None:
    outline = Outline.parse(source)
    for scope in outline.scopes.values():
        assert child_definitions(scope.node) == _every_child_definition(scope.node)
    assert outline.scopes
