"""The PreToolUse hook: Edit, MultiEdit and Write applied in memory and judged before they land."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GitRepo
from tests.orchestrator.test_hooks.support import CLEAN, SWALLOW, output_json, run_hook, tool_input

MakeRepo = Callable[..., GitRepo]
TWICE = 'def a(data):\n    return data["key"]\n\n\ndef b(data):\n    return data["key"]\n'


def _edit(old: str, new: str, **extra: Any) -> Callable[[Path], dict[str, Any]]:
    return lambda file: {"file_path": str(file), "old_string": old, "new_string": new, **extra}


CASES = [
    ("Edit", "app.py", _edit('data["key"]', 'data["name"]'), "allow"),
    ("Edit", "app.py", _edit('data["key"]', 'data.get("key", None)'), "FB004"),
    ("Edit", "app.py", _edit("not in the file", "x = 1"), "allow"),
    ("Edit", "twice.py", _edit('data["key"]', 'data.get("key")'), "allow"),
    ("Edit", "twice.py", _edit('data["key"]', 'data.get("key", {})', replace_all=True), "FB004"),
    ("Edit", "created.py", _edit("", SWALLOW), "FB001"),
    ("Edit", "missing.py", _edit("x", "y"), "allow"),
    (
        "MultiEdit",
        "app.py",
        lambda file: {
            "file_path": str(file),
            "edits": [
                {"old_string": "def load(data):\n", "new_string": 'def load(data):\n    """The key."""\n'},
                {"old_string": 'data["key"]', "new_string": 'data.get("key", "")'},
            ],
        },
        "FB004",
    ),
    (
        "MultiEdit",
        "app.py",
        lambda file: {
            "file_path": str(file),
            "edits": [{"old_string": "def load", "new_string": "def read"}, {"old_string": "absent", "new_string": "x"}],
        },
        "allow",
    ),
    ("Write", "pkg/new.py", lambda file: {"file_path": str(file), "content": SWALLOW}, "FB001"),
    ("Write", "app.py", lambda file: {"file_path": str(file), "content": CLEAN + "\n\nX = 1\n"}, "allow"),
    ("Write", "notes.txt", lambda file: {"file_path": str(file), "content": SWALLOW}, "allow"),
    ("Write", "vendored/lib.py", lambda file: {"file_path": str(file), "content": SWALLOW}, "allow"),
    ("Bash", "app.py", lambda file: {"command": f"rm {file}", "description": "remove"}, "allow"),
    ("Read", "app.py", lambda file: {"file_path": str(file)}, "allow"),
]


@pytest.mark.parametrize(("tool", "path", "arguments", "expected"), CASES)
def test_pre_tool_use_denies_edits_the_guard_rejects(
    git_repo: MakeRepo, tool: str, path: str, arguments: Callable[[Path], dict[str, Any]], expected: str
) -> None:
    repo = git_repo(
        {
            "app.py": CLEAN,
            "twice.py": TWICE,
            "pyproject.toml": '[tool.ratchet]\nexclude = ["vendored/**"]\n',
        }
    )
    file = repo.root / path
    before = file.read_bytes() if file.is_file() else None
    answer = output_json(run_hook("pre-tool-use", payload=tool_input(repo.root, tool, arguments(file))))
    if expected == "allow":
        assert answer == {}
    else:
        decision = answer["hookSpecificOutput"]
        assert (decision["hookEventName"], decision["permissionDecision"]) == ("PreToolUse", "deny")
        assert decision["permissionDecisionReason"].startswith(f"ratchet: this {tool} of {path} was not applied.")
        assert expected in decision["permissionDecisionReason"]
    assert (file.read_bytes() if file.is_file() else None) == before


def test_a_file_outside_any_repository_is_allowed(tmp_path: Path) -> None:
    file = tmp_path / "loose.py"
    answer = output_json(run_hook("pre-tool-use", payload=tool_input(tmp_path, "Write", {"file_path": str(file), "content": SWALLOW})))
    assert answer == {}


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("Write", {"file_path": "relative.py", "content": ""}, "not absolute"),
        ("Edit", {"file_path": "/tmp/a.py", "old_string": "a"}, "'new_string'"),
        ("MultiEdit", {"file_path": "/tmp/a.py", "edits": []}, "non-empty list"),
        ("Write", {"file_path": "/tmp/a.py", "content": 3}, "must be a str"),
    ],
)
def test_malformed_tool_input_is_a_non_blocking_error(tmp_path: Path, tool: str, arguments: dict[str, Any], message: str) -> None:
    result = run_hook("pre-tool-use", payload=tool_input(tmp_path, tool, arguments))
    assert (result.exit_code, result.stdout) == (1, "")
    assert message in result.stderr
