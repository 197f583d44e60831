"""A run's directory, `.ratchet/runs/<task-id>/`: how it was started (`run.json`, so `resume` can
rebuild it), what happened (`events.jsonl`, one line per node), the workers' transcripts, and the
accepted patch. Also the renderings of a run for people (`show`) and machines (`--format json`)."""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graphs.protocols import Attempt, Budget
from orchestrator.pricing import Price
from graphs.state import Iteration, LoopState, total_usage
from orchestrator.workspace import RATCHET_DIR, check_task_id


class RunNotFound(LookupError):
    """No run with that task id in this repository."""


class RunInProgress(RuntimeError):
    """Another process is driving the run."""


def run_status(state: LoopState | dict[str, Any], live: bool) -> tuple[str, int]:
    """What `ratchet status` shows of a run: its status and iterations so far. A run no process
    drives that has not finished was stopped (killed, or its machine went down): `ratchet resume`
    goes on with it. A run killed before its first checkpoint has no state yet."""
    if not state:
        return ("running" if live else "stopped"), 0
    status = state["status"]
    return ("stopped" if status == "running" and not live else status), len(state["iterations"])


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Everything `ratchet run` was given; `resume` rebuilds the same run from it.

    `judge` is rules, model or both; `orchestrator` policy or model; `prices` the entries of the
    `--prices` file, which extend the default price table. `max_output_tokens`, `temperature`
    (None: not sent) and `api_retries` apply to every model call of the run.
    """

    task_id: str
    instruction: str
    test_command: str
    base: str
    workers: tuple[str, ...]
    model: str
    judge: str
    orchestrator: str
    prices: dict[str, Price]
    max_output_tokens: int
    temperature: float | None
    api_retries: int
    budget: Budget
    test_timeout_s: float
    started_at: float

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> RunRecord:
        data = json.loads(text)
        data["workers"] = tuple(data["workers"])
        data["budget"] = Budget(**data["budget"])
        data["prices"] = {prefix: Price(**price) for prefix, price in data["prices"].items()}
        return cls(**data)


def runs_root(repo: Path) -> Path:
    return repo / RATCHET_DIR / "runs"


@dataclass(frozen=True, slots=True)
class RunDir:
    path: Path

    @classmethod
    def create(cls, repo: Path, record: RunRecord) -> RunDir:
        run = cls(runs_root(repo) / check_task_id(record.task_id))
        if (run.path / "run.json").exists():
            raise FileExistsError(f"a run for task {record.task_id!r} exists; `ratchet resume {record.task_id}` continues it")
        (run.path / "transcripts").mkdir(parents=True, exist_ok=True)
        (run.path / "run.json").write_text(record.to_json(), encoding="utf-8")
        return run

    @classmethod
    def open(cls, repo: Path, task_id: str) -> RunDir:
        run = cls(runs_root(repo) / check_task_id(task_id))
        if not (run.path / "run.json").is_file():
            raise RunNotFound(f"no run for task {task_id!r} under {runs_root(repo)}")
        return run

    def record(self) -> RunRecord:
        return RunRecord.from_json((self.path / "run.json").read_text(encoding="utf-8"))

    @contextmanager
    def live(self) -> Iterator[None]:
        """Held while a process drives the run: an exclusive lock on `live.lock`, which the system
        lets go of when the process ends, however it ends (a killed run is then not live)."""
        with (self.path / "live.lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise RunInProgress(f"task {self.path.name!r} is running in another process") from exc
            yield

    def is_live(self) -> bool:
        """Whether a process is driving the run now."""
        lock = self.path / "live.lock"
        if not lock.is_file():
            return False
        with lock.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False

    def log(self, event: dict[str, Any]) -> None:
        # One line per write, flushed at once: a killed run leaves whole lines behind.
        with (self.path / "events.jsonl").open("a", encoding="utf-8") as stream:
            stream.write(json.dumps({"time": round(time.time(), 3), **event}) + "\n")

    def events(self) -> list[dict[str, Any]]:
        log = self.path / "events.jsonl"
        if not log.is_file():
            return []
        return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]

    def transcript(self, iteration: int, attempt: Attempt) -> None:
        name = f"{iteration:03d}-{attempt.session.worker}-session{attempt.session.number}.json"
        payload = {"summary": attempt.summary, "usage": asdict(attempt.usage), "session": attempt.session.state}
        (self.path / "transcripts" / name).write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")

    def write_patch(self, patch: str) -> Path:
        target = self.path / "result.patch"
        target.write_text(patch, encoding="utf-8")
        return target


def node_event(node: str, update: dict[str, Any], iteration: int, seconds: float) -> dict[str, Any]:
    """The event log's line for one node's update: timings always, the node's outcome in brief."""
    event: dict[str, Any] = {"node": node, "iteration": iteration, "seconds": round(seconds, 3)}
    if node == "work":
        attempt: Attempt = update["attempt"]
        event |= {"worker": attempt.session.worker, "session": attempt.session.number, "tokens": asdict(attempt.usage)}
    elif node == "verify":
        event |= {"tests_passed": update["tests"].passed, "exit_code": update["tests"].exit_code}
    elif node == "guard":
        event |= {"verdict": update["guard"].verdict, "rules": list(update["guard"].rules)}
    elif node == "decide":
        record: Iteration = update["iterations"][0]
        event |= {"decision": record.decision.value, "reason": record.reason, "tokens": asdict(record.tokens)}
    return event


def iteration_json(iteration: Iteration) -> dict[str, Any]:
    return {
        "n": iteration.n,
        "worker": iteration.worker,
        "session": iteration.session,
        "decision": iteration.decision.value,
        "reason": iteration.reason,
        "tests_passed": iteration.tests_passed,
        "guard": {"verdict": iteration.guard_verdict, "findings": [asdict(note) for note in iteration.findings]},
        "tokens": asdict(iteration.tokens),
        "kept": iteration.kept,
        "commit": iteration.commit,
    }


def result_json(state: LoopState, branch: str) -> dict[str, Any]:
    accepted = state["status"] == "accepted"
    return {
        "task_id": state["task"].task_id,
        "status": state["status"],
        "branch": branch if accepted else None,
        "iterations": [iteration_json(it) for it in state["iterations"]],
        "usage": asdict(total_usage(state["iterations"])),
    }


def timeline(state: LoopState) -> str:
    """`ratchet show`: one line per iteration, its verdicts and the decision with its reason."""
    lines = [f"task {state['task'].task_id}: {state['status']} — {state['task'].instruction.splitlines()[0]}"]
    for it in state["iterations"]:
        tests = "pass" if it.tests_passed else "FAIL"
        rules = f" [{', '.join(note.rule for note in it.findings)}]" if it.findings else ""
        tokens = it.tokens.input_tokens + it.tokens.output_tokens
        lines.append(
            f"  {it.n:>3}  {it.worker} s{it.session}  tests {tests}  guard {it.guard_verdict}{rules}  "
            f"{tokens} tok  → {it.decision.value}: {it.reason}"
        )
    return "\n".join(lines)
