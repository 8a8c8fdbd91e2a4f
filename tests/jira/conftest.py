"""Shared fixtures for the embedded Jira's tests: a database built from a test fixture, an in-process MCP client
over it, and a dump to prove that failed calls change nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp.client import Client
from mcp_types import CallToolResult, TextContent

from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.server import build_server, close_server

HERE = Path(__file__).parent
SAMPLE_SITE = HERE / "fixtures" / "sample_site.json"
REFERENCE = HERE / "reference"


def text_of(result: CallToolResult) -> str:
    """The one text block every tool result carries."""
    block = result.content[0]
    assert isinstance(block, TextContent), block
    return block.text


def dump_database(path: Path) -> str:
    """Every row of every table, in a stable order."""
    conn = sqlite3.connect(str(path))
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return db.prepare_template(load_fixture_file(str(SAMPLE_SITE)), tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def default_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return db.prepare_template(load_fixture_file("builtin:default"), tmp_path_factory.mktemp("templates"))


@pytest.fixture
def default_db(default_template: Path, tmp_path: Path) -> Path:
    return db.copy_database(default_template, tmp_path / "default.sqlite")


@pytest.fixture
def sample_db(sample_template: Path, tmp_path: Path) -> Path:
    return db.copy_database(sample_template, tmp_path / "jira.sqlite")


class JiraSession:
    """An MCP client on the embedded Jira, with short ways to call tools."""

    def __init__(self, client: Client, db_path: Path) -> None:
        self.client = client
        self.db_path = db_path

    async def call(self, tool: str, **arguments: Any) -> tuple[Any, bool]:
        result = await self.client.call_tool(tool, arguments)
        text = text_of(result)
        return (text if result.is_error else json.loads(text)), bool(result.is_error)

    async def ok(self, tool: str, **arguments: Any) -> Any:
        data, is_error = await self.call(tool, **arguments)
        assert not is_error, data
        return data

    async def error(self, tool: str, **arguments: Any) -> str:
        data, is_error = await self.call(tool, **arguments)
        assert is_error, data
        return data

    async def raw(self, tool: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        result = await self.client.call_tool(tool, arguments)
        return text_of(result), bool(result.is_error)

    def dump(self) -> str:
        return dump_database(self.db_path)


@asynccontextmanager
async def open_jira(db_path: Path, quirks: Quirks | None = None) -> AsyncIterator[JiraSession]:
    """An in-process MCP client on the database (a context manager, so the client's task scope stays in one task)."""
    server = build_server(db_path, quirks)
    try:
        async with Client(server) as client:
            yield JiraSession(client, db_path)
    finally:
        close_server(server)
