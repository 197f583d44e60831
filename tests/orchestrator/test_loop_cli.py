"""`ratchet run / resume / show / status` on real repositories with the replay worker, in-process;
and, as a process, a run killed with SIGKILL mid-iteration that `ratchet resume` finishes without
losing or repeating an iteration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import RATCHET, GitRepo, write_files

Cli = Callable[..., Result]

BASE = {"app/__init__.py": "", "app/core.py": "def total(xs):\n    return sum(x for x in xs)\n"}
GOOD = {"app/core.py": "def total(xs):\n    return sum(xs)  # fixed\n"}
FALLBACK = {"app/core.py": "def total(xs):\n    try:\n        return sum(xs)  # fixed\n    except Exception:\n        return None\n"}
UNFINISHED = {"app/core.py": "def total(xs):\n    return sum(list(xs))\n"}


def recording(root: Path, attempts: list[dict[str, str]]) -> Path:
    for number, files in enumerate(attempts, start=1):
        folder = root / f"{number:02d}"
        write_files(folder / "files", files)
        (folder / "summary.txt").write_text(f"attempt {number}\n")
    return root


@pytest.mark.parametrize(
    ("attempts", "code", "decisions"),
    [
        ([GOOD], 0, ["accept"]),
        ([FALLBACK, GOOD], 0, ["continue", "accept"]),
        ([UNFINISHED, UNFINISHED, UNFINISHED], 1, ["continue", "continue", "abandon"]),
        # After the restart the fresh session plays the third recording, not the first again.
        ([FALLBACK, FALLBACK, GOOD], 0, ["continue", "restart", "accept"]),
    ],
)
def test_run_with_a_replay_worker(
    git_repo: Callable[..., GitRepo], cli: Cli, tmp_path: Path, attempts: list[dict[str, str]], code: int, decisions: list[str]
) -> None:
    repo = git_repo(BASE)
    replay = recording(tmp_path / "rec", attempts)
    args = ["--task", "simplify total", "--test", "grep -q fixed app/core.py", "--worker", f"replay:{replay}"]
    result = cli("run", *args, "--task-id", "t1", "--max-iterations", "3", "--format", "json", cwd=repo.root)
    assert result.exit_code == code, result.output
    output = json.loads(result.stdout)
    assert [it["decision"] for it in output["iterations"]] == decisions
    assert output["status"] == ("accepted" if code == 0 else "abandoned")
    assert output["branch"] == ("ratchet/t1" if code == 0 else None)
    assert repo.git("status", "--porcelain") == ""
    assert repo.git("show", "HEAD:app/core.py") == BASE["app/core.py"]
    if code == 0:
        assert "# fixed" in repo.git("show", "ratchet/t1:app/core.py")
        assert "+    return sum(xs)  # fixed" in (repo.root / ".ratchet/runs/t1/result.patch").read_text()
    assert cli("show", "t1", cwd=repo.root).stdout.count("→") == len(decisions)
    assert f"t1  {output['status']}" in cli("status", cwd=repo.root).stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--worker", "telepathy:x"],
        ["--worker", "replay:/nonexistent/recording"],
        ["--task-id", "../escape", "--worker", "replay:{rec}"],
        ["--worker", "anthropic:unpriced-model"],
        ["--worker", "replay:{rec}", "--judge", "model", "--model", "unpriced-model"],
        ["--worker", "replay:{rec}", "--prices", "{tmp}/bad.toml"],
        ["--worker", "replay:{rec}", "--prices", "{tmp}/missing.toml"],
        ["--worker", "replay:{rec}", "--max-cost", "0"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(git_repo: Callable[..., GitRepo], cli: Cli, tmp_path: Path, args: list[str]) -> None:
    repo = git_repo(BASE)
    replay = recording(tmp_path / "rec", [GOOD])
    (tmp_path / "bad.toml").write_text('"m" = { input = "free" }\n')
    filled = [arg.replace("{rec}", str(replay)).replace("{tmp}", str(tmp_path)) for arg in args]
    result = cli("run", "--task", "x", "--test", "true", *filled, cwd=repo.root)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("ratchet: error:")


def _events(repo: GitRepo) -> list[dict[str, object]]:
    log = repo.root / ".ratchet/runs/k1/events.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.is_file() else []


def test_a_killed_run_resumes_without_losing_or_repeating_iterations(
    git_repo: Callable[..., GitRepo], ratchet: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    repo = git_repo(BASE)
    replay = recording(tmp_path / "rec", [FALLBACK, UNFINISHED, GOOD])
    # The slow test command gives the kill a window inside iteration 2.
    args = ["run", "--task", "simplify", "--test", "sleep 1; grep -q fixed app/core.py", "--worker", f"replay:{replay}"]
    process = subprocess.Popen([str(RATCHET), *args, "--task-id", "k1"], cwd=repo.root, start_new_session=True)
    deadline = time.monotonic() + 30
    while not any(event["node"] == "work" and event["iteration"] == 2 for event in _events(repo)):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert ratchet("show", "k1", cwd=repo.root).stdout.count("→") == 1
    result = ratchet("resume", "k1", "--format", "json", cwd=repo.root)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert [(it["n"], it["decision"]) for it in output["iterations"]] == [(1, "continue"), (2, "continue"), (3, "accept")]
    assert repo.git("log", "--format=%s", "ratchet/k1").splitlines() == ["ratchet: iteration 3", "ratchet: iteration 2", "base"]
    # Each iteration was decided exactly once, across the kill, and each played its own recording.
    assert [event["iteration"] for event in _events(repo) if event["node"] == "decide"] == [1, 2, 3]
    transcripts = sorted((repo.root / ".ratchet/runs/k1/transcripts").iterdir())
    assert [json.loads(path.read_text())["summary"] for path in transcripts] == ["attempt 1", "attempt 2", "attempt 3"]
    assert ratchet("resume", "k1", cwd=repo.root).returncode == 2


def test_status_tells_a_live_run_from_a_killed_one(
    git_repo: Callable[..., GitRepo], ratchet: Callable[..., subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    repo = git_repo(BASE)
    replay = recording(tmp_path / "rec", [GOOD])
    # The test command keeps the run busy in its first iteration.
    args = ["run", "--task", "simplify", "--test", "sleep 15", "--worker", f"replay:{replay}", "--task-id", "k1"]
    process = subprocess.Popen([str(RATCHET), *args], cwd=repo.root, start_new_session=True)
    deadline = time.monotonic() + 30
    while not any(event["node"] == "work" for event in _events(repo)):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    # While a process drives the run, it is running, and a second one cannot drive it too.
    assert "k1  running" in ratchet("status", cwd=repo.root).stdout
    twice = ratchet("resume", "k1", cwd=repo.root)
    assert (twice.returncode, twice.stderr.strip()) == (2, "ratchet: error: task 'k1' is running in another process")
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # Killed, it is stopped: nothing drives it until `ratchet resume`.
    assert "k1  stopped    0 iterations" in ratchet("status", cwd=repo.root).stdout
