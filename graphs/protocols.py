"""The three roles the loop calls, as protocols, and the values that cross between them.

`graphs` knows workers, judges and orchestrators only through these; `orchestrator` provides the
implementations (one per file) and tests provide small doubles. Everything here is a frozen value
that survives a checkpoint (plain data, JSON-serialisable through `dataclasses.asdict`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from guards import Change


class RouteNotAllowed(RuntimeError):
    """An orchestrator chose a route the harness does not permit at this point."""


class Route(enum.StrEnum):
    """What the orchestrator may decide after an iteration."""

    ACCEPT = "accept"
    CONTINUE = "continue"
    RESTART = "restart"
    REASSIGN = "reassign"
    ABANDON = "abandon"


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens and cost of one or more model calls."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens, self.cost_usd + other.cost_usd)


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A task as the user gave it."""

    task_id: str
    instruction: str
    test_command: str


@dataclass(frozen=True, slots=True)
class Session:
    """A worker's conversation, opaque to the graph: the worker puts in `state` whatever it needs to
    continue (e.g. the Messages API history, or an external agent's session id)."""

    worker: str
    number: int
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AttemptRequest:
    """One call of a worker: `message` is the task prompt (fresh session) or the feedback (continue).

    `attempt` counts this worker's attempts on the task, this one included (1-based), across its
    sessions: a worker that replays or numbers its attempts reads it here, since a restart hands
    it a fresh `Session` with nothing remembered.
    """

    task: TaskSpec
    workspace: Path
    session: Session
    message: str
    attempt: int = 1

    def __post_init__(self) -> None:
        if self.attempt < 1:
            raise ValueError(f"attempt numbers start at 1, got {self.attempt}")


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a worker returns when it stops: the session to continue, a summary, and its usage."""

    session: Session
    summary: str
    usage: Usage


class Worker(Protocol):
    name: str

    def attempt(self, request: AttemptRequest) -> Attempt: ...


@dataclass(frozen=True, slots=True)
class TestRun:
    passed: bool
    exit_code: int
    output: str
    timed_out: bool = False


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a judge sees of one iteration."""

    task: TaskSpec
    diff: str
    tests: TestRun
    guard_verdict: str
    guard_feedback: str


@dataclass(frozen=True, slots=True)
class JudgeVerdict:
    done: bool
    reason: str
    usage: Usage = Usage()


class Judge(Protocol):
    def judge(self, evidence: Evidence) -> JudgeVerdict: ...


@dataclass(frozen=True, slots=True)
class Decision:
    route: Route
    reason: str
    usage: Usage = Usage()


@dataclass(frozen=True, slots=True)
class Situation:
    """What the orchestrator decides on: the latest iteration's outcome, the history of guard
    findings (rule ids per iteration), the routes it may take, and the budget limits reached (none
while budget is left)."""

    iteration: int
    tests_passed: bool
    guard_verdict: str
    judge_done: bool
    judge_reason: str
    findings_history: tuple[tuple[str, ...], ...]
    allowed: frozenset[Route]
    limits_reached: tuple[str, ...] = ()


class Orchestrator(Protocol):
    def decide(self, situation: Situation) -> Decision: ...


class Workspace(Protocol):
    """Where one task's iterations happen: a checkout that starts at the base revision and moves
    only by whole iterations. The last kept commit is the workspace's head; every method is safe to
    repeat after a crash (a node that was interrupted reruns from its first line)."""

    path: Path

    def prepare(self) -> str:
        """Create the workspace, or reset it, at the base revision; return the base commit."""
        ...

    def run_tests(self, command: str) -> TestRun: ...

    def iteration_change(self) -> Change:
        """The work since the last kept commit, as the guard reads it."""
        ...

    def iteration_diff(self) -> str: ...

    def whole_change(self) -> Change:
        """Everything since the base revision: what acceptance is about."""
        ...

    def whole_diff(self) -> str: ...

    def keep(self, iteration: int) -> str:
        """Commit the iteration (once, however often called); return the kept commit."""
        ...

    def roll_back(self) -> str:
        """Discard everything since the last kept commit; return that commit."""
        ...


@dataclass(frozen=True, slots=True)
class Budget:
    """What one task may spend; `restarts_per_worker` fresh sessions before the task is reassigned."""

    max_iterations: int = 10
    max_tokens: int = 2_000_000
    max_cost_usd: float = 20.0
    max_seconds: float = 3600.0
    restarts_per_worker: int = 2

    def __post_init__(self) -> None:
        if self.max_iterations < 1 or self.max_tokens < 1 or self.max_cost_usd <= 0 or self.max_seconds <= 0:
            raise ValueError(f"a budget needs positive limits: {self}")
        if self.restarts_per_worker < 0:
            raise ValueError("restarts_per_worker cannot be negative")


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a task stands after an iteration, as far as the allowed routes depend on it."""

    iterations: int
    usage: Usage
    elapsed_seconds: float
    restarts: int
    worker_index: int
    roster_size: int
    tests_passed: bool
    guard_accepted: bool


class RouteGate(Protocol):
    """Which routes the harness permits: the orchestrator (rules or model) chooses among these."""

    def allowed(self, progress: Progress) -> frozenset[Route]: ...

    def limits_reached(self, progress: Progress) -> tuple[str, ...]:
        """The budget limits `progress` has reached, by name ("cost budget", ...); empty while budget is left."""
        ...
