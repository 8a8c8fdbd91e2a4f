"""Benchmark the embedded Jira: median in-process MCP tool call (jira_get_issue over mcp.client.Client) against an
empty tool's floor, median JQL search over a generated 10,000-issue Jira with history (text search and the history
operators WAS / CHANGED ... BY / DURING included; also the median of the history queries alone and the slowest
query's median), and the per-trial costs on the built-in default fixture (155 issues): a whole-state snapshot
(SqliteReader), building a server (opening the database included), a server session (build + Client connect +
list_tools + close) and copying the database.

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
from jira_bench_tui.jira.fixture_files import load_fixture_file
from jira_bench_tui.jira.jql import search
from jira_bench_tui.jira.reader import SqliteReader
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
    "status CHANGED TO Done BY 'user02@synthetic.test' AFTER -30d",
    "status WAS 'In Review' AND project = P1X",
    "status CHANGED FROM 'In Progress' TO Done DURING (startOfMonth(), now()) ORDER BY updated DESC",
    "assignee WAS 'user05@synthetic.test' BY 'user01@synthetic.test' BEFORE -1d",
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


HISTORY_OPERATORS = (" WAS ", " CHANGED ")


def median_jql_ms(path: Path) -> tuple[float, float, float]:
    """Median over every query (5 rounds), median over the history queries (WAS, CHANGED) only, and the slowest
    query's median, all in ms."""
    conn = db.connect(path)
    by_query: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _ in range(5):
        for query in QUERIES:
            start = time.perf_counter()
            search(conn, query, limit=50)
            by_query[query].append(time.perf_counter() - start)
    conn.close()
    every = [t for times in by_query.values() for t in times]
    history = [t for query, times in by_query.items() for t in times if any(op in query for op in HISTORY_OPERATORS)]
    slowest = max(statistics.median(times) for times in by_query.values())
    return statistics.median(every) * 1000, statistics.median(history) * 1000, slowest * 1000


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


async def per_trial_costs(tmp: Path) -> dict[str, float]:
    """Snapshot, server build (tool schemas already cached by main's first build), server session, copy, open."""
    template = db.prepare_template(load_fixture_file("builtin:default"), tmp / "default-cache")
    path = db.copy_database(template, tmp / "default.sqlite")
    copies, opens = [], []
    for n in range(200):
        start = time.perf_counter()
        db.copy_database(template, tmp / "copies" / f"{n}.sqlite")
        copies.append(time.perf_counter() - start)
        start = time.perf_counter()
        conn = db.connect(path)
        db.read_meta(conn)
        conn.close()
        opens.append(time.perf_counter() - start)
    builds, sessions = [], []
    for _ in range(200):
        start = time.perf_counter()
        server = build_server(path)
        builds.append(time.perf_counter() - start)
        async with Client(server) as client:
            await client.list_tools()
        close_server(server)
        sessions.append(time.perf_counter() - start)
    snapshots = []
    with SqliteReader(path) as reader:
        await reader.snapshot()
        for _ in range(100):
            start = time.perf_counter()
            await reader.snapshot()
            snapshots.append(time.perf_counter() - start)
    return {"snapshot_ms": _median_ms(snapshots), "server_build_ms": _median_ms(builds),
            "server_session_ms": _median_ms(sessions),
            "db_open_ms": _median_ms(opens), "db_copy_ms": _median_ms(copies)}


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
        jql, jql_history, jql_slowest = median_jql_ms(path)
        costs = await per_trial_costs(Path(tmp))
    print(f"built the 10,000-issue Jira in {build_s:.1f} s; empty-tool floor {floor:.2f} ms; "
          f"jira_search tool call {search_tool:.2f} ms")
    print("per trial on builtin:default (155 issues): " + ", ".join(f"{k} {v:.2f}" for k, v in costs.items()))
    print(f"jira_tools: call_median_ms={get_issue:.2f} floor_ms={floor:.2f} jql_median_ms={jql:.2f} "
          f"jql_history_median_ms={jql_history:.2f} jql_slowest_ms={jql_slowest:.2f} "
          f"search_call_median_ms={search_tool:.2f} snapshot_ms={costs['snapshot_ms']:.2f} "
          f"server_build_ms={costs['server_build_ms']:.2f} server_session_ms={costs['server_session_ms']:.2f} "
          f"db_copy_ms={costs['db_copy_ms']:.2f} n={CALLS}")


if __name__ == "__main__":
    asyncio.run(main())
