"""The embedded Jira's second face: Jira Cloud REST (api/2, api/3, agile/1.0) over the same SQLite model the MCP
tools use, so the real mcp-atlassian (or any REST client) can run against a trial's database.

Public API: `create_app(registry)` (the ASGI app), `HostRegistry` (host name -> database; add, remove, reset),
`RestServer` (uvicorn in a thread), `mcp_atlassian_env` / `site_host` (pointing mcp-atlassian at one site in Cloud
mode), `serve` (the body of `jira-bench jira-rest`), and `RequestRecord` / `served_endpoints` (a request log through
`JiraRestApp.add_listener`, and the endpoints served, for coverage). See docs/rest.md.

The names are imported on first use (PEP 562), so the text renderers (`rest.adf`, `rest.wiki`), which the in-process
tools share (`jira/mcpa_text.py`), load without the web stack, and without an import cycle through the tools."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jira_bench_tui.jira.rest.app import JiraRestApp, RequestRecord, create_app
    from jira_bench_tui.jira.rest.core import served_endpoints
    from jira_bench_tui.jira.rest.registry import HostRegistry, JiraSite
    from jira_bench_tui.jira.rest.server import RestServer, check_host, mcp_atlassian_env, serve, site_host

_HOMES = {"JiraRestApp": "app", "RequestRecord": "app", "create_app": "app", "served_endpoints": "core",
          "HostRegistry": "registry", "JiraSite": "registry", "RestServer": "server", "check_host": "server",
          "mcp_atlassian_env": "server", "serve": "server", "site_host": "server"}

__all__ = ["HostRegistry", "JiraRestApp", "JiraSite", "RequestRecord", "RestServer", "check_host", "create_app",
           "mcp_atlassian_env", "serve", "served_endpoints", "site_host"]


def __getattr__(name: str) -> Any:
    """One of the public names, imported from its module on first use; AttributeError for any other name."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
