"""The conformance test of our in-process tools against the real mcp-atlassian 0.23.1 over the REST face."""
