"""The composition root of the loop: real workspaces, workers, judges and the policy wired into the
graph, persisted with SQLite under `.ratchet/`, the thread id being the task id.

`start` and `resume` drive the graph and write the run directory as updates arrive; a killed run
resumes from its last checkpoint (the interrupted node reruns; every node is safe to rerun).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph.state import CompiledStateGraph

from guards import GitRepository, RuleSet
from graphs.loop import compile_loop
from graphs.protocols import Judge, Orchestrator, TaskSpec, Worker
from graphs.state import CHECKPOINT_TYPES, LoopSettings, LoopState, initial_state
from orchestrator.policy import BudgetGate, DefaultPolicy
from orchestrator.pricing import DEFAULT_PRICES, extended
from orchestrator.project import read_config
from orchestrator.rules_judge import AllJudges, RulesJudge
from orchestrator.runs import RunDir, RunRecord, node_event
from orchestrator.workspace import RATCHET_DIR, WorktreeFactory

if TYPE_CHECKING:
    from orchestrator.model_client import ModelConfig

# Each iteration is five node steps, each restart or reassign one more; the budget ends a run long before this.
_STEPS_PER_ITERATION = 7


class UnknownWorkerSpec(ValueError):
    """A `--worker` value that is none of the specs `build_worker` knows."""


class RunNotResumable(RuntimeError):
    """The checkpoint of this task has nothing left to run."""


@dataclass(frozen=True, slots=True)
class ModelConfigFor:
    """The run's settings for every model call, as a `ModelConfig` for the model named."""

    record: RunRecord

    def __call__(self, model: str) -> ModelConfig:
        # Imported here: the SDK is loaded only by runs that call a model.
        from orchestrator.model_client import ModelConfig

        record = self.record
        return ModelConfig(
            model=model,
            max_tokens=record.max_output_tokens,
            temperature=record.temperature,
            max_retries=record.api_retries,
            prices=extended(DEFAULT_PRICES, record.prices),
        )


def build_worker(spec: str, index: int, model_config: ModelConfigFor) -> Worker:
    kind, _, argument = spec.partition(":")
    name = f"{kind}-{index + 1}"
    # Imported here: each worker brings its own dependencies, and only the chosen ones are loaded.
    if kind == "anthropic" and argument:
        from orchestrator.workers.anthropic_worker import AnthropicWorker, AnthropicWorkerConfig

        return AnthropicWorker(AnthropicWorkerConfig(model=model_config(argument)), name=name)
    if kind == "replay" and argument:
        from orchestrator.workers.replay_worker import ReplayWorker

        return ReplayWorker(Path(argument), name=name)
    from orchestrator.workers.specs import EXTERNAL_KINDS, build_external_worker

    if kind in EXTERNAL_KINDS:
        return build_external_worker(kind, argument, name, os.environ)
    raise UnknownWorkerSpec(
        f"worker {spec!r}: expected anthropic:MODEL, replay:DIR, claude-code[:MODEL], codex[:MODEL], aider[:MODEL] or cmd:COMMAND"
    )


def build_judge(kind: str, model: str, model_config: ModelConfigFor) -> Judge:
    if kind == "rules":
        return RulesJudge()
    from orchestrator.judges.model_judge import ModelJudge

    model_judge = ModelJudge(model_config(model))
    if kind == "model":
        return model_judge
    assert kind == "both", kind
    return AllJudges((RulesJudge(), model_judge))


def build_orchestrator(kind: str, model: str, model_config: ModelConfigFor) -> Orchestrator:
    """`policy` is the deterministic default; `model` asks a model to choose among the same allowed routes."""
    if kind == "policy":
        return DefaultPolicy()
    assert kind == "model", kind
    from orchestrator.orchestrators.model_orchestrator import ModelOrchestrator

    return ModelOrchestrator(model_config(model))


def settings_for(repo: GitRepository, record: RunRecord) -> LoopSettings:
    """Everything the run record configures, built afresh: `run` and `resume` wire the same loop."""
    model_config = ModelConfigFor(record)
    return LoopSettings(
        roster=tuple(build_worker(spec, index, model_config) for index, spec in enumerate(record.workers)),
        judge=build_judge(record.judge, record.model, model_config),
        orchestrator=build_orchestrator(record.orchestrator, record.model, model_config),
        gate=BudgetGate(record.budget),
        workspaces=WorktreeFactory(repo, record.base, record.test_timeout_s),
        guard_config=read_config(repo.root),
        rules=RuleSet.default(),
    )


@contextmanager
def checkpointed_loop(repo: Path) -> Iterator[CompiledStateGraph[LoopState, LoopSettings, LoopState, LoopState]]:
    path = repo / RATCHET_DIR / "checkpoints.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Several runners share this file; SqliteSaver turns on WAL, and a generous busy timeout lets a
    # writer wait out another process's checkpoint instead of failing with "database is locked".
    connection = sqlite3.connect(path, check_same_thread=False, timeout=60)
    serde = JsonPlusSerializer(allowed_msgpack_modules=[(kind.__module__, kind.__name__) for kind in CHECKPOINT_TYPES])
    try:
        yield compile_loop(SqliteSaver(connection, serde=serde))
    finally:
        connection.close()


def _config(record: RunRecord) -> dict[str, Any]:
    limit = (record.budget.max_iterations + 1) * _STEPS_PER_ITERATION
    return {"configurable": {"thread_id": record.task_id}, "recursion_limit": limit}


def _drive(
    graph: CompiledStateGraph[LoopState, LoopSettings, LoopState, LoopState],
    run: RunDir,
    record: RunRecord,
    settings: LoopSettings,
    graph_input: LoopState | None,
    done_iterations: int,
) -> LoopState:
    config = _config(record)
    iteration = done_iterations + 1
    mark = time.monotonic()
    # "sync" durability: a checkpoint is on disk before the next node starts, so kill -9 loses at most one node.
    for chunk in graph.stream(graph_input, config, context=settings, stream_mode="updates", durability="sync"):
        for node, update in chunk.items():
            now = time.monotonic()
            run.log(node_event(node, update, iteration, now - mark))
            mark = now
            if node == "work":
                run.transcript(iteration, update["attempt"])
            if node == "decide":
                iteration += 1
    final: LoopState = graph.get_state(config).values
    if final["status"] == "accepted":
        run.write_patch(final["patch"])
    return final


def start(repo: GitRepository, record: RunRecord) -> LoopState:
    # Built before the run directory exists: a bad worker spec or an unpriced model leaves nothing behind.
    settings = settings_for(repo, record)
    run = RunDir.create(repo.root, record)
    task = TaskSpec(record.task_id, record.instruction, record.test_command)
    with run.live(), checkpointed_loop(repo.root) as graph:
        return _drive(graph, run, record, settings, initial_state(task, record.started_at), 0)


def load_state(repo: GitRepository, task_id: str) -> LoopState:
    record = RunDir.open(repo.root, task_id).record()
    with checkpointed_loop(repo.root) as graph:
        return graph.get_state(_config(record)).values


def resume(repo: GitRepository, task_id: str) -> tuple[RunRecord, LoopState]:
    run = RunDir.open(repo.root, task_id)
    record = run.record()
    settings = settings_for(repo, record)
    with run.live(), checkpointed_loop(repo.root) as graph:
        snapshot = graph.get_state(_config(record))
        if not snapshot.values:
            # Killed before the first checkpoint: nothing ran yet, so the run starts over.
            task = TaskSpec(record.task_id, record.instruction, record.test_command)
            return record, _drive(graph, run, record, settings, initial_state(task, record.started_at), 0)
        if not snapshot.next:
            raise RunNotResumable(f"task {task_id!r} has finished ({snapshot.values['status']}); nothing to resume")
        run.log({"node": "resume", "iteration": len(snapshot.values["iterations"]) + 1, "next": list(snapshot.next)})
        return record, _drive(graph, run, record, settings, None, len(snapshot.values["iterations"]))
