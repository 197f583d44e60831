"""Any other agent as a worker: a command line with `{prompt}` in it, run with bash in the worktree.

`{prompt}` is replaced by the prompt, shell-quoted; the prompt is also on the command's stdin, for
agents that read it there. A command has no session Ratchet knows how to resume, so a continued
session runs the command again with the task and the feedback. Like aider, the outcome is judged
from the diff alone: the summary is the tail of the command's output, with its exit status when it
failed; its usage is not known.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, replace

from graphs.protocols import Attempt, AttemptRequest, Usage
from orchestrator.workers.agent_process import AgentLimits, InvalidWorkerSetting, continued_prompt, run_agent

PLACEHOLDER = "{prompt}"


@dataclass(frozen=True, slots=True)
class CommandConfig:
    command_line: str
    limits: AgentLimits = field(default_factory=AgentLimits)

    def __post_init__(self) -> None:
        if not self.command_line.strip():
            raise InvalidWorkerSetting("cmd worker: the command line is empty")


class CommandWorker:
    """Implements `graphs.protocols.Worker`. `Session.state` holds `task_prompt`. A command that
    is not found (bash exit 127) raises MissingExecutable on the first attempt."""

    def __init__(self, config: CommandConfig, name: str = "cmd") -> None:
        self.name = name
        self.config = config

    def command(self, prompt: str) -> str:
        return self.config.command_line.replace(PLACEHOLDER, shlex.quote(prompt))

    def attempt(self, request: AttemptRequest) -> Attempt:
        state = request.session.state
        task_prompt = state["task_prompt"] if state else request.message
        prompt = continued_prompt(task_prompt, request.message) if state else request.message
        run = run_agent(self.command(prompt), request.workspace, prompt, self.config.limits)
        notes = [run.timeout_note()] if run.timed_out else []
        if run.exit_code != 0 and not run.timed_out:
            notes.append(f"[exited {run.exit_code}] {run.stderr.strip()[-500:]}")
        summary = "\n".join([run.tail(), *notes]).strip()
        return Attempt(session=replace(request.session, state={"task_prompt": task_prompt}), summary=summary, usage=Usage())
