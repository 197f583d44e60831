"""The git worktree workspace, on real repositories: isolation, keep, roll back, idempotence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from guards import GitRepository
from graphs.protocols import TaskSpec
from orchestrator.workspace import GitWorkspace, InvalidTaskId, WorktreeFactory
from tests.conftest import GitRepo

BASE = {"app/core.py": "def total(xs):\n    return sum(xs)\n", "README.md": "hello\n"}


@pytest.fixture
def workspace(git_repo: Callable[..., GitRepo]) -> tuple[GitRepo, GitWorkspace]:
    repo = git_repo(BASE)
    repository = GitRepository.open(repo.root)
    factory = WorktreeFactory(repository, repository.resolve("HEAD"), test_timeout_s=30)
    return repo, factory(TaskSpec("t-1", "do it", "true"))


def _user_view(repo: GitRepo) -> tuple[str, str, str]:
    return repo.git("status", "--porcelain"), repo.git("rev-parse", "HEAD"), repo.git("branch", "--show-current")


def test_prepare_creates_a_worktree_on_the_task_branch_and_leaves_the_checkout_alone(workspace: tuple[GitRepo, GitWorkspace]) -> None:
    repo, ws = workspace
    before = _user_view(repo)
    base = ws.prepare()
    assert ws.path == repo.root / ".ratchet" / "worktrees" / "t-1"
    assert (ws.path / "app" / "core.py").read_text() == BASE["app/core.py"]
    assert repo.git("-C", str(ws.path), "branch", "--show-current").strip() == "ratchet/t-1"
    assert base == ws.base
    assert _user_view(repo) == before


def test_kept_iteration_is_committed_once(workspace: tuple[GitRepo, GitWorkspace]) -> None:
    repo, ws = workspace
    ws.prepare()
    (ws.path / "app" / "core.py").write_text("def total(xs):\n    return sum(xs) + 0\n")
    (ws.path / "app" / "new.py").write_text("X = 1\n")
    assert [pair.path for pair in ws.iteration_change().files] == ["app/core.py", "app/new.py"]
    first = ws.keep(1)
    assert ws.keep(1) == first
    assert repo.git("log", "--format=%s", "ratchet/t-1").splitlines() == ["ratchet: iteration 1", "base"]
    assert ws.iteration_change().files == ()
    assert [pair.path for pair in ws.whole_change().files] == ["app/core.py", "app/new.py"]
    assert "+X = 1" in ws.whole_diff()
    assert repo.git("status", "--porcelain") == ""


def test_rejected_iteration_is_rolled_back_to_the_last_kept_commit(workspace: tuple[GitRepo, GitWorkspace]) -> None:
    repo, ws = workspace
    ws.prepare()
    (ws.path / "app" / "new.py").write_text("X = 1\n")
    kept = ws.keep(1)
    (ws.path / "app" / "core.py").write_text("broken\n")
    (ws.path / "app" / "stray.py").write_text("Y = 2\n")
    ws.iteration_diff()
    assert ws.roll_back() == kept
    assert ws.roll_back() == kept
    assert not (ws.path / "app" / "stray.py").exists()
    assert (ws.path / "app" / "core.py").read_text() == BASE["app/core.py"]
    assert (ws.path / "app" / "new.py").read_text() == "X = 1\n"


@pytest.mark.parametrize("repeat", [1, 2])
def test_prepare_is_idempotent_and_resets_to_base(workspace: tuple[GitRepo, GitWorkspace], repeat: int) -> None:
    repo, ws = workspace
    ws.prepare()
    (ws.path / "app" / "new.py").write_text("X = 1\n")
    ws.keep(1)
    for _ in range(repeat):
        assert ws.prepare() == ws.base
    assert not (ws.path / "app" / "new.py").exists()
    assert repo.git("rev-parse", "ratchet/t-1").strip() == ws.base
    assert repo.git("status", "--porcelain") == ""


def test_a_half_created_worktree_directory_is_replaced(workspace: tuple[GitRepo, GitWorkspace]) -> None:
    _, ws = workspace
    ws.path.mkdir(parents=True)
    (ws.path / "leftover").write_text("x")
    ws.prepare()
    assert (ws.path / "app" / "core.py").is_file()
    assert not (ws.path / "leftover").exists()


@pytest.mark.parametrize(("command", "passed"), [("true", True), ("exit 3", False)])
def test_run_tests_in_the_worktree(workspace: tuple[GitRepo, GitWorkspace], command: str, passed: bool) -> None:
    _, ws = workspace
    ws.prepare()
    run = ws.run_tests(f"test -f app/core.py && {command}")
    assert run.passed is passed


@pytest.mark.parametrize("task_id", ["../x", "a b", "", "-x"])
def test_unsafe_task_ids_are_refused(workspace: tuple[GitRepo, GitWorkspace], task_id: str) -> None:
    _, ws = workspace
    with pytest.raises(InvalidTaskId):
        WorktreeFactory(ws.repository, ws.base)(TaskSpec(task_id, "x", "true"))


def test_ratchet_dir_is_excluded_in_the_user_repo(workspace: tuple[GitRepo, GitWorkspace]) -> None:
    repo, ws = workspace
    ws.prepare()
    ws.prepare()
    exclude = Path(repo.git("rev-parse", "--path-format=absolute", "--git-common-dir").strip()) / "info" / "exclude"
    assert exclude.read_text().splitlines().count("/.ratchet/") == 1
