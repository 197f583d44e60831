"""Small doubles for the loop's roles: an in-memory workspace and a scripted worker and orchestrator."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guards import Change, FilePair
from graphs.protocols import Attempt, AttemptRequest, Decision, Orchestrator, Session, Situation, TaskSpec, TestRun, Usage

Files = dict[str, str]


def _change(before: Files, after: Files) -> Change:
    paths = sorted(set(before) | set(after))
    pairs = [
        FilePair(path, before[path].encode() if path in before else None, after[path].encode() if path in after else None)
        for path in paths
        if (before[path] if path in before else None) != (after[path] if path in after else None)
    ]
    return Change.of(pairs)


@dataclass
class MemoryWorkspace:
    """Files in dicts: `head` is the last kept state, `current` what the worker left. Tests pass
    when `app/core.py` says it is fixed."""

    base: Files
    path: Path = Path("/nonexistent/workspace")
    head: Files = field(default_factory=dict)
    current: Files = field(default_factory=dict)
    commits: list[int] = field(default_factory=list)
    prepared: int = 0

    def prepare(self) -> str:
        self.prepared += 1
        self.head, self.current = dict(self.base), dict(self.base)
        self.commits = []
        return "base"

    def run_tests(self, command: str) -> TestRun:
        passed = "fixed" in self.current["app/core.py"]
        return TestRun(passed, 0 if passed else 1, f"{command}: {'ok' if passed else 'FAILED test_total'}")

    def iteration_change(self) -> Change:
        return _change(self.head, self.current)

    def iteration_diff(self) -> str:
        return repr(self.iteration_change())

    def whole_change(self) -> Change:
        return _change(self.base, self.current)

    def whole_diff(self) -> str:
        return f"diff of {sorted(self.current)}"

    def keep(self, iteration: int) -> str:
        if iteration not in self.commits:
            self.commits.append(iteration)
        self.head = dict(self.current)
        return f"c{iteration}"

    def roll_back(self) -> str:
        self.current = dict(self.head)
        return f"c{self.commits[-1]}" if self.commits else "base"


@dataclass
class ScriptedWorker:
    """Each attempt writes the next files of its script into the shared workspace."""

    name: str
    workspace: MemoryWorkspace
    script: list[Files]
    requests: list[AttemptRequest] = field(default_factory=list)

    def attempt(self, request: AttemptRequest) -> Attempt:
        self.requests.append(request)
        self.workspace.current.update(self.script[len(self.requests) - 1])
        turns = int(request.session.state["turns"]) if "turns" in request.session.state else 0
        session = Session(request.session.worker, request.session.number, {"turns": turns + 1})
        return Attempt(session, f"attempt {len(self.requests)}", Usage(100, 10, 0.01))


@dataclass(frozen=True)
class SingleWorkspace:
    workspace: MemoryWorkspace

    def __call__(self, task: TaskSpec) -> MemoryWorkspace:
        return self.workspace


@dataclass
class RecordingOrchestrator:
    """Delegates to another orchestrator and remembers what it was shown."""

    inner: Orchestrator
    seen: list[Situation] = field(default_factory=list)

    def decide(self, situation: Situation) -> Decision:
        self.seen.append(situation)
        return self.inner.decide(situation)
