"""What the tool box adds to an MCP tool call, and what the oracle's play of a 5-call solution costs, in-process.

Median of a trivial tool called through `mcp.client.Client.call_tool` directly and through `McpToolBox.call`
(recording, hooks, timeout), and of `play_solution` with 5 steps (placeholders included) over the same server.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

from mcp.server.mcpserver import MCPServer

from jira_bench_tui.agents.oracle import play_solution
from jira_bench_tui.engine.toolbox import open_toolbox, tool_call_event, tool_result_event
from jira_bench_tui.harness.schema import Solution

CALLS = 2000
PLAYS = 300
SOLUTION = Solution.model_validate(
    {
        "steps": [
            {"id": "a", "tool": "make", "arguments": {"name": "first"}},
            {"tool": "make", "arguments": {"name": "{{a.item.key}}-2"}},
            {"tool": "make", "arguments": {"name": "{{a.item.key}}-3"}},
            {"id": "d", "tool": "make", "arguments": {"name": "fourth"}},
            {"tool": "make", "arguments": {"name": "{{d.item.key}}"}},
        ],
        "answer": "Done.",
    }
)


def server() -> MCPServer:
    mcp = MCPServer("bench")
    counter = {"n": 0}

    @mcp.tool()
    async def ping() -> str:
        """Answer pong."""
        return "pong"

    @mcp.tool()
    async def make(name: str) -> dict[str, Any]:
        """Make an item."""
        counter["n"] += 1
        return {"item": {"key": f"B-{counter['n']}", "name": name}}

    return mcp


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def main() -> None:
    events: list[dict[str, Any]] = []
    async with open_toolbox(
        server(),
        on_call=lambda step: events.append(tool_call_event(step)),
        on_result=lambda step: events.append(tool_result_event(step)),
    ) as toolbox:
        for _ in range(50):  # warm up
            await toolbox.client.call_tool("ping", {})
            await toolbox.call("ping", {})
        raw, boxed, plays = [], [], []
        for _ in range(CALLS):
            start = time.perf_counter()
            await toolbox.client.call_tool("ping", {})
            raw.append(time.perf_counter() - start)
            start = time.perf_counter()
            await toolbox.call("ping", {})
            boxed.append(time.perf_counter() - start)
        for _ in range(PLAYS):
            start = time.perf_counter()
            play = await play_solution(SOLUTION, toolbox)
            plays.append(time.perf_counter() - start)
            assert not play.problems, play.problems
    raw_ms, boxed_ms = median_ms(raw), median_ms(boxed)
    print(
        f"toolbox_overhead: raw_call_ms={raw_ms:.3f} toolbox_call_ms={boxed_ms:.3f} "
        f"added_ms={boxed_ms - raw_ms:.3f} oracle_5_calls_ms={median_ms(plays):.3f} n={CALLS}"
    )


if __name__ == "__main__":
    asyncio.run(main())
