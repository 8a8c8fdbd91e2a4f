"""The embedded Jira's MCP tools in mcp-atlassian 0.23.1's dialect, grouped by area; `ALL_TOOLS` lists them."""

from __future__ import annotations

from jira_bench_tui.jira.tools import agile, catalog, comments, issues, links, transitions, worklogs
from jira_bench_tui.jira.tools.common import JiraContext, ToolDef, ToolFailure

ALL_TOOLS: list[ToolDef] = [
    *issues.TOOLS, *transitions.TOOLS, *comments.TOOLS, *catalog.TOOLS, *links.TOOLS, *worklogs.TOOLS, *agile.TOOLS,
]
TOOLS_BY_NAME: dict[str, ToolDef] = {tool.name: tool for tool in ALL_TOOLS}

__all__ = ["ALL_TOOLS", "TOOLS_BY_NAME", "JiraContext", "ToolDef", "ToolFailure"]
