"""The embedded Jira's second face: Jira Cloud REST (api/2, api/3, agile/1.0) over the same SQLite model the MCP
tools use, so the real mcp-atlassian (or any REST client) can run against a trial's database.

Public API: `create_app(registry)` (the ASGI app), `HostRegistry` (host name -> database; add, remove, reset),
`RestServer` (uvicorn in a thread), `mcp_atlassian_env` / `site_host` (pointing mcp-atlassian at one site in Cloud
mode), `serve` (the body of `jira-bench jira-rest`), and `RequestRecord` / `served_endpoints` (a request log through
`JiraRestApp.add_listener`, and the endpoints served, for coverage). See docs/rest.md."""

from jira_bench_tui.jira.rest.app import JiraRestApp, RequestRecord, create_app
from jira_bench_tui.jira.rest.core import served_endpoints
from jira_bench_tui.jira.rest.registry import HostRegistry, JiraSite
from jira_bench_tui.jira.rest.server import RestServer, check_host, mcp_atlassian_env, serve, site_host

__all__ = ["HostRegistry", "JiraRestApp", "JiraSite", "RequestRecord", "RestServer", "check_host", "create_app",
           "mcp_atlassian_env", "serve", "served_endpoints", "site_host"]
