"""A local HTTP server that speaks the Anthropic Messages API and plays a script.

Tests and demos point the real SDK at it (`base_url=server.base_url`): the network path, retries
and streaming are the SDK's own; only the model is scripted. Each POST /v1/messages consumes the
next step of the script:

    Reply(content, stop_reason, usage)   a message, as JSON or as server-sent events (`stream: true`)
    Failure(status, retry_after_ms)      429 / 500 / 529 with the API's error body and retry headers
    callable(request_json) -> step       for behaviour that depends on what the client sent

Every request body is recorded in `requests`, in order, failures included.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

StopReason = Literal["end_turn", "tool_use", "max_tokens", "stop_sequence", "refusal"]
_ERROR_TYPES = {429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Text:
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "text", "text": self.text}


@dataclass(frozen=True, slots=True)
class ToolUse:
    name: str
    input: dict[str, Any]
    id: str = field(default_factory=lambda: f"toolu_{next(_ids):08d}")

    def to_json(self) -> dict[str, Any]:
        return {"type": "tool_use", "id": self.id, "name": self.name, "input": self.input}


@dataclass(frozen=True, slots=True)
class Reply:
    content: tuple[Text | ToolUse, ...]
    stop_reason: StopReason
    input_tokens: int = 100
    output_tokens: int = 20


@dataclass(frozen=True, slots=True)
class Failure:
    """An error answer; the SDK retries 429 and 5xx, waiting `retry_after_ms` (it ignores a 0)."""

    status: Literal[429, 500, 529]
    retry_after_ms: int = 1


Step = Reply | Failure | Callable[[dict[str, Any]], Reply | Failure]


class ScriptExhausted(AssertionError):
    """More requests arrived than the script has steps."""


def _message_json(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": f"msg_{next(_ids):08d}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [block.to_json() for block in reply.content],
        "stop_reason": reply.stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


def _halves(text: str) -> list[str]:
    """Two deltas per block, so that clients are made to accumulate."""
    middle = len(text) // 2
    return [part for part in (text[:middle], text[middle:]) if part]


def _sse_events(reply: Reply, model: str) -> Iterator[dict[str, Any]]:
    start = _message_json(reply, model) | {"content": [], "stop_reason": None}
    start["usage"] = {"input_tokens": reply.input_tokens, "output_tokens": 1}
    yield {"type": "message_start", "message": start}
    for index, block in enumerate(reply.content):
        if isinstance(block, Text):
            yield {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
            deltas = [{"type": "text_delta", "text": part} for part in _halves(block.text)]
        else:
            opening = block.to_json() | {"input": {}}
            yield {"type": "content_block_start", "index": index, "content_block": opening}
            deltas = [{"type": "input_json_delta", "partial_json": part} for part in _halves(json.dumps(block.input))]
        for delta in deltas:
            yield {"type": "content_block_delta", "index": index, "delta": delta}
        yield {"type": "content_block_stop", "index": index}
    yield {
        "type": "message_delta",
        "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
        "usage": {"output_tokens": reply.output_tokens},
    }
    yield {"type": "message_stop"}


class ScriptedMessagesServer:
    """Use as a context manager; `base_url` is valid inside it. Binds 127.0.0.1 on a free port."""

    def __init__(self, script: Sequence[Step]) -> None:
        self._script = list(script)
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), name="scripted-messages-server", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self._script)

    def __enter__(self) -> ScriptedMessagesServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _next_step(self, request: dict[str, Any]) -> Reply | Failure:
        with self._lock:
            self.requests.append(request)
            if not self._script:
                raise ScriptExhausted(f"request {len(self.requests)} has no step left in the script")
            step = self._script.pop(0)
        return step if isinstance(step, (Reply, Failure)) else step(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: tests read `requests`, not the access log."""

            def _send_json(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.send_header("request-id", f"req_{next(_ids):08d}")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _send_error(self, status: int, error_type: str, message: str, headers: dict[str, str]) -> None:
                body = {"type": "error", "error": {"type": error_type, "message": message}}
                self._send_json(status, body, headers)

            def _send_events(self, reply: Reply, model: str) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.end_headers()
                for event in _sse_events(reply, model):
                    self.wfile.write(f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()

            def do_POST(self) -> None:
                if self.path.split("?")[0] != "/v1/messages":
                    self._send_error(404, "not_found_error", f"no route {self.path}", {"x-should-retry": "false"})
                    return
                request = json.loads(self.rfile.read(int(self.headers["content-length"])))
                try:
                    step = server._next_step(request)
                except ScriptExhausted as exc:
                    # The error reaches the client as a 400 the SDK does not retry, and the test fails.
                    self._send_error(400, "invalid_request_error", str(exc), {"x-should-retry": "false"})
                    return
                if isinstance(step, Failure):
                    retry = {"retry-after-ms": str(step.retry_after_ms), "retry-after": str(math.ceil(step.retry_after_ms / 1000))}
                    self._send_error(step.status, _ERROR_TYPES[step.status], f"scripted {step.status}", retry)
                elif "stream" in request and request["stream"]:
                    self._send_events(step, request["model"])
                else:
                    self._send_json(200, _message_json(step, request["model"]), {})

        return Handler
