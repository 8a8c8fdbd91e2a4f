"""The tool box and the agents over the real embedded Jira (jira.server.build_server) on the example harness."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp.server.mcpserver import MCPServer

from jira_bench_tui.agents.anthropic import AnthropicAgent
from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.agents.retry import RetryPolicy
from jira_bench_tui.harness.loader import LoadedHarness, load_harness
from jira_bench_tui.jira.db import copy_database, prepare_template
from jira_bench_tui.jira.server import build_server, close_server

from .conftest import FakeMessagesApi, message, run_trial, scenario, text, tool_use


@pytest.fixture(scope="module")
def example() -> LoadedHarness:
    return load_harness("builtin:example")


@pytest.fixture
def jira(example: LoadedHarness, tmp_path: Path) -> Iterator[MCPServer]:
    db_path = copy_database(prepare_template(example.fixture), tmp_path / "trial.sqlite")
    server = build_server(db_path)
    yield server
    close_server(server)


@pytest.mark.parametrize("scenario_id", ["start-password-bug", "block-checkout-on-outage", "count-open-storefront-bugs"])
async def test_oracle_plays_every_example_solution_without_a_problem(
    example: LoadedHarness, jira: MCPServer, scenario_id: str
) -> None:
    trial = await run_trial(OracleAgent(), example.harness.scenario(scenario_id), server=jira)
    assert trial.result is not None
    assert [c for c in trial.toolbox.calls if c["is_error"]] == []
    assert not [f for kind, f in trial.events if kind == "log"]
    assert trial.result.final_answer == example.harness.scenario(scenario_id).solution.answer


async def test_oracle_uses_the_key_of_the_issue_it_created(jira: MCPServer) -> None:
    solution = {
        "steps": [
            {"id": "story", "tool": "jira_create_issue",
             "arguments": {"project_key": "WEB", "summary": "Agent-made story", "issue_type": "Task"}},
            {"tool": "jira_add_comment", "arguments": {"issue_key": "{{story.issue.key}}", "body": "Made by the oracle."}},
            {"id": "read", "tool": "jira_get_issue", "arguments": {"issue_key": "{{story.issue.key}}"}},
        ],
        "answer": "Created it.",
    }
    trial = await run_trial(OracleAgent(), scenario(solution=solution), server=jira)
    calls = trial.toolbox.calls
    assert [c["is_error"] for c in calls] == [False, False, False]
    key = json.loads(calls[0]["result"])["issue"]["key"]
    assert key.startswith("WEB-") and calls[1]["arguments"]["issue_key"] == key
    assert "Made by the oracle." in calls[2]["result"]


async def test_the_tool_box_offers_mcp_atlassian_tools_and_reports_their_errors(jira: MCPServer) -> None:
    trial = await run_trial(OracleAgent(), scenario(solution={"steps": [
        {"tool": "jira_get_issue", "arguments": {"issue_key": "NOPE-1"}},
        {"tool": "jira_get_issue", "arguments": {"issue_key": "WEB-1", "colour": "red"}},
    ]}), server=jira)
    names = {tool.name for tool in trial.toolbox.tools}
    assert {"jira_get_issue", "jira_search", "jira_create_issue", "jira_add_comment", "jira_transition_issue"} <= names
    assert all(tool.description and tool.input_schema.get("type") == "object" for tool in trial.toolbox.tools)
    assert [c["is_error"] for c in trial.toolbox.calls] == [True, True]


async def test_claude_agent_over_the_embedded_jira(fake_api: FakeMessagesApi, jira: MCPServer) -> None:
    fake_api.queue(
        message(tool_use("toolu_1", "jira_search", {"jql": "project = WEB ORDER BY key", "fields": "summary,status"})),
        message(text("WEB has issues.")),
    )
    bot = AnthropicAgent("claude-haiku-4-5", retry=RetryPolicy(max_attempts=2, base_delay_s=0.01))
    trial = await run_trial(bot, server=jira)
    await bot.aclose()
    assert trial.result is not None and trial.result.final_answer == "WEB has issues."
    offered = {tool["name"] for tool in fake_api.requests[0].body["tools"]}
    assert "jira_search" in offered and fake_api.requests[0].body["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    result = trial.result.messages[2]["content"][0]
    assert "is_error" not in result and "WEB-1" in result["content"]


async def test_the_jira_server_over_stdio_with_the_mcp_reader() -> None:
    import sys

    from mcp.client.stdio import StdioServerParameters

    from jira_bench_tui.engine.toolbox import open_toolbox
    from jira_bench_tui.jira.reader import McpReader

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "jira_bench_tui", "jira-server", "--fixture", "builtin:example"]
    )
    async with open_toolbox(params, connect_timeout_s=30) as toolbox:
        outcome = await toolbox.call("jira_add_comment", {"issue_key": "WEB-2", "body": "Over stdio."})
        reader = McpReader(toolbox.call_tool_raw)
        issue = await reader.get_issue("WEB-2")
        missing = await reader.get_issue("WEB-999")
    assert not outcome.is_error
    assert issue is not None and any(c["body"] == "Over stdio." for c in issue["comments"])
    assert missing is None
    assert [c["tool"] for c in toolbox.calls] == ["jira_add_comment"]  # the reader's reads are not recorded
