"""Shared fixtures for the built-in suite's tests: the loaded builtin:core harness, the paths of the wrong- and
right-answer tables, and an in-process MCP client on a fresh copy of the default fixture's Jira."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp.client import Client
from mcp.types import TextContent

from jira_bench_tui.harness.loader import LoadedHarness, load_harness
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.server import build_server, close_server

HERE = Path(__file__).parent
WRONG_ANSWERS = HERE / "wrong_answers.json"
RIGHT_ANSWERS = HERE / "right_answers.json"


@pytest.fixture(scope="session")
def core() -> LoadedHarness:
    return load_harness("builtin:core")


@pytest.fixture(scope="session")
def default_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return db.prepare_template(load_fixture_file("builtin:default"), tmp_path_factory.mktemp("templates"))


class DefaultJira:
    """An MCP client on the default fixture's Jira: `ok` calls a tool and returns its parsed JSON result."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def ok(self, tool: str, **arguments: Any) -> Any:
        result = await self.client.call_tool(tool, arguments)
        content = result.content[0]
        assert isinstance(content, TextContent), content
        text = content.text
        assert not result.is_error, text
        return json.loads(text)

    async def keys(self, jql: str) -> list[str]:
        found = await self.ok("jira_search", jql=jql, fields="summary", limit=50)
        return [issue["key"] for issue in found["issues"]]


@asynccontextmanager
async def open_default_jira(template: Path, folder: Path) -> AsyncIterator[DefaultJira]:
    """A client on a fresh copy of the default Jira. A context manager inside the test, not an async fixture: the MCP
    client's task group must be entered and left in the same task."""
    server = build_server(db.copy_database(template, folder / "jira.sqlite"))
    try:
        async with Client(server) as client:
            yield DefaultJira(client)
    finally:
        close_server(server)
