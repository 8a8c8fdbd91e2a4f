"""jira-bench: benchmark LLM agents on Jira through MCP."""

__version__ = "0.1.0"
