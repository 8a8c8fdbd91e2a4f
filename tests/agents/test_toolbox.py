"""McpToolBox through the MCP protocol: listing, calls, errors, timeouts, hooks and events, stdio servers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.stdio import StdioServerParameters
from mcp.server.mcpserver import MCPServer

from jira_bench_tui.engine.toolbox import ToolBoxError, open_toolbox, tool_call_event, tool_result_event

from .conftest import tiny_jira

DATA = Path(__file__).parent / "data"


def slow_server() -> MCPServer:
    server = MCPServer("slow")

    @server.tool()
    async def hang() -> str:
        """Never answers in time."""
        await anyio.sleep(30)
        return "woke"

    @server.tool()
    def long_text() -> str:
        """A long result."""
        return "x" * 5000

    return server


async def test_tools_calls_and_records() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []
    async with open_toolbox(
        tiny_jira(), on_call=lambda s: seen.append(("call", s)), on_result=lambda s: seen.append(("result", s))
    ) as toolbox:
        assert [t.name for t in toolbox.tools] == ["create_issue", "get_issue", "add_comment"]
        schema = toolbox.tools[1].input_schema
        assert schema["required"] == ["issue_key"] and toolbox.tools[1].description == "Read an issue."
        ok = await toolbox.call("get_issue", {"issue_key": "T-1"}, call_id="toolu_1")
        missing = await toolbox.call("get_issue", {"issue_key": "T-9"})
        unknown = await toolbox.call("jira_fly", {"to": "moon"})
        bad_args = await toolbox.call("get_issue", {})
        raw = await toolbox.call_tool_raw("get_issue", {"issue_key": "T-1"})
    assert not ok.is_error and '"key": "T-1"' in ok.text and ok.duration_s > 0
    assert missing.is_error and "Issue T-9 not found" in missing.text
    assert unknown.is_error and unknown.text == "Unknown tool 'jira_fly'"
    assert bad_args.is_error and "issue_key" in bad_args.text
    assert raw == (ok.text, False)
    # four recorded calls (the raw one is not), numbered when the caller gives no id
    assert [c["call_id"] for c in toolbox.calls] == ["toolu_1", "call_1", "call_2", "call_3"]
    step = toolbox.calls[0]
    assert set(step) == {"kind", "turn", "call_id", "tool", "arguments", "result", "is_error", "duration_s"}
    assert step["kind"] == "tool_call" and step["arguments"] == {"issue_key": "T-1"}
    assert [kind for kind, _ in seen] == ["call", "result"] * 4
    assert "result" not in seen[0][1] and seen[1][1] == step


async def test_a_hung_tool_times_out_into_an_error_outcome() -> None:
    async with open_toolbox(slow_server(), call_timeout_s=0.2) as toolbox:
        with anyio.fail_after(5):
            outcome = await toolbox.call("hang", {})
        again = await toolbox.call("long_text", {})  # the session still works after a timeout
    assert outcome.is_error and outcome.text == "Tool 'hang' timed out after 0.2 s"
    assert 0.15 < outcome.duration_s < 2.0
    assert not again.is_error


async def test_event_fields_follow_the_run_folder_contract() -> None:
    async with open_toolbox(slow_server()) as toolbox:
        toolbox.turn = 3
        await toolbox.call("long_text", {}, call_id="toolu_9")
    step = toolbox.calls[0]
    assert tool_call_event(step) == {"turn": 3, "call_id": "toolu_9", "tool": "long_text", "arguments": {}}
    event = tool_result_event(step)
    assert set(event) == {"turn", "call_id", "tool", "is_error", "duration_ms", "result"}
    assert len(event["result"]) == 2000 and len(step["result"]) == 5000


async def test_track_turns_numbers_calls_by_the_agent_message_before_them() -> None:
    got: list[str] = []
    async with open_toolbox(tiny_jira()) as toolbox:
        emit = toolbox.track_turns(lambda type_, fields: got.append(type_))
        emit("agent_message", {"turn": 2, "text": ""})
        await toolbox.call("get_issue", {"issue_key": "T-1"})
        emit("log", {"level": "info", "message": "x"})
    assert toolbox.calls[0]["turn"] == 2 and got == ["agent_message", "log"]


async def test_a_stdio_server() -> None:
    params = StdioServerParameters(command=sys.executable, args=[str(DATA / "stdio_echo_server.py")])
    async with open_toolbox(params) as toolbox:
        assert [t.name for t in toolbox.tools] == ["echo"]
        outcome = await toolbox.call("echo", {"text": "over stdio"})
    assert outcome.text == "over stdio" and not outcome.is_error


@pytest.mark.parametrize(
    "command,reason",
    [("/nonexistent/mcp-server", "No such file or directory"), ("true", "Connection closed")],
)
async def test_an_unreachable_server_command_is_a_clear_error(command: str, reason: str) -> None:
    with pytest.raises(ToolBoxError) as caught:
        async with open_toolbox(StdioServerParameters(command=command), connect_timeout_s=5):
            pass
    assert str(caught.value).startswith(f"could not connect to the MCP server `{command}`: ")
    assert reason in str(caught.value)


async def test_an_exception_in_the_body_comes_out_unwrapped() -> None:
    from jira_bench_tui.agents.base import FatalAgentError

    with pytest.raises(FatalAgentError, match="rejected the key"):
        async with open_toolbox(tiny_jira()) as toolbox:
            await toolbox.call("get_issue", {"issue_key": "T-1"})
            raise FatalAgentError("the Anthropic API rejected the key (401): check ANTHROPIC_API_KEY")
