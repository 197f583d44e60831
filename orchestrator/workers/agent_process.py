"""Running an external coding agent (Claude Code, Codex, aider, any command) in a task's worktree.

The agent runs through `commands.run_command`, so it gets the same time limit, process-group kill
and environment rules as the built-in worker's bash tool: credentials are withheld, except the
variables the user names in `AgentLimits.pass_env` (the agent needs its own to reach its model).

The prompt reaches the agent on stdin (from a file, so any size works), its stdout goes to a file
that the worker parses whole (a JSON result or JSONL events must not be cut by an output bound),
and its stderr is kept, bounded, for error messages.

Errors, all `ExternalWorkerError`:

    ExternalWorkerError
    ├── MissingExecutable      the agent's executable is not on PATH
    ├── AgentFailed            the agent ended without a result (not a time-out)
    └── InvalidWorkerSetting   a worker setting from the environment is malformed
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestrator.commands import run_command, sandbox_env

DEFAULT_TIMEOUT_S = 1800.0
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Bash's exit status for "command not found".
_NOT_FOUND = 127
_SUMMARY_CHARS = 2000


class ExternalWorkerError(Exception):
    """An external agent could not be run as a worker."""


class MissingExecutable(ExternalWorkerError):
    """The agent's executable is not on PATH; the message names it and what to install."""


class AgentFailed(ExternalWorkerError):
    """The agent exited without a result it could report (a crash, no credentials, bad flags)."""


class InvalidWorkerSetting(ExternalWorkerError):
    """A worker setting (time limit, passed-through variable names) is malformed."""


@dataclass(frozen=True, slots=True)
class AgentLimits:
    """`timeout_s` bounds one attempt; `pass_env` names the credential variables the agent keeps."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_stderr_bytes: int = 50_000
    pass_env: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.max_stderr_bytes <= 0:
            raise InvalidWorkerSetting(f"agent limits must be positive: {self}")
        malformed = [name for name in self.pass_env if not _ENV_NAME.fullmatch(name)]
        if malformed:
            raise InvalidWorkerSetting(f"not environment variable names: {', '.join(malformed)}")


@dataclass(frozen=True, slots=True)
class AgentRun:
    """How the agent ended: `stdout` whole, `stderr` bounded, `exit_code` negative when killed."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool
    timeout_s: float

    def tail(self) -> str:
        """The end of what the agent printed: a summary for agents that report in plain text."""
        return self.stdout.strip()[-_SUMMARY_CHARS:]

    def timeout_note(self) -> str:
        return f"[timed out after {self.timeout_s:g}s; the agent was killed]"


def agent_env(limits: AgentLimits, source: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The agent's environment: `sandbox_env`, plus the credentials the user chose to pass through."""
    passed = {name: source[name] for name in limits.pass_env if name in source}
    return sandbox_env(source) | passed


def require_executable(worker: str, executable: str, install: str) -> None:
    """MissingExecutable unless `executable` is on PATH; checked when the worker is built."""
    if shutil.which(executable) is None:
        raise MissingExecutable(f"{worker} worker: executable {executable!r} not found on PATH ({install})")


def run_agent(command_line: str, workspace: Path, prompt: str, limits: AgentLimits) -> AgentRun:
    """Runs `command_line` (bash) in `workspace` with `prompt` on stdin, within `limits`."""
    with tempfile.TemporaryDirectory(prefix="ratchet-agent-") as scratch:
        stdin_path, stdout_path = Path(scratch, "prompt.txt"), Path(scratch, "stdout")
        stdin_path.write_text(prompt, encoding="utf-8")
        # Exists even if the agent is killed before its shell opened the redirection.
        stdout_path.touch()
        # A brace group keeps the redirections valid for any command line, comments included.
        redirected = f"{{ {command_line}\n}} <{shlex.quote(str(stdin_path))} >{shlex.quote(str(stdout_path))}"
        result = run_command(redirected, workspace, limits.timeout_s, limits.max_stderr_bytes, agent_env(limits))
        stdout = stdout_path.read_text(encoding="utf-8", errors="replace")
    if result.exit_code == _NOT_FOUND and "command not found" in result.output:
        raise MissingExecutable(f"agent command not found: {result.output.strip().splitlines()[-1]}")
    return AgentRun(result.exit_code, stdout, result.output, result.timed_out, limits.timeout_s)


def continued_prompt(task_prompt: str, feedback: str) -> str:
    """For an agent without a session to resume: the task again, then the feedback on the last attempt."""
    return f"{task_prompt}\n\nFeedback on your previous attempt:\n{feedback}"
