"""A worker that plays recorded attempts from a folder, for demos and regression tests.

Attempt N of a task is `DIR/NN/` (01, 02, ...) holding `summary.txt` and either `change.patch`
(applied with `git apply` in the worktree) or `files/` (copied over the worktree). N is the
request's `attempt`, which the loop counts from its recorded iterations: a resumed run plays the
attempt it would have played without the interruption, and a restarted session goes on with the
next recorded attempt instead of starting over at 01.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

from graphs.protocols import Attempt, AttemptRequest, Usage


class ReplayError(Exception):
    """The recording has no such attempt, or it does not apply to the worktree."""


class ReplayWorker:
    """Implements `graphs.protocols.Worker` over a recording directory."""

    def __init__(self, recording: Path, name: str = "replay") -> None:
        if not recording.is_dir():
            raise ReplayError(f"no recording directory at {recording}")
        self.name = name
        self.recording = recording

    def attempt(self, request: AttemptRequest) -> Attempt:
        folder = self.recording / f"{request.attempt:02d}"
        if not folder.is_dir():
            raise ReplayError(f"{self.recording} has no attempt {request.attempt} (expected {folder})")
        patch, files = folder / "change.patch", folder / "files"
        if patch.is_file() == files.is_dir():
            raise ReplayError(f"{folder} must hold exactly one of change.patch and files/")
        if patch.is_file():
            applied = subprocess.run(["git", "apply", str(patch.resolve())], cwd=request.workspace, capture_output=True, text=True)
            if applied.returncode != 0:
                raise ReplayError(f"{patch} does not apply in {request.workspace}: {applied.stderr.strip()}")
        else:
            shutil.copytree(files, request.workspace, dirs_exist_ok=True)
        summary = (folder / "summary.txt").read_text(encoding="utf-8").strip()
        session = replace(request.session, state={"replayed": request.attempt})
        return Attempt(session=session, summary=summary, usage=Usage())
