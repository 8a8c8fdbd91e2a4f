"""Running the REST face: `RestServer` (uvicorn in a background thread on 127.0.0.1, for tests and for a worker
that serves every trial's database), `mcp_atlassian_env` (the environment that points the real mcp-atlassian at one
site in Cloud mode) and `serve` (the body of `jira-bench jira-rest`)."""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from jira_bench_tui.errors import UserError
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture_files import default_fixture_ref, keep_only_setup, load_fixture_file
from jira_bench_tui.jira.rest.app import JiraRestApp, create_app
from jira_bench_tui.jira.rest.registry import HostRegistry

log = logging.getLogger("jira_bench.rest")
DEFAULT_SITE_HOST = "jira-bench.atlassian.net"


def is_loopback(host: str) -> bool:
    """True for localhost and the loopback ranges (127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def site_host(trial_id: str) -> str:
    """The Cloud-looking host name of one trial's site: `t-<id>.atlassian.net` (id made DNS-safe)."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in trial_id.lower()).strip("-")[:50] or "x"
    return f"t-{safe}.atlassian.net"


def mcp_atlassian_env(proxy_url: str, host: str, *, user: str = "agent@jira-bench.test",
                      token: str = "jira-bench-local") -> dict[str, str]:
    """The environment that runs the real mcp-atlassian (0.23.1) against `host` through this server, in Cloud mode.

    `JIRA_URL` names a `*.atlassian.net` host (`utils/urls.py:is_atlassian_cloud_url` -> Cloud) that never resolves:
    `JIRA_HTTP_PROXY` sends every request to this server (`utils/proxy.py`; the SSRF adapter lets the configured
    JIRA_URL host use a proxy, `utils/ssrf_adapter.py`). `NO_PROXY` is emptied so a machine-wide setting cannot
    bypass it. `TOOLSETS=all` lists all 63 Jira tools; Confluence stays off (no CONFLUENCE_URL)."""
    return {"JIRA_URL": f"http://{host}", "JIRA_USERNAME": user, "JIRA_API_TOKEN": token,
            "JIRA_HTTP_PROXY": proxy_url, "JIRA_HTTPS_PROXY": proxy_url, "JIRA_NO_PROXY": "", "NO_PROXY": "",
            "no_proxy": "", "TOOLSETS": "all", "READ_ONLY_MODE": "false", "MCP_VERBOSE": "false"}


class RestServer:
    """The REST face on `host:port` (port 0 picks a free one) in a daemon thread. Use as a context manager, or
    `start()` / `stop()`. `url` is the server's own address (the proxy URL for mcp-atlassian)."""

    def __init__(self, registry: HostRegistry | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app: JiraRestApp = create_app(registry)
        self.registry = self.app.registry
        self.host = host
        self.port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL clients (or an HTTP proxy setting) point at: http://HOST:PORT."""
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> RestServer:
        """Bind and serve; returns once the socket is listening. UserError when the port cannot be bound."""
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name=f"jira-rest-{self.port}")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise UserError(f"the Jira REST face did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and close every site's connection."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.registry.close()

    def __enter__(self) -> RestServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def check_host(host: str, host_given: bool) -> str | None:
    """None for a loopback host; the warning to print for another host given explicitly; UserError otherwise
    (the REST face has no authentication: it must not listen beyond this machine by accident)."""
    if is_loopback(host):
        return None
    if not host_given:
        raise UserError(f"refusing to serve on {host}: the Jira REST face has no authentication. Pass --host "
                        f"{host} explicitly to serve beyond this machine.", field="host")
    return (f"warning: serving the Jira REST face on {host}: it has no authentication, anyone who can reach "
            f"this address can read and change the Jira.")


def serve(fixture: str | None = None, empty: bool = False, port: int = 8080, host: str = "127.0.0.1",
          host_given: bool = False, *, echo: Callable[[str], None] | None = None,
          ready: Callable[[RestServer], None] | None = None) -> str:
    """Build a Jira from `fixture` (builtin:NAME or a path; default builtin:default; `empty`: no issues), serve it
    as Jira Cloud REST on host:port until interrupted, and return the base URL (also printed through `echo`).

    UserError for an unknown fixture, a port in use, or a non-loopback host not given explicitly (`host_given`)."""
    say = echo or (lambda text: print(text, file=sys.stderr, flush=True))
    warning = check_host(host, host_given)
    if warning:
        say(warning)
    loaded = load_fixture_file(fixture or default_fixture_ref())
    if empty:
        loaded = keep_only_setup(loaded)
    with tempfile.TemporaryDirectory(prefix="jira-bench-rest-") as tmp:
        template = db.prepare_template(loaded)
        server = RestServer(host=host, port=port)
        server.registry.add(DEFAULT_SITE_HOST, Path(tmp) / "jira.sqlite", template=template, default=True)
        with server:
            say(f"Jira Cloud REST ({loaded.name}) at {server.url}  (any Basic auth user/token)")
            say(f"mcp-atlassian: JIRA_URL=http://{DEFAULT_SITE_HOST} JIRA_HTTP_PROXY={server.url} "
                "JIRA_USERNAME=any JIRA_API_TOKEN=any TOOLSETS=all")
            if ready is not None:
                ready(server)
            try:
                while server._thread is not None and server._thread.is_alive():
                    time.sleep(0.2)
            except KeyboardInterrupt:
                pass
        return server.url
