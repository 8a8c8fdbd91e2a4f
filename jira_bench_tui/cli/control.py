"""`jira-bench attach`, `kill` and `clean`: follow a run from outside, stop its worker, remove old run folders and
the stored harnesses and fixtures no run names any more."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from jira_bench_tui.engine.run_folder import RunInfo, StoredUse

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
    """Remove old run folders (never a running one), then the stored harnesses and fixtures no run names any more
    (stored over an hour ago)."""
    from jira_bench_tui.engine import control, run_folder

    results = results_root(results_dir)
    age = control.parse_age(older_than) if older_than else None
    chosen = control.clean_candidates(results, age, statuses)
    stored = run_folder.unused_stored(results, leaving=[info.path for info in chosen])
    if stored.unsure is not None:
        click.echo(f"stored harnesses and fixtures kept: the spec.json of {stored.unsure} cannot be read, so it may "
                   "name any of them", err=True)
    if not chosen and not stored.unused:
        click.echo("nothing to clean")
        return
    if not yes and not _confirm_clean(results, chosen, stored):
        click.echo("nothing removed")
        return
    problems: list[str] = []
    if chosen:
        click.echo(f"{runs_phrase(_remove_runs(chosen, problems))} removed")
    try:
        gone = run_folder.remove_unused_stored(results, only=None if yes else [p for p, _ in stored.unused])
    except UserError as exc:
        problems.append(str(exc))
    else:
        if gone.unused:
            click.echo(f"removed {_stored_phrase(gone)} no run names any more")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UserError(f"{problems[0]}{more}")


def _size(count: int) -> str:
    """'512 bytes', '106.2 KB', '93.0 MB' (powers of 1024)."""
    if count < 1024:
        return f"{count} byte{'s' if count != 1 else ''}"
    value = float(count)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


def _stored_phrase(stored: StoredUse) -> str:
    """'1 stored file (106.2 KB)', '3 stored files (1.2 MB)'."""
    count = len(stored.unused)
    return f"{count} stored file{'s' if count != 1 else ''} ({_size(stored.size)})"


def _confirm_clean(results: Path, chosen: list[RunInfo], stored: StoredUse) -> bool:
    """List what clean would remove and ask (True: go on); UserError when stdin is not a terminal."""
    for info in chosen:
        click.echo(f"  {info.run_id}  {info.status}")
    for path, size in stored.unused:
        click.echo(f"  {path.relative_to(results)}  {_size(size)}, named by no remaining run")
    parts = ([runs_phrase(len(chosen))] if chosen else []) + ([f"{_stored_phrase(stored)} no remaining run names"]
                                                             if stored.unused else [])
    one = len(chosen) + len(stored.unused) == 1
    if not sys.stdin.isatty():
        raise UserError(f"{' and '.join(parts)} would be removed; add --yes to remove {'it' if one else 'them'} "
                        "without asking")
    if not stored.unused:
        question = "this run" if one else f"these {len(chosen)} runs"
    else:
        question = ("this " if one else "these ") + " and ".join(parts)
    return click.confirm(f"remove {question}?", default=False)


def _remove_runs(chosen: list[RunInfo], problems: list[str]) -> int:
    """Remove the chosen run folders, saying each; how many were removed (the sentences of those that could not
    be are added to `problems`)."""
    from jira_bench_tui.engine import control

    removed = 0
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
    return removed
