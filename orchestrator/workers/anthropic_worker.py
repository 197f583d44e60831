"""The built-in worker: a tool-use loop on the anthropic SDK with the text editor and bash tools.

The conversation is kept, as Messages API JSON, in `Session.state["messages"]`: a continued
session appends the feedback as the next user message; a fresh session starts a new conversation
with the task prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from anthropic.types import ContentBlock

from graphs.protocols import Attempt, AttemptRequest, Session, Usage
from orchestrator.model_client import ModelClient, ModelConfig
from orchestrator.workers.tools import TOOL_DEFINITIONS, ToolLimits, execute

SYSTEM_PROMPT = """You are a software engineer working in a git worktree, which is your current directory.
Make the change the task asks for with the str_replace_based_edit_tool and bash tools, run the
tests, and end your turn with a short summary of what you changed and why. Fix causes where they
arise; do not add fallbacks, broad exception handlers or defensive early returns to make symptoms
disappear, and do not weaken tests."""


@dataclass(frozen=True, slots=True)
class AnthropicWorkerConfig:
    """`max_turns` caps model calls per attempt; the attempt then stops and can be continued."""

    model: ModelConfig = field(default_factory=ModelConfig)
    max_turns: int = 40
    tools: ToolLimits = field(default_factory=ToolLimits)
    system_prompt: str = SYSTEM_PROMPT

    def __post_init__(self) -> None:
        if self.max_turns <= 0:
            raise ValueError(f"max_turns must be positive, got {self.max_turns}")


def _block_json(block: ContentBlock) -> dict[str, Any]:
    """The assistant's block as it is sent back: only the fields the API takes as input."""
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return block.to_dict()


def _opening(session: Session, message: str) -> list[dict[str, Any]]:
    """The conversation to send: a new one for a fresh session, else the history plus `message`.

    A history that stopped at the turn cap ends with the user's tool results; the feedback joins
    that message, so that user and assistant turns keep alternating.
    """
    if not session.state:
        return [{"role": "user", "content": [{"type": "text", "text": message}]}]
    history = [dict(turn) for turn in session.state["messages"]]
    feedback = {"type": "text", "text": message}
    if history[-1]["role"] == "user":
        history[-1] = history[-1] | {"content": [*history[-1]["content"], feedback]}
        return history
    return [*history, {"role": "user", "content": [feedback]}]


class AnthropicWorker:
    """Implements `graphs.protocols.Worker`. Raises ModelUnavailable when the API fails for good."""

    def __init__(self, config: AnthropicWorkerConfig, name: str = "anthropic") -> None:
        self.name = name
        self.config = config
        self._model = ModelClient(config.model)

    def attempt(self, request: AttemptRequest) -> Attempt:
        messages = _opening(request.session, request.message)
        usage = Usage()
        summary = ""
        for _turn in range(self.config.max_turns):
            reply = self._model.stream(self.config.system_prompt, messages, TOOL_DEFINITIONS, {"type": "auto"})
            usage = usage + reply.usage
            messages.append({"role": "assistant", "content": [_block_json(block) for block in reply.message.content]})
            summary = "\n".join(block.text for block in reply.message.content if block.type == "text")
            calls = [block for block in reply.message.content if block.type == "tool_use"]
            if not calls:
                break
            # Every tool_use needs its result in the next user turn, whatever the stop reason.
            results = []
            for call in calls:
                outcome = execute(request.workspace, call.name, call.input, self.config.tools)
                results.append({"type": "tool_result", "tool_use_id": call.id, "content": outcome.content, "is_error": outcome.is_error})
            messages.append({"role": "user", "content": results})
        else:
            summary = f"{summary}\n[stopped at the turn cap of {self.config.max_turns} model calls]".strip()
        session = replace(request.session, state={"messages": messages})
        return Attempt(session=session, summary=summary, usage=usage)
