"""Scripted model behaviour for loop scenarios: callables over the Messages API request.

One server plays every role of a run (worker, model judge, model orchestrator), so `world` tells
the roles apart by the tool the request forces. The worker's behaviour depends on where its
conversation stands: a fresh task gets `on_task`, feedback or a task with lessons gets
`on_feedback`, and after a tool result it ends its turn. Edits are real text editor tool calls the
worker executes on the worktree's files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orchestrator.messages_server import Failure, Reply, Text, ToolUse

Request = dict[str, Any]
Behaviour = Callable[[Request], Reply]
EDITOR = "str_replace_based_edit_tool"
LESSONS_MARKER = "Earlier sessions on this task were stopped"


def edit(path: str, old: str, new: str) -> dict[str, Any]:
    return {"command": "str_replace", "path": path, "old_str": old, "new_str": new}


def last_blocks(request: Request) -> list[dict[str, Any]]:
    content = request["messages"][-1]["content"]
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def tool_results(request: Request) -> list[dict[str, Any]]:
    return [block for block in last_blocks(request) if block["type"] == "tool_result"]


def last_text(request: Request) -> str:
    return "\n".join(block["text"] for block in last_blocks(request) if block["type"] == "text")


def calls(*edits: dict[str, Any]) -> Reply:
    return Reply(tuple(ToolUse(EDITOR, arguments) for arguments in edits), "tool_use")


END = Reply((Text("Done."),), "end_turn")


@dataclass(frozen=True)
class Coder:
    """A worker model: `on_task` for a fresh session's first turn, `on_feedback` for every later prompt."""

    on_task: dict[str, Any]
    on_feedback: dict[str, Any]

    def __call__(self, request: Request) -> Reply:
        if tool_results(request) and not last_text(request):
            return END
        fresh = len(request["messages"]) == 1 and LESSONS_MARKER not in last_text(request)
        return calls(self.on_task if fresh else self.on_feedback)


def judge_reply(request: Request) -> Reply:
    """Done exactly when the evidence shows the guard accepting and the tests passing."""
    prompt = request["messages"][0]["content"]
    done = "<guard verdict='accept'>" in prompt and ">passed" in prompt
    return Reply((ToolUse("verdict", {"done": done, "reason": "scripted judge: " + ("done" if done else "not yet")}),), "tool_use")


def route_reply(request: Request) -> Reply:
    """Accepts when it may; otherwise restarts when it may; otherwise continues or abandons."""
    offered = request["tools"][0]["input_schema"]["properties"]["route"]["enum"]
    route = next(route for route in ("accept", "restart", "continue", "abandon") if route in offered)
    return Reply((ToolUse("route", {"route": route, "reason": f"scripted orchestrator chose {route}"}),), "tool_use")


def world(worker: Behaviour) -> Behaviour:
    """Every role of a run, told apart by the forced tool."""

    def answer(request: Request) -> Reply:
        choice = request["tool_choice"]
        if choice["type"] == "tool" and choice["name"] == "verdict":
            return judge_reply(request)
        if choice["type"] == "tool" and choice["name"] == "route":
            return route_reply(request)
        return worker(request)

    return answer


def roles(request: Request) -> str:
    choice = request["tool_choice"]
    return str(choice["name"]) if choice["type"] == "tool" else "worker"


__all__ = ["END", "Coder", "Failure", "Reply", "calls", "edit", "last_text", "roles", "tool_results", "world"]
