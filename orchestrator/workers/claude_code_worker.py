"""Claude Code as a worker: `claude -p` headless in the task's worktree, with a JSON result.

A fresh session is started with a session id Ratchet picks (`--session-id`), so even an attempt
that timed out can be continued; a continued session is `--resume <id>` with the feedback as the
prompt. The id is updated from each result, since a resumed session may report a new one. The
result's `total_cost_usd` and `usage` are the attempt's usage. Claude Code reports nothing when it
is killed at the time limit, so a timed-out attempt counts as zero.
"""

from __future__ import annotations

import json
import shlex
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from graphs.protocols import Attempt, AttemptRequest, Usage
from orchestrator.workers.agent_process import AgentFailed, AgentLimits, AgentRun, run_agent

EXECUTABLE = "claude"
INSTALL = "install Claude Code: npm install -g @anthropic-ai/claude-code"


@dataclass(frozen=True, slots=True)
class ClaudeCodeConfig:
    """`max_turns` and `max_budget_usd` cap one attempt (Claude Code's own `--max-turns` and
    `--max-budget-usd`); `model` is passed as `--model` when given."""

    model: str | None = None
    max_turns: int = 40
    max_budget_usd: float = 5.0
    permission_mode: str = "acceptEdits"
    limits: AgentLimits = field(default_factory=AgentLimits)

    def __post_init__(self) -> None:
        if self.max_turns <= 0 or self.max_budget_usd <= 0:
            raise ValueError(f"max_turns and max_budget_usd must be positive: {self}")


@dataclass(frozen=True, slots=True)
class ClaudeResult:
    """The fields Ratchet reads from `claude -p --output-format json`."""

    session_id: str
    is_error: bool
    subtype: str
    text: str
    usage: Usage

    @classmethod
    def parse(cls, run: AgentRun) -> ClaudeResult:
        """Translates Claude Code's JSON result; AgentFailed when there is none."""
        try:
            data: Any = json.loads(run.stdout)
            usage = Usage(data["usage"]["input_tokens"], data["usage"]["output_tokens"], float(data["total_cost_usd"]))
            # An error result (e.g. `error_max_turns`) carries no `result` text.
            text = data["result"] if "result" in data else ""
            return cls(data["session_id"], bool(data["is_error"]), data["subtype"], text, usage)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            detail = (run.stderr.strip() or run.stdout.strip())[-500:]
            raise AgentFailed(f"claude exited {run.exit_code} without a JSON result ({exc!r}): {detail}") from exc


@dataclass(frozen=True, slots=True)
class ClaudeCodeWorker:
    """Implements `graphs.protocols.Worker`. `Session.state` holds `session_id`."""

    config: ClaudeCodeConfig
    name: str = "claude-code"

    def argv(self, prompt: str, session_flag: tuple[str, str]) -> list[str]:
        config = self.config
        argv = [EXECUTABLE, "-p", prompt, "--output-format", "json", "--permission-mode", config.permission_mode]
        argv += ["--max-turns", str(config.max_turns), "--max-budget-usd", f"{config.max_budget_usd:g}"]
        if config.model is not None:
            argv += ["--model", config.model]
        return [*argv, *session_flag]

    def attempt(self, request: AttemptRequest) -> Attempt:
        if request.session.state:
            session_id = request.session.state["session_id"]
            flag = ("--resume", session_id)
        else:
            session_id = str(uuid.uuid4())
            flag = ("--session-id", session_id)
        run = run_agent(shlex.join(self.argv(request.message, flag)), request.workspace, "", self.config.limits)
        if run.timed_out:
            session = replace(request.session, state={"session_id": session_id})
            return Attempt(session=session, summary=run.timeout_note(), usage=Usage())
        result = ClaudeResult.parse(run)
        summary = f"[claude-code stopped: {result.subtype}] {result.text}".strip() if result.is_error else result.text
        session = replace(request.session, state={"session_id": result.session_id})
        return Attempt(session=session, summary=summary, usage=result.usage)
