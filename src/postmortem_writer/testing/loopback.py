"""A loopback OpenAI-compatible server for tests and benchmarks: scripted answers and faults.

It listens on 127.0.0.1 on a free port and answers ``POST /v1/chat/completions`` from a script
(or a function of the request), shaping each answer the way the request asks for it: a tool call
when the request offers tools, message content otherwise. Faults are real HTTP behaviour (status
codes with ``Retry-After``, slow answers, dropped connections, cut-off output), so the openai
client and instructor are exercised exactly as against a misbehaving endpoint.

Given ``routes`` (``"GET /props"`` → a JSON body) it also answers the questions a client asks a
server about itself; ``EMULATED`` holds such routes, and the refusals of request shapes a server
does not take, for each server dialect as its documentation describes it (``emulating``).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from postmortem_writer.chunking import estimate_tokens, event_ids


@dataclass(frozen=True)
class Answer:
    """A completion carrying ``payload`` (a dict sent as JSON, or raw text sent as it is)."""

    payload: dict[str, Any] | str
    finish_reason: str = "stop"
    usage: tuple[int, int] = (100, 20)
    delay: float = 0.0


@dataclass(frozen=True)
class Fault:
    """An HTTP error status, with optional headers such as ``Retry-After``."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "scripted fault"
    delay: float = 0.0


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering (after ``delay`` seconds)."""

    delay: float = 0.0


@dataclass(frozen=True)
class Raw:
    """Any status and body, sent as they are (an HTML error page, an empty ``choices`` list…)."""

    body: str
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass(frozen=True)
class Cut:
    """Start sending ``answer`` (headers announce its full length), stop after ``fraction`` of the body
    and close the connection: a proxy or server dying mid-response."""

    answer: Answer
    fraction: float = 0.5
    delay: float = 0.0


Action = Answer | Fault | Drop | Raw | Cut
Responder = Callable[[dict[str, Any]], Action]


class LoopbackServer:
    """Serves ``script`` in order, or ``responder(request_body)`` for every request.

    ``requests`` holds every request body received. When the script runs out the server answers
    500 and sets ``exhausted``, so a test expecting fewer calls fails loudly.
    """

    def __init__(
        self,
        script: Iterable[Action] = (),
        *,
        responder: Responder | None = None,
        routes: dict[str, Any] | None = None,
    ) -> None:
        self.requests: list[dict[str, Any]] = []
        self.probes: list[str] = []
        """Every question about the server asked (``"GET /props"``), answered or not."""
        self.routes = routes or {}
        self.exhausted = False
        self._script: deque[Action] = deque(script)
        self._responder = responder
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        # shutdown() waits for the serve loop's next poll: the default half second, paid by every test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        """The base URL to give the client (``…/v1``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    @property
    def remaining(self) -> int:
        """Scripted actions not yet served."""
        return len(self._script)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def next_action(self, body: dict[str, Any]) -> Action | None:
        """Record ``body`` and choose the action for it (``None`` once the script is exhausted)."""
        with self._lock:
            self.requests.append(body)
            if self._responder is not None:
                return self._responder(body)
            if not self._script:
                self.exhausted = True
                return None
            return self._script.popleft()


def completion(body: dict[str, Any], answer: Answer) -> dict[str, Any]:
    """The chat completion for ``answer``, shaped as the request asks (tool call or content)."""
    text = answer.payload if isinstance(answer.payload, str) else json.dumps(answer.payload)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    tools = body.get("tools") or []
    if tools:
        name = tools[0]["function"]["name"]
        message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}]
    else:
        message["content"] = text
    prompt, output = answer.usage
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "loopback"),
        "choices": [{"index": 0, "message": message, "finish_reason": answer.finish_reason, "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output},
    }


def _handler(server: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: test output is not the place for an access log."""

        def handle(self) -> None:
            """Serve the connection; a client that gave up (a timeout test) may reset it at any read or
            write, and there is nobody left to tell: without this, socketserver prints a traceback on
            stderr, which a CLI test reads as the tool's own."""
            with contextlib.suppress(ConnectionError):
                super().handle()

        def do_GET(self) -> None:
            self._route("GET")

        def _route(self, method: str) -> None:
            """Answer a question about the server from ``routes`` (a key ending in ``/`` matches a prefix)."""
            asked = f"{method} {self.path}"
            with server._lock:
                server.probes.append(asked)
            found = server.routes.get(asked)
            if found is None:
                found = next((v for k, v in server.routes.items() if k.endswith("/") and asked.startswith(k)), None)
            if found is None:
                self._send(404, {"error": {"message": f"no route {asked}", "type": "not_found"}})
            else:
                self._send_bytes(200, json.dumps(found).encode(), "application/json")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.endswith("/chat/completions"):
                self._route("POST")
                return
            action = server.next_action(body)
            if action is None:
                self._send(500, {"error": {"message": "loopback script exhausted", "type": "server_error"}})
                return
            time.sleep(action.delay)
            if isinstance(action, Drop):
                self.close_connection = True
                self.connection.close()
                return
            if isinstance(action, Raw):
                self._send_bytes(action.status, action.body.encode(), action.content_type)
                return
            if isinstance(action, Cut):
                data = json.dumps(completion(body, action.answer)).encode()
                self._send_bytes(200, data, "application/json", cut=int(len(data) * action.fraction))
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            if isinstance(action, Fault):
                error = {"error": {"message": action.message, "type": "scripted", "code": action.status}}
                self._send(action.status, error, action.headers)
                return
            self._send(200, completion(body, action))

        def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            self._send_bytes(status, json.dumps(payload).encode(), "application/json", headers)

        def _send_bytes(
            self,
            status: int,
            data: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
            *,
            cut: int | None = None,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data if cut is None else data[:cut])
            self.wfile.flush()

    return Handler


def sent_tokens(body: dict[str, Any]) -> int:
    """Estimated tokens (``chunking.estimate_tokens``) of one request ``body``: its messages' text and
    the schema that rides along, as the compact JSON the client sends."""
    schema = body.get("tools") or body.get("response_format") or {}
    text = "\n".join(str(message.get("content") or "") for message in body["messages"])
    return estimate_tokens(text + json.dumps(schema, ensure_ascii=False, separators=(",", ":")))


_ANY_ID = re.compile(r"\bE\d+\b")


def citing_responder(delay: float = 0.0, usage: tuple[int, int] = (0, 20)) -> Responder:
    """Answers every map call with one entry citing the chunk's first event, and the synthesis with
    a one-line summary citing the first id it was shown.

    Plumbing only: the answers are valid and grounded but say nothing about the incident. With
    ``usage=(0, n)`` the prompt tokens reported are estimated from the request's characters.
    """

    def respond(body: dict[str, Any]) -> Action:
        text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
        prompt_tokens = usage[0] or len(text) // 4
        if "ChunkFindings" in json.dumps(body):
            ids = event_ids(text.splitlines())
            payload: dict[str, Any] = {
                "timeline": [{"kind": "other", "description": "Discussion continued.", "evidence": ids[:1]}]
            }
        else:
            ids = _ANY_ID.findall(text.split("INCIDENT_DATA", 1)[-1])
            payload = {"summary": [{"text": "An incident happened.", "evidence": ids[:1]}]}
        return Answer(payload, usage=(prompt_tokens, usage[1]), delay=delay)

    return respond


def request_shape(body: dict[str, Any]) -> str:
    """The ``--mode`` a chat request was sent in, read from its body."""
    if body.get("tools"):
        return "tools"
    shape = body.get("response_format") or {}
    if shape.get("type") == "json_schema":
        return "json-schema"
    if shape.get("type") == "json_object":
        return "json-object-schema" if "schema" in shape else "json"
    return "md-json"


@dataclass(frozen=True)
class Emulated:
    """How one server dialect answers questions about itself, and which request shapes it refuses."""

    routes: dict[str, Any]
    refusals: dict[str, Fault] = field(default_factory=dict)


# What llama-cpp-python's server answers a json_schema response_format with (a pydantic error).
LLAMA_CPP_PYTHON_REFUSAL = (
    "1 validation error for CreateChatCompletionRequest\n"
    "response_format.type\n"
    "  Input should be 'text' or 'json_object' [type=literal_error, input_value='json_schema', input_type=str]"
)


def _models(owned_by: str, **extra: Any) -> dict[str, Any]:
    return {"object": "list", "data": [{"id": "m", "object": "model", "owned_by": owned_by, **extra}]}


EMULATED: dict[str, Emulated] = {
    "llama-server": Emulated(
        {
            "GET /v1/models": _models("llamacpp"),
            "GET /props": {"default_generation_settings": {"n_ctx": 8192}, "total_slots": 2},
        }
    ),
    "llama-server-no-props": Emulated({"GET /v1/models": _models("llamacpp"), "GET /slots": [{"id": 0}, {"id": 1}]}),
    "llama-cpp-python": Emulated(
        {"GET /v1/models": _models("me")},
        {
            "json-schema": Fault(500, message=LLAMA_CPP_PYTHON_REFUSAL),
            "tools": Fault(500, message=LLAMA_CPP_PYTHON_REFUSAL.replace("json_schema", "tools")),
        },
    ),
    "vllm": Emulated({"GET /v1/models": _models("vllm", max_model_len=32768)}),
    "ollama": Emulated(
        {
            "GET /v1/models": _models("library"),
            "POST /api/show": {"parameters": "num_ctx                        16384", "model_info": {}},
        }
    ),
    "lmstudio": Emulated(
        {"GET /v1/models": _models("organization_owner"), "GET /api/v0/models/": {"loaded_context_length": 6144}},
        {
            "json": Fault(400, message="'response_format.type' must be 'json_schema' or 'text'"),
            "json-object-schema": Fault(400, message="'response_format.type' must be 'json_schema' or 'text'"),
            "tools": Fault(
                400, message="Invalid tool_choice type: 'object'. Supported string values: none, auto, required"
            ),
        },
    ),
    # llama-cpp-python behind a proxy that hides /v1/models: known only by how it answers.
    "llama-cpp-python-unrecognised": Emulated({}, {"json-schema": Fault(500, message=LLAMA_CPP_PYTHON_REFUSAL)}),
    # A server that takes nothing but a plain json_object (each refusal names the shape refused).
    "json-only": Emulated(
        {},
        {
            "json-schema": Fault(400, message="response_format json_schema is not supported"),
            "json-object-schema": Fault(400, message="response_format.schema is not supported"),
            "tools": Fault(400, message="tools are not supported"),
        },
    ),
}
"""Server dialects as the loopback plays them (ids of ``llm.dialects`` where one is played as documented)."""


def emulating(dialect: str, responder: Responder) -> tuple[Responder, dict[str, Any]]:
    """A responder that refuses what ``dialect`` refuses and otherwise answers as ``responder``, and
    the routes to give ``LoopbackServer``."""
    played = EMULATED[dialect]

    def respond(body: dict[str, Any]) -> Action:
        refusal = played.refusals.get(request_shape(body))
        return refusal if refusal is not None else responder(body)

    return respond, played.routes
