"""`ratchet run` with external workers (in-process): a roster that walks from Claude Code to a
`cmd:` agent when Claude Code keeps adding the same fallback, and setup errors as one line, exit 2."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import GitRepo
from tests.orchestrator.standins.harness import Standins, standins

__all__ = ["standins"]

BASE = {"app/__init__.py": "", "app/core.py": "def total(xs):\n    return sum(x for x in xs)\n"}
GOOD = {"app/core.py": "def total(xs):\n    return sum(xs)  # fixed\n"}
FALLBACK = {"app/core.py": "def total(xs):\n    try:\n        return sum(xs)  # fixed\n    except Exception:\n        return None\n"}
RUN = ["run", "--task", "simplify total", "--test", "grep -q fixed app/core.py", "--task-id", "t1"]


def test_reassign_walks_the_roster_to_an_external_worker(
    standins: Standins, git_repo: Callable[..., GitRepo], cli: Callable[..., Result]
) -> None:
    repo = git_repo(BASE)
    standins.edits("claude", FALLBACK)
    standins.edits("agent", GOOD)
    workers = ["--worker", "claude-code:claude-sonnet-4-5", "--worker", "cmd:agent --prompt {prompt}"]
    result = cli(*RUN, *workers, "--restarts", "0", "--max-iterations", "4", "--format", "json", cwd=repo.root)
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)
    assert [it["decision"] for it in output["iterations"]] == ["continue", "reassign", "accept"]
    claude, resumed, agent = standins.calls()
    assert (claude["tool"], resumed["tool"], agent["tool"]) == ("claude", "claude", "agent")
    assert resumed["argv"][resumed["argv"].index("--resume") + 1] == f"{claude['argv'][-1]}"
    assert "simplify total" in agent["stdin"] and agent["argv"][:2] == ["--prompt", agent["stdin"]]
    assert "# fixed" in repo.git("show", "ratchet/t1:app/core.py")
    assert "except Exception" not in repo.git("show", "ratchet/t1:app/core.py")


@pytest.mark.parametrize(
    ("worker", "message"),
    [
        ("claude-code", "claude-code-1 worker: executable 'claude' not found on PATH"),
        ("codex:gpt-5-codex", "codex-1 worker: executable 'codex' not found on PATH"),
        ("cmd:", "cmd worker: the command line is empty"),
    ],
)
def test_a_worker_that_cannot_run_is_one_line_and_exit_2(
    git_repo: Callable[..., GitRepo], cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: str, message: str
) -> None:
    repo = git_repo(BASE)
    # Only git is on PATH: the repository opens, the agent is not found.
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    git = next(Path(folder, "git") for folder in os.environ["PATH"].split(os.pathsep) if Path(folder, "git").is_file())
    (only_git / "git").symlink_to(git)
    monkeypatch.setenv("PATH", str(only_git))
    result = cli(*RUN, "--worker", worker, cwd=repo.root)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
