"""Running a shell command for an agent or a test: bounded in time and in output, secrets withheld.

The command runs in its own process group, so a timeout (or a background job the command left
behind) is ended by killing the whole group, grandchildren included.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# Names of environment variables that hold credentials; an agent's commands never see them.
_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|^ANTHROPIC_", re.IGNORECASE)
_POLL_S = 0.02
_READ_CHUNK = 65536


@dataclass(frozen=True, slots=True)
class CommandResult:
    """`output` is stdout and stderr interleaved; `exit_code` is negative when a signal ended it."""

    exit_code: int
    output: str
    timed_out: bool
    truncated: bool


class _BoundedOutput:
    """Keeps the first and the last `limit // 2` bytes of a stream and counts what it dropped."""

    def __init__(self, limit: int) -> None:
        assert limit > 0
        self._half = limit // 2
        self._head = bytearray()
        self._tail = bytearray()
        self._dropped = 0

    def add(self, chunk: bytes) -> None:
        room = self._half - len(self._head)
        self._head += chunk[:room]
        self._tail += chunk[room:] if room > 0 else chunk
        excess = len(self._tail) - self._half
        if excess > 0:
            del self._tail[:excess]
            self._dropped += excess

    @property
    def truncated(self) -> bool:
        return self._dropped > 0

    def text(self) -> str:
        marker = f"\n[... {self._dropped} bytes of output omitted ...]\n".encode() if self.truncated else b""
        return bytes(self._head + marker + self._tail).decode("utf-8", errors="replace")


def sandbox_env(source: Mapping[str, str] = os.environ) -> dict[str, str]:
    """A copy of `source` without credentials (API keys, tokens, secrets, passwords)."""
    return {name: value for name, value in source.items() if not _SECRET_NAME.search(name)}


def _leader_exited(pid: int) -> bool:
    # WNOWAIT leaves the leader a zombie: its process group then still exists, so the group kill
    # below can never miss (no ProcessLookupError to handle), and `wait` still gets its status.
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _drain_ready(fd: int, output: _BoundedOutput, wait_s: float) -> bool:
    """Reads what is available within `wait_s`; False once the pipe reached end of file."""
    ready, _, _ = select.select([fd], [], [], wait_s)
    if not ready:
        return True
    chunk = os.read(fd, _READ_CHUNK)
    output.add(chunk)
    return bool(chunk)


def run_command(command: str, cwd: Path, timeout_s: float, max_output_bytes: int, env: Mapping[str, str]) -> CommandResult:
    """Runs `command` with bash in `cwd`; at `timeout_s` the whole process group is killed.

    The command is over when its shell exits; whatever it left running in the background is
    killed then too, so nothing outlives the call.
    """
    if timeout_s <= 0 or max_output_bytes <= 0:
        raise ValueError(f"timeout_s and max_output_bytes must be positive, got {timeout_s}, {max_output_bytes}")
    deadline = time.monotonic() + timeout_s
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    assert process.stdout is not None
    fd = process.stdout.fileno()
    output = _BoundedOutput(max_output_bytes)
    pipe_open = True
    exited = False
    while not exited and time.monotonic() < deadline:
        if pipe_open:
            pipe_open = _drain_ready(fd, output, min(_POLL_S, max(0.0, deadline - time.monotonic())))
        else:
            time.sleep(_POLL_S)
        exited = _leader_exited(process.pid)
    os.killpg(process.pid, signal.SIGKILL)
    # What the group wrote before it was killed is still in the pipe; an instant select bounds
    # this even if a process that left the group keeps the pipe open.
    while pipe_open and select.select([fd], [], [], 0.0)[0]:
        pipe_open = _drain_ready(fd, output, 0.0)
    exit_code = process.wait()
    process.stdout.close()
    return CommandResult(exit_code=exit_code, output=output.text(), timed_out=not exited, truncated=output.truncated)
