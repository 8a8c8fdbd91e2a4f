"""The embedded Jira: a Jira Cloud site in a SQLite file built from a fixture, searched with JQL, and served as MCP
tools in mcp-atlassian 0.23.1's dialect. It imports nothing of the app but `jira_bench_tui.errors`."""
