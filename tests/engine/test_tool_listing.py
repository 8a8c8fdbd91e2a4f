"""Tool listings remembered per process (`open_toolbox(..., listing_key=...)`): later connections see the listing
the first one got, ask the server neither `server/discover` nor `tools/list` again, and still validate every result
against the listed output schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools.base import Tool
from mcp_types import CallToolResult, TextContent

from jira_bench_tui.engine.toolbox import forget_listings, open_toolbox
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.server import listing_key, server_on


@pytest.fixture(autouse=True)
def fresh_listings() -> Iterator[None]:
    forget_listings()
    yield
    forget_listings()


class CountingServer(MCPServer):
    """An MCP server that counts the tools/list requests it answers."""

    listed = 0

    async def list_tools(self) -> Any:
        type(self).listed += 1
        return await super().list_tools()


class BadResultTool(Tool):
    """Declares {"result": string} as its output schema but answers {"result": 5}."""

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        return CallToolResult(content=[TextContent(type="text", text="5")], structured_content={"result": 5})


def _echo(text: str) -> str:
    """Echo a text."""
    return text


def counting_server() -> CountingServer:
    server = CountingServer("counting")
    server.add_tool(_echo, name="echo", structured_output=True)
    base = Tool.from_function(_echo, name="bad", description="Answers off its schema.", structured_output=True)
    server._tool_manager._tools["bad"] = BadResultTool(**{name: getattr(base, name) for name in type(base).model_fields})
    return server


async def test_later_connections_reuse_the_listing_and_still_validate_results() -> None:
    CountingServer.listed = 0
    seen = []
    for _ in range(3):
        async with open_toolbox(counting_server(), listing_key="counting") as toolbox:
            seen.append([(tool.name, tool.description, tool.input_schema) for tool in toolbox.tools])
            assert (await toolbox.call("echo", {"text": "hi"})).text == "hi"
            with pytest.raises(RuntimeError, match="Invalid structured content returned by tool bad"):
                await toolbox.call_tool_raw("bad", {"text": "hi"})
    assert CountingServer.listed == 1  # the first connection listed; the others neither listed nor re-listed
    assert seen[0] == seen[1] == seen[2] and [name for name, _, _ in seen[0]] == ["echo", "bad"]


async def test_without_a_key_every_connection_lists() -> None:
    CountingServer.listed = 0
    for _ in range(2):
        async with open_toolbox(counting_server()) as toolbox:
            assert [tool.name for tool in toolbox.tools] == ["echo", "bad"]
            await toolbox.call("echo", {"text": "hi"})
    assert CountingServer.listed == 2


@pytest.fixture(scope="module")
def example_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return db.prepare_template(load_fixture_file("builtin:example"), tmp_path_factory.mktemp("templates"))


async def _listing_and_answer(template: Path, folder: Path, quirks: Quirks | None = None,
                              key: bool = True) -> tuple[list[Any], str]:
    folder.mkdir()
    conn = db.connect(db.copy_database(template, folder / "jira.sqlite"))
    try:
        server = server_on(conn, folder, quirks)
        async with open_toolbox(server, listing_key=listing_key(server) if key else None) as toolbox:
            tools = [(tool.name, tool.description, tool.input_schema) for tool in toolbox.tools]
            answer = await toolbox.call("jira_get_issue", {"issue_key": "WEB-1"})
        return tools, answer.text
    finally:
        conn.close()


async def test_two_embedded_trials_in_one_process_see_the_same_tools(example_template: Path, tmp_path: Path) -> None:
    fresh = await _listing_and_answer(example_template, tmp_path / "fresh", key=False)
    first = await _listing_and_answer(example_template, tmp_path / "first")
    second = await _listing_and_answer(example_template, tmp_path / "second")
    assert fresh == first == second
    assert len(first[0]) > 20 and all(name.startswith("jira_") for name, _, _ in first[0])


def test_listing_key_covers_the_quirks(example_template: Path, tmp_path: Path) -> None:
    conn = db.connect(db.copy_database(example_template, tmp_path / "jira.sqlite"))
    try:
        default = listing_key(server_on(conn, tmp_path))
        assert listing_key(server_on(conn, tmp_path, Quirks())) == default
        assert listing_key(server_on(conn, tmp_path, Quirks(search_total="count"))) != default
        assert listing_key(MCPServer("other")) is None
    finally:
        conn.close()


async def test_a_quirk_setting_lists_the_tools_it_always_listed(example_template: Path, tmp_path: Path) -> None:
    default = await _listing_and_answer(example_template, tmp_path / "default")
    counted = await _listing_and_answer(example_template, tmp_path / "counted", Quirks(search_total="count"))
    assert counted[0] == default[0]  # the listing does not depend on quirks (the key keeps them apart anyway)
