"""The bodies of the run commands (run, attach, kill, resume, clean, replay, report, validate); cli.py parses the
arguments and calls these. Each returns the exit code: 0 ok, 1 the run or check failed, 2 bad input (UserError)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from jira_bench_tui.engine import control, run_folder
from jira_bench_tui.engine.event_lines import event_line, finished_trial_line
from jira_bench_tui.engine.launcher import RunRequest, create_run
from jira_bench_tui.engine.run_folder import AnyEvent, LogEvent, RunStartedEvent, TrialFinishedEvent
from jira_bench_tui.engine.spawn import spawn_worker
from jira_bench_tui.errors import UserError
from jira_bench_tui.harness.loader import LoadedHarness

ATTACH_POLL_S = 0.1
EXIT_CANCELLED = 130


def _status_exit(status: str) -> int:
    return {"completed": 0, "cancelled": EXIT_CANCELLED}.get(status, 1)


# ---- run and resume ----------------------------------------------------------------------------------------------


def _silence_stdout() -> None:
    """Point stdout at /dev/null (its reader went away, e.g. `run | head`): later prints and the exit flush succeed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _echo(text: str, *, err: bool = False) -> None:
    """click.echo that survives a closed pipe: the text is dropped and stdout silenced."""
    try:
        click.echo(text, err=err)
    except BrokenPipeError:
        _silence_stdout()


class _ProgressPrinter:
    """The foreground display: one line per finished trial, warnings and errors as they come. When its reader goes
    away (BrokenPipeError) it silences stdout and raises, and the worker stops the display (the run goes on)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, event: AnyEvent) -> None:
        try:
            if isinstance(event, RunStartedEvent):
                self.done = event.total - event.pending
                click.echo(event_line(event, start=event.t))
            elif isinstance(event, TrialFinishedEvent):
                self.done += 1
                click.echo(finished_trial_line(event, self.done, self.total))
            elif isinstance(event, LogEvent) and event.level in ("warning", "error"):
                click.echo(f"  {event.level}: {event.message}", err=True)
        except BrokenPipeError:
            _silence_stdout()
            raise


def score_table(folder: Path) -> str:
    """Per-scenario results and the run's scores, as printed at the end of a foreground run."""
    summary = run_folder.read_summary(folder)
    lines = ["", f"{'scenario':<40} {'passed':>8} {'failed':>7} {'errors':>7}"]
    for sid, counts in (summary.scenarios if summary else {}).items():
        lines.append(f"{sid:<40} {counts.passed:>4}/{counts.total:<3} {counts.failed:>7} {counts.errored:>7}")
    rate = summary.pass_rate if summary else None
    lines.append("")
    lines.append(f"pass rate {rate:.1%}" if rate is not None else "pass rate n/a (no scored trial)")
    hat = summary.pass_hat_k if summary else {}
    if hat:
        lines.append("pass^k    " + "  ".join(f"k={k}: {v:.1%}" for k, v in hat.items()))
    lines.append(f"errors {summary.errored if summary else 0}, tokens {summary.tokens if summary else 0}, "
                 f"cost ${summary.cost_usd if summary else 0:.4f}")
    return "\n".join(lines)


def _run_in_foreground(folder: Path, *, resume: bool = False) -> int:
    """Run the worker loop in this process with the progress display. Exit 0 when the run completed with at least one
    scored trial, 1 when it failed or no trial could be scored (all errored), 130 when cancelled."""
    from jira_bench_tui.engine.worker import run_worker

    spec = run_folder.read_spec(folder)
    state = asyncio.run(run_worker(folder, on_event=_ProgressPrinter(spec.total_trials), resume=resume))
    _echo(score_table(folder))
    if state.status == "failed":
        _echo(f"error: the run failed: {state.error}", err=True)
    elif state.status == "cancelled":
        _echo(f"cancelled; finish it with `jira-bench resume {folder.name}`", err=True)
    unscored = state.status == "completed" and state.counts.passed + state.counts.failed == 0
    if unscored:
        _echo("error: no trial could be scored (every trial ended in an error)", err=True)
    _echo(f"run {folder.name} {state.status}: {folder}")
    return 1 if unscored else _status_exit(state.status)


def _print_background(folder: Path, pid: int, verb: str = "started") -> None:
    click.echo(f"run {folder.name} {verb} in the background (worker pid {pid})")
    click.echo(f"folder: {folder}")
    click.echo(f"follow it: jira-bench attach {folder.name}   stop it: jira-bench kill {folder.name}")


def run_command(source: str, results: Path, *, model: str = "oracle", runs: int = 1, concurrency: int = 4,
                server: str = "builtin", fixture: str | None = None, scenarios: tuple[str, ...] = (),
                max_turns: int | None = None, wall_time: float | None = None, trust: bool = False,
                background: bool = False) -> int:
    """`jira-bench run`: 0 when the run completed (whatever its pass rate), 1 when it failed, 130 when cancelled."""
    request = RunRequest(harness=source, model=model, runs=runs, concurrency=concurrency, server=server,
                         fixture=fixture, scenarios=list(scenarios), max_turns=max_turns, wall_time_s=wall_time,
                         trust=trust)
    folder = create_run(request, results)
    if background:
        _print_background(folder, spawn_worker(folder))
        return 0
    click.echo(f"run {folder.name}: {folder}")
    return _run_in_foreground(folder)


def resume_command(run_id: str, results: Path, *, background: bool = False) -> int:
    folder = run_folder.find_run(results, run_id)
    control.check_resumable(folder)
    missing = run_folder.read_spec(folder).total_trials - len(run_folder.scan_trials(folder).artifacts)
    if background:
        _print_background(folder, spawn_worker(folder, resume=True), verb=f"resumed ({missing} trials to do)")
        return 0
    click.echo(f"resuming run {folder.name}: {missing} trials to do")
    return _run_in_foreground(folder, resume=True)


# ---- attach, kill, clean ---------------------------------------------------------------------------------------------


def attach_command(run_id: str, results: Path) -> int:
    """Print the run's events from the start and follow them until the run ends; Ctrl+C detaches."""
    folder = run_folder.find_run(results, run_id)
    spec = run_folder.read_spec(folder)
    reader = run_folder.EventReader.for_run(folder)
    start = spec.created_at

    def drain() -> None:
        for event in reader.read_new():
            click.echo(event_line(event, start))

    try:
        while True:
            drain()
            status = run_folder.display_status(run_folder.read_state(folder))
            if status not in run_folder.LIVE_STATUSES:
                drain()
                break
            time.sleep(ATTACH_POLL_S)
    except KeyboardInterrupt:
        click.echo(f"detached; run {folder.name} goes on (attach again with `jira-bench attach {folder.name}`)",
                   err=True)
        return 0
    click.echo(f"run {folder.name} is {status}")
    return 0 if status == "completed" else 1


def kill_command(run_id: str, results: Path) -> int:
    folder = run_folder.find_run(results, run_id)
    control.kill_run(folder)
    done = len(run_folder.finished_trials(folder))
    total = run_folder.read_spec(folder).total_trials
    click.echo(f"run {folder.name} cancelled with {done}/{total} trials done "
               f"(finish it with `jira-bench resume {folder.name}`)")
    return 0


def clean_command(results: Path, *, older_than: str | None = None, statuses: tuple[str, ...] = (),
                  yes: bool = False) -> int:
    """Remove finished run folders (completed, failed, cancelled by default); never a running one."""
    age = control.parse_age(older_than) if older_than else None
    chosen = control.clean_candidates(results, age, statuses)
    if not chosen:
        click.echo("nothing to clean")
        return 0
    if not yes:
        for info in chosen:
            click.echo(f"  {info.run_id}  {info.status}")
        if not sys.stdin.isatty():
            raise UserError(f"{_runs(len(chosen))} would be removed; add --yes to remove "
                            f"{'it' if len(chosen) == 1 else 'them'} without asking")
        if not click.confirm(f"remove {'this run' if len(chosen) == 1 else f'these {len(chosen)} runs'}?",
                             default=False):
            click.echo("nothing removed")
            return 0
    removed = 0
    for info in chosen:
        if control.remove_run(info):
            removed += 1
            click.echo(f"removed {info.run_id} ({info.status})")
        else:
            click.echo(f"kept {info.run_id}: it is running again", err=True)
    click.echo(f"{_runs(removed)} removed")
    return 0


def _runs(count: int) -> str:
    return f"{count} run{'s' if count != 1 else ''}"


# ---- replay, report --------------------------------------------------------------------------------------------------


def replay_command(run_id: str, results: Path, *, trial: str | None = None) -> int:
    from jira_bench_tui.engine.transcript import choose_trial, format_transcript

    folder = run_folder.find_run(results, run_id)
    scenario_id, rep = choose_trial(folder, trial)
    artifact = run_folder.read_trial(folder, scenario_id, rep)
    unreadable = len(run_folder.scan_trials(folder).unreadable)
    if unreadable:
        click.echo(f"note: {_unreadable_sentence(folder.name, unreadable)}", err=True)
    click.echo(format_transcript(artifact), nl=False)
    return 0


def _unreadable_sentence(run_id: str, count: int) -> str:
    verb = "are" if count != 1 else "is"
    return f"run {run_id}: {count} trial artifact{'s' if count != 1 else ''} {verb} unreadable"


def report_command(run_ids: list[str], results: Path, *, fmt: str = "table", output: Path | None = None) -> int:
    from jira_bench_tui.engine.report import format_report, run_report

    folders = [run_folder.find_run(results, run_id) for run_id in run_ids]
    reports = [run_report(folder) for folder in folders]
    text = format_report(reports, fmt)
    for report in reports:
        if report.unreadable:
            click.echo(f"warning: {_unreadable_sentence(report.summary.run_id, report.unreadable)} and left out of "
                       "its scores", err=True)
    if output is None:
        click.echo(text, nl=False)
        return 0
    if output.exists() and output.is_dir():
        raise UserError(f"cannot write the report to {output}: it is a folder")
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except FileNotFoundError:
        tmp.unlink(missing_ok=True)
        raise UserError(f"cannot write the report to {output}: its folder does not exist") from None
    click.echo(f"report written to {output}")
    return 0


# ---- validate ----------------------------------------------------------------------------------------------------


def validate_command(loaded: LoadedHarness) -> int:
    """The oracle must pass and the null agent must fail every scenario; names each scenario that does not."""
    from jira_bench_tui.agents.null import NullAgent
    from jira_bench_tui.engine.launcher import check_fixtures
    from jira_bench_tui.engine.solution_tools import check_solution_tools, embedded_tool_names
    from jira_bench_tui.engine.trial import score_solution_async

    check_fixtures(loaded, [])
    check_solution_tools(loaded, embedded_tool_names(), [])

    async def score_all() -> list[tuple[str, Any, Any]]:
        out = []
        for scenario in loaded.harness.scenarios:
            oracle = await score_solution_async(loaded, scenario)
            null = await score_solution_async(loaded, scenario, agent=NullAgent())
            out.append((scenario.id, oracle, null))
        return out

    problems = 0
    for scenario_id, oracle, null in asyncio.run(score_all()):
        lines = []
        if oracle.outcome != "passed":
            lines.append(f"  the oracle does not pass it ({oracle.outcome})" + (f": {oracle.error}" if oracle.error else ""))
            lines += [f"    check {c.index} {c.kind}: {c.reason}" for c in oracle.checks if not c.passed]
        if null.outcome != "failed":
            lines.append(f"  the null agent does not fail it ({null.outcome})" + (f": {null.error}" if null.error else ""))
        if lines:
            problems += 1
            click.echo(f"{scenario_id}: PROBLEM")
            click.echo("\n".join(lines))
        else:
            click.echo(f"{scenario_id}: ok (oracle passes, null agent fails)")
    count = len(loaded.harness.scenarios)
    if problems:
        click.echo(f"{problems} of {count} scenarios need fixing", err=True)
        return 1
    click.echo(f"all {count} scenarios ok")
    return 0
