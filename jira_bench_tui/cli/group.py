"""The `jira-bench` command group: the version, a leading --results-dir, the app when no command is given, and the
commands of the other `cli/` modules added to it."""

from __future__ import annotations

from pathlib import Path

import click

from jira_bench_tui import __version__
from jira_bench_tui.cli import control, harness, jira_rest, jira_server, models, run, serve, servers, view
from jira_bench_tui.cli.common import open_app, results_option


class FullHelpGroup(click.Group):
    """A group whose `--help` lists each command's whole first sentence, wrapped to the terminal, never cut with '...'."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The Commands section: name and first sentence of each visible command, sorted by name."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=FullHelpGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jira-bench")
@results_option
@click.pass_context
def main(ctx: click.Context, results_dir: Path | None) -> None:
    """Benchmark LLM agents on Jira through MCP. With no command, open the app."""
    if ctx.invoked_subcommand is None:
        open_app(results_dir, start="auto")


for _command in (run.run, run.resume, control.attach, control.kill, control.clean, view.view, view.replay,
                 view.report, models.models, harness.validate, harness.schema, jira_server.jira_server, jira_rest.jira_rest,
                 servers.servers, serve.serve):
    main.add_command(_command)
