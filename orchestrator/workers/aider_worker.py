"""aider as a worker: `aider --message <prompt> --yes-always --no-auto-commits` in the worktree.

Ratchet commits, so aider does not (`--no-auto-commits`), and it must not add `.aider*` to the
repository's `.gitignore` (`--no-gitignore`). aider exits 0 even when an edit did not apply, so
the worker reports no error of its own: the outcome is judged from the diff alone, and the summary
is the tail of aider's output. aider's chat history lives in the worktree's private git directory
(never in the tree); a continued session restores it (`--restore-chat-history`) and sends the
feedback, a fresh session starts a new history. aider reports no usage Ratchet reads: its attempts
count iterations and time only.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from graphs.protocols import Attempt, AttemptRequest, Usage
from orchestrator.workers.agent_process import AgentLimits, run_agent

EXECUTABLE = "aider"
INSTALL = "install aider: python -m pip install aider-install && aider-install"
# aider's repo-map cache is always written at the repository root; there is no flag to move it.
_CACHE = ".aider.tags.cache.v4"


@dataclass(frozen=True, slots=True)
class AiderConfig:
    model: str | None = None
    limits: AgentLimits = field(default_factory=AgentLimits)


def _history_dir(workspace: Path) -> Path:
    """The worktree's own git directory: private to the worktree, removed with it."""
    git_dir = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=workspace, check=True, capture_output=True, text=True)
    return Path(git_dir.stdout.strip()) / "ratchet-aider"


@dataclass(frozen=True, slots=True)
class AiderWorker:
    """Implements `graphs.protocols.Worker`. `Session.state` holds the chat history's path."""

    config: AiderConfig
    name: str = "aider"

    def argv(self, prompt: str, history: Path, restore: bool) -> list[str]:
        argv = [EXECUTABLE, "--message", prompt, "--yes-always", "--no-auto-commits", "--no-gitignore", "--no-check-update"]
        argv += ["--chat-history-file", str(history), "--input-history-file", str(history.with_suffix(".input"))]
        if restore:
            argv.append("--restore-chat-history")
        if self.config.model is not None:
            argv += ["--model", self.config.model]
        return argv

    def attempt(self, request: AttemptRequest) -> Attempt:
        continued = bool(request.session.state)
        if continued:
            history = Path(request.session.state["history"])
        else:
            history = _history_dir(request.workspace) / f"session-{request.session.number}.md"
            history.parent.mkdir(parents=True, exist_ok=True)
            history.unlink(missing_ok=True)
        cache = request.workspace / _CACHE
        cache_existed = cache.exists()
        run = run_agent(shlex.join(self.argv(request.message, history, continued)), request.workspace, "", self.config.limits)
        if cache.is_dir() and not cache_existed:
            shutil.rmtree(cache)
        notes = [run.timeout_note()] if run.timed_out else []
        if run.exit_code != 0 and not run.timed_out:
            notes.append(f"[aider exited {run.exit_code}] {run.stderr.strip()[-500:]}")
        summary = "\n".join([run.tail(), *notes]).strip()
        session = replace(request.session, state={"history": str(history)})
        return Attempt(session=session, summary=summary, usage=Usage())
