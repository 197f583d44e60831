"""The one place Ratchet talks to a model: the official anthropic SDK, its errors translated once.

Errors:
    NoModelCredentials no API key, auth token or credentials: the SDK found none (ANTHROPIC_API_KEY, ...)
    ModelUnavailable   the API failed after the SDK's own retries (status, connection, timeout)
    ModelReplyInvalid  the model answered, but not in the shape its caller forced (e.g. no tool call)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anthropic
from anthropic.types import Message

from graphs.protocols import Usage
from orchestrator.pricing import DEFAULT_PRICES, PriceTable


class NoModelCredentials(Exception):
    """The SDK resolved no credentials; raised on construction, before any request is sent."""


class ModelUnavailable(Exception):
    """The model API failed after the SDK's retries; the cause is chained."""


class ModelReplyInvalid(Exception):
    """The model's reply does not have the shape the caller asked for."""


@dataclass(frozen=True, slots=True)
class ModelConfig:
    """How to reach a model and how to sample it.

    `base_url` and `api_key` left as None mean what they mean to the SDK: ANTHROPIC_BASE_URL
    (else the public API) and ANTHROPIC_API_KEY are read from the environment. `temperature`
    None is not sent: SDK 2.x dropped the parameter (newer models reject it), so a set value is
    passed as an extra body field for the models and servers that still take it.
    """

    model: str = "claude-sonnet-4-5"
    max_tokens: int = 8192
    temperature: float | None = None
    max_retries: int = 4
    timeout_s: float = 600.0
    base_url: str | None = None
    api_key: str | None = None
    prices: PriceTable = DEFAULT_PRICES

    def __post_init__(self) -> None:
        if not self.model:
            raise ValueError("model must be named")
        if self.max_tokens <= 0 or self.timeout_s <= 0 or self.max_retries < 0:
            raise ValueError(f"max_tokens and timeout_s must be positive, max_retries not negative: {self}")
        if self.temperature is not None and not 0.0 <= self.temperature <= 1.0:
            raise ValueError(f"temperature must be within [0, 1], got {self.temperature}")
        # Priced up front (UnknownModelPrice): an unpriced model would otherwise fail after its first call.
        self.prices.price(self.model)


@dataclass(frozen=True, slots=True)
class ModelReply:
    message: Message
    usage: Usage


class ModelClient:
    """Sends Messages API requests for one `ModelConfig` and prices their usage."""

    def __init__(self, config: ModelConfig) -> None:
        self.config = config
        self._client = anthropic.Anthropic(
            base_url=config.base_url, api_key=config.api_key, max_retries=config.max_retries, timeout=config.timeout_s
        )
        # The SDK would only notice at the first request, deep inside a run.
        if self._client.api_key is None and self._client.auth_token is None and self._client.credentials is None:
            raise NoModelCredentials(
                f"{config.model}: no credentials; set ANTHROPIC_API_KEY (any value will do for a local server at ANTHROPIC_BASE_URL)"
            )

    def _usage(self, message: Message) -> Usage:
        tokens_in, tokens_out = message.usage.input_tokens, message.usage.output_tokens
        return Usage(tokens_in, tokens_out, self.config.prices.cost_usd(self.config.model, tokens_in, tokens_out))

    def _arguments(self, system: str, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]], tool_choice: dict[str, Any]) -> dict[str, Any]:
        sampling = {} if self.config.temperature is None else {"temperature": self.config.temperature}
        return {
            "model": self.config.model,
            "max_tokens": self.config.max_tokens,
            "system": system,
            "messages": list(messages),
            "tools": list(tools),
            "tool_choice": tool_choice,
            "extra_body": sampling,
        }

    def create(self, system: str, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]], tool_choice: dict[str, Any]) -> ModelReply:
        """One non-streaming request."""
        try:
            message = self._client.messages.create(**self._arguments(system, messages, tools, tool_choice))
        except anthropic.APIError as exc:
            raise ModelUnavailable(f"{self.config.model}: {exc}") from exc
        return ModelReply(message, self._usage(message))

    def stream(self, system: str, messages: Sequence[dict[str, Any]], tools: Sequence[dict[str, Any]], tool_choice: dict[str, Any]) -> ModelReply:
        """One streamed request, assembled into the final message: long generations do not hit
        the HTTP timeout of a single response."""
        try:
            with self._client.messages.stream(**self._arguments(system, messages, tools, tool_choice)) as stream:
                message = stream.get_final_message()
        except anthropic.APIError as exc:
            raise ModelUnavailable(f"{self.config.model}: {exc}") from exc
        return ModelReply(message, self._usage(message))


def forced_tool_input(reply: ModelReply, tool_name: str) -> dict[str, Any]:
    """The input of the call to `tool_name` the request forced; ModelReplyInvalid without one."""
    calls = [block for block in reply.message.content if block.type == "tool_use" and block.name == tool_name]
    if len(calls) != 1:
        raise ModelReplyInvalid(f"expected one call to {tool_name!r}, got content {[block.type for block in reply.message.content]}")
    arguments = calls[0].input
    if not isinstance(arguments, dict):
        raise ModelReplyInvalid(f"{tool_name!r} input is not an object: {arguments!r}")
    return arguments


def reply_field(arguments: dict[str, Any], name: str, kind: type) -> Any:
    """A required, typed field of a forced tool call's input; ModelReplyInvalid otherwise."""
    if name not in arguments or not isinstance(arguments[name], kind):
        raise ModelReplyInvalid(f"field {name!r} must be a {kind.__name__}, got input {arguments!r}")
    return arguments[name]
