"""Ratchet inside other agents' loops: Claude Code hooks that gate a session's stops and edits.

    ratchet hook claude-code install          # writes .claude/settings.json
    SessionStart → session-start              # records the session's baseline
    PreToolUse   → pre-tool-use               # denies an Edit/MultiEdit/Write the guard rejects
    Stop         → stop                       # blocks the stop with the guard's feedback
"""

from orchestrator.hooks.claude_code import PROCEED, HookResponse, pre_tool_use, session_start, stop
from orchestrator.hooks.payload import HookInputError, SessionInput, StopInput, ToolInput
from orchestrator.hooks.session import SessionStore, snapshot

__all__ = [
    "PROCEED",
    "HookInputError",
    "HookResponse",
    "SessionInput",
    "SessionStore",
    "StopInput",
    "ToolInput",
    "pre_tool_use",
    "session_start",
    "snapshot",
    "stop",
]
