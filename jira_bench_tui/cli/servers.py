"""`jira-bench servers install NAME[==VERSION]` and `jira-bench servers list`: the MCP servers jira-bench installs
apart, each in its own versioned environment under the user's cache folder (engine/server_envs.py)."""

from __future__ import annotations

import click

from jira_bench_tui.cli.common import user_errors


@click.group()
def servers() -> None:
    """Install and list the MCP servers that run in their own environment (e.g. mcp-atlassian)."""


@servers.command("install")
@click.argument("requirement", metavar="NAME[==VERSION]")
@user_errors
def install(requirement: str) -> None:
    """Install NAME (default: its pinned version) into its own environment; nothing to do when it is there."""
    from jira_bench_tui.engine import server_envs

    name, version = server_envs.parse_requirement(requirement)
    entry = server_envs.install(name, version, progress=lambda line: click.echo(line, err=True))
    click.echo(f"{entry.name} {entry.version}: {entry.executable}")


@servers.command("list")
@user_errors
def list_servers() -> None:
    """The installed servers: name, version, folder and size on disk."""
    from jira_bench_tui.engine import server_envs

    entries = server_envs.installed()
    if not entries:
        click.echo(f"no servers installed in {server_envs.servers_root()} "
                   "(install one: jira-bench servers install mcp-atlassian)")
        return
    rows = [("NAME", "VERSION", "SIZE", "PATH")]
    rows += [(e.name, e.version, _size(e.size_bytes), str(e.path)) for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3])


def _size(size: int) -> str:
    """A byte count for people: 812 B, 4.2 MB, 1.3 GB."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
