"""`jira-bench serve`: the whole app in a browser, served by textual-serve (docs/serve.md).

Each browser tab that connects starts its own app process, `python -m jira_bench_tui --results-dir RESULTS` with this
very Python (sys.executable), and talks to it over a websocket. There is no authentication: bound beyond the loopback
interface, anyone who reaches the port can use the app (start runs with the API keys of this environment, stop and
delete runs), so the command warns on stderr and the docs show a reverse proxy with authentication in front."""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

import click

from jira_bench_tui.cli.common import results_option, results_root, user_errors
from jira_bench_tui.errors import UserError

PAGE_TEMPLATES = Path(__file__).parent / "serve_page"  # app_index.html: textual-serve's page, fetching nothing else


def is_loopback(host: str) -> bool:
    """True for "localhost" and loopback addresses (127.0.0.0/8, ::1); False for any other name or address."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(results: Path) -> str:
    """The command textual-serve starts for each browser session: this Python running the app on `results`.

    textual-serve hands its command to /bin/sh (asyncio.create_subprocess_shell), so every word is quoted with
    shlex and the shell `exec`s the app: the app is the shell's own process and gets the server's quit signal."""
    return "exec " + shlex.join([sys.executable, "-m", "jira_bench_tui", "--results-dir", str(results)])


def exposure_warning(host: str, port: int) -> str:
    """The warning printed when `host` is not a loopback address."""
    return (f"warning: jira-bench serve has no authentication, and {host}:{port} is reachable beyond this machine: "
            "anyone who reaches it can use the app (start runs with this environment's API keys, stop and delete "
            "runs). Serve on 127.0.0.1 behind a reverse proxy with authentication (docs/serve.md).")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address exposes the app, without authentication.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@results_option
@user_errors
def serve(host: str, port: int, results_dir: Path | None) -> None:
    """Serve the app in a browser (textual-serve): each tab runs its own app on the same results folder. No
    authentication: keep it on 127.0.0.1 or behind a reverse proxy with authentication (docs/serve.md)."""
    from textual_serve.server import Server

    results = results_root(results_dir).resolve()
    if not is_loopback(host):
        click.echo(exposure_warning(host, port), err=True)
    server = Server(app_command(results), host=host, port=port, title="jira-bench",
                    templates_path=PAGE_TEMPLATES)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's, ...
        raise UserError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
