"""Our walk's cyclomatic complexity of a function against radon's `cc_visit_ast`, which it
replaces: on a table of constructs radon treats specially, and on every function (closures and
methods included) of this repository's `guards/` and `orchestrator/`.
`benchmarks/cc_check.py` runs the same comparison over every function of the Django sdists."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_visit_ast

from guards.metrics.cyclomatic import cyclomatic_complexity

ROOT = Path(__file__).resolve().parents[3]
REPOSITORY_FILES = sorted(path.relative_to(ROOT).as_posix() for folder in ("guards", "orchestrator") for path in (ROOT / folder).rglob("*.py"))

CASES = {
    "straight line": ("def f(a):\n    return a + 1\n", 1),
    "if elif else": ("def f(a):\n    if a:\n        return 1\n    elif a > 2:\n        return 2\n    else:\n        return 3\n", 3),
    "conditional expression and boolean chain": ("def f(a, b, c):\n    return (a if b else c) and b or c and a\n", 5),
    "loops with and without else": ("def f(a):\n    for i in a:\n        pass\n    else:\n        pass\n    while a:\n        a -= 1\n    async def g():\n        async for x in y:\n            pass\n", 4),
    "async for in an async function": ("async def f(y):\n    async for x in y:\n        pass\n    else:\n        pass\n", 3),
    "comprehensions with conditions": ("def f(a):\n    return [i for i in a if i if i > 1], {k: v for k, v in a}, (j for j in a for k in j if k)\n", 8),
    "try handlers and else": ("def f():\n    try:\n        pass\n    except A:\n        pass\n    except B:\n        pass\n    else:\n        pass\n    finally:\n        pass\n", 4),
    "try star is not counted, its body is": ("def f():\n    try:\n        pass\n    except* A:\n        if x: pass\n", 2),
    "assert counts one, its expression nothing": ("def f(a):\n    assert a and (b if c else d), [i for i in a if i]\n", 2),
    "match with wildcard": ("def f(a):\n    match a:\n        case 1:\n            pass\n        case [x] if x:\n            pass\n        case _:\n            pass\n", 3),
    "match with capture as wildcard": ("def f(a):\n    match a:\n        case 1 | 2:\n            pass\n        case y:\n            pass\n", 2),
    "match with as pattern and only a wildcard": ("def f(a):\n    match a:\n        case [1] as z:\n            pass\n    match a:\n        case _:\n            pass\n", 2),
    "nested function and class add nothing": ("def f(a):\n    def g(b):\n        if b: pass\n    class C:\n        x = 1 if a else 2\n        def m(self): return a or b\n    return g\n", 1),
    "lambda bodies count": ("def f(a):\n    return sorted(a, key=lambda k: k if k else 0)\n", 2),
    "decorators, defaults and annotations of the function do not count": ("@d(a if b else c)\ndef f(a=1 if b else 2, *, c: x if y else z = [i for i in j if i]) -> (a or b):\n    pass\n", 1),
    "decisions in a nested function's defaults count": ("def f(a):\n    def g(b=1 if a else 2): pass\n    h = lambda c=a or b: c\n", 2),
    "with, walrus, f-strings and slices": ("def f(a):\n    with open(a) if a else b as h, c:\n        if (n := len(a)) > 1:\n            return f\"{a if a else b!r:>{n}}\"[1 if a else 2 :]\n", 5),
    "statement-level if inside loop else": ("def f(a):\n    while a:\n        pass\n    else:\n        if a: pass\n", 4),
}


def _radon(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    (block,) = cc_visit_ast(node)
    return block.complexity


def _functions(source: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize(("source", "expected"), CASES.values(), ids=CASES.keys())
def test_tricky_cases_score_as_radon_does(source: str, expected: int) -> None:
    function = _functions(source)[0]
    assert (cyclomatic_complexity(function), _radon(function)) == (expected, expected)


@pytest.mark.parametrize("path", REPOSITORY_FILES)
def test_every_repository_function_scores_as_radon_does(path: str) -> None:
    functions = _functions((ROOT / path).read_text(encoding="utf-8"))
    assert [cyclomatic_complexity(f) for f in functions] == [_radon(f) for f in functions]


def test_the_repository_has_branching_functions() -> None:
    """The comparison means something only if the functions branch."""
    scores = [cyclomatic_complexity(f) for path in REPOSITORY_FILES for f in _functions((ROOT / path).read_text(encoding="utf-8"))]
    assert len(scores) > 500
    assert max(scores) >= 8
