"""`--worker` specs for external agents: `claude-code[:MODEL]`, `codex[:MODEL]`, `aider[:MODEL]`
and `cmd:COMMAND LINE`.

Two settings apply to every external worker and are read from the environment, so that `ratchet
resume` rebuilds the same workers without them being stored in the run record:

- `RATCHET_WORKER_TIMEOUT`: seconds one attempt may take (default 1800); a timed-out attempt ends,
  and the loop judges what the agent left in the worktree.
- `RATCHET_WORKER_ENV`: comma-separated names of credential variables the agent keeps (e.g.
  `ANTHROPIC_API_KEY`); all others matching the sandbox's secret pattern are withheld.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphs.protocols import Worker
from orchestrator.workers.agent_process import DEFAULT_TIMEOUT_S, AgentLimits, InvalidWorkerSetting, require_executable

EXTERNAL_KINDS = frozenset({"claude-code", "codex", "aider", "cmd"})
TIMEOUT_VARIABLE = "RATCHET_WORKER_TIMEOUT"
PASS_ENV_VARIABLE = "RATCHET_WORKER_ENV"


def limits_from(environ: Mapping[str, str]) -> AgentLimits:
    """The external workers' limits as the environment sets them."""
    timeout_s = DEFAULT_TIMEOUT_S
    if TIMEOUT_VARIABLE in environ:
        try:
            timeout_s = float(environ[TIMEOUT_VARIABLE])
        except ValueError as exc:
            raise InvalidWorkerSetting(f"{TIMEOUT_VARIABLE}={environ[TIMEOUT_VARIABLE]!r} is not a number of seconds") from exc
    names = environ[PASS_ENV_VARIABLE].split(",") if PASS_ENV_VARIABLE in environ else []
    return AgentLimits(timeout_s=timeout_s, pass_env=tuple(name.strip() for name in names if name.strip()))


def build_external_worker(kind: str, argument: str, name: str, environ: Mapping[str, str]) -> Worker:
    """The worker for an external `kind` (one of EXTERNAL_KINDS); `argument` is the text after the colon."""
    assert kind in EXTERNAL_KINDS, kind
    limits = limits_from(environ)
    model = argument if argument else None
    # Imported here, like the built-in workers: only the chosen ones are loaded.
    # The executable is checked here, before the run starts; a worker built directly finds out at
    # its first attempt (bash's "command not found" is a MissingExecutable too).
    if kind == "claude-code":
        from orchestrator.workers import claude_code_worker as claude

        require_executable(name, claude.EXECUTABLE, claude.INSTALL)
        return claude.ClaudeCodeWorker(claude.ClaudeCodeConfig(model=model, limits=limits), name=name)
    if kind == "codex":
        from orchestrator.workers import codex_worker as codex

        require_executable(name, codex.EXECUTABLE, codex.INSTALL)
        return codex.CodexWorker(codex.CodexConfig(model=model, limits=limits), name=name)
    if kind == "aider":
        from orchestrator.workers import aider_worker as aider

        require_executable(name, aider.EXECUTABLE, aider.INSTALL)
        return aider.AiderWorker(aider.AiderConfig(model=model, limits=limits), name=name)
    from orchestrator.workers.command_worker import CommandConfig, CommandWorker

    return CommandWorker(CommandConfig(command_line=argument, limits=limits), name=name)
