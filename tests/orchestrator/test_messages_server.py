from __future__ import annotations

from typing import Any

import anthropic
import pytest

from orchestrator.messages_server import Failure, Reply, ScriptedMessagesServer, Text, ToolUse

REPLY = Reply((Text("Looking at the file."), ToolUse("bash", {"command": "ls -la", "nested": {"a": [1, 2]}}, id="toolu_1")), "tool_use", 12, 34)
REQUEST: dict[str, Any] = {"model": "scripted-model", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}


def _client(server: ScriptedMessagesServer, max_retries: int = 2) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=server.base_url, api_key="test-key", max_retries=max_retries)


def _create(client: anthropic.Anthropic) -> anthropic.types.Message:
    return client.messages.create(**REQUEST)


def _stream(client: anthropic.Anthropic) -> anthropic.types.Message:
    with client.messages.stream(**REQUEST) as stream:
        return stream.get_final_message()


@pytest.mark.parametrize("send", [_create, _stream])
def test_sdk_reads_the_reply_streamed_or_not(send: Any) -> None:
    with ScriptedMessagesServer([REPLY]) as server:
        message = send(_client(server))
    assert [block.type for block in message.content] == ["text", "tool_use"]
    assert message.content[0].text == "Looking at the file."
    assert (message.content[1].id, message.content[1].name, message.content[1].input) == ("toolu_1", "bash", {"command": "ls -la", "nested": {"a": [1, 2]}})
    assert (message.stop_reason, message.usage.input_tokens, message.usage.output_tokens) == ("tool_use", 12, 34)
    assert server.requests[0]["messages"] == REQUEST["messages"]


def test_stream_events_arrive_in_the_documented_order() -> None:
    with ScriptedMessagesServer([REPLY]) as server:
        with _client(server).messages.stream(**REQUEST) as stream:
            kinds = [event.type for event in stream if event.type in {"message_start", "content_block_start", "content_block_stop", "message_delta", "message_stop"}]
            text = stream.get_final_text()
    assert kinds == ["message_start", "content_block_start", "content_block_stop", "content_block_start", "content_block_stop", "message_delta", "message_stop"]
    assert text == "Looking at the file."


@pytest.mark.parametrize(("status", "error_class"), [(429, anthropic.RateLimitError), (529, anthropic.OverloadedError), (500, anthropic.InternalServerError)])
@pytest.mark.parametrize("send", [_create, _stream])
def test_errors_are_retried_then_raised_with_the_api_error_body(status: int, error_class: type[anthropic.APIStatusError], send: Any) -> None:
    with ScriptedMessagesServer([Failure(status), REPLY]) as server:
        assert send(_client(server)).stop_reason == "tool_use"
    with ScriptedMessagesServer([Failure(status), Failure(status)]) as server:
        with pytest.raises(error_class) as raised:
            send(_client(server, max_retries=1))
    assert raised.value.status_code == status and raised.value.body["type"] == "error"
    assert len(server.requests) == 2


def test_callable_steps_see_the_request() -> None:
    def echo(request: dict[str, Any]) -> Reply:
        return Reply((Text(request["messages"][-1]["content"].upper()),), "end_turn")

    with ScriptedMessagesServer([echo]) as server:
        message = _create(_client(server))
    assert message.content[0].text == "HI"


def test_an_exhausted_script_is_an_error_the_sdk_does_not_retry() -> None:
    with ScriptedMessagesServer([]) as server:
        with pytest.raises(anthropic.BadRequestError, match="no step left"):
            _create(_client(server))
    assert len(server.requests) == 1 and server.remaining == 0
