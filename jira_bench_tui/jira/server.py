"""The embedded Jira as an MCP server: `build_server` (one database, in-process or any transport) and `serve`,
the body of `jira-bench jira-server`."""

from __future__ import annotations

import logging
import signal
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Hashable
from functools import partial
from pathlib import Path
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.tools.base import Tool
from mcp_types import CallToolResult, TextContent

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import default_fixture_ref, keep_only_setup, load_fixture_file
from jira_bench_tui.jira.quirks import Quirks
from jira_bench_tui.jira.render import to_json
from jira_bench_tui.jira.tools import ALL_TOOLS, JiraContext, ToolDef, ToolFailure
from jira_bench_tui.jira.tools.common import ArgumentError, JiraError, RollbackWithResult, validate_arguments
from jira_bench_tui.jira.tools.surface import (
    SERVER_INFO_NAME,
    SERVER_INFO_VERSION,
    Blocks,
    advertise_like_mcp_atlassian,
    listing_fields,
    output_schema,
)

log = logging.getLogger("jira_bench.jira")
SERVER_NAME = SERVER_INFO_NAME  # as mcp-atlassian 0.23.1 answers initialize
RESULT_SCHEMA = {"properties": {"result": {"type": "string"}}, "required": ["result"], "type": "object",
                 "x-fastmcp-wrap-result": True}

# How each tool words a refusal by Jira (mcp-atlassian 0.23.1: the except clauses of jira/issues.py, comments.py,
# worklog.py and servers/jira.py; the tools not listed pass Jira's message on as it is).
JIRA_ERROR_FORMATS: dict[str, str] = {
    "update_issue": "Failed to update issue {issue_key}: Failed to update issue {issue_key}: {error}",
    "assign_issue": "Failed to assign issue {issue_key}: Failed to assign issue {issue_key}: {error}",
    "delete_issue": "Error deleting issue {issue_key}: {error}",
    "add_comment": "Error adding comment: {error}",
    "edit_comment": "Error editing comment: {error}",
    "add_worklog": "Error adding worklog: {error}",
    "get_worklog": "Error getting worklogs: {error}",
}


def failure_text(tool: ToolDef, values: dict[str, Any], exc: ToolFailure, quirks: Quirks) -> str:
    """The text of a failed call: "Error calling tool '<name>': <detail>" (mcp-atlassian's `handle_tool_errors`),
    a refusal by Jira (JiraError) in the tool's own words (JIRA_ERROR_FORMATS), the failure's hint appended when
    the error_hints quirk is on."""
    detail = str(exc)
    if isinstance(exc, JiraError):
        detail = JIRA_ERROR_FORMATS.get(tool.short_name, "{error}").format_map({**values, "error": detail})
    return quirks.hinted(f"Error calling tool '{tool.short_name}': {detail}", exc.hint)


def run_tool(tool: ToolDef, ctx: JiraContext, arguments: dict[str, Any]) -> tuple[str | Blocks, bool]:
    """Run one call in its own transaction: (JSON text, False), or (the error text, True) with nothing written.
    Arguments are checked first, as mcp-atlassian 0.23.1's FastMCP does (`validate_arguments`): a refusal is
    pydantic's text alone; a failure of the tool is "Error calling tool '<name>': <detail>" (its
    `handle_tool_errors`)."""
    try:
        values = validate_arguments(tool, arguments)
    except ArgumentError as exc:
        return str(exc), True
    conn = ctx.conn
    savepoint = not tool.read_only
    if savepoint:
        conn.execute("SAVEPOINT tool_call")
    try:
        result = tool.handler(ctx, values)
    except Exception as exc:  # every failure rolls back; unexpected ones are also logged
        if savepoint:
            conn.execute("ROLLBACK TO tool_call")
            conn.execute("RELEASE tool_call")
        if isinstance(exc, RollbackWithResult):
            return to_json(exc.result), False
        if isinstance(exc, ToolFailure):
            return failure_text(tool, values, exc, ctx.quirks), True
        log.exception("tool %s failed unexpectedly", tool.name)
        message = f"Internal error in the embedded Jira ({type(exc).__name__}: {exc}); nothing was changed."
        return f"Error calling tool '{tool.short_name}': {message}", True
    if savepoint:
        conn.execute("RELEASE tool_call")
    return (result if isinstance(result, Blocks) else to_json(result)), False


class JiraTool(Tool):
    """An MCP tool whose schema is written by hand (mcp-atlassian's, exactly) and whose errors read like its own."""

    @property
    def output_schema(self) -> dict[str, Any] | None:
        """{"result": string}, the wrapped-result schema FastMCP gives mcp-atlassian's tools (they return JSON
        text)."""
        return output_schema(self.name)

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        """Call the bound handler: an error result (is_error) with the error text, or the JSON text both as content
        and as {"result": text}, as mcp-atlassian's tools answer."""
        text, is_error = self.fn(arguments)
        if isinstance(text, Blocks):
            return CallToolResult(content=list(text.items))
        if is_error:
            return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content={"result": text})


def _placeholder() -> None:
    """Stands in for the tool function when building the Tool's metadata."""


def _prototype(tool: ToolDef) -> JiraTool:
    """The tool's metadata and schemas with no database behind it (the costly part: pydantic builds models)."""
    base = Tool.from_function(_placeholder, name=tool.name, description=tool.description, structured_output=False)
    fields = {name: getattr(base, name) for name in type(base).model_fields}
    fields.update(
        fn=_placeholder,
        parameters=tool.input_schema,
        **listing_fields(tool.name),
    )
    return JiraTool(**fields)


_PROTOTYPES: dict[str, JiraTool] = {}  # by tool name, built once per process


def make_tool(tool: ToolDef, ctx: JiraContext) -> JiraTool:
    """The tool bound to one database: a shallow copy of its cached prototype with the handler swapped in."""
    prototype = _PROTOTYPES.get(tool.name)
    if prototype is None:
        prototype = _PROTOTYPES[tool.name] = _prototype(tool)
    return prototype.model_copy(update={"fn": partial(run_tool, tool, ctx)})


def context_for(conn: sqlite3.Connection, quirks: Quirks | None = None, workdir: Path | None = None) -> JiraContext:
    """The JiraContext of an open database: its clock, current user and base URL from `meta`, the quirks
    (default: mcp-atlassian 0.23.1's behaviour) and the working folder (None: the current one)."""
    meta = db.read_meta(conn)
    return JiraContext(conn=conn, now=meta.now, current_user=meta.current_user, base_url=meta.base_url.rstrip("/"),
                       quirks=quirks or Quirks(), workdir=workdir)


def build_server(db_path: Path, quirks: Quirks | None = None) -> MCPServer:
    """An MCP server over one Jira database (one connection, calls served one at a time). It works in the
    database's folder (file paths given to tools are read from there), as a real mcp-atlassian started in the
    folder of its Jira's data would."""
    return server_on(db.connect(Path(db_path)), Path(db_path).parent, quirks)


def server_on(conn: sqlite3.Connection, workdir: Path, quirks: Quirks | None = None) -> MCPServer:
    """An MCP server over an open database connection (db.connect's settings), working in `workdir` (file paths given
    to tools are read from there). close_server closes `conn`; a caller that owns the connection need not call it."""
    ctx = context_for(conn, quirks, workdir=workdir)
    server: MCPServer = MCPServer(
        name=SERVER_NAME,
        version=SERVER_INFO_VERSION,
        tools=[make_tool(tool, ctx) for tool in ALL_TOOLS],
        log_level="WARNING",
    )
    advertise_like_mcp_atlassian(server._lowlevel_server)
    server.jira_connection = conn  # type: ignore[attr-defined]
    server.jira_listing_key = (SERVER_NAME, SERVER_INFO_VERSION, ctx.quirks)  # type: ignore[attr-defined]
    return server


def listing_key(server: MCPServer) -> Hashable | None:
    """What the discovery answer and the tool listing of a server made by server_on depend on: its name, version
    and quirks (the tools, their schemas and descriptions are the same for every database). Two servers with equal
    keys list the same tools (engine/toolbox.py `open_toolbox` lists them once per process). None for any other
    server."""
    key: Hashable | None = getattr(server, "jira_listing_key", None)
    return key


def close_server(server: MCPServer) -> None:
    """Close the database connection of a server made by build_server."""
    conn = getattr(server, "jira_connection", None)
    if conn is not None:
        conn.close()


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _check_port_free(host: str, port: int) -> None:
    """UserError when the HTTP port cannot be bound (in use, or not ours to take)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


def serve(fixture: str | None, empty: bool, transport: str, host: str, port: int, db_path: Path | None,
          quirks: dict[str, str]) -> None:
    """Build (or reuse) a Jira database and serve it over stdio or streamable HTTP until the client leaves."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="jira-server: %(message)s")
    chosen_quirks = Quirks.from_strings(quirks)
    if threading.current_thread() is threading.main_thread():
        # SIGTERM ends the server like Ctrl+C does, so the temporary Jira is removed on the way out
        signal.signal(signal.SIGTERM, _exit_on_signal)
    if transport not in ("stdio", "http"):
        raise UserError(f"Unknown transport '{transport}' (use stdio or http).")
    with tempfile.TemporaryDirectory(prefix="jira-bench-server-") as tmp:
        target = Path(db_path) if db_path else Path(tmp) / "jira.sqlite"
        if db_path and target.exists():
            db.check_database(target)
            ignored = " (--fixture/--empty ignored: the file already holds a Jira)" if fixture or empty else ""
            log.info("serving the existing Jira in %s%s", target, ignored)
        else:
            if db_path and not target.parent.is_dir():
                raise UserError(f"--db {target}: the folder {target.parent} does not exist")
            loaded = load_fixture_file(fixture or default_fixture_ref())
            if empty:
                loaded = keep_only_setup(loaded)
            target.parent.mkdir(parents=True, exist_ok=True)
            db.copy_database(db.prepare_template(loaded), target)
            log.info("fixture %s in %s", loaded.name, target)
        server = build_server(target, chosen_quirks)
        try:
            if transport == "stdio":
                server.run("stdio")
            else:
                _check_port_free(host, port)
                log.info("streamable HTTP on http://%s:%d/mcp", host, port)
                server.run("streamable-http", host=host, port=port)
        finally:
            close_server(server)
