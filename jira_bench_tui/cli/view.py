"""`jira-bench view`, `view list`, `replay` and `report`: look at runs, in the app or as plain text."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import click

from jira_bench_tui.cli.common import open_app, results_option, results_root, run_id_command, user_errors
from jira_bench_tui.errors import UserError


@click.group(invoke_without_command=True)
@results_option
@click.pass_context
def view(ctx: click.Context, results_dir: Path | None) -> None:
    """Open the app on the runs list (`view list` prints it as text)."""
    if ctx.invoked_subcommand is None:
        open_app(results_dir, start="runs")


@view.command("list")
@results_option
@user_errors
def view_list(results_dir: Path | None) -> None:
    """Print runs: IN PROGRESS (and interrupted), then COMPLETED; newest first."""
    from jira_bench_tui.engine.run_folder import list_runs
    from jira_bench_tui.engine.runs_text import format_runs_list

    click.echo(format_runs_list(list_runs(results_root(results_dir)), now=time.time()), nl=False)


@click.command()
@click.option("--trial", "trial", default=None, help="SCENARIO or SCENARIO__REP (default: the first failure).")
@click.option("--plain", is_flag=True, help="Print the transcript as text instead of opening the app.")
@run_id_command
def replay(run_id: str, trial: str | None, plain: bool, results_dir: Path | None) -> None:
    """Replay a trial of a finished run step by step."""
    from jira_bench_tui.engine import run_folder

    results = results_root(results_dir)
    folder = run_folder.find_run(results, run_id)
    if not plain:
        from jira_bench_tui.tui.app import run_app

        run_app(results, start="replay", run_id=run_id, trial=trial)
        return
    from jira_bench_tui.engine.transcript import choose_trial, format_transcript

    scenario_id, rep = choose_trial(folder, trial)
    artifact = run_folder.read_trial(folder, scenario_id, rep)
    unreadable = len(run_folder.scan_trials(folder).unreadable)
    if unreadable:
        click.echo(f"note: {_unreadable_sentence(folder.name, unreadable)}", err=True)
    click.echo(format_transcript(artifact), nl=False)


@click.command()
@click.argument("run_ids", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "json", "html"]), default="table",
              show_default=True, help="html: one self-contained page with charts (needs -o FILE on a terminal).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), default=None,
              help="Write the report to this file (written whole, atomically) instead of stdout; - is stdout.")
@click.option("--by", "by", type=click.Choice(["tag", "tier", "skill"]), default=None,
              help="Break the rates down by scenario tag (every tag, or only tier:/skill: tags).")
@click.option("--scenarios", "by_scenario", is_flag=True, help="Break the rates down by scenario.")
@results_option
@user_errors
def report(run_ids: tuple[str, ...], fmt: str, output: Path | None, by: str | None, by_scenario: bool,
           results_dir: Path | None) -> None:
    """Compare runs: pass rate with 95% intervals, pass@k and pass^k, errors, cost, tokens, time; with two runs
    on one harness, their paired difference and the scenarios that flipped."""
    to_stdout = output is None or str(output) == "-"
    if fmt == "html" and to_stdout and sys.stdout.isatty():
        raise UserError("an HTML report is a page to open in a browser, not text for a terminal: give -o FILE "
                        "(e.g. -o report.html), or redirect stdout (> report.html)")
    from jira_bench_tui.engine import run_folder
    from jira_bench_tui.engine.report import format_report, run_report
    from jira_bench_tui.engine.report_stats import Breakdowns

    results = results_root(results_dir)
    folders = [run_folder.find_run(results, run_id) for run_id in run_ids]
    reports = [run_report(folder) for folder in folders]
    text = format_report(reports, fmt, Breakdowns(by=by, scenarios=by_scenario))
    for one in reports:
        if one.unreadable:
            click.echo(f"warning: {_unreadable_sentence(one.summary.run_id, one.unreadable)} and left out of "
                       "its scores", err=True)
    if output is None or to_stdout:
        click.echo(text, nl=False)
        return
    _write_report(text, output)
    click.echo(f"report written to {output}")


def _write_report(text: str, output: Path) -> None:
    """Write `text` to `output` whole (through a temporary file beside it); UserError when that cannot be done."""
    if output.exists() and output.is_dir():
        raise UserError(f"cannot write the report to {output}: it is a folder")
    if not output.parent.is_dir():
        raise UserError(f"cannot write the report to {output}: its folder does not exist")
    fd, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        tmp.chmod(0o644)
        tmp.replace(output)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _unreadable_sentence(run_id: str, count: int) -> str:
    verb = "are" if count != 1 else "is"
    return f"run {run_id}: {count} trial artifact{'s' if count != 1 else ''} {verb} unreadable"
