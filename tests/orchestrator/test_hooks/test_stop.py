"""The SessionStart and Stop hooks on real repositories, with hook input as Claude Code sends it."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RATCHET, GitRepo
from tests.orchestrator.test_hooks.support import (
    CLEAN,
    FALLBACK,
    SWALLOW,
    output_json,
    run_hook,
    session_start_input,
    stop_input,
)

MakeRepo = Callable[..., GitRepo]


def _start(repo: GitRepo) -> None:
    assert output_json(run_hook("session-start", payload=session_start_input(repo.root))) == {}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        ({"app.py": CLEAN.replace("key", "name")}, {}),
        ({"README.md": "only docs\n"}, {}),
        ({"app.py": FALLBACK}, "FB004"),
        ({"new.py": SWALLOW}, "FB001"),
    ],
    ids=["clean-edit", "no-python", "fallback", "untracked-new-file"],
)
def test_stop_blocks_a_rejected_session_change(git_repo: MakeRepo, edit: dict[str, str], expected: object) -> None:
    repo = git_repo({"app.py": CLEAN})
    _start(repo)
    repo.write(edit)
    answer = output_json(run_hook("stop", payload=stop_input(repo.root)))
    if expected == {}:
        assert answer == {}
    else:
        assert answer["decision"] == "block"
        assert str(expected) in answer["reason"]
        assert answer["reason"].startswith("Your change was rejected by the guard")
        assert "block 1 of at most 3" in answer["reason"]


@pytest.mark.parametrize(
    ("session_start", "expected"),
    [(True, {}), (False, "block")],
    ids=["baseline-recorded-dirty", "no-baseline-uses-head"],
)
def test_only_the_sessions_own_edits_are_judged(git_repo: MakeRepo, session_start: bool, expected: object) -> None:
    """The work tree is dirty before the session (a fallback edited in, an untracked file with a
    swallowing handler); the session itself makes a clean edit elsewhere."""
    repo = git_repo({"app.py": CLEAN, "other.py": "X = 1\n"})
    repo.write({"app.py": FALLBACK, "scratch.py": SWALLOW})
    if session_start:
        _start(repo)
    repo.write({"other.py": "X = 2\n"})
    answer = output_json(run_hook("stop", payload=stop_input(repo.root)))
    assert (answer == {}) if expected == {} else answer["decision"] == expected


def test_baseline_snapshot_leaves_index_work_tree_and_refs_alone(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN, "other.py": "X = 1\n"})
    repo.write({"other.py": "X = 2\n", "scratch.py": SWALLOW})
    repo.git("add", "other.py")
    repo.write({"other.py": "X = 3\n"})
    state = (repo.git("status", "--porcelain"), repo.git("diff", "--cached"), repo.git("diff"), repo.git("for-each-ref"))
    _start(repo)
    repo.write({"app.py": FALLBACK})
    assert output_json(run_hook("stop", payload=stop_input(repo.root)))["decision"] == "block"
    repo.write({"app.py": CLEAN})
    assert output_json(run_hook("stop", payload=stop_input(repo.root))) == {}
    assert (repo.git("status", "--porcelain"), repo.git("diff", "--cached"), repo.git("diff"), repo.git("for-each-ref")) == state
    assert (repo.root / ".ratchet" / "hooks" / ".gitignore").read_text() == "*\n"


def test_a_committed_fallback_is_still_the_sessions_change(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    _start(repo)
    repo.write({"app.py": FALLBACK})
    repo.commit("agent commits its work")
    assert "FB004" in output_json(run_hook("stop", payload=stop_input(repo.root)))["reason"]


def test_a_resumed_session_keeps_its_baseline(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    _start(repo)
    repo.write({"app.py": FALLBACK})
    assert output_json(run_hook("session-start", payload=session_start_input(repo.root, "resume"))) == {}
    assert output_json(run_hook("stop", payload=stop_input(repo.root)))["decision"] == "block"


# Each step: the stop_hook_active flag Claude Code sends, and what the hook answers.
CAP_SEQUENCE = [
    (False, "block 1 of at most 2"),
    (True, "block 2 of at most 2"),
    (True, "gives up"),
    (True, "block 1 of at most 2"),
    (False, "block 1 of at most 2"),
    (True, "block 2 of at most 2"),
    (False, "block 1 of at most 2"),
]


def test_consecutive_blocks_are_capped_and_the_hook_says_when_it_gives_up(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    _start(repo)
    repo.write({"app.py": FALLBACK})
    for active, expected in CAP_SEQUENCE:
        answer = output_json(run_hook("stop", "--max-blocks", "2", payload=stop_input(repo.root, active)))
        if expected == "gives up":
            assert "decision" not in answer
            assert "stops blocking" in answer["systemMessage"]
        else:
            assert expected in answer["reason"]


def test_an_accepted_stop_resets_the_count(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    _start(repo)
    repo.write({"app.py": FALLBACK})
    assert "block 1 of" in output_json(run_hook("stop", payload=stop_input(repo.root)))["reason"]
    repo.write({"app.py": CLEAN})
    assert output_json(run_hook("stop", payload=stop_input(repo.root, active=True))) == {}
    repo.write({"app.py": FALLBACK})
    assert "block 1 of" in output_json(run_hook("stop", payload=stop_input(repo.root, active=True)))["reason"]


def test_max_blocks_zero_only_reports(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    repo.write({"app.py": FALLBACK})
    answer = output_json(run_hook("stop", "--max-blocks", "0", payload=stop_input(repo.root)))
    assert list(answer) == ["systemMessage"]


def test_subagent_stop_is_judged_like_stop(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    repo.write({"app.py": FALLBACK})
    answer = output_json(run_hook("stop", payload=stop_input(repo.root, event="SubagentStop")))
    assert answer["decision"] == "block"


def test_outside_a_repository_the_stop_happens(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FALLBACK)
    assert output_json(run_hook("stop", payload=stop_input(tmp_path))) == {}
    assert output_json(run_hook("session-start", payload=session_start_input(tmp_path))) == {}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("not json", "not JSON"),
        ('["a list"]', "JSON object"),
        ('{"cwd": "/tmp", "stop_hook_active": false}', "'session_id'"),
        ('{"session_id": "../../etc", "cwd": "/tmp", "stop_hook_active": false}', "plain identifier"),
        ('{"session_id": "s", "cwd": "/tmp", "stop_hook_active": "yes"}', "must be a bool"),
    ],
)
def test_bad_input_is_a_non_blocking_error(payload: str, message: str) -> None:
    result = run_hook("stop", payload=payload)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert message in result.stderr


def test_a_pruned_baseline_is_a_non_blocking_error(git_repo: MakeRepo) -> None:
    repo = git_repo({"app.py": CLEAN})
    _start(repo)
    (repo.root / ".ratchet" / "hooks" / f"{stop_input(repo.root)['session_id']}.baseline").write_text("0" * 40 + "\n")
    result = run_hook("stop", payload=stop_input(repo.root))
    assert (result.exit_code, result.stdout) == (1, "")
    assert "does not name a commit" in result.stderr


def test_stop_hook_as_a_process(git_repo: MakeRepo) -> None:
    """The console script, as Claude Code runs it: JSON on stdin, JSON on stdout, exit 0."""
    repo = git_repo({"app.py": CLEAN})
    repo.write({"app.py": FALLBACK})
    result = subprocess.run(
        [str(RATCHET), "hook", "claude-code", "stop"],
        input=json.dumps(stop_input(repo.root)),
        cwd=repo.root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["decision"] == "block"
