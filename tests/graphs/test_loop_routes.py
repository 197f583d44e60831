"""Every route of the loop, in-process: doubles for worker and workspace, the real guard and policy."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from guards import Config, RuleSet
from graphs.loop import compile_loop
from graphs.protocols import Budget, Route, TaskSpec
from graphs.state import LoopSettings, LoopState, initial_state
from orchestrator.policy import BudgetGate, DefaultPolicy
from orchestrator.rules_judge import RulesJudge
from tests.graphs.doubles import Files, MemoryWorkspace, RecordingOrchestrator, ScriptedWorker, SingleWorkspace

BASE = {"app/core.py": "def total(xs):\n    return sum(x for x in xs)\n"}
GOOD = {"app/core.py": "def total(xs):\n    return sum(xs)  # fixed\n"}
UNFINISHED = {"app/core.py": "def total(xs):\n    return sum(list(xs))\n"}
FALLBACK = {
    "app/core.py": "def total(xs):\n    try:\n        return sum(xs)  # fixed\n    except Exception:\n        return None\n"
}
C, A, R, S, X = Route.CONTINUE, Route.ACCEPT, Route.RESTART, Route.REASSIGN, Route.ABANDON


@dataclass(frozen=True)
class Case:
    name: str
    scripts: tuple[tuple[Files, ...], ...]
    budget: Budget
    decisions: tuple[Route, ...]
    workers: tuple[str, ...]
    sessions: tuple[int, ...]
    status: str


CASES = [
    Case("accept-first-time", ((GOOD,),), Budget(), (A,), ("w1",), (1,), "accepted"),
    Case("fallback-then-fixed", ((FALLBACK, GOOD),), Budget(), (C, A), ("w1", "w1"), (1, 1), "accepted"),
    Case("same-finding-twice", ((FALLBACK, FALLBACK, GOOD),), Budget(), (C, R, A), ("w1",) * 3, (1, 1, 2), "accepted"),
    Case(
        "restarts-spent",
        ((FALLBACK, FALLBACK), (GOOD,)),
        Budget(restarts_per_worker=0),
        (C, S, A),
        ("w1", "w1", "w2"),
        (1, 1, 2),
        "accepted",
    ),
    Case("budget-spent", ((UNFINISHED, UNFINISHED),), Budget(max_iterations=2), (C, X), ("w1", "w1"), (1, 1), "abandoned"),
    Case("tokens-spent", ((UNFINISHED,),), Budget(max_tokens=50), (X,), ("w1",), (1,), "abandoned"),
]


def run_case(case: Case) -> tuple[LoopState, MemoryWorkspace, list[ScriptedWorker], RecordingOrchestrator]:
    workspace = MemoryWorkspace(BASE)
    workers = [ScriptedWorker(f"w{i + 1}", workspace, list(script)) for i, script in enumerate(case.scripts)]
    orchestrator = RecordingOrchestrator(DefaultPolicy())
    settings = LoopSettings(
        roster=tuple(workers),
        judge=RulesJudge(),
        orchestrator=orchestrator,
        gate=BudgetGate(case.budget),
        workspaces=SingleWorkspace(workspace),
        guard_config=Config(),
        rules=RuleSet.default(),
    )
    graph = compile_loop(InMemorySaver())
    task = TaskSpec(case.name, "make total simple", "pytest -q")
    config = {"configurable": {"thread_id": case.name}, "recursion_limit": 100}
    final = graph.invoke(initial_state(task, started_at=1e12), config, context=settings)
    return final, workspace, workers, orchestrator


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_routes(case: Case) -> None:
    final, workspace, _, _ = run_case(case)
    iterations = final["iterations"]
    assert tuple(it.decision for it in iterations) == case.decisions
    assert tuple(it.worker for it in iterations) == case.workers
    assert tuple(it.session for it in iterations) == case.sessions
    assert [it.n for it in iterations] == list(range(1, len(iterations) + 1))
    assert final["status"] == case.status
    assert (final["patch"] != "") == (case.status == "accepted")
    for it in iterations:
        assert it.kept == (it.guard_verdict == "accept")
        assert it.tokens.input_tokens == 100
    if case.status == "accepted":
        assert workspace.current == GOOD


def test_rejected_fallback_is_rolled_back_and_its_feedback_injected() -> None:
    final, workspace, workers, _ = run_case(CASES[1])
    first, second = final["iterations"]
    assert (first.guard_verdict, [note.rule for note in first.findings], first.kept) == ("reject", ["FB001"], False)
    continuation = workers[0].requests[1]
    assert "FB001" in continuation.message
    assert continuation.session.state == {"turns": 1}
    assert workspace.commits == [2]


def test_restart_starts_a_fresh_session_with_the_lessons() -> None:
    final, workspace, workers, orchestrator = run_case(CASES[2])
    fresh = workers[0].requests[2]
    assert fresh.session.number == 2
    assert fresh.session.state == {}
    # The attempt count survives the fresh session: a replay goes on with its third recording.
    assert [request.attempt for request in workers[0].requests] == [1, 2, 3]
    assert "iteration 2 was stopped" in fresh.message and "FB001" in fresh.message
    assert workspace.prepared == 2
    assert orchestrator.seen[1].findings_history == (("FB001",), ("FB001",))


def test_reassign_hands_the_lessons_to_the_next_worker() -> None:
    final, _, workers, orchestrator = run_case(CASES[3])
    assert Route.RESTART not in orchestrator.seen[1].allowed
    assert [request.attempt for request in workers[1].requests] == [1]
    assert "FB001" in workers[1].requests[0].message
    assert final["worker_index"] == 1


def test_the_harness_refuses_accept_without_evidence() -> None:
    _, _, _, orchestrator = run_case(CASES[1])
    assert Route.ACCEPT not in orchestrator.seen[0].allowed
    assert Route.ACCEPT in orchestrator.seen[1].allowed
