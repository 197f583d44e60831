"""The radon adapter, the change-level comparison, the `complexity` settings, and the metrics in
the JSON report through the command line on a real git change."""

from __future__ import annotations

import ast
import json
import subprocess
from collections.abc import Callable
from typing import Any

import pytest
from radon.complexity import cc_visit

from guards import Change, Config, ConfigError, FilePair, RuleSet, check, load_config
from guards.metrics import ComplexityLimits, FunctionMetrics, function_metrics
from guards.metrics.examples import chain, flat, nested
from tests.conftest import GitRepo

CLASS = '''
class Router:
    def route(self, kind):
        if kind == 1:
            return 1
        elif kind == 2 or kind == 3:
            return 2
        def helper(x):
            return [y for y in x if y]
        return helper

    class Inner:
        def deep(self, rows):
            for row in rows:
                if row:
                    return row
'''


def _complexity(files: dict[str, tuple[str, str]]) -> dict[str, Any]:
    """The JSON metrics of a check of `files` (path → before and after; "" where the file is absent)."""
    change = Change.of([FilePair(path, b.encode() if b else None, a.encode() if a else None) for path, (b, a) in files.items()])
    complexity = check(change, Config(), RuleSet.default()).metrics["complexity"]
    assert isinstance(complexity, dict)
    return complexity


def _side(function: dict[str, dict[str, int | None]], side: str) -> FunctionMetrics | None:
    cc, nesting, length = (function[metric][side] for metric in ("cc", "nesting", "length"))
    return None if cc is None or nesting is None or length is None else FunctionMetrics(cc, nesting, length)


def _measure(files: dict[str, tuple[str, str]]) -> dict[str, dict[str, FunctionMetrics | None]]:
    return {path: {name: _side(function, "before") for name, function in file["functions"].items()} for path, file in _complexity(files).items()}


def test_every_function_once_by_qualified_name_with_radons_complexity() -> None:
    (file,) = _complexity({"app/router.py": ("", CLASS)}).values()
    got = {name: _side(function, "after") for name, function in file["functions"].items()}
    assert got == {
        "Router.route": FunctionMetrics(cc=4, nesting=1, length=8),
        "Router.route.helper": FunctionMetrics(cc=3, nesting=0, length=2),
        "Router.Inner.deep": FunctionMetrics(cc=3, nesting=2, length=4),
    }
    # radon's flat list: the class, whose complexity already counts its method's branches, then
    # the method; the closure and the inner class's method are not listed at all.
    radon = {block.fullname: block.complexity for block in cc_visit(CLASS)}
    assert radon == {"Router": 5, "Router.route": FunctionMetrics(cc=4, nesting=1, length=8).cc}


@pytest.mark.parametrize(
    ("source", "depth"),
    [
        pytest.param("def f():\n    return 1\n", 0, id="straight"),
        pytest.param(chain("f", 9), 1, id="elif chain stays at one level"),
        pytest.param(nested("f", 5), 5, id="loops and ifs"),
        pytest.param("def f(p):\n    with open(p) as h:\n        try:\n            pass\n        except OSError:\n            if h:\n                raise\n", 3, id="with try handler"),
        pytest.param("def f(x):\n    match x:\n        case 1:\n            if x:\n                pass\n", 2, id="match"),
        pytest.param("def f(rows):\n    def g():\n        for r in rows:\n            if r:\n                pass\n    return g\n", 0, id="nested def measured on its own"),
    ],
)
def test_nesting_depth(source: str, depth: int) -> None:
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert function_metrics(node).nesting == depth


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({"a.py": (chain("route", 14), "")}, {}, id="deleted file: nothing to report"),
        pytest.param({"a.py": (chain("route", 14), ""), "b.py": ("", chain("route", 14))}, {"b.py": {}}, id="moved intact to another file"),
        pytest.param(
            {"a.py": (chain("route", 14), ""), "b.py": ("", chain("route", 16))},
            {"b.py": {"route": FunctionMetrics(14, 1, 28)}},
            id="moved and edited: compared with the original",
        ),
        pytest.param({"a.py": (chain("route", 14), chain("dispatch", 14))}, {"a.py": {}}, id="renamed intact"),
        pytest.param({"a.py": (flat("f", 10), "import os\n" + flat("f", 10))}, {"a.py": {}}, id="unchanged function in a changed file"),
        pytest.param({"a.py": ("", flat("f", 10))}, {"a.py": {"f": None}}, id="new"),
    ],
)
def test_functions_are_paired_across_the_change(
    files: dict[str, tuple[str, str]], expected: dict[str, dict[str, FunctionMetrics | None]]
) -> None:
    assert _measure(files) == expected


def test_metrics_shape() -> None:
    before, after = "def f(x):\n    return x\n", "def f(x):\n    if x:\n        return x\n    return 0\n\n\n" + flat("g", 5)
    metrics = _complexity({"a.py": (before, after)})
    mi_after = metrics["a.py"]["mi"]["after"]
    assert 0 < mi_after <= 100
    assert metrics == {
        "a.py": {
            "mi": {"before": 100.0, "after": mi_after},
            "functions": {
                "f": {"cc": {"before": 1, "after": 2}, "nesting": {"before": 0, "after": 1}, "length": {"before": 2, "after": 4}},
                "g": {"cc": {"before": None, "after": 1}, "nesting": {"before": None, "after": 0}, "length": {"before": None, "after": 5}},
            },
        }
    }


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param({}, ComplexityLimits(), id="defaults"),
        pytest.param({"max-cc-new": 15, "max-mi-drop": 20.5}, ComplexityLimits(max_cc_new=15, max_mi_drop=20.5), id="some keys"),
    ],
)
def test_complexity_settings(table: dict[str, object], expected: ComplexityLimits) -> None:
    assert load_config({"complexity": table}).complexity == expected


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param({"max-cc": 3}, "unknown key in [tool.ratchet] complexity: 'max-cc'", id="unknown key"),
        pytest.param({"max-nesting": 2.5}, "complexity.max-nesting must be a non-negative integer", id="float for an integer"),
        pytest.param({"max-length": True}, "complexity.max-length must be a non-negative integer", id="bool"),
        pytest.param({"mi-floor": 120}, "complexity.mi-floor must be a number from 0 to 100", id="out of range"),
    ],
)
def test_bad_complexity_settings_name_the_key(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config({"complexity": table})


def test_bad_complexity_table_type() -> None:
    with pytest.raises(ConfigError, match="complexity must be a table"):
        load_config({"complexity": 10})


def test_json_report_carries_complexity_metrics_and_findings(
    git_repo: Callable[..., GitRepo], ratchet: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    repo = git_repo({"app/router.py": chain("route", 4), "pyproject.toml": "[tool.ratchet]\ncomplexity = { max-cc-growth = 1 }\n"})
    repo.write({"app/router.py": chain("route", 7) + "\n\n" + chain("dispatch", 12)})
    result = ratchet("check", "--format", "json", cwd=repo.root)
    report = json.loads(result.stdout)
    functions = report["metrics"]["complexity"]["app/router.py"]["functions"]
    assert functions["route"]["cc"] == {"before": 4, "after": 7}
    assert functions["dispatch"]["cc"] == {"before": None, "after": 12}
    assert {(f["rule"], f["line"]) for f in report["findings"] if f["category"] == "complexity"} == {("CX002", 1), ("CX001", 17)}
