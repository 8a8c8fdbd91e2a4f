"""`jira-bench jira-rest`: serve the embedded Jira as Jira Cloud REST (docs/rest.md) on this machine."""

from __future__ import annotations

import click

from jira_bench_tui.cli.common import user_errors


@click.command("jira-rest")
@click.option("--fixture", default=None, help="Fixture file or builtin:NAME (default: builtin:default).")
@click.option("--empty", is_flag=True, help="A Jira with only the fixture's users and projects.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="0: a free port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; another than loopback is served only when given here (with a warning).")
@click.pass_context
@user_errors
def jira_rest(ctx: click.Context, fixture: str | None, empty: bool, port: int, host: str) -> None:
    """Serve the embedded Jira as Jira Cloud REST (api/2, api/3, agile/1.0) until Ctrl+C; prints its URL."""
    from jira_bench_tui.jira.rest import serve

    given = ctx.get_parameter_source("host") == click.core.ParameterSource.COMMANDLINE
    serve(fixture=fixture, empty=empty, port=port, host=host, host_given=given,
          echo=lambda text: click.echo(text, err=True))
