"""`jira-bench attach`, `kill` and `clean`: follow a run from outside, stop its worker, remove old run folders."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from jira_bench_tui.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    results_option,
    results_root,
    run_id_command,
    runs_phrase,
    user_errors,
)
from jira_bench_tui.errors import UserError

ATTACH_POLL_S = 0.1


@click.command()
@run_id_command
def attach(run_id: str, results_dir: Path | None) -> None:
    """Stream a run's events as plain text until it ends; Ctrl+C detaches (the run goes on)."""
    from jira_bench_tui.engine import run_folder
    from jira_bench_tui.engine.event_lines import event_line

    folder = run_folder.find_run(results_root(results_dir), run_id)
    start = run_folder.read_run(folder)[0].created_at
    reader = run_folder.EventReader.for_run(folder)

    def drain() -> None:
        for event in reader.read_new():
            click.echo(event_line(event, start))
        if reader.problem:
            raise UserError(reader.problem)

    try:
        while True:
            drain()
            status = run_folder.folder_status(folder, run_folder.read_state(folder))
            if status not in run_folder.LIVE_STATUSES:
                drain()
                break
            time.sleep(ATTACH_POLL_S)
    except KeyboardInterrupt:
        click.echo(f"detached; run {folder.name} goes on (attach again with `jira-bench attach {folder.name}`)",
                   err=True)
        sys.exit(EXIT_OK)
    click.echo(f"run {folder.name} is {status}")
    sys.exit(EXIT_OK if status == "completed" else EXIT_FAILED)


@click.command()
@run_id_command
def kill(run_id: str, results_dir: Path | None) -> None:
    """Stop a run's worker; the run folder says cancelled."""
    from jira_bench_tui.engine import control, run_folder

    folder = run_folder.find_run(results_root(results_dir), run_id)
    control.kill_run(folder)
    done = len(run_folder.finished_trials(folder))
    total = run_folder.read_spec(folder).total_trials
    click.echo(f"run {folder.name} cancelled with {done}/{total} trials done "
               f"(finish it with `jira-bench resume {folder.name}`)")


@click.command()
@click.option("--older-than", default=None, help="Only runs older than this (e.g. 7d, 12h).")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["completed", "failed", "cancelled", "interrupted", "unreadable"]),
              help="Only runs with this status (repeatable).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@results_option
@user_errors
def clean(older_than: str | None, statuses: tuple[str, ...], yes: bool, results_dir: Path | None) -> None:
    """Remove old run folders (never a running one)."""
    from jira_bench_tui.engine import control

    age = control.parse_age(older_than) if older_than else None
    chosen = control.clean_candidates(results_root(results_dir), age, statuses)
    if not chosen:
        click.echo("nothing to clean")
        return
    if not yes:
        for info in chosen:
            click.echo(f"  {info.run_id}  {info.status}")
        if not sys.stdin.isatty():
            raise UserError(f"{runs_phrase(len(chosen))} would be removed; add --yes to remove "
                            f"{'it' if len(chosen) == 1 else 'them'} without asking")
        if not click.confirm(f"remove {'this run' if len(chosen) == 1 else f'these {len(chosen)} runs'}?",
                             default=False):
            click.echo("nothing removed")
            return
    removed, problems = 0, []
    for info in chosen:
        try:
            kept = not control.remove_run(info)
        except UserError as exc:
            problems.append(str(exc))
            continue
        if kept:
            click.echo(f"kept {info.run_id}: it is running again", err=True)
        else:
            removed += 1
            click.echo(f"removed {info.run_id} ({info.status})")
    click.echo(f"{runs_phrase(removed)} removed")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(f"{problems[0]}{more}")
