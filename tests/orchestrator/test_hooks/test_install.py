"""`ratchet hook claude-code install/uninstall`: merged into settings.json, removed exactly."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from orchestrator.cli import app
from tests.conftest import RATCHET, GitRepo
from tests.orchestrator.test_hooks.support import CLEAN, FALLBACK, SWALLOW, session_start_input, stop_input, tool_input

USER_HOOK = {"type": "command", "command": "npx prettier --write", "timeout": 30}
EXISTING: list[dict[str, Any]] = [
    {},
    {"permissions": {"allow": ["Bash(npm test)"]}, "model": "opus"},
    {
        "hooks": {
            "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
            "PreToolUse": [{"matcher": "Edit|Write", "hooks": [USER_HOOK]}],
            "PostToolUse": [{"matcher": "Write", "hooks": [USER_HOOK]}],
        },
        "env": {"FOO": "1"},
    },
]


def _cli(*args: str) -> Result:
    return CliRunner().invoke(app, ["hook", "claude-code", *args])


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _commands(settings: dict[str, Any], event: str) -> list[str]:
    return [handler["command"] for group in settings["hooks"][event] for handler in group["hooks"]]


def _kept(existing: dict[str, Any], installed: dict[str, Any]) -> dict[str, Any]:
    """What of `installed` stands where `existing` had something: it must be `existing` itself."""
    kept = {key: installed[key] for key in existing if key != "hooks"}
    if "hooks" in existing:
        kept["hooks"] = {event: installed["hooks"][event][: len(groups)] for event, groups in existing["hooks"].items()}
    return kept


@pytest.mark.parametrize("existing", EXISTING, ids=["empty", "other-settings", "other-hooks"])
def test_install_merges_is_idempotent_and_uninstall_restores(tmp_path: Path, existing: dict[str, Any]) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(json.dumps(existing), encoding="utf-8")
    assert _cli("install", "--project-dir", str(tmp_path)).exit_code == 0
    installed = _read(path)
    assert {event: _commands(installed, event)[-1] for event in ("Stop", "SubagentStop", "SessionStart")} == {
        "Stop": "ratchet hook claude-code stop --max-blocks 3",
        "SubagentStop": "ratchet hook claude-code stop --max-blocks 3",
        "SessionStart": "ratchet hook claude-code session-start",
    }
    assert installed["hooks"]["PreToolUse"][-1] == {
        "matcher": "Edit|MultiEdit|Write",
        "hooks": [{"type": "command", "command": "ratchet hook claude-code pre-tool-use", "timeout": 60}],
    }
    assert _kept(existing, installed) == existing
    assert _cli("install", "--project-dir", str(tmp_path)).exit_code == 0
    assert _read(path) == installed
    assert _cli("uninstall", "--project-dir", str(tmp_path)).exit_code == 0
    assert _read(path) == existing


def test_user_scope_writes_under_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = _cli("install", "--user", "--command", "uv run ratchet", "--max-blocks", "5")
    assert result.exit_code == 0, result.stderr
    settings = _read(tmp_path / "home" / ".claude" / "settings.json")
    assert _commands(settings, "Stop") == ["uv run ratchet hook claude-code stop --max-blocks 5"]
    assert _cli("uninstall", "--user").exit_code == 0
    assert _read(tmp_path / "home" / ".claude" / "settings.json") == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not JSON"), ("[]", "JSON object"), ('{"hooks": {"Stop": {}}}', "hooks.Stop")],
)
def test_a_broken_settings_file_is_left_alone(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / ".claude" / "settings.json"
    path.parent.mkdir()
    path.write_text(content, encoding="utf-8")
    for command in ("install", "uninstall"):
        result = _cli(command, "--project-dir", str(tmp_path))
        assert result.exit_code == 2
        assert message in result.stderr
    assert path.read_text(encoding="utf-8") == content


def test_installed_commands_run_end_to_end(git_repo: Callable[..., GitRepo]) -> None:
    """Install with the console script's path, then run each installed command line through a
    shell the way Claude Code does, with the event's JSON on stdin."""
    repo = git_repo({"app.py": CLEAN})
    assert _cli("install", "--project-dir", str(repo.root), "--command", str(RATCHET)).exit_code == 0
    settings = _read(repo.root / ".claude" / "settings.json")

    def run(event: str, payload: dict[str, Any]) -> dict[str, Any]:
        (command,) = _commands(settings, event)
        result = subprocess.run(command, shell=True, input=json.dumps(payload), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    assert run("SessionStart", session_start_input(repo.root)) == {}
    write = {"file_path": str(repo.root / "app.py"), "content": SWALLOW}
    assert run("PreToolUse", tool_input(repo.root, "Write", write))["hookSpecificOutput"]["permissionDecision"] == "deny"
    repo.write({"app.py": FALLBACK})
    assert run("Stop", stop_input(repo.root))["decision"] == "block"
    repo.write({"app.py": CLEAN})
    assert run("Stop", stop_input(repo.root, active=True)) == {}
