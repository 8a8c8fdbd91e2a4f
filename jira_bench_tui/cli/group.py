"""The `jira-bench` command group: the version, a leading --results-dir, the app when no command is given, and the
commands of the other `cli/` modules added to it."""

from __future__ import annotations

from pathlib import Path

import click

from jira_bench_tui import __version__
from jira_bench_tui.cli import control, harness, jira_rest, jira_server, models, run, servers, view
from jira_bench_tui.cli.common import open_app, results_option


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jira-bench")
@results_option
@click.pass_context
def main(ctx: click.Context, results_dir: Path | None) -> None:
    """Benchmark LLM agents on Jira through MCP. With no command, open the app."""
    if ctx.invoked_subcommand is None:
        open_app(results_dir, start="auto")


for _command in (run.run, run.resume, control.attach, control.kill, control.clean, view.view, view.replay,
                 view.report, models.models, harness.validate, harness.schema, jira_server.jira_server, jira_rest.jira_rest,
                 servers.servers):
    main.add_command(_command)
