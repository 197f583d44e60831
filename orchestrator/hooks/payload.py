"""The JSON Claude Code sends a hook command on stdin, read into frozen values.

Only the fields the hooks use are read; Claude Code adds fields over time, so unknown ones are
ignored. A missing or mistyped field the hooks need is a `HookInputError`: the payload is not
what the hooks reference documents, and guessing would judge the wrong change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.hooks.edits import FileEdit, Replacement, Replacements, WholeFile

# A session id names files under `.ratchet/hooks/`, so it must not be able to leave that directory.
_SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


class HookInputError(ValueError):
    """The hook's stdin is not the JSON Claude Code documents for this event."""


def _field(data: dict[str, Any], key: str, kind: type) -> Any:
    if key not in data:
        raise HookInputError(f"hook input has no {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise HookInputError(f"hook input {key!r} must be a {kind.__name__}, not {type(value).__name__}")
    return value


def _optional_field(data: dict[str, Any], key: str, kind: type, absent: Any) -> Any:
    """A field the hooks reference marks optional; `absent` is its documented meaning when missing."""
    return _field(data, key, kind) if key in data else absent


def parse_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HookInputError(f"hook input is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise HookInputError("hook input must be a JSON object")
    return data


def _session_id(data: dict[str, Any]) -> str:
    session_id = _field(data, "session_id", str)
    if not _SESSION_ID.fullmatch(session_id):
        raise HookInputError(f"session id {session_id!r} is not a plain identifier")
    return session_id


@dataclass(frozen=True, slots=True)
class SessionInput:
    """SessionStart: which session, in which directory."""

    session_id: str
    cwd: Path

    @classmethod
    def parse(cls, text: str) -> SessionInput:
        data = parse_object(text)
        return cls(_session_id(data), Path(_field(data, "cwd", str)))


@dataclass(frozen=True, slots=True)
class StopInput:
    """Stop and SubagentStop; `stop_hook_active` is true when a stop hook already made Claude go on."""

    session_id: str
    cwd: Path
    stop_hook_active: bool

    @classmethod
    def parse(cls, text: str) -> StopInput:
        data = parse_object(text)
        return cls(_session_id(data), Path(_field(data, "cwd", str)), _field(data, "stop_hook_active", bool))


EDIT_TOOLS = ("Edit", "MultiEdit", "Write")


@dataclass(frozen=True, slots=True)
class ToolInput:
    """PreToolUse: the tool's name and, for the file-editing tools, the edit it proposes."""

    session_id: str
    cwd: Path
    tool_name: str
    tool_input: dict[str, Any]

    @classmethod
    def parse(cls, text: str) -> ToolInput:
        data = parse_object(text)
        return cls(
            _session_id(data), Path(_field(data, "cwd", str)), _field(data, "tool_name", str), _field(data, "tool_input", dict)
        )

    @property
    def edits_a_file(self) -> bool:
        return self.tool_name in EDIT_TOOLS

    def file_edit(self) -> FileEdit:
        assert self.edits_a_file, f"{self.tool_name} does not edit a file"
        data = self.tool_input
        path = Path(_field(data, "file_path", str))
        if not path.is_absolute():
            raise HookInputError(f"file_path {str(path)!r} is not absolute")
        if self.tool_name == "Write":
            return WholeFile(path, _field(data, "content", str))
        if self.tool_name == "Edit":
            return Replacements(path, (_replacement(data),))
        edits = _field(data, "edits", list)
        if not edits or not all(isinstance(edit, dict) for edit in edits):
            raise HookInputError("MultiEdit 'edits' must be a non-empty list of objects")
        return Replacements(path, tuple(_replacement(edit) for edit in edits))


def _replacement(data: dict[str, Any]) -> Replacement:
    return Replacement(
        _field(data, "old_string", str), _field(data, "new_string", str), _optional_field(data, "replace_all", bool, False)
    )
