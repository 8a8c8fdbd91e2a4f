"""A one-tool MCP server over stdio, for the tool box's stdio test."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("stdio-echo")


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    return text


if __name__ == "__main__":
    server.run("stdio")
