"""Taste patterns compiled to libcst matchers: what a pattern matches, what it binds, what it rejects."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
import pytest

from guards.taste import PatternError, compile_pattern


def _matches(pattern: str, code: str) -> list[tuple[str, dict[str, str]]]:
    """Every node of `code` the pattern matches (repeated metavariables checked), with its binding."""
    compiled = compile_pattern(pattern)
    module = cst.parse_module(code)
    found = []
    for node in m.findall(module, compiled.matcher):
        binding = compiled.bind(node)
        if binding.consistent:
            found.append((module.code_for_node(node).strip(), dict(binding.code)))
    return found


@pytest.mark.parametrize(
    ("pattern", "code", "expected"),
    [
        pytest.param("hasattr($OBJ, $NAME)", "hasattr(a.b, 'c')\n", [("hasattr(a.b, 'c')", {"OBJ": "a.b", "NAME": "'c'"})], id="metavariables"),
        pytest.param("hasattr($OBJ, $NAME)", "hasattr(a)\nhasattr(a, b, c)\nhasattr(*a)\n", [], id="argument count and star matter"),
        pytest.param("hasattr($OBJ, $NAME)", "hasattr(\n    obj,  # probe\n    'x',\n)\n", [("hasattr(\n    obj,  # probe\n    'x',\n)", {"OBJ": "obj", "NAME": "'x'"})], id="layout ignored"),
        pytest.param("print($...ARGS)", "print()\nprint(1, 2, sep='')\nlog(1)\n", [("print()", {"ARGS": ""}), ("print(1, 2, sep='')", {"ARGS": "1, 2, sep=''"})], id="sequence metavariable"),
        pytest.param("f($A, $...REST)", "f()\nf(1)\nf(1, 2, 3)\n", [("f(1)", {"A": "1", "REST": ""}), ("f(1, 2, 3)", {"A": "1", "REST": "2, 3"})], id="sequence after a fixed argument"),
        pytest.param("$D.get($K, $DEFAULT)", "a.get(k)\nself.m.get('x', None)\n", [("self.m.get('x', None)", {"D": "self.m", "K": "'x'", "DEFAULT": "None"})], id="attribute chain receiver"),
        pytest.param("os.path.join($...P)", "os.path.join(a, b)\npath.join(a)\nos.join(a)\n", [("os.path.join(a, b)", {"P": "a, b"})], id="attribute chain literal"),
        pytest.param("$X == $X", "a == a\na == b\nf(1) == f( 1 )\n", [("a == a", {"X": "a"}), ("f(1) == f( 1 )", {"X": "f(1)"})], id="repeated metavariable"),
        pytest.param("$X if $X else $Y", "a if a else b\na if b else c\n", [("a if a else b", {"X": "a", "Y": "b"})], id="repeated metavariable in a ternary"),
        pytest.param("open($P, 'w')", 'open(p, "w")\nopen(p, "r")\n', [('open(p, "w")', {"P": "p"})], id="string quoting ignored"),
        pytest.param("x = 1", "x = 1\ny = 1\nx = 2\n", [("x = 1", {})], id="no metavariables"),
        pytest.param("assert $X", "a = 1; assert b\n", [("assert b", {"X": "b"})], id="small statement inside a line"),
        pytest.param(
            "if $X is None: return",
            "def f(x):\n    if x is None:\n        return\n    if y is None: return\n    if y is None: return 1\n    if y is not None: return\n",
            [("if x is None:\n    return", {"X": "x"}), ("if y is None: return", {"X": "y"})],
            id="statement, indented or one-line",
        ),
        pytest.param(
            "if $X:\n    $...BODY\n",
            "if a:\n    b()\n    c()\nif d: e()\nif f:\n    pass\nelse:\n    g()\n",
            [("if a:\n    b()\n    c()", {"X": "a", "BODY": "b(), c()"}), ("if d: e()", {"X": "d", "BODY": "e()"})],
            id="statement with a body wildcard",
        ),
        pytest.param(
            "try:\n    $...BODY\nexcept $E:\n    pass\n",
            "try:\n    f()\nexcept ValueError:\n    pass\ntry:\n    f()\nexcept ValueError:\n    raise\n",
            [("try:\n    f()\nexcept ValueError:\n    pass", {"BODY": "f()", "E": "ValueError"})],
            id="compound statement",
        ),
        pytest.param("[$...XS]", "[]\n[1, 2]\n(1, 2)\n", [("[]", {"XS": ""}), ("[1, 2]", {"XS": "1, 2"})], id="list elements"),
    ],
)
def test_pattern_matches(pattern: str, code: str, expected: list[tuple[str, dict[str, str]]]) -> None:
    assert _matches(pattern, code) == expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        pytest.param("hasattr($OBJ,", "not one Python expression or statement", id="does not parse"),
        pytest.param("x = = 1", "not one Python expression or statement", id="statement does not parse"),
        pytest.param("a\nb", "not one Python expression or statement", id="two statements"),
        pytest.param("   ", "empty", id="empty"),
        pytest.param("$X", "more than one metavariable", id="only a metavariable"),
        pytest.param("f($x)", "'$' must start a metavariable", id="lower-case metavariable"),
        pytest.param("f($)", "'$' must start a metavariable", id="bare dollar"),
        pytest.param("$...ARGS + 1", "$...ARGS stands for a run", id="sequence metavariable as an expression"),
        pytest.param("os.environ['$K']", "inside a string", id="metavariable inside a string"),
        pytest.param("get_$NAME()", "inside a string, comment or name", id="metavariable inside a name"),
    ],
)
def test_invalid_pattern(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("$", r"\$").replace("(", r"\(")):
        compile_pattern(pattern)


def test_pattern_variables_and_source() -> None:
    compiled = compile_pattern("$D.get($K, $D)")
    assert (compiled.variables, compiled.source) == (frozenset({"D", "K"}), "$D.get($K, $D)")
