"""An optional OpenAI-compatible HTTP endpoint for local integrations (off by default).

It binds to 127.0.0.1 only: any other address is refused before a socket is opened.
It serves one model (the promoted one by default) on ``GET /v1/models`` and
``POST /v1/chat/completions`` (non-streaming; ``response_format`` with a JSON schema
turns on grammar-constrained output). Starting and stopping it is audited, and every
request is logged like a console chat call, with its input redacted. Every request needs the
workspace's bearer token (engine/console/endpoint_token.py) and is logged under its name; request
bodies over MAX_BODY_BYTES and ``max_tokens`` over MAX_TOKENS are refused.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any

from engine.console.models import ConsoleModel
from engine.errors import AirlockError
from engine.seal import host_loopback_listener
from engine.tasks.prompt import end_of_turn, render_chat

if TYPE_CHECKING:
    from engine.console.service import ConsoleService
    from engine.workspace import Workspace

LOOPBACK = "127.0.0.1"
MAX_BODY_BYTES = 1_000_000
MAX_TOKENS = 2048
PORT = 8642


def check_address(host: str) -> str:
    if host not in (LOOPBACK, "localhost"):
        raise AirlockError(f"the local endpoint only binds to {LOOPBACK}; refusing to listen on {host!r} "
                           "(it would expose the model to the network)")
    return LOOPBACK


class LocalEndpoint:
    """Serves one model of a workspace's console (``ws.console.endpoint(...)``; passing the workspace
    itself, as callers did before the console service, works too)."""

    def __init__(self, console: ConsoleService | Workspace, artifact_id: int | None = None, host: str = LOOPBACK,
                 port: int = PORT) -> None:
        from engine.console.service import ConsoleService

        self.host = check_address(host)
        self.console = console if isinstance(console, ConsoleService) else console.console
        self.model: ConsoleModel = self.console.pick_model(artifact_id)
        self.port = port
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.new_token: str | None = None  # set when start() had to issue the first token: show it once

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def start(self) -> LocalEndpoint:
        self.console.membership.require("operator", "the local endpoint")
        if self.console.token.current() is None:
            self.new_token = self.console.token.issue()
        endpoint = self

        class Handler(_Handler):
            owner = endpoint

        # On the machine's loopback even when this process is sealed in its own network namespace
        # (engine/seal.py: the socket is opened by the helper that stayed outside).
        server = HTTPServer((self.host, self.port), Handler, bind_and_activate=False)
        server.socket.close()
        server.socket = host_loopback_listener(self.port)
        server.server_address = server.socket.getsockname()
        server.server_name, server.server_port = self.host, int(server.server_address[1])
        self._server = server
        self.port = int(server.server_address[1])
        store = self.console.store
        with store.unit() as s:
            store.audit.record(s, "console.endpoint_started", f"artifact:{self.model.artifact.id}",
                               {"address": f"{self.host}:{self.port}", "model": self.model.artifact.sha256})
        self._thread = threading.Thread(target=self._server.serve_forever, name="airlock-endpoint",
                                        daemon=True)  # never keeps the app alive
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = None
        store = self.console.store
        with store.unit() as s:
            store.audit.record(s, "console.endpoint_stopped", f"artifact:{self.model.artifact.id}",
                               {"address": f"{self.host}:{self.port}"})

    def __enter__(self) -> LocalEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def model_id(self) -> str:
        return self.model.artifact.name

    def complete(self, body: dict[str, Any], token_name: str = "in-process") -> dict[str, Any]:
        max_tokens = body.get("max_tokens", 256)
        max_tokens = 256 if max_tokens is None else max_tokens
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or not 0 < max_tokens <= MAX_TOKENS:
            raise AirlockError(f"'max_tokens' must be a whole number from 1 to {MAX_TOKENS}, not {max_tokens!r}")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise AirlockError("'messages' must be a non-empty list")
        clean = [{"role": str(m.get("role", "user")), "content": self.console.redact(str(m.get("content", "")))}
                 for m in messages if isinstance(m, dict)]
        prompt = render_chat(self.model.chat_template, clean, add_generation_prompt=True)
        fmt = body.get("response_format") or {}
        schema = fmt.get("json_schema", {}).get("schema") if isinstance(fmt, dict) else None
        start = time.perf_counter()
        with self.console.using(self.model.path) as loaded:
            text = "".join(loaded.stream(prompt, max_tokens=max_tokens,
                                         stop=[end_of_turn(self.model.chat_template).strip()],
                                         schema=schema if isinstance(schema, dict) else None))
            prompt_tokens = len(loaded.tokenize(prompt, add_bos=True))
            completion_tokens = loaded.last_evaluated
        latency = (time.perf_counter() - start) * 1000
        call_id = self.console.log.record(
            artifact_id=self.model.artifact.id, model_sha256=self.model.artifact.sha256, mode="chat",
            redacted_input=clean[-1]["content"], output=text, confidence=None, flagged=False, latency_ms=latency,
            tokens=prompt_tokens + completion_tokens, task_id=None, audit={"via": "endpoint", "token": token_name})
        return {"id": f"chatcmpl-{call_id}", "object": "chat.completion", "created": int(time.time()),
                "model": self.model_id(),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens}}


class _Handler(BaseHTTPRequestHandler):
    owner: LocalEndpoint

    def log_message(self, format: str, *args: Any) -> None:
        return None  # requests are logged as console calls, not on stderr

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, {"error": {"message": message, "type": "invalid_request_error"}})

    def _token_name(self) -> str | None:
        """The calling token's name; answers 401 (and returns None) without a valid bearer token."""
        name = self.owner.console.token.holder(self.headers.get("Authorization"))
        if name is None:
            self._send(401, {"error": {"message": "missing or wrong bearer token: send 'Authorization: Bearer "
                                                  "<token>' (airlock console token rotate issues a new one)",
                                       "type": "authentication_error"}})
        return name

    def do_GET(self) -> None:
        if self._token_name() is None:
            return
        if self.path.rstrip("/") == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": self.owner.model_id(), "object": "model",
                                                         "owned_by": "airlock"}]})
        else:
            self._error(404, f"no route {self.path}")

    def do_POST(self) -> None:
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._error(404, f"no route {self.path}")
            return
        name = self._token_name()
        if name is None:
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self.close_connection = True
                self._send(413, {"error": {"message": f"the request body is {length:,} bytes; the limit is "
                                                      f"{MAX_BODY_BYTES:,}", "type": "invalid_request_error"}})
                return
            body = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(body, dict):
                raise AirlockError("the request body must be a JSON object")
            self._send(200, self.owner.complete(body, name))
        except (AirlockError, json.JSONDecodeError) as exc:
            self._error(400, str(exc))
