"""The loop as a LangGraph state machine.

    prepare → work → verify → guard → judge → decide ─┬─ accept   → finish
                                                       ├─ continue → work
                                                       ├─ restart  → prepare (fresh session, lessons)
                                                       ├─ reassign → prepare (next worker)
                                                       └─ abandon  → finish

Each node may be interrupted and rerun from its first line on resume, so every node's side
effects are idempotent: `work` starts by rolling the workspace back to the last kept commit, the
guard only reads, and the iteration is kept or rolled back in `judge`, from the guard's verdict
that the checkpoint already holds (deciding and settling in one node would let a rerun score the
already-settled workspace).
"""

from __future__ import annotations

import time
from typing import Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command

from guards import Report, check, renderer
from graphs.messages import feedback, lesson, task_prompt
from graphs.protocols import AttemptRequest, Evidence, Progress, Route, RouteNotAllowed, Session, Situation
from graphs.state import FindingNote, GuardOutcome, Iteration, LoopSettings, LoopState, total_usage


def prepare(state: LoopState, runtime: Runtime[LoopSettings]) -> dict[str, object]:
    settings = runtime.context
    base = settings.workspaces(state["task"]).prepare()
    worker = settings.roster[state["worker_index"]]
    number = state["sessions"] + 1
    return {
        "base": base,
        "sessions": number,
        "session": Session(worker.name, number),
        "message": task_prompt(state["task"], state["lessons"]),
    }


def work(state: LoopState, runtime: Runtime[LoopSettings]) -> dict[str, object]:
    settings = runtime.context
    workspace = settings.workspaces(state["task"])
    # A rerun after a crash must not build on a half-finished attempt.
    workspace.roll_back()
    worker = settings.roster[state["worker_index"]]
    # Counted from the recorded iterations, so a rerun of this node asks for the same attempt.
    number = 1 + sum(1 for it in state["iterations"] if it.worker == worker.name)
    attempt = worker.attempt(AttemptRequest(state["task"], workspace.path, state["session"], state["message"], number))
    return {"attempt": attempt, "session": attempt.session}


def verify(state: LoopState, runtime: Runtime[LoopSettings]) -> dict[str, object]:
    workspace = runtime.context.workspaces(state["task"])
    return {"tests": workspace.run_tests(state["task"].test_command)}


def _outcome(report: Report, diff: str) -> GuardOutcome:
    notes = tuple(FindingNote.of(finding) for finding in report.findings)
    return GuardOutcome(report.verdict, notes, renderer("feedback")(report), diff)


def guard(state: LoopState, runtime: Runtime[LoopSettings]) -> dict[str, object]:
    settings = runtime.context
    workspace = settings.workspaces(state["task"])
    diff = workspace.iteration_diff()
    iteration = check(workspace.iteration_change(), settings.guard_config, settings.rules)
    if iteration.verdict == "reject":
        return {"guard": _outcome(iteration, diff)}
    # Small steps that each pass can still add up to a change that does not.
    whole = check(workspace.whole_change(), settings.guard_config, settings.rules)
    return {"guard": _outcome(whole, diff)}


def judge(state: LoopState, runtime: Runtime[LoopSettings]) -> dict[str, object]:
    settings = runtime.context
    workspace = settings.workspaces(state["task"])
    outcome = state["guard"]
    n = len(state["iterations"]) + 1
    commit = workspace.keep(n) if outcome.verdict == "accept" else workspace.roll_back()
    evidence = Evidence(state["task"], outcome.diff, state["tests"], outcome.verdict, outcome.feedback)
    return {"judge": settings.judge.judge(evidence), "commit": commit}


def decide(state: LoopState, runtime: Runtime[LoopSettings]) -> Command[Literal["work", "prepare", "finish"]]:
    settings = runtime.context
    outcome, tests, verdict, attempt = state["guard"], state["tests"], state["judge"], state["attempt"]
    n = len(state["iterations"]) + 1
    spent = total_usage(state["iterations"]) + attempt.usage + verdict.usage
    progress = Progress(
        iterations=n,
        usage=spent,
        elapsed_seconds=time.time() - state["started_at"],
        restarts=state["restarts"],
        worker_index=state["worker_index"],
        roster_size=len(settings.roster),
        tests_passed=tests.passed,
        guard_accepted=outcome.verdict == "accept",
    )
    allowed = settings.gate.allowed(progress)
    history = tuple(it.findings for it in state["iterations"]) + (outcome.findings,)
    situation = Situation(
        iteration=n,
        tests_passed=tests.passed,
        guard_verdict=outcome.verdict,
        judge_done=verdict.done,
        judge_reason=verdict.reason,
        findings_history=tuple(tuple(sorted({note.rule for note in notes})) for notes in history),
        allowed=allowed,
        limits_reached=settings.gate.limits_reached(progress),
    )
    decision = settings.orchestrator.decide(situation)
    if decision.route not in allowed:
        raise RouteNotAllowed(f"iteration {n}: {decision.route} is not among {sorted(allowed)}")
    record = Iteration(
        n=n,
        worker=state["session"].worker,
        session=state["session"].number,
        decision=decision.route,
        reason=decision.reason,
        tests_passed=tests.passed,
        guard_verdict=outcome.verdict,
        findings=outcome.findings,
        tokens=attempt.usage + verdict.usage + decision.usage,
        kept=outcome.verdict == "accept",
        commit=state["commit"],
    )
    update: dict[str, object] = {"iterations": [record]}
    match decision.route:
        case Route.ACCEPT:
            return Command(goto="finish", update=update | {"status": "accepted"})
        case Route.ABANDON:
            return Command(goto="finish", update=update | {"status": "abandoned"})
        case Route.CONTINUE:
            return Command(goto="work", update=update | {"message": feedback(outcome, tests, verdict, decision.reason)})
        case Route.RESTART:
            lessons = [*state["lessons"], lesson(n, outcome, decision.reason)]
            return Command(goto="prepare", update=update | {"lessons": lessons, "restarts": state["restarts"] + 1})
        case Route.REASSIGN:
            lessons = [*state["lessons"], lesson(n, outcome, decision.reason)]
            return Command(
                goto="prepare", update=update | {"lessons": lessons, "restarts": 0, "worker_index": state["worker_index"] + 1}
            )


def finish(state: LoopState, runtime: Runtime[LoopSettings]) -> dict[str, object]:
    if state["status"] == "accepted":
        return {"patch": runtime.context.workspaces(state["task"]).whole_diff()}
    return {"patch": ""}


def loop_graph() -> StateGraph[LoopState, LoopSettings, LoopState, LoopState]:
    graph = StateGraph(LoopState, context_schema=LoopSettings)
    graph.add_node("prepare", prepare)
    graph.add_node("work", work)
    graph.add_node("verify", verify)
    graph.add_node("guard", guard)
    graph.add_node("judge", judge)
    graph.add_node("decide", decide)
    graph.add_node("finish", finish)
    graph.add_edge(START, "prepare")
    graph.add_edge("prepare", "work")
    graph.add_edge("work", "verify")
    graph.add_edge("verify", "guard")
    graph.add_edge("guard", "judge")
    graph.add_edge("judge", "decide")
    graph.add_edge("finish", END)
    return graph


def compile_loop(checkpointer: BaseCheckpointSaver[str]) -> CompiledStateGraph[LoopState, LoopSettings, LoopState, LoopState]:
    return loop_graph().compile(checkpointer=checkpointer)


def build_graph() -> CompiledStateGraph[LoopState, LoopSettings, LoopState, LoopState]:
    """For `langgraph.json`: the platform supplies its own persistence and refuses a graph compiled with one."""
    return loop_graph().compile()
