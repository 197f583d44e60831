"""Ratchet's entries in a Claude Code `settings.json`: added next to what is there, removed exactly.

An entry is a matcher group `{"matcher": ..., "hooks": [{"type": "command", "command": ...}]}`
under its event in the file's `hooks` object. Ratchet's handlers are recognised by their command
(`… ratchet hook claude-code <hook> …`), so `uninstall` removes them wherever they ended up and
nothing else; a group left empty by that goes too, and so do an event list and a `hooks` object
left empty.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_OURS = re.compile(r"(^|[\s/])ratchet hook claude-code (session-start|stop|pre-tool-use)\b")


class SettingsError(ValueError):
    """The settings file is not the JSON object Claude Code reads."""


@dataclass(frozen=True, slots=True)
class HookEntry:
    event: str
    matcher: str
    subcommand: str
    timeout_s: int


ENTRIES = (
    HookEntry("SessionStart", "", "session-start", 30),
    HookEntry("Stop", "", "stop", 120),
    HookEntry("SubagentStop", "", "stop", 120),
    HookEntry("PreToolUse", "Edit|MultiEdit|Write", "pre-tool-use", 60),
)


def settings_path(user: bool, project_dir: Path) -> Path:
    """`~/.claude/settings.json` (`$HOME` decides `~`) or the project's shared `.claude/settings.json`."""
    return (Path.home() if user else project_dir) / ".claude" / "settings.json"


def command_line(executable: str, entry: HookEntry, max_blocks: int) -> str:
    words = [*shlex.split(executable), "hook", "claude-code", entry.subcommand]
    if entry.subcommand == "stop":
        words += ["--max-blocks", str(max_blocks)]
    return shlex.join(words)


def _is_ours(handler: Any) -> bool:
    """Prompt and agent handlers carry no command, so they are never ratchet's."""
    return (
        isinstance(handler, dict)
        and "command" in handler
        and isinstance(handler["command"], str)
        and _OURS.search(handler["command"]) is not None
    )


def _is_group(group: Any) -> bool:
    return isinstance(group, dict) and "hooks" in group and isinstance(group["hooks"], list)


def _check_hooks(path: Path, hooks: Any) -> None:
    if not isinstance(hooks, dict):
        raise SettingsError(f"{path}: 'hooks' must be an object")
    for event, groups in hooks.items():
        if not isinstance(groups, list) or not all(_is_group(group) for group in groups):
            raise SettingsError(f"{path}: hooks.{event} must be a list of matcher groups, each with a 'hooks' list")


def read_settings(path: Path) -> dict[str, Any]:
    """The settings as Claude Code would read them; `{}` for a file that does not exist yet."""
    if not path.is_file():
        return {}
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path} is not JSON: {exc}") from exc
    if not isinstance(settings, dict):
        raise SettingsError(f"{path} must hold a JSON object")
    if "hooks" in settings:
        _check_hooks(path, settings["hooks"])
    return settings


def write_settings(path: Path, settings: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def install(settings: dict[str, Any], executable: str, max_blocks: int) -> dict[str, Any]:
    """`settings` with ratchet's entries added; an event that already has a ratchet handler is
    left as it is, so installing twice changes nothing."""
    hooks: dict[str, Any] = dict(settings["hooks"]) if "hooks" in settings else {}
    for entry in ENTRIES:
        groups = list(hooks[entry.event]) if entry.event in hooks else []
        if any(_is_ours(handler) for group in groups for handler in group["hooks"]):
            continue
        handler = {"type": "command", "command": command_line(executable, entry, max_blocks), "timeout": entry.timeout_s}
        group: dict[str, Any] = {"matcher": entry.matcher, "hooks": [handler]} if entry.matcher else {"hooks": [handler]}
        hooks[entry.event] = [*groups, group]
    return {**settings, "hooks": hooks}


def _without_ours(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups without ratchet's handlers; a group that held only ratchet's goes entirely."""
    kept = []
    for group in groups:
        handlers = [handler for handler in group["hooks"] if not _is_ours(handler)]
        if handlers or not group["hooks"]:
            kept.append({**group, "hooks": handlers})
    return kept


def uninstall(settings: dict[str, Any]) -> dict[str, Any]:
    """`settings` without ratchet's handlers, and without the containers their removal emptied."""
    if "hooks" not in settings:
        return settings
    hooks = {event: _without_ours(groups) for event, groups in settings["hooks"].items()}
    hooks = {event: groups for event, groups in hooks.items() if groups or not settings["hooks"][event]}
    remaining = {key: value for key, value in settings.items() if key != "hooks"}
    return {**remaining, "hooks": hooks} if hooks or not settings["hooks"] else remaining
