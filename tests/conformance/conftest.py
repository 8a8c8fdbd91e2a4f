"""The conformance test's fixtures: the shared lookup of the real mcp-atlassian (tests/real_server.py)."""

from real_server import mcp_atlassian_binary  # noqa: F401  (registers the fixture for this folder)
