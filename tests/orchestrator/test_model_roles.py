from __future__ import annotations

from typing import Any

import pytest

from graphs import protocols
from graphs.protocols import Evidence, Route, RouteNotAllowed, Situation, TaskSpec
from orchestrator.judges.model_judge import ModelJudge
from orchestrator.messages_server import Reply, ScriptedMessagesServer, Text, ToolUse
from orchestrator.model_client import ModelReplyInvalid
from orchestrator.orchestrators.model_orchestrator import ModelOrchestrator
from tests.orchestrator.conftest import model_config

EVIDENCE = Evidence(
    task=TaskSpec("t1", "Make greet() say hello.", "pytest -q"),
    diff="-    return 'bye'\n+    return 'hello'\n",
    tests=protocols.TestRun(passed=True, exit_code=0, output="1 passed"),
    guard_verdict="accept",
    guard_feedback="no findings",
)
SITUATION = Situation(
    iteration=2,
    tests_passed=False,
    guard_verdict="reject",
    judge_done=False,
    judge_reason="tests fail",
    findings_history=(("broad-except",), ("broad-except",)),
    allowed=frozenset({Route.CONTINUE, Route.RESTART, Route.ABANDON}),
)


def _call(name: str, arguments: dict[str, Any]) -> Reply:
    return Reply((ToolUse(name, arguments),), "tool_use")


@pytest.mark.parametrize("done", [True, False])
def test_judge_forces_the_verdict_tool_and_reads_it(done: bool) -> None:
    with ScriptedMessagesServer([_call("verdict", {"done": done, "reason": "checked"})]) as server:
        verdict = ModelJudge(model_config(server)).judge(EVIDENCE)
    assert (verdict.done, verdict.reason, verdict.usage.input_tokens) == (done, "checked", 100)
    [request] = server.requests
    assert request["tool_choice"] == {"type": "tool", "name": "verdict"}
    assert request["tools"][0]["input_schema"]["required"] == ["done", "reason"]
    prompt = request["messages"][0]["content"]
    assert "Make greet() say hello." in prompt and "+    return 'hello'" in prompt and "1 passed" in prompt and "no findings" in prompt


@pytest.mark.parametrize(
    "reply",
    [
        Reply((Text("It is done."),), "end_turn"),
        _call("verdict", {"done": "yes", "reason": "checked"}),
        _call("verdict", {"done": True}),
        _call("other", {"done": True, "reason": "r"}),
    ],
)
def test_judge_rejects_a_reply_that_is_not_a_verdict(reply: Reply) -> None:
    with ScriptedMessagesServer([reply]) as server:
        with pytest.raises(ModelReplyInvalid):
            ModelJudge(model_config(server)).judge(EVIDENCE)


@pytest.mark.parametrize("route", [Route.CONTINUE, Route.RESTART, Route.ABANDON])
def test_orchestrator_offers_only_the_allowed_routes(route: Route) -> None:
    with ScriptedMessagesServer([_call("route", {"route": route.value, "reason": "same finding twice"})]) as server:
        decision = ModelOrchestrator(model_config(server)).decide(SITUATION)
    assert (decision.route, decision.reason) == (route, "same finding twice")
    [request] = server.requests
    assert request["tool_choice"] == {"type": "tool", "name": "route"}
    assert request["tools"][0]["input_schema"]["properties"]["route"]["enum"] == ["abandon", "continue", "restart"]
    assert "broad-except" in request["messages"][0]["content"]


@pytest.mark.parametrize(("arguments", "error"), [({"route": "accept", "reason": "looks fine"}, RouteNotAllowed), ({"route": "continue"}, ModelReplyInvalid)])
def test_orchestrator_refuses_a_route_outside_the_allowed(arguments: dict[str, Any], error: type[Exception]) -> None:
    with ScriptedMessagesServer([_call("route", arguments)]) as server:
        with pytest.raises(error):
            ModelOrchestrator(model_config(server)).decide(SITUATION)
