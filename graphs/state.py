"""The loop's state: what a checkpoint holds between nodes, and the record of each iteration.

Per-run settings (roster, budget, judge, orchestrator, workspaces) are not state: they are the
graph's context (`LoopSettings`), rebuilt by whoever invokes or resumes the run.

Values here cross the checkpointer's msgpack encoding, which turns tuples into lists; the records
therefore restore their tuples in `__post_init__` so a resumed state equals the one that was saved.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Literal, NotRequired, TypedDict

from guards import Config, Finding, RuleSet
from graphs.protocols import (
    Attempt,
    Judge,
    JudgeVerdict,
    Orchestrator,
    Route,
    RouteGate,
    Session,
    TaskSpec,
    TestRun,
    Usage,
    Worker,
    Workspace,
)

Verdict = Literal["accept", "reject"]
Status = Literal["running", "accepted", "abandoned"]


@dataclass(frozen=True, slots=True)
class FindingNote:
    """A guard finding as the loop remembers it: enough to explain a decision, not to re-render it."""

    rule: str
    path: str
    line: int
    message: str

    @classmethod
    def of(cls, finding: Finding) -> FindingNote:
        return cls(finding.rule, finding.path, finding.line, finding.message)


@dataclass(frozen=True, slots=True)
class GuardOutcome:
    """The guard on one iteration: its own diff against the last kept commit and, when that passes,
    the whole change against the base. `verdict` accepts only when both do."""

    verdict: Verdict
    findings: tuple[FindingNote, ...]
    feedback: str
    diff: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(self.findings))

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted({note.rule for note in self.findings}))


@dataclass(frozen=True, slots=True)
class Iteration:
    """One pass through work → verify → guard → judge → decide, as recorded in the state."""

    n: int
    worker: str
    session: int
    decision: Route
    reason: str
    tests_passed: bool
    guard_verdict: Verdict
    findings: tuple[FindingNote, ...]
    tokens: Usage
    kept: bool
    commit: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(self.findings))
        object.__setattr__(self, "decision", Route(self.decision))


class LoopState(TypedDict):
    """`NotRequired` keys are written by the node that first produces them and read only after."""

    task: TaskSpec
    started_at: float
    status: Status
    worker_index: int
    restarts: int
    sessions: int
    lessons: list[str]
    iterations: Annotated[list[Iteration], operator.add]
    base: NotRequired[str]
    session: NotRequired[Session]
    message: NotRequired[str]
    attempt: NotRequired[Attempt]
    tests: NotRequired[TestRun]
    guard: NotRequired[GuardOutcome]
    judge: NotRequired[JudgeVerdict]
    commit: NotRequired[str]
    patch: NotRequired[str]


def initial_state(task: TaskSpec, started_at: float) -> LoopState:
    return LoopState(
        task=task, started_at=started_at, status="running", worker_index=0, restarts=0, sessions=0, lessons=[], iterations=[]
    )


@dataclass(frozen=True, slots=True)
class LoopSettings:
    """The graph's context: everything a run is configured with, none of it checkpointed."""

    roster: tuple[Worker, ...]
    judge: Judge
    orchestrator: Orchestrator
    gate: RouteGate
    workspaces: Callable[[TaskSpec], Workspace]
    guard_config: Config
    rules: RuleSet

    def __post_init__(self) -> None:
        if not self.roster:
            raise ValueError("a run needs at least one worker")


def total_usage(iterations: list[Iteration]) -> Usage:
    usage = Usage()
    for iteration in iterations:
        usage = usage + iteration.tokens
    return usage


# Every type a checkpoint of this graph holds, for the serializer's explicit allowlist.
CHECKPOINT_TYPES: tuple[type, ...] = (
    TaskSpec,
    Session,
    Attempt,
    Usage,
    TestRun,
    JudgeVerdict,
    Route,
    FindingNote,
    GuardOutcome,
    Iteration,
)
