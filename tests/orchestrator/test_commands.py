from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from orchestrator.commands import run_command, sandbox_env


def _gone(pid: int) -> bool:
    """True once the process no longer runs (absent, or a zombie waiting for its reaper)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return True
    return "\nState:\tZ" in status.read_text()


@pytest.mark.parametrize(
    ("command", "exit_code", "output"),
    [
        ("echo out; echo err >&2", 0, "out\nerr\n"),
        ("exit 3", 3, ""),
        ("printf 'no newline'", 0, "no newline"),
    ],
)
def test_runs_and_captures_combined_output(tmp_path: Path, command: str, exit_code: int, output: str) -> None:
    result = run_command(command, tmp_path, 5.0, 10_000, sandbox_env())
    assert (result.exit_code, result.output, result.timed_out, result.truncated) == (exit_code, output, False, False)


@pytest.mark.parametrize(
    "command",
    [
        "sleep 60",
        "sleep 60 & echo $! > grandchild.pid; wait",
        "bash -c 'sleep 60 & echo $! > grandchild.pid; wait'",
    ],
)
def test_timeout_kills_the_whole_process_group(tmp_path: Path, command: str) -> None:
    started = time.monotonic()
    result = run_command(command, tmp_path, 0.5, 10_000, sandbox_env())
    assert time.monotonic() - started < 2.0
    assert result.timed_out and result.exit_code < 0
    pid_file = tmp_path / "grandchild.pid"
    if pid_file.exists():
        pid = int(pid_file.read_text())
        deadline = time.monotonic() + 2.0
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(pid)


def test_background_job_is_killed_when_the_shell_exits(tmp_path: Path) -> None:
    result = run_command("sleep 60 & echo $! > bg.pid; echo started", tmp_path, 5.0, 10_000, sandbox_env())
    assert (result.exit_code, result.output, result.timed_out) == (0, "started\n", False)
    pid = int((tmp_path / "bg.pid").read_text())
    deadline = time.monotonic() + 2.0
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _gone(pid)


def test_huge_output_keeps_head_and_tail(tmp_path: Path) -> None:
    command = "echo FIRST; head -c 5000000 /dev/zero | tr '\\0' x; echo; echo LAST"
    result = run_command(command, tmp_path, 10.0, 1_000, sandbox_env())
    assert result.truncated and result.exit_code == 0
    assert result.output.startswith("FIRST\n") and result.output.endswith("LAST\n")
    assert "bytes of output omitted" in result.output
    assert len(result.output) < 1_200


@pytest.mark.parametrize("name", ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY"])
def test_sandbox_env_withholds_secrets(tmp_path: Path, name: str) -> None:
    env = sandbox_env({name: "secret-value", "PATH": os.environ["PATH"], "HOME": "/home/x"})
    assert name not in env and env["HOME"] == "/home/x"
    result = run_command(f"echo ${{{name}:-absent}}", tmp_path, 5.0, 1_000, env)
    assert result.output == "absent\n"


def test_sandbox_env_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    monkeypatch.setenv("RATCHET_VISIBLE", "yes")
    env = sandbox_env()
    assert "ANTHROPIC_API_KEY" not in env and env["RATCHET_VISIBLE"] == "yes"
