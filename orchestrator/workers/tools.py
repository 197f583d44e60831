"""Anthropic's client tools, executed inside a worktree: the text editor and bash.

`execute` is an error boundary: whatever goes wrong in one tool call (malformed input, a path
outside the worktree, a missing file, an ambiguous replacement) becomes an `is_error` tool result
the model reads and can act on, instead of ending the attempt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.commands import run_command, sandbox_env

EDITOR = "str_replace_based_edit_tool"
BASH = "bash"
TOOL_DEFINITIONS = (
    {"type": "text_editor_20250728", "name": EDITOR},
    {"type": "bash_20250124", "name": BASH},
)
_HIDDEN_PREFIX = "."


class ToolCallError(Exception):
    """A tool call the model can correct: the message is what it reads."""


@dataclass(frozen=True, slots=True)
class ToolLimits:
    bash_timeout_s: float = 120.0
    max_output_bytes: int = 30_000

    def __post_init__(self) -> None:
        if self.bash_timeout_s <= 0 or self.max_output_bytes <= 0:
            raise ValueError(f"tool limits must be positive: {self}")


@dataclass(frozen=True, slots=True)
class ToolOutcome:
    content: str
    is_error: bool


def _field(arguments: Mapping[str, Any], name: str, kind: type) -> Any:
    if name not in arguments:
        raise ToolCallError(f"missing required field {name!r}")
    value = arguments[name]
    # bool is an int subclass; a line number given as `true` is still malformed.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ToolCallError(f"field {name!r} must be {kind.__name__}, got {type(value).__name__}")
    return value


def inside(root: Path, path_text: str) -> Path:
    """`path_text` resolved within `root` (symlinks followed); ToolCallError if it leads outside."""
    root = root.resolve()
    candidate = Path(path_text)
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not resolved.is_relative_to(root):
        raise ToolCallError(f"{path_text} is outside the workspace {root}; only paths inside it can be used")
    return resolved


def _numbered(text: str, first_line: int) -> str:
    return "\n".join(f"{number:6}\t{line}" for number, line in enumerate(text.split("\n"), start=first_line))


def _view(path: Path, arguments: Mapping[str, Any]) -> str:
    if path.is_dir():
        entries = sorted(
            entry.relative_to(path).as_posix()
            for pattern in ("*", "*/*")
            for entry in path.glob(pattern)
            if not any(part.startswith(_HIDDEN_PREFIX) for part in entry.relative_to(path).parts)
        )
        return "\n".join(entries)
    lines = path.read_text(encoding="utf-8").split("\n")
    if "view_range" not in arguments:
        return _numbered("\n".join(lines), 1)
    view_range = _field(arguments, "view_range", list)
    if len(view_range) != 2 or not all(isinstance(bound, int) for bound in view_range):
        raise ToolCallError("view_range must be [start_line, end_line] (end_line -1 for the end of the file)")
    start, end = view_range
    end = len(lines) if end == -1 else end
    if not 1 <= start <= end <= len(lines):
        raise ToolCallError(f"view_range {view_range} is not within the file's {len(lines)} lines")
    return _numbered("\n".join(lines[start - 1 : end]), start)


def _create(path: Path, arguments: Mapping[str, Any]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_field(arguments, "file_text", str), encoding="utf-8")
    return f"File created: {path.name}"


def _str_replace(path: Path, arguments: Mapping[str, Any]) -> str:
    old, new = _field(arguments, "old_str", str), _field(arguments, "new_str", str)
    text = path.read_text(encoding="utf-8")
    count = text.count(old)
    if count != 1:
        raise ToolCallError(f"old_str must occur exactly once in {path.name}, found {count} occurrences")
    path.write_text(text.replace(old, new), encoding="utf-8")
    return f"Replaced one occurrence in {path.name}"


def _insert(path: Path, arguments: Mapping[str, Any]) -> str:
    line, new_text = _field(arguments, "insert_line", int), _field(arguments, "insert_text", str)
    lines = path.read_text(encoding="utf-8").split("\n")
    if not 0 <= line <= len(lines):
        raise ToolCallError(f"insert_line {line} is not within 0..{len(lines)}")
    lines[line:line] = new_text.split("\n")
    path.write_text("\n".join(lines), encoding="utf-8")
    return f"Inserted after line {line} of {path.name}"


def _edit(root: Path, arguments: Mapping[str, Any]) -> str:
    command = _field(arguments, "command", str)
    path = inside(root, _field(arguments, "path", str))
    if command == "view":
        return _view(path, arguments)
    if command == "create":
        return _create(path, arguments)
    if command == "str_replace":
        return _str_replace(path, arguments)
    if command == "insert":
        return _insert(path, arguments)
    raise ToolCallError(f"unknown command {command!r}; use view, create, str_replace or insert")


def _bash(root: Path, arguments: Mapping[str, Any], limits: ToolLimits) -> ToolOutcome:
    if "restart" in arguments and arguments["restart"] is True:
        # Each command runs in a fresh shell already: there is no session to restart.
        return ToolOutcome("bash restarted", is_error=False)
    result = run_command(_field(arguments, "command", str), root, limits.bash_timeout_s, limits.max_output_bytes, sandbox_env())
    if result.timed_out:
        return ToolOutcome(f"{result.output}\n[timed out after {limits.bash_timeout_s}s; the command was killed]", is_error=True)
    return ToolOutcome(f"{result.output}\n[exit code {result.exit_code}]", is_error=result.exit_code != 0)


def execute(root: Path, name: str, arguments: object, limits: ToolLimits) -> ToolOutcome:
    """Runs one tool call. Error boundary: a failed call becomes an error result for the model."""
    try:
        if not isinstance(arguments, Mapping):
            raise ToolCallError(f"tool input must be an object, got {type(arguments).__name__}")
        if name == EDITOR:
            return ToolOutcome(_edit(root, arguments), is_error=False)
        if name == BASH:
            return _bash(root, arguments, limits)
        raise ToolCallError(f"unknown tool {name!r}; the tools are {EDITOR} and {BASH}")
    except (ToolCallError, OSError, UnicodeDecodeError) as exc:
        return ToolOutcome(f"Error: {exc}", is_error=True)
