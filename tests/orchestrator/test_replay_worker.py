from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from graphs.protocols import AttemptRequest, Session, TaskSpec, Usage
from orchestrator.workers.replay_worker import ReplayWorker
from orchestrator.workers.replay_worker import ReplayError

TASK = TaskSpec("t1", "Make greet() say hello.", "pytest -q")
PATCH = """\
--- a/greet.py
+++ b/greet.py
@@ -1,2 +1,2 @@
 def greet():
-    return 'bye'
+    return 'hello'
"""


def _git_workspace(root: Path) -> Path:
    root.mkdir()
    (root / "greet.py").write_text("def greet():\n    return 'bye'\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


@pytest.fixture()
def recording(tmp_path: Path) -> Path:
    folder = tmp_path / "recording"
    (folder / "01").mkdir(parents=True)
    (folder / "01" / "change.patch").write_text(PATCH)
    (folder / "01" / "summary.txt").write_text("patched greet\n")
    (folder / "02" / "files" / "pkg").mkdir(parents=True)
    (folder / "02" / "files" / "pkg" / "extra.py").write_text("X = 1\n")
    (folder / "02" / "summary.txt").write_text("added extra")
    return folder


def test_plays_recorded_attempts_in_order(tmp_path: Path, recording: Path) -> None:
    workspace = _git_workspace(tmp_path / "worktree")
    worker = ReplayWorker(recording)
    first = worker.attempt(AttemptRequest(TASK, workspace, Session("replay", 1), "task", attempt=1))
    assert (first.summary, first.usage, first.session.state) == ("patched greet", Usage(), {"replayed": 1})
    assert (workspace / "greet.py").read_text() == "def greet():\n    return 'hello'\n"
    second = worker.attempt(AttemptRequest(TASK, workspace, first.session, "feedback", attempt=2))
    assert (second.summary, second.session.state) == ("added extra", {"replayed": 2})
    assert (workspace / "pkg" / "extra.py").read_text() == "X = 1\n"
    with pytest.raises(ReplayError, match="no attempt 3"):
        worker.attempt(AttemptRequest(TASK, workspace, second.session, "feedback", attempt=3))


@pytest.mark.parametrize("session", [Session("replay", 1, {"replayed": 1}), Session("replay", 2)], ids=["resumed", "restarted"])
def test_plays_the_attempt_the_request_names_whatever_the_session(tmp_path: Path, recording: Path, session: Session) -> None:
    workspace = _git_workspace(tmp_path / "worktree")
    attempt = ReplayWorker(recording).attempt(AttemptRequest(TASK, workspace, session, "feedback", attempt=2))
    assert attempt.summary == "added extra" and (workspace / "greet.py").read_text() == "def greet():\n    return 'bye'\n"
    assert attempt.session.number == session.number


def test_a_patch_that_does_not_apply_is_an_error(tmp_path: Path, recording: Path) -> None:
    workspace = _git_workspace(tmp_path / "worktree")
    (workspace / "greet.py").write_text("something else\n")
    with pytest.raises(ReplayError, match="does not apply"):
        ReplayWorker(recording).attempt(AttemptRequest(TASK, workspace, Session("replay", 1), "task"))
