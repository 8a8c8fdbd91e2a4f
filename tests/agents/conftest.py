"""Fixtures for the agents' tests: a scripted Messages API server on 127.0.0.1, a tiny MCP server, and a helper that
runs an agent over it through the real tool box."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from jira_bench_tui.agents.base import Agent, AgentContext, AgentResult
from jira_bench_tui.engine.toolbox import McpToolBox, open_toolbox
from jira_bench_tui.harness.schema import Limits, Scenario

SECRET_KEY = "sk-ant-test-0123456789-THIS-KEY-MUST-NOT-LEAK"


# ---- the scripted Messages API -----------------------------------------------------------------------------------


@dataclass
class Reply:
    """One scripted answer: a status, a JSON body, headers, and an optional delay before answering."""

    body: dict[str, Any]
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def tool_use(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_use", "id": call_id, "name": name, "input": arguments}


def message(*blocks: dict[str, Any], usage: tuple[int, int, int, int] = (100, 20, 0, 0), stop: str | None = None) -> Reply:
    """A 200 answer with these content blocks; usage is (input, output, cache write, cache read) tokens."""
    stop_reason = stop or ("tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn")
    return Reply(
        {
            "id": f"msg_{time.monotonic_ns()}",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": list(blocks),
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": usage[0],
                "output_tokens": usage[1],
                "cache_creation_input_tokens": usage[2],
                "cache_read_input_tokens": usage[3],
            },
        }
    )


def api_error(status: int, kind: str, detail: str, headers: dict[str, str] | None = None, delay_s: float = 0.0) -> Reply:
    return Reply({"type": "error", "error": {"type": kind, "message": detail}}, status, headers or {}, delay_s)


@dataclass
class Seen:
    """A request the fake API got."""

    body: dict[str, Any]
    headers: dict[str, str]
    at: float


class FakeMessagesApi:
    """Answers POST /v1/messages from `script`, in order, and records every request. Unscripted requests get a 400."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self.closing = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                with api._lock:
                    api.requests.append(Seen(body, {k.lower(): v for k, v in self.headers.items()}, time.monotonic()))
                    reply = api.script.pop(0) if api.script else api_error(400, "invalid_request_error", "unscripted")
                if self.path != "/v1/messages":
                    reply = api_error(404, "not_found_error", f"no route {self.path}")
                if reply.delay_s:
                    api.closing.wait(reply.delay_s)
                payload = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def queue(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMessagesApi]:
    """The fake API, with ANTHROPIC_BASE_URL pointing at it and a recognisable ANTHROPIC_API_KEY set."""
    api = FakeMessagesApi()
    api.thread.start()
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET_KEY)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    yield api
    api.closing.set()
    api.server.shutdown()
    api.server.server_close()


# ---- a tiny MCP server and a trial around it -----------------------------------------------------------------------


def tiny_jira() -> MCPServer:
    """Three tools over an in-memory dict of issues, enough to exercise tool use and placeholders."""
    server = MCPServer("tiny-jira")
    issues: dict[str, dict[str, Any]] = {"T-1": {"key": "T-1", "summary": "Login bug", "labels": ["web"], "comments": []}}

    @server.tool()
    def create_issue(summary: str, labels: list[str] | None = None) -> dict[str, Any]:
        """Create an issue."""
        key = f"T-{len(issues) + 1}"
        issues[key] = {"key": key, "summary": summary, "labels": labels or [], "comments": []}
        return {"message": "Issue created", "issue": issues[key]}

    @server.tool()
    def get_issue(issue_key: str) -> dict[str, Any]:
        """Read an issue."""
        if issue_key not in issues:
            raise ToolError(f"Issue {issue_key} not found")
        return issues[issue_key]

    @server.tool()
    def add_comment(issue_key: str, body: str) -> dict[str, Any]:
        """Comment on an issue."""
        if issue_key not in issues:
            raise ToolError(f"Issue {issue_key} not found")
        issues[issue_key]["comments"].append(body)
        return {"issue_key": issue_key, "body": body}

    return server


def scenario(**changes: Any) -> Scenario:
    data: dict[str, Any] = {
        "id": "comment-login-bug",
        "prompt": "Comment 'on it' on T-1.",
        "checks": [{"kind": "answer", "contains": ["done"]}],
        "solution": {"steps": [], "answer": "Done."},
    }
    data.update(changes)
    return Scenario.model_validate(data)


@dataclass
class TrialRecord:
    result: AgentResult | None
    events: list[tuple[str, dict[str, Any]]]
    toolbox: McpToolBox
    error: BaseException | None = None

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        return [fields for kind, fields in self.events if kind == type_]


async def run_trial(
    agent: Agent,
    the_scenario: Scenario | None = None,
    *,
    limits: Limits | None = None,
    repetition: int = 1,
    server: MCPServer | None = None,
    expect_error: type[BaseException] | None = None,
) -> TrialRecord:
    """Run `agent` for one trial over the tiny Jira (through the real McpToolBox), recording events the engine
    would get from emit and the tool box hooks."""
    events: list[tuple[str, dict[str, Any]]] = []

    def emit(type_: str, fields: dict[str, Any]) -> None:
        events.append((type_, fields))

    the_scenario = the_scenario or scenario()
    async with open_toolbox(
        server or tiny_jira(),
        on_call=lambda step: events.append(("tool_call", step)),
        on_result=lambda step: events.append(("tool_result", step)),
        call_timeout_s=5.0,
    ) as toolbox:
        ctx = AgentContext(
            scenario=the_scenario,
            repetition=repetition,
            system_prompt="You work a Jira through tools.",
            prompt=the_scenario.prompt,
            limits=limits or Limits(),
            toolbox=toolbox,
            emit=toolbox.track_turns(emit),
        )
        if expect_error is not None:
            with pytest.raises(expect_error) as caught:
                await agent.run(ctx)
            return TrialRecord(None, events, toolbox, caught.value)
        result = await agent.run(ctx)
        return TrialRecord(result, events, toolbox)
