from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graphs.protocols import AttemptRequest, Session, TaskSpec
from orchestrator.messages_server import Failure, Reply, ScriptedMessagesServer, Text, ToolUse
from orchestrator.model_client import ModelUnavailable
from orchestrator.workers.anthropic_worker import AnthropicWorker, AnthropicWorkerConfig
from orchestrator.workers.tools import ToolLimits
from tests.orchestrator.conftest import model_config

TASK = TaskSpec(task_id="t1", instruction="Make greet() say hello.", test_command="pytest -q")


def _worker(server: ScriptedMessagesServer, max_turns: int = 10, max_retries: int = 3) -> AnthropicWorker:
    config = AnthropicWorkerConfig(model=model_config(server, max_retries), max_turns=max_turns, tools=ToolLimits(bash_timeout_s=5.0))
    return AnthropicWorker(config)


def _request(workspace: Path, session: Session, message: str = "Make greet() say hello.") -> AttemptRequest:
    return AttemptRequest(task=TASK, workspace=workspace, session=session, message=message)


def _tool_results(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in request["messages"][-1]["content"] if block["type"] == "tool_result"]


def _end(text: str = "done") -> Reply:
    return Reply((Text(text),), "end_turn")


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "worktree"
    root.mkdir()
    (root / "greet.py").write_text("def greet():\n    return 'bye'\n")
    return root


def test_edits_runs_bash_and_ends_turn(workspace: Path) -> None:
    script = [
        Reply((Text("Fixing."), ToolUse("str_replace_based_edit_tool", {"command": "str_replace", "path": "greet.py", "old_str": "'bye'", "new_str": "'hello'"})), "tool_use"),
        Reply((ToolUse("bash", {"command": "python -c 'import greet; print(greet.greet())'"}),), "tool_use"),
        _end("greet() now says hello."),
    ]
    with ScriptedMessagesServer(script) as server:
        attempt = _worker(server).attempt(_request(workspace, Session("anthropic", 1)))
    assert (workspace / "greet.py").read_text() == "def greet():\n    return 'hello'\n"
    assert attempt.summary == "greet() now says hello."
    assert (attempt.usage.input_tokens, attempt.usage.output_tokens) == (300, 60)
    assert attempt.usage.cost_usd == pytest.approx((300 * 1.0 + 60 * 2.0) / 1_000_000)
    edit_result, bash_result = _tool_results(server.requests[1]), _tool_results(server.requests[2])
    assert [result["is_error"] for result in edit_result + bash_result] == [False, False]
    assert bash_result[0]["content"] == "hello\n\n[exit code 0]"
    assert [tool["type"] for tool in server.requests[0]["tools"]] == ["text_editor_20250728", "bash_20250124"]
    assert all(request["stream"] for request in server.requests)


def test_overloaded_and_rate_limited_answers_are_retried(workspace: Path) -> None:
    with ScriptedMessagesServer([Failure(529), Failure(429), Failure(500), _end()]) as server:
        attempt = _worker(server).attempt(_request(workspace, Session("anthropic", 1)))
    assert attempt.summary == "done" and len(server.requests) == 4


def test_failures_beyond_the_retries_become_model_unavailable(workspace: Path) -> None:
    with ScriptedMessagesServer([Failure(529), Failure(529)]) as server:
        with pytest.raises(ModelUnavailable) as raised:
            _worker(server, max_retries=1).attempt(_request(workspace, Session("anthropic", 1)))
    assert "overloaded_error" in str(raised.value) and raised.value.__cause__ is not None


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("grep", {"pattern": "x"}, "unknown tool 'grep'"),
        ("str_replace_based_edit_tool", {"command": "delete", "path": "greet.py"}, "unknown command 'delete'"),
        ("str_replace_based_edit_tool", {"command": "str_replace", "path": "greet.py"}, "missing required field 'old_str'"),
        ("str_replace_based_edit_tool", {"command": "insert", "path": "greet.py", "insert_line": "2", "insert_text": "x"}, "field 'insert_line' must be int"),
        ("str_replace_based_edit_tool", {"command": "str_replace", "path": "greet.py", "old_str": "nothing", "new_str": ""}, "found 0 occurrences"),
        ("str_replace_based_edit_tool", {"command": "view", "path": "missing.py"}, "No such file"),
        ("str_replace_based_edit_tool", {"command": "view", "path": "/etc/passwd"}, "outside the workspace"),
        ("str_replace_based_edit_tool", {"command": "create", "path": "../escape.py", "file_text": "x"}, "outside the workspace"),
        ("str_replace_based_edit_tool", {"command": "view", "path": "link/passwd"}, "outside the workspace"),
        ("bash", {}, "missing required field 'command'"),
        ("bash", {"command": "exit 4"}, "[exit code 4]"),
    ],
)
def test_malformed_or_refused_tool_call_is_an_error_result_and_the_model_recovers(workspace: Path, name: str, arguments: dict[str, Any], error: str) -> None:
    (workspace / "link").symlink_to("/etc")
    fix = ToolUse("str_replace_based_edit_tool", {"command": "create", "path": "fixed.txt", "file_text": "ok\n"})
    script = [Reply((ToolUse(name, arguments),), "tool_use"), Reply((fix,), "tool_use"), _end("recovered")]
    with ScriptedMessagesServer(script) as server:
        attempt = _worker(server).attempt(_request(workspace, Session("anthropic", 1)))
    [failed] = _tool_results(server.requests[1])
    assert failed["is_error"] is True and error in failed["content"]
    assert _tool_results(server.requests[2])[0]["is_error"] is False
    assert (workspace / "fixed.txt").read_text() == "ok\n" and not (workspace.parent / "escape.py").exists()
    assert attempt.summary == "recovered"


def test_editor_view_insert_and_create(workspace: Path) -> None:
    calls = [
        {"command": "insert", "path": "greet.py", "insert_line": 0, "insert_text": "# greeting"},
        {"command": "view", "path": str(workspace / "greet.py"), "view_range": [1, 2]},
        {"command": "create", "path": "pkg/new.py", "file_text": "X = 1\n"},
        {"command": "view", "path": "."},
    ]
    script = [Reply(tuple(ToolUse("str_replace_based_edit_tool", call) for call in calls), "tool_use"), _end()]
    with ScriptedMessagesServer(script) as server:
        _worker(server).attempt(_request(workspace, Session("anthropic", 1)))
    results = [result["content"] for result in _tool_results(server.requests[1])]
    assert results[1] == "     1\t# greeting\n     2\tdef greet():"
    assert results[3].split("\n") == ["greet.py", "pkg", "pkg/new.py"]
    assert (workspace / "pkg/new.py").read_text() == "X = 1\n"


def test_continue_appends_feedback_and_restart_starts_over(workspace: Path) -> None:
    with ScriptedMessagesServer([_end("first"), _end("second"), _end("fresh")]) as server:
        worker = _worker(server)
        first = worker.attempt(_request(workspace, Session("anthropic", 1)))
        worker.attempt(_request(workspace, first.session, "Tests fail: fix greet."))
        worker.attempt(_request(workspace, Session("anthropic", 2), "Task again, with lessons."))
    continued, fresh = server.requests[1]["messages"], server.requests[2]["messages"]
    assert [turn["role"] for turn in continued] == ["user", "assistant", "user"]
    assert continued[1]["content"] == [{"type": "text", "text": "first"}]
    assert continued[2]["content"] == [{"type": "text", "text": "Tests fail: fix greet."}]
    assert fresh == [{"role": "user", "content": [{"type": "text", "text": "Task again, with lessons."}]}]


def test_turn_cap_stops_and_continuation_joins_the_tool_results(workspace: Path) -> None:
    looping = Reply((ToolUse("bash", {"command": "true"}),), "tool_use")
    with ScriptedMessagesServer([looping, looping, _end()]) as server:
        worker = _worker(server, max_turns=2)
        capped = worker.attempt(_request(workspace, Session("anthropic", 1)))
        worker.attempt(_request(workspace, capped.session, "Keep going."))
    assert "turn cap of 2" in capped.summary
    last_user = server.requests[2]["messages"][-1]["content"]
    assert [block["type"] for block in last_user] == ["tool_result", "text"]
    assert [turn["role"] for turn in server.requests[2]["messages"]] == ["user", "assistant", "user", "assistant", "user"]
