"""A scripted Chat Completions server on 127.0.0.1 for the OpenAI agent's tests: it answers POST
/v1/chat/completions from a script, streamed (server-sent events, tool calls split over chunks, usage in the last
chunk when asked) or whole, and records every request. The real `openai` client talks to it."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPENAI_SECRET = "sk-proj-test-0123456789-THIS-OPENAI-KEY-MUST-NOT-LEAK"


@dataclass
class Call:
    """A scripted tool call: its id, tool name and the raw arguments text (need not be JSON)."""

    id: str
    name: str
    arguments: str


def call(call_id: str, name: str, arguments: dict[str, Any] | str) -> Call:
    return Call(call_id, name, arguments if isinstance(arguments, str) else json.dumps(arguments))


@dataclass
class Reply:
    """One scripted answer: a completion (text, tool calls, usage, finish reason) or an error (status, body)."""

    text: str = ""
    calls: list[Call] = field(default_factory=list)
    usage: tuple[int, int, int] = (100, 20, 0)  # prompt (cached included), completion, cached tokens
    finish: str | None = None
    status: int = 200
    error: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    usage_reported: bool = True
    raw: list[dict[str, Any]] | None = None  # streamed as they are (odd servers' chunks), instead of `chunks`
    done: bool = True  # end the stream with `data: [DONE]` (False: it just stops, as a cut-off stream does)
    whole_to_stream: bool = False  # answer a stream request with a whole completion (a server that cannot stream)


def raw_stream(*chunks: dict[str, Any], done: bool = True) -> Reply:
    """A streamed reply of these chunk objects as they are; `chunk()` makes the usual envelope."""
    return Reply(raw=list(chunks), done=done)


def chunk(delta: dict[str, Any] | None, finish: str | None = None) -> dict[str, Any]:
    """A chat.completion.chunk with one choice whose delta is `delta` (None: a null delta)."""
    return {"id": "chatcmpl-raw", "object": "chat.completion.chunk", "created": 1, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}


def completion(text: str = "", *calls: Call, usage: tuple[int, int, int] = (100, 20, 0),
               finish: str | None = None) -> Reply:
    return Reply(text=text, calls=list(calls), usage=usage, finish=finish)


def error(status: int, message: str, *, kind: str = "invalid_request_error", code: str | None = None,
          headers: dict[str, str] | None = None, delay_s: float = 0.0) -> Reply:
    return Reply(status=status, error={"message": message, "type": kind, "param": None, "code": code},
                 headers=headers or {}, delay_s=delay_s)


@dataclass
class Seen:
    body: dict[str, Any]
    headers: dict[str, str]
    path: str
    at: float


def _usage(reply: Reply) -> dict[str, Any]:
    prompt, output, cached = reply.usage
    return {"prompt_tokens": prompt, "completion_tokens": output, "total_tokens": prompt + output,
            "prompt_tokens_details": {"cached_tokens": cached}, "completion_tokens_details": {"reasoning_tokens": 0}}


def _finish(reply: Reply) -> str:
    return reply.finish or ("tool_calls" if reply.calls else "stop")


def whole(reply: Reply, model: str) -> dict[str, Any]:
    """The reply as one chat.completion object."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None, "refusal": None}
    if reply.calls:
        message["tool_calls"] = [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                                 for c in reply.calls]
    body: dict[str, Any] = {"id": f"chatcmpl-{time.monotonic_ns()}", "object": "chat.completion", "created": int(time.time()),
                            "model": model, "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply),
                                                         "logprobs": None}]}
    if reply.usage_reported:
        body["usage"] = _usage(reply)
    return body


def chunks(reply: Reply, model: str, include_usage: bool) -> list[dict[str, Any]]:
    """The reply as chat.completion.chunk objects: the text in three pieces, each tool call's id and name first and
    its arguments in pieces of 7 characters (calls interleaved, as parallel calls stream), the finish reason, then the
    usage in a last chunk without choices when `include_usage`."""
    base = {"id": f"chatcmpl-{time.monotonic_ns()}", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}

    out = [chunk({"role": "assistant", "content": ""})]
    third = max(1, len(reply.text) // 3)
    out += [chunk({"content": reply.text[i:i + third]}) for i in range(0, len(reply.text), third)]
    out += [chunk({"tool_calls": [{"index": i, "id": c.id, "type": "function",
                                   "function": {"name": c.name, "arguments": ""}}]}) for i, c in enumerate(reply.calls)]
    pieces = [[c.arguments[j:j + 7] for j in range(0, len(c.arguments), 7)] for c in reply.calls]
    for step in range(max((len(p) for p in pieces), default=0)):
        for i, parts in enumerate(pieces):
            if step < len(parts):
                out.append(chunk({"tool_calls": [{"index": i, "function": {"arguments": parts[step]}}]}))
    out.append(chunk({}, _finish(reply)))
    if include_usage and reply.usage_reported:
        out.append({**base, "choices": [], "usage": _usage(reply)})
    return out


class FakeChatApi:
    """Answers POST /v1/chat/completions from `script` in order (then `forever`, when set), recording requests.
    Unscripted requests get a 400."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.forever: Reply | None = None
        self.responder: Any = None  # body -> Reply, for unscripted requests (before `forever`)
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self.closing = threading.Event()
        self.on_request: Any = None  # called with the Seen request before answering (in the server thread)
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                seen = Seen(body, {k.lower(): v for k, v in self.headers.items()}, self.path, time.monotonic())
                with api._lock:
                    api.requests.append(seen)
                    if api.script:
                        reply = api.script.pop(0)
                    elif api.responder is not None:
                        reply = api.responder(body)
                    else:
                        reply = api.forever or error(400, "unscripted")
                if api.on_request is not None:
                    api.on_request(seen)
                if self.path != "/v1/chat/completions":
                    reply = error(404, f"no route {self.path}", code="unknown_url")
                if reply.delay_s:
                    api.closing.wait(reply.delay_s)
                try:
                    self._answer(reply, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
                model = str(body.get("model", "?"))
                if reply.error is not None or reply.status != 200:
                    self._send(reply.status, "application/json", json.dumps({"error": reply.error}).encode(), reply)
                    return
                if not body.get("stream") or reply.whole_to_stream:
                    self._send(200, "application/json", json.dumps(whole(reply, model)).encode(), reply)
                    return
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                sent = reply.raw if reply.raw is not None else chunks(reply, model, include_usage)
                events = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in sent)
                self._send(200, "text/event-stream", events + (b"data: [DONE]\n\n" if reply.done else b""), reply)

            def _send(self, status: int, kind: str, payload: bytes, reply: Reply) -> None:
                self.send_response(status)
                self.send_header("content-type", kind)
                self.send_header("content-length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def start(self) -> FakeChatApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()
