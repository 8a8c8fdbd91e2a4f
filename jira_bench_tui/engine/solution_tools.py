"""Check that every reference-solution step names a tool the run's MCP server offers (before anything is written)."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from jira_bench_tui.engine.blocking import run_blocking
from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.loader import LoadedHarness


async def _list_embedded_tools(loaded: LoadedHarness) -> frozenset[str]:
    from mcp.client import Client

    from jira_bench_tui.jira.db import copy_database, prepare_template
    from jira_bench_tui.jira.server import build_server

    with tempfile.TemporaryDirectory(prefix="jira-bench-tools-") as folder:
        db_path = copy_database(prepare_template(loaded.fixture), Path(folder) / "tools.sqlite")
        async with Client(build_server(db_path)) as client:
            listing = await client.list_tools()
            return frozenset(tool.name for tool in listing.tools)


@functools.cache
def embedded_tool_names() -> frozenset[str]:
    """The tool names of the embedded Jira (the same for every fixture; listed once per process)."""
    from jira_bench_tui.harness.loader import load_harness

    loaded = load_harness("builtin:example")
    return run_blocking(lambda: _list_embedded_tools(loaded))


def check_solution_tools(loaded: LoadedHarness, tools: set[str] | frozenset[str], scenario_ids: list[str]) -> None:
    """UserError(field="harness") naming the first solution step whose tool the server does not offer."""
    chosen = set(scenario_ids)
    for s_index, scenario in enumerate(loaded.harness.scenarios):
        if chosen and scenario.id not in chosen:
            continue
        for t_index, step in enumerate(scenario.solution.steps):
            if step.tool not in tools:
                raise UserError(
                    f"{loaded.source}: scenarios[{s_index}].solution.steps[{t_index}].tool: unknown tool {step.tool!r} "
                    f"(the server offers {len(tools)} tools, e.g. {', '.join(sorted(tools)[:4])})",
                    field="harness",
                )
