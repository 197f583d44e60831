"""A judge that asks a model whether the task is done, with a rubric and a forced `verdict` call."""

from __future__ import annotations

from graphs.protocols import Evidence, JudgeVerdict
from orchestrator.model_client import ModelClient, ModelConfig, forced_tool_input, reply_field

RUBRIC = """You review one iteration of a coding agent's work. Decide whether the task is done.
It is done only if all of these hold:
1. The diff does what the task asks, completely, and nothing unrelated.
2. The tests pass, and they were not weakened (no deleted asserts, skipped or loosened tests).
3. The guard accepted the change; its findings name fallbacks, swallowed errors or removed
   invariants that hide a problem instead of fixing its cause.
Answer by calling the verdict tool: done, and a reason the agent can act on if not done."""

VERDICT_TOOL = {
    "name": "verdict",
    "description": "Record whether the task is done, and why.",
    "input_schema": {
        "type": "object",
        "properties": {
            "done": {"type": "boolean", "description": "true only if every rubric item holds"},
            "reason": {"type": "string", "description": "why; if not done, what to change"},
        },
        "required": ["done", "reason"],
    },
}


def evidence_prompt(evidence: Evidence) -> str:
    tests = "passed" if evidence.tests.passed else f"FAILED (exit code {evidence.tests.exit_code})"
    timed_out = " after timing out" if evidence.tests.timed_out else ""
    return (
        f"<task>\n{evidence.task.instruction}\n</task>\n"
        f"<diff>\n{evidence.diff}\n</diff>\n"
        f"<tests command={evidence.task.test_command!r}>{tests}{timed_out}\n{evidence.tests.output}\n</tests>\n"
        f"<guard verdict={evidence.guard_verdict!r}>\n{evidence.guard_feedback}\n</guard>"
    )


class ModelJudge:
    """Implements `graphs.protocols.Judge`. Raises ModelUnavailable, or ModelReplyInvalid for a
    verdict that does not match its schema."""

    def __init__(self, config: ModelConfig, rubric: str = RUBRIC) -> None:
        self.rubric = rubric
        self._model = ModelClient(config)

    def judge(self, evidence: Evidence) -> JudgeVerdict:
        messages = [{"role": "user", "content": evidence_prompt(evidence)}]
        reply = self._model.create(self.rubric, messages, [VERDICT_TOOL], {"type": "tool", "name": "verdict"})
        verdict = forced_tool_input(reply, "verdict")
        done, reason = reply_field(verdict, "done", bool), reply_field(verdict, "reason", str)
        return JudgeVerdict(done=done, reason=reason, usage=reply.usage)
