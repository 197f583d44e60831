"""A task's workspace: its own `git worktree` on branch `ratchet/<task-id>`, under
`.ratchet/worktrees/<task-id>` of the repository. The user's checkout is never touched.

The worktree's HEAD is always the last kept commit: an iteration the guard lets through is
committed (`keep`), one it rejects is discarded (`roll_back`), so "since the last kept commit" is
simply "since HEAD". Every operation may be repeated after a crash with the same result.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from guards import Change, GitRepository
from graphs.protocols import TaskSpec, TestRun
from orchestrator.commands import run_command, sandbox_env

RATCHET_DIR = ".ratchet"
_TASK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# What a test run leaves behind is not part of an iteration.
_ARTIFACTS = (":(exclude,glob)**/__pycache__/**", ":(exclude,glob)**/.pytest_cache/**", ":(exclude,glob)**/*.pyc")
# Ratchet's commits carry their own identity, so keeping works in repositories without one configured.
_IDENTITY = ("-c", "user.name=Ratchet", "-c", "user.email=ratchet@localhost")


class InvalidTaskId(ValueError):
    """A task id becomes a branch and a directory name, so it is restricted to a safe alphabet."""


def check_task_id(task_id: str) -> str:
    if not _TASK_ID.fullmatch(task_id):
        raise InvalidTaskId(f"task id {task_id!r}: use letters, digits, '.', '_' and '-' (at most 64)")
    return task_id


def _iteration_subject(iteration: int) -> str:
    return f"ratchet: iteration {iteration}"


@dataclass(frozen=True, slots=True)
class GitWorkspace:
    repository: GitRepository
    task_id: str
    base: str
    test_timeout_s: float
    max_test_output_bytes: int = 200_000

    @property
    def path(self) -> Path:
        return self.repository.root / RATCHET_DIR / "worktrees" / self.task_id

    @property
    def branch(self) -> str:
        return f"ratchet/{self.task_id}"

    def _tree(self) -> GitRepository:
        return GitRepository.open(self.path)

    def _exclude_ratchet_dir(self) -> None:
        common = Path(self.repository.git("rev-parse", "--path-format=absolute", "--git-common-dir").decode().strip())
        exclude = common / "info" / "exclude"
        lines = exclude.read_text(encoding="utf-8").splitlines() if exclude.is_file() else []
        if f"/{RATCHET_DIR}/" not in lines:
            exclude.parent.mkdir(parents=True, exist_ok=True)
            exclude.write_text("\n".join([*lines, f"/{RATCHET_DIR}/"]) + "\n", encoding="utf-8")

    def _is_worktree(self) -> bool:
        if not (self.path / ".git").is_file():
            return False
        listing = self.repository.git("worktree", "list", "--porcelain").decode()
        return f"worktree {self.path.resolve()}" in listing.splitlines()

    def _ensure_worktree(self) -> None:
        self._exclude_ratchet_dir()
        if self._is_worktree():
            return
        # A crash inside `worktree add` can leave a directory or a registration behind.
        if self.path.exists():
            shutil.rmtree(self.path)
        self.repository.git("worktree", "prune")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.repository.git("worktree", "add", "--force", "-B", self.branch, str(self.path), self.base)

    def prepare(self) -> str:
        self._ensure_worktree()
        tree = self._tree()
        tree.git("reset", "--quiet", "--hard", self.base)
        tree.git("clean", "-fdq")
        return tree.resolve("HEAD")

    def run_tests(self, command: str) -> TestRun:
        result = run_command(command, self.path, self.test_timeout_s, self.max_test_output_bytes, sandbox_env())
        return TestRun(result.exit_code == 0 and not result.timed_out, result.exit_code, result.output, result.timed_out)

    def _stage(self) -> GitRepository:
        tree = self._tree()
        tree.git("add", "-A", "--", ".", *_ARTIFACTS)
        return tree

    def iteration_change(self) -> Change:
        return self._stage().staged_change("HEAD")

    def iteration_diff(self) -> str:
        return self._stage().git("diff", "--cached", "--binary", "HEAD").decode(errors="replace")

    def whole_change(self) -> Change:
        return self._stage().staged_change(self.base)

    def whole_diff(self) -> str:
        return self._stage().git("diff", "--cached", "--binary", self.base).decode(errors="replace")

    def keep(self, iteration: int) -> str:
        tree = self._stage()
        subject = _iteration_subject(iteration)
        if tree.git("log", "-1", "--format=%s", "HEAD").decode().strip() != subject:
            tree.git(*_IDENTITY, "commit", "--quiet", "--no-verify", "--allow-empty", "-m", subject)
        return tree.resolve("HEAD")

    def roll_back(self) -> str:
        tree = self._tree()
        tree.git("reset", "--quiet", "--hard", "HEAD")
        tree.git("clean", "-fdq")
        return tree.resolve("HEAD")


@dataclass(frozen=True, slots=True)
class WorktreeFactory:
    """The graph's workspace factory: one `GitWorkspace` per task, all from the same base commit."""

    repository: GitRepository
    base: str
    test_timeout_s: float = 600.0

    def __call__(self, task: TaskSpec) -> GitWorkspace:
        return GitWorkspace(self.repository, check_task_id(task.task_id), self.base, self.test_timeout_s)
