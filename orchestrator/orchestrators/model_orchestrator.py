"""An orchestrator that asks a model to choose among the routes the policy allows, with a reason."""

from __future__ import annotations

from typing import Any

from graphs.protocols import Decision, Route, RouteNotAllowed, Situation
from orchestrator.model_client import ModelClient, ModelConfig, forced_tool_input, reply_field

INSTRUCTIONS = """You steer a loop in which a coding agent works on a task in iterations. After each
iteration, choose what happens next among the routes offered:
- accept: the task is done; the tests pass and the guard accepted the change.
- continue: same session, the agent gets the feedback and fixes its change.
- restart: a fresh session with the lessons learned; best when the agent repeats the same mistake.
- reassign: another worker takes the task; best when restarts did not help.
- abandon: stop; the budget is better spent elsewhere.
Call the route tool with one of the offered routes and the reason for it."""


def route_tool(allowed: frozenset[Route]) -> dict[str, Any]:
    return {
        "name": "route",
        "description": "Choose the next route of the loop.",
        "input_schema": {
            "type": "object",
            "properties": {
                "route": {"type": "string", "enum": sorted(route.value for route in allowed)},
                "reason": {"type": "string", "description": "why this route, in one or two sentences"},
            },
            "required": ["route", "reason"],
        },
    }


def situation_prompt(situation: Situation) -> str:
    history = "\n".join(f"  iteration {number}: {', '.join(rules) or 'no findings'}" for number, rules in enumerate(situation.findings_history, start=1))
    return (
        f"Iteration {situation.iteration}.\n"
        f"Tests passed: {situation.tests_passed}. Guard verdict: {situation.guard_verdict}.\n"
        f"Judge: {'done' if situation.judge_done else 'not done'} ({situation.judge_reason}).\n"
        f"Guard findings per iteration:\n{history or '  none yet'}\n"
        f"Budget limits reached: {', '.join(situation.limits_reached) if situation.limits_reached else 'none'}.\n"
        f"Routes offered: {', '.join(sorted(route.value for route in situation.allowed))}."
    )


class ModelOrchestrator:
    """Implements `graphs.protocols.Orchestrator`. Raises ModelUnavailable, or RouteNotAllowed."""

    def __init__(self, config: ModelConfig, instructions: str = INSTRUCTIONS) -> None:
        self.instructions = instructions
        self._model = ModelClient(config)

    def decide(self, situation: Situation) -> Decision:
        if not situation.allowed:
            raise ValueError("a situation must allow at least one route")
        messages = [{"role": "user", "content": situation_prompt(situation)}]
        reply = self._model.create(self.instructions, messages, [route_tool(situation.allowed)], {"type": "tool", "name": "route"})
        chosen = forced_tool_input(reply, "route")
        route_name, reason = reply_field(chosen, "route", str), reply_field(chosen, "reason", str)
        if route_name not in {route.value for route in situation.allowed}:
            raise RouteNotAllowed(f"route {route_name!r} is not among the allowed {sorted(situation.allowed)}")
        return Decision(route=Route(route_name), reason=reason, usage=reply.usage)
