"""Hook input as Claude Code sends it, and the hook commands run in-process with it on stdin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from orchestrator.cli import app

CLEAN = 'def load(data):\n    return data["key"]\n'
FALLBACK = 'def load(data):\n    return data.get("key", None)\n'
SWALLOW = "def load(data):\n    try:\n        return data['key']\n    except Exception:\n        return None\n"


def base_input(cwd: Path, event: str, session_id: str = "3f2c9a1e-5b7d-4e21-9c0a-1d2e3f4a5b6c") -> dict[str, Any]:
    return {
        "session_id": session_id,
        "transcript_path": f"/home/user/.claude/projects/repo/{session_id}.jsonl",
        "cwd": str(cwd),
        "permission_mode": "default",
        "hook_event_name": event,
    }


def session_start_input(cwd: Path, source: str = "startup") -> dict[str, Any]:
    return {**base_input(cwd, "SessionStart"), "source": source}


def stop_input(cwd: Path, active: bool = False, event: str = "Stop") -> dict[str, Any]:
    return {**base_input(cwd, event), "stop_hook_active": active}


def tool_input(cwd: Path, tool_name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {
        **base_input(cwd, "PreToolUse"),
        "tool_name": tool_name,
        "tool_input": arguments,
        "tool_use_id": "toolu_01ABC123",
    }


def run_hook(*args: str, payload: dict[str, Any] | str) -> Result:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return CliRunner().invoke(app, ["hook", "claude-code", *args], input=text)


def output_json(result: Result) -> dict[str, Any]:
    """The hook's stdout as Claude Code parses it; `{}` for a hook that printed nothing."""
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr)
    return json.loads(result.stdout) if result.stdout.strip() else {}
