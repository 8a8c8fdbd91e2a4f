"""Tests of the Jira Cloud REST face (jira_bench_tui/jira/rest): HTTP endpoints, rich text, the real mcp-atlassian."""
