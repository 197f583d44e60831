"""`guards.children.children` is `CSTNode.children`, only faster: same nodes, same order."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from guards.children import children

GUARDS = Path(__file__).resolve().parents[2] / "guards"
SNIPPETS = [
    "@d\nasync def f[T](a: int = 1, /, *b, c, **d) -> T:\n    async with x as y, z:\n        yield (await y)\n",
    "match p:\n    case [1, *rest] if rest: pass\n    case {'k': v, **kw}: pass\n    case C(a=1) | None: pass\n",
    "x = f'{a!r:>{w}}' 'b' r'c'\ndel x[1:2, ...]\nglobal g\nlambda *a, k=1: (yield)\n",
    "try:\n    pass\nexcept* (A, B) as e:\n    raise E from e\nelse:\n    pass\nfinally:\n    pass\n",
    "class C(B, metaclass=M):\n    x: int = 1; y = [i for i in z if i]; type T = list[int]\n",
]


def _all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    nodes, pending = [], [module]
    while pending:
        node = pending.pop()
        nodes.append(node)
        pending.extend(node.children)
    return nodes


@pytest.mark.parametrize(
    "source",
    [*SNIPPETS, *(path.read_text(encoding="utf-8") for path in sorted(GUARDS.glob("*.py")))],
)
def test_children_match_libcst(source: str) -> None:
    for node in _all_nodes(cst.parse_module(source)):
        assert [id(c) for c in children(node)] == [id(c) for c in node.children], type(node).__name__
