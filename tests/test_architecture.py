"""The design's import direction, `guards` ← `graphs` ← `orchestrator` ← `benchmarks`, and the
guard's public API, pinned."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import guards

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["guards", "graphs", "orchestrator", "benchmarks"]


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_go_one_way(layer: str) -> None:
    forbidden = set(LAYERS[LAYERS.index(layer) + 1 :])
    offenders = {
        f"{path.relative_to(ROOT)} imports {sorted(_imported_packages(path) & forbidden)}"
        for path in (ROOT / layer).rglob("*.py")
        if _imported_packages(path) & forbidden
    }
    assert not offenders, sorted(offenders)


def test_guards_public_api_is_pinned() -> None:
    assert set(guards.__all__) >= {
        "Category",
        "Change",
        "Config",
        "ConfigError",
        "FilePair",
        "FileStatus",
        "Finding",
        "GitRepository",
        "GuardError",
        "InputError",
        "NotARepository",
        "PatchError",
        "Report",
        "RuleMeta",
        "RuleSet",
        "SCHEMA_VERSION",
        "Severity",
        "UnknownRevision",
        "check",
        "directory_change",
        "load_config",
        "renderer",
    }
    for name in guards.__all__:
        assert hasattr(guards, name), f"guards.__all__ names {name}, which guards does not export"


def test_graphs_public_api_is_pinned() -> None:
    import graphs

    assert set(graphs.__all__) == {
        "Attempt", "AttemptRequest", "Budget", "Decision", "Evidence", "GuardOutcome", "Iteration",
        "Judge", "JudgeVerdict", "LoopSettings", "LoopState", "Orchestrator", "Progress", "Route",
        "RouteGate", "RouteNotAllowed", "Session", "Situation", "TaskSpec", "TestRun", "Usage",
        "Worker", "Workspace", "build_graph", "compile_loop", "initial_state", "total_usage",
    }  # fmt: skip
    assert callable(graphs.build_graph) and callable(graphs.compile_loop)
    for name in graphs.__all__:
        assert getattr(graphs, name) is not None
