"""Codex as a worker: `codex exec --json` in the task's worktree (sandbox `workspace-write`).

Codex streams JSONL events on stdout: `thread.started` names the thread, which a continued
session resumes with `codex exec ... resume <thread_id> <feedback>`; every `turn.completed`
carries the turn's token usage; the last `item.completed` agent message is the summary. Codex does
not report a cost, so its attempts count tokens only. A thread that never started (killed at once)
is continued as a fresh thread given the task again with the feedback.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from graphs.protocols import Attempt, AttemptRequest, Usage
from orchestrator.workers.agent_process import AgentFailed, AgentLimits, AgentRun, continued_prompt, run_agent

EXECUTABLE = "codex"
INSTALL = "install the Codex CLI: npm install -g @openai/codex"


@dataclass(frozen=True, slots=True)
class CodexConfig:
    """`model` is passed as `--model` when given; `sandbox` is Codex's own sandbox mode."""

    model: str | None = None
    sandbox: str = "workspace-write"
    limits: AgentLimits = field(default_factory=AgentLimits)


@dataclass(frozen=True, slots=True)
class CodexEvents:
    """What Ratchet reads from one run's JSONL events."""

    thread_id: str
    usage: Usage
    turns_completed: int
    message: str
    errors: tuple[str, ...]

    @classmethod
    def parse(cls, run: AgentRun) -> CodexEvents:
        thread_id, usage, turns, message, errors = "", Usage(), 0, "", []
        for event in _events(run):
            kind = event["type"]
            if kind == "thread.started":
                thread_id = event["thread_id"]
            elif kind == "turn.completed":
                usage = usage + Usage(event["usage"]["input_tokens"], event["usage"]["output_tokens"])
                turns += 1
            elif kind == "item.completed" and event["item"]["type"] == "agent_message":
                message = event["item"]["text"]
            elif kind in _ERROR_MESSAGE:
                errors.append(_ERROR_MESSAGE[kind](event))
        return cls(thread_id, usage, turns, message, tuple(errors))

    def summary(self, run: AgentRun) -> str:
        notes = [run.timeout_note()] if run.timed_out else []
        notes += [f"[codex: {error}]" for error in self.errors]
        return "\n".join([self.message, *notes]).strip()


_ERROR_MESSAGE: dict[str, Callable[[Any], str]] = {
    "turn.failed": lambda event: event["error"]["message"],
    "error": lambda event: event["message"],
}


def _events(run: AgentRun) -> list[Any]:
    """The JSONL events of a run; AgentFailed on a line that is not one."""
    lines = run.stdout.splitlines()
    if run.timed_out and not run.stdout.endswith("\n"):
        # The agent was killed mid-line: that last event is incomplete.
        lines = lines[:-1]
    events = []
    for line in filter(str.strip, lines):
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise AgentFailed(f"codex printed a line that is not a JSON event ({exc}): {line[:300]}") from exc
    return events


def _resume_point(request: AttemptRequest) -> tuple[str, str, str]:
    """The session's task prompt, the thread to resume ("" for a new one), and the prompt to send."""
    state = request.session.state
    if not state:
        return request.message, "", request.message
    if "thread_id" in state:
        return state["task_prompt"], state["thread_id"], request.message
    # Without a thread to resume, a continued session is a fresh thread that needs the task again.
    return state["task_prompt"], "", continued_prompt(state["task_prompt"], request.message)


@dataclass(frozen=True, slots=True)
class CodexWorker:
    """Implements `graphs.protocols.Worker`. `Session.state` holds `task_prompt` and, once Codex
    reported it, `thread_id`."""

    config: CodexConfig
    name: str = "codex"

    def argv(self, prompt: str, thread_id: str) -> list[str]:
        argv = [EXECUTABLE, "exec", "--json", "--sandbox", self.config.sandbox]
        if self.config.model is not None:
            argv += ["--model", self.config.model]
        resume = ["resume", thread_id] if thread_id else []
        return [*argv, *resume, prompt]

    def attempt(self, request: AttemptRequest) -> Attempt:
        task_prompt, thread_id, prompt = _resume_point(request)
        run = run_agent(shlex.join(self.argv(prompt, thread_id)), request.workspace, "", self.config.limits)
        events = CodexEvents.parse(run)
        if run.exit_code != 0 and not run.timed_out and events.turns_completed == 0:
            detail = "; ".join(events.errors) if events.errors else run.stderr.strip()[-500:]
            raise AgentFailed(f"codex exited {run.exit_code} without completing a turn: {detail}")
        new_state = {"task_prompt": task_prompt}
        # A resumed thread reports its id again; a run killed before it started leaves the old one.
        known_thread = events.thread_id if events.thread_id else thread_id
        if known_thread:
            new_state["thread_id"] = known_thread
        return Attempt(session=replace(request.session, state=new_state), summary=events.summary(run), usage=events.usage)
