"""The embedded Jira's MCP tools in mcp-atlassian 0.23.1's dialect, grouped by area; `ALL_TOOLS` lists all 63."""

from __future__ import annotations

from jira_bench_tui.jira.tools import (
    agile,
    analysis,
    attachments,
    boards,
    catalog,
    comments,
    history,
    issues,
    links,
    moves,
    products,
    projects,
    remote_links,
    transitions,
    versions,
    watchers,
    worklogs,
)
from jira_bench_tui.jira.tools.common import JiraContext, ToolDef, ToolFailure

ALL_TOOLS: list[ToolDef] = [
    *issues.TOOLS, *transitions.TOOLS, *comments.TOOLS, *catalog.TOOLS, *links.TOOLS, *worklogs.TOOLS, *agile.TOOLS,
    *watchers.TOOLS, *versions.TOOLS, *history.TOOLS, *remote_links.TOOLS, *attachments.TOOLS, *boards.TOOLS,
    *projects.TOOLS, *moves.TOOLS, *analysis.TOOLS, *products.TOOLS,
]
TOOLS_BY_NAME: dict[str, ToolDef] = {tool.name: tool for tool in ALL_TOOLS}

__all__ = ["ALL_TOOLS", "TOOLS_BY_NAME", "JiraContext", "ToolDef", "ToolFailure"]
