"""Benchmark the embedded Jira: median in-process MCP tool call (jira_get_issue over mcp.client.Client) against an
empty tool's floor, and median JQL search over a generated 10,000-issue Jira.

Run: .venv/bin/python benchmarks/jira_tools.py   (no arguments; prints `jira_tools: ...` last)
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from mcp.client import Client
from mcp.server.mcpserver import MCPServer

from jira_bench_tui.jira import db
from jira_bench_tui.jira.jql import search
from jira_bench_tui.jira.server import build_server, close_server
from jira_bench_tui.jira.synthetic import synthetic_fixture

CALLS = 1000
QUERIES = [
    "project = P1X AND status = 'In Progress' ORDER BY priority DESC, updated DESC",
    "assignee = currentUser() AND resolution = Unresolved ORDER BY priority DESC",
    "labels in (p0, security) AND statusCategory != Done",
    "text ~ \"payment timeout\" ORDER BY created DESC",
    "updated >= -7d ORDER BY updated DESC",
    "sprint in openSprints() AND type = Bug",
    "component = API AND fixVersion = '1.1' AND priority in (High, Highest)",
    "project = P2X AND assignee is EMPTY ORDER BY created ASC",
    "summary ~ login OR description ~ crash",
    "created >= startOfMonth() AND reporter = 'user03@synthetic.test'",
]


async def median_call_ms(server: MCPServer, tool: str, arguments: dict) -> float:
    async with Client(server) as client:
        for _ in range(50):
            await client.call_tool(tool, arguments)
        times = []
        for _ in range(CALLS):
            start = time.perf_counter()
            result = await client.call_tool(tool, arguments)
            times.append(time.perf_counter() - start)
            assert not result.is_error, result
    return statistics.median(times) * 1000


def empty_server() -> MCPServer:
    server: MCPServer = MCPServer(name="empty")

    @server.tool()
    def noop() -> str:
        """Does nothing."""
        return "ok"

    return server


def median_jql_ms(path: Path) -> float:
    conn = db.connect(path)
    times = []
    for _ in range(5):
        for query in QUERIES:
            start = time.perf_counter()
            search(conn, query, limit=50)
            times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(times) * 1000


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        template = db.prepare_template(synthetic_fixture(10_000), Path(tmp) / "cache")
        build_s = time.perf_counter() - started
        path = db.copy_database(template, Path(tmp) / "trial.sqlite")
        floor = await median_call_ms(empty_server(), "noop", {})
        server = build_server(path)
        get_issue = await median_call_ms(server, "jira_get_issue", {"issue_key": "P1X-42"})
        search_tool = await median_call_ms(server, "jira_search", {"jql": QUERIES[0], "limit": 10})
        close_server(server)
        jql = median_jql_ms(path)
    print(f"built the 10,000-issue Jira in {build_s:.1f} s; empty-tool floor {floor:.2f} ms; "
          f"jira_search tool call {search_tool:.2f} ms")
    print(f"jira_tools: call_median_ms={get_issue:.2f} floor_ms={floor:.2f} jql_median_ms={jql:.2f} "
          f"search_call_median_ms={search_tool:.2f} n={CALLS}")


if __name__ == "__main__":
    asyncio.run(main())
