"""Trials through a real REST-speaking Jira MCP server (`--server mcp-atlassian[==VERSION]`, `--server rest:'CMD'`).

Each trial gets its own fresh embedded database behind the REST face (docs/rest.md): one `RestServer` per process
serves every trial, each trial's database is a site of its own (`t-<trial>-<random>.atlassian.net`) added to the
server's `HostRegistry` when the trial starts and removed when it ends, and the MCP server is started per trial as a
stdio process pointed at that site through the proxy environment. Checks read the trial's database directly.

Public API: `parse_server_text(text)` (what a --server string asks for), `RestTrialServer` and `trial_server(kind,
version, command)` (what the worker hands `TrialOptions`; all three live in the light engine/rest_servers.py, which
the launcher imports without this module), `probe_tools(server)` (start it once, list its tools),
`rest_trial(server, template, name)` (the per-trial async context manager), `server_env(kind, proxy_url, host)`
(the environment a trial's server gets), `shared_rest_server()`.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from jira_bench_tui.engine.reasons import exception_reason
from jira_bench_tui.engine.rest_servers import (
    REST_KINDS,
    RestKind,
    RestTrialServer,
    parse_server_text,
    trial_server,
)
from jira_bench_tui.engine.system_prompt import system_prompt_for
from jira_bench_tui.engine.toolbox import ToolBoxError
from jira_bench_tui.errors import UserError
from jira_bench_tui.jira.rest import RestServer, mcp_atlassian_env, site_host

PROBE_TIMEOUT_S = 30.0
# mcp-atlassian's fastmcp would look for its own updates on the network and print a banner at every start
QUIET_FASTMCP = {"FASTMCP_CHECK_FOR_UPDATES": "off", "FASTMCP_SHOW_SERVER_BANNER": "false"}
# what `--server rest:'CMD'` sets for any REST-speaking server (docs/engine.md): the site, a user, a token, proxies
GENERIC_ENV_NAMES = ("JIRA_URL", "JIRA_USERNAME", "JIRA_API_TOKEN", "JIRA_HTTP_PROXY", "JIRA_HTTPS_PROXY",
                     "JIRA_NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY",
                     "no_proxy")


@dataclass
class RestTrialJira:
    """One trial's Jira: `server` is what `open_toolbox` connects to (the stdio server's transport), `db_path` the
    trial's database (read it for the checks), `host` its site, `system_prompt` the trial's prompt, `client_mode`
    the MCP client's connect mode ("legacy" for mcp-atlassian, an mcp 1.x server)."""

    server: Any
    db_path: Path
    host: str
    system_prompt: str
    client_mode: str = "auto"


def server_env(kind: RestKind, proxy_url: str, host: str) -> dict[str, str]:
    """The environment a trial's server gets (over the few variables mcp's stdio client passes on: HOME, PATH...).

    mcp-atlassian: `jira.rest.mcp_atlassian_env` (Cloud mode through the proxy, TOOLSETS=all) with fastmcp's update
    check and banner off. rest: exactly GENERIC_ENV_NAMES: JIRA_URL, JIRA_USERNAME, JIRA_API_TOKEN, and every proxy
    variable pointing at the REST face (NO_PROXY empty), since a generic client reads HTTP_PROXY/http_proxy."""
    base = mcp_atlassian_env(proxy_url, host)
    if kind == "mcp-atlassian":
        return {**base, **QUIET_FASTMCP}
    proxies = {name: proxy_url for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    env = {name: base[name] for name in ("JIRA_URL", "JIRA_USERNAME", "JIRA_API_TOKEN", "JIRA_HTTP_PROXY",
                                         "JIRA_HTTPS_PROXY", "JIRA_NO_PROXY", "NO_PROXY", "no_proxy")}
    return {**env, **proxies}


__all__ = [
    "GENERIC_ENV_NAMES", "PROBE_TIMEOUT_S", "QUIET_FASTMCP", "REST_KINDS", "RestKind", "RestTrialJira",
    "RestTrialServer", "parse_server_text", "probe_tools", "rest_trial", "server_env", "shared_rest_server",
    "stop_shared_rest_server", "trial_server",
]

_shared: RestServer | None = None
_shared_lock = threading.Lock()


def shared_rest_server() -> RestServer:
    """This process's REST face (127.0.0.1, a free port), started on first use; every trial is a site of it."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._thread is None or not _shared._thread.is_alive():
            _shared = RestServer().start()
        return _shared


def stop_shared_rest_server() -> None:
    """Stop this process's REST face, if it runs (the next trial starts a new one)."""
    global _shared
    with _shared_lock:
        server, _shared = _shared, None
    if server is not None:
        server.stop()


def _params(server: RestTrialServer, host: str, cwd: Path) -> StdioServerParameters:
    env = {**server.env, **server_env(server.kind, shared_rest_server().url, host)}
    return StdioServerParameters(command=server.command[0], args=list(server.command[1:]), env=env, cwd=cwd)


@asynccontextmanager
async def rest_trial(server: RestTrialServer, template: Path, name: str) -> AsyncIterator[RestTrialJira]:
    """A fresh copy of `template` served as a site of its own, and the transport of `server` started over it (when
    the caller connects), with a per-trial temp folder as its working folder. The site and the folder are gone on
    exit; the server's stderr goes to `server.log` in that folder."""
    rest = await asyncio.to_thread(shared_rest_server)
    folder = Path(tempfile.mkdtemp(prefix="jira-bench-rest-trial-"))
    host = site_host(f"{uuid.uuid4().hex[:12]}-{name}")  # the random part first: site_host cuts long names
    db_path = folder / "jira.sqlite"
    work = folder / "work"
    work.mkdir()
    try:
        await asyncio.to_thread(rest.registry.add, host, db_path, template=template)
        try:
            with open(folder / "server.log", "w", encoding="utf-8") as errlog:
                transport = stdio_client(_params(server, host, work), errlog=errlog)
                try:
                    yield RestTrialJira(transport, db_path, host, system_prompt_for(db_path), _client_mode(server))
                except ToolBoxError as exc:
                    raise ToolBoxError(f"{exc}{_log_tail(folder / 'server.log')}") from exc
        finally:
            rest.registry.remove(host)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _client_mode(server: RestTrialServer) -> str:
    """mcp-atlassian speaks mcp 1.x: "legacy" skips the `server/discover` probe it would log as an error."""
    return "legacy" if server.kind == "mcp-atlassian" else "auto"


def _log_tail(path: Path) -> str:
    """'; its log ends: LINE' with the server's last log line (when it wrote one), to explain a broken server."""
    try:
        lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return ""
    last = next((line for line in reversed(lines) if line), "")
    return f"; its log ends: {last[:300]}" if last else ""


async def _list_tools(params: StdioServerParameters, mode: str, timeout_s: float) -> list[str]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
        async with asyncio.timeout(timeout_s), Client(stdio_client(params, errlog=errlog), mode=mode) as client:
            return [tool.name for tool in (await client.list_tools()).tools]


def probe_tools(server: RestTrialServer, timeout_s: float = PROBE_TIMEOUT_S) -> list[str]:
    """Start `server` once (over a site with no database: listing tools reads no Jira), list its tools, stop it.
    UserError(field="server") when it does not start or answer MCP within `timeout_s`."""
    from jira_bench_tui.engine.blocking import run_blocking

    with tempfile.TemporaryDirectory(prefix="jira-bench-probe-") as cwd:
        params = _params(server, site_host(f"probe-{uuid.uuid4().hex[:8]}"), Path(cwd))
        try:
            return run_blocking(lambda: _list_tools(params, _client_mode(server), timeout_s))
        except TimeoutError:
            raise UserError(f"{server.describe()} did not answer the MCP handshake within {timeout_s:g} s",
                            field="server") from None
        except Exception as exc:  # noqa: BLE001 - any failure to talk MCP means the server is unusable
            raise UserError(f"{server.describe()} exited or failed before answering MCP ({exception_reason(exc)})",
                            field="server") from None
