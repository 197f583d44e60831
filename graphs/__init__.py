"""Ratchet's loop as a LangGraph state machine, and the role protocols its nodes call.

The protocols and state types are imported eagerly; the graph itself (`build_graph`,
`compile_loop`) is imported on first use, because LangGraph is heavy to import and the workers
and judges that only need the protocols should not pay for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphs.protocols import (
    Attempt,
    AttemptRequest,
    Budget,
    Decision,
    Evidence,
    Judge,
    JudgeVerdict,
    Orchestrator,
    Progress,
    Route,
    RouteGate,
    RouteNotAllowed,
    Session,
    Situation,
    TaskSpec,
    TestRun,
    Usage,
    Worker,
    Workspace,
)
from graphs.state import GuardOutcome, Iteration, LoopSettings, LoopState, initial_state, total_usage

if TYPE_CHECKING:
    from graphs.loop import build_graph, compile_loop

_LAZY = frozenset({"build_graph", "compile_loop"})


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'graphs' has no attribute {name!r}")
    from graphs import loop

    return vars(loop)[name]


__all__ = [
    "Attempt",
    "AttemptRequest",
    "Budget",
    "Decision",
    "Evidence",
    "GuardOutcome",
    "Iteration",
    "Judge",
    "JudgeVerdict",
    "LoopSettings",
    "LoopState",
    "Orchestrator",
    "Progress",
    "Route",
    "RouteGate",
    "RouteNotAllowed",
    "Session",
    "Situation",
    "TaskSpec",
    "TestRun",
    "Usage",
    "Worker",
    "Workspace",
    "build_graph",
    "compile_loop",
    "initial_state",
    "total_usage",
]
