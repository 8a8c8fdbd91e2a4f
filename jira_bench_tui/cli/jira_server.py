"""`jira-bench jira-server`: serve the embedded Jira as an MCP server over stdio or HTTP."""

from __future__ import annotations

from pathlib import Path

import click

from jira_bench_tui.cli.common import user_errors
from jira_bench_tui.errors import UserError


@click.command("jira-server")
@click.option("--fixture", default=None, help="Fixture file or builtin:NAME (default: builtin:default).")
@click.option("--empty", is_flag=True, help="A Jira with only the fixture's users and projects.")
@click.option("--transport", type=click.Choice(["stdio", "http"]), default="stdio", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Keep the Jira in this SQLite file (default: a temporary copy, gone on exit).")
@click.option("--quirk", "quirks", multiple=True, metavar="NAME=VALUE",
              help="Switch an mcp-atlassian quirk, e.g. search_total=count (see docs/jira.md).")
@user_errors
def jira_server(fixture: str | None, empty: bool, transport: str, host: str, port: int, db_path: Path | None,
                quirks: tuple[str, ...]) -> None:
    """Serve the embedded Jira as an MCP server (mcp-atlassian's Jira tools)."""
    from jira_bench_tui.jira.server import serve

    if transport == "http" and not is_loopback(host):
        click.echo(unauthenticated_warning(host, port), err=True)

    serve(fixture=fixture, empty=empty, transport=transport, host=host, port=port, db_path=db_path,
          quirks=parse_quirks(quirks))


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (localhost, 127.0.0.0/8, ::1): nobody else can reach a server there."""
    import ipaddress

    if host.strip().lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def unauthenticated_warning(host: str, port: int) -> str:
    """The warning for an HTTP server bound beyond this machine: it has no authentication."""
    return (f"warning: jira-server has no authentication: anyone who can reach {host}:{port} can read and change "
            "this Jira; bind --host 127.0.0.1 (the default) unless every machine on that network may")


def parse_quirks(items: tuple[str, ...]) -> dict[str, str]:
    """{name: value} of `--quirk NAME=VALUE` options, both stripped; UserError for an item without `=` or a name."""
    parsed: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"--quirk wants NAME=VALUE, got {item!r}")
        parsed[name.strip()] = value.strip()
    return parsed
