"""Stdio MCP server commands (`--server 'CMD ...'`): parse one, and probe that it starts and lists its tools.

A command that does not exist, exits at once or never answers becomes one clear UserError(field="server").
"""

from __future__ import annotations

import asyncio
import functools
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any

from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from jira_bench_tui.engine import server_noise
from jira_bench_tui.engine.blocking import run_blocking
from jira_bench_tui.engine.reasons import exception_reason
from jira_bench_tui.errors import UserError

PROBE_TIMEOUT_S = 20.0


def parse_server_command(text: str) -> list[str]:
    """argv of a server command given as one string (shell-like quoting, never run through a shell)."""
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise UserError(f"cannot read the server command {text!r}: {exc}", field="server") from None
    if not argv:
        raise UserError("the server command is empty (give 'builtin' or a command such as 'uvx mcp-atlassian')",
                        field="server")
    return argv


def stdio_params(argv: list[str], env: dict[str, str] | None = None) -> StdioServerParameters:
    """The MCP stdio parameters of a server command `argv` (non-empty) with extra environment `env`."""
    return StdioServerParameters(command=argv[0], args=list(argv[1:]), env=env or None)


def stdio_server(argv: list[str], env: dict[str, str] | None = None) -> Any:
    """What `open_toolbox` should connect to for a server command: its StdioServerParameters (stderr shared with
    ours: the worker's log) or, when our stderr is not a real file (click's test runner), a transport that sends the
    server's stderr to /dev/null."""
    params = stdio_params(argv, env)
    try:
        sys.stderr.fileno()
        return params
    except (AttributeError, OSError, ValueError):
        return stdio_client(params, errlog=_devnull())


@functools.cache
def _devnull() -> Any:
    return open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - one handle for the whole process


def _executable_exists(program: str) -> bool:
    if os.sep in program:
        path = Path(program).expanduser()
        return path.is_file() and os.access(path, os.X_OK)
    return shutil.which(program) is not None


async def _list_tool_names(params: StdioServerParameters, timeout_s: float, noise: list[str]) -> list[str]:
    with server_noise.listen() as heard, open(os.devnull, "w", encoding="utf-8") as errlog:
        try:
            async with asyncio.timeout(timeout_s), Client(stdio_client(params, errlog=errlog)) as client:
                result = await client.list_tools()
                return [tool.name for tool in result.tools]
        finally:
            noise.append(heard.sentence() or "")


def probe_server_command(argv: list[str], env: dict[str, str] | None = None,
                         timeout_s: float = PROBE_TIMEOUT_S) -> list[str]:
    """Start the server, list its tools, stop it. Returns the tool names; UserError when it cannot be used."""
    shown = shlex.join(argv)
    if not _executable_exists(argv[0]):
        raise UserError(f"the server command {shown!r} cannot start: {argv[0]!r} is not an executable on PATH",
                        field="server")
    noise: list[str] = []
    try:
        return run_blocking(lambda: _list_tool_names(stdio_params(argv, env), timeout_s, noise))
    except TimeoutError:
        heard = f"; {noise[0]}" if noise and noise[0] else ""
        raise UserError(f"the server command {shown!r} did not answer the MCP handshake within {timeout_s:g} s"
                        f"{heard}", field="server") from None
    except Exception as exc:  # noqa: BLE001 - any failure to talk MCP means the command is unusable
        reason = noise[0] if noise and noise[0] else exception_reason(exc)
        raise UserError(f"the server command {shown!r} exited or failed before answering MCP ({reason})",
                        field="server") from None
