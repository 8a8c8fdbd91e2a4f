"""`jira-bench run` and `jira-bench resume`: start or finish a run, detached or in this terminal with a progress
display and the score table at the end."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jira_bench_tui.cli.common import (
    EXIT_CANCELLED,
    EXIT_FAILED,
    EXIT_OK,
    results_option,
    results_root,
    run_id_command,
    user_errors,
)
from jira_bench_tui.errors import UserError

if TYPE_CHECKING:  # the run path's modules are imported where they are used: `--help` stays quick
    from rich.text import Text

    from jira_bench_tui.engine.launcher import RunRequest
    from jira_bench_tui.engine.run_folder import AnyEvent, RunState


@click.command()
@click.argument("harness", required=False)
@click.option("--harness-file", "harness_file", default=None, help="Same as HARNESS (for users of the earlier tool).")
@click.option("--model", "-m", "models", multiple=True, default=["oracle"], show_default=True,
              help="anthropic/claude-..., openai/gpt-... (or any model of an OpenAI-compatible endpoint), bare "
                   "claude-*/gpt-*/o3*/o4*, oracle, null or replay:RUN_ID. `jira-bench models` lists them. "
                   "Repeatable: a sweep, one run per model launched together (each its own detached worker).")
@click.option("--model-base-url", default=None, metavar="URL",
              help="The model API's endpoint, e.g. http://localhost:8000/v1 (vLLM) or http://localhost:11434/v1 "
                   "(Ollama); default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL, else the vendor's. A local one needs no "
                   "key. Kept in spec.json.")
@click.option("--model-arg", "model_args", multiple=True, metavar="KEY=VALUE",
              help="An extra model API argument, repeatable: temperature=0, max_tokens=2048, reasoning_effort=low, "
                   "stream=false, ... (VALUE read as JSON when it is JSON). Kept in spec.json; never a key.")
@click.option("--runs", "-n", type=int, default=1, show_default=True, help="Repetitions of every scenario.")
@click.option("--concurrency", "-c", type=int, default=4, show_default=True,
              help="Trials at once, over all worker processes.")
@click.option("--workers", "-w", type=int, default=None, metavar="N",
              help="Worker processes running the trials (the run's worker alone writes its folder); default: the "
                   "machine's cores, one per 32 trials (a sweep shares them).")
@click.option("--server", default="builtin", show_default=True,
              help="'builtin' (the embedded Jira); mcp-atlassian[==VERSION] (the real server, installed with "
                   "`jira-bench servers install`, over a fresh embedded Jira per trial); rest:'CMD ...' (any stdio "
                   "server given JIRA_URL, JIRA_USERNAME, JIRA_API_TOKEN); or a stdio MCP server command sharing "
                   "its own Jira.")
@click.option("--fixture", default=None, help="Embedded Jira fixture instead of the harness's (path or builtin:NAME).")
@click.option("--scenario", "scenarios", multiple=True, help="Run only these scenario ids (repeatable).")
@click.option("--max-turns", type=int, default=None, help="Override the harness's turn limit.")
@click.option("--wall-time", type=float, default=None, help="Override the per-trial time limit, in seconds.")
@click.option("--trust", is_flag=True, help="Allow a server command that comes from the harness file.")
@click.option("--max-memory", default=None, metavar="SIZE", help="Worker memory limit (address space), e.g. 2G.")
@click.option("--max-cpu-time", default=None, metavar="DURATION", help="Worker CPU time limit, e.g. 30m.")
@click.option("--nice", default=None, metavar="N", help="Worker niceness, 0-19.")
@click.option("--note", default=None, metavar="TEXT",
              help="A label for the run (one line), kept in spec.json and shown in the app, `view list` and `report`.")
@click.option("--background", "-b", is_flag=True, help="Fork a detached worker and return at once.")
@results_option
@user_errors
def run(harness: str | None, harness_file: str | None, results_dir: Path | None, models: tuple[str, ...],
        model_base_url: str | None, model_args: tuple[str, ...], runs: int, concurrency: int, server: str,
        fixture: str | None, scenarios: tuple[str, ...], max_turns: int | None,
        wall_time: float | None, trust: bool, background: bool, max_memory: str | None = None,
        max_cpu_time: str | None = None, nice: str | None = None, note: str | None = None,
        workers: int | None = None) -> None:
    """Run HARNESS (a file or builtin:NAME) with a model, N repetitions each.

    \b
    Exit codes: 0 the run completed (whatever its pass rate; read the score
    table or `jira-bench report`), 1 the run failed (e.g. the API key was
    refused), 2 bad input, 130 cancelled with Ctrl+C (resume it later).
    With --background, or several --model (a sweep, always detached): 0 once
    the workers are started."""
    source = _harness_source(harness, harness_file)
    from jira_bench_tui.engine.launcher import RunRequest, sweep_requests

    request = RunRequest(harness=source, model_base_url=model_base_url, model_args=list(model_args),
                         runs=runs, concurrency=concurrency, workers=workers, server=server, fixture=fixture,
                         scenarios=list(scenarios), max_turns=max_turns, wall_time_s=wall_time,
                         trust=trust, max_memory=max_memory, max_cpu_time=max_cpu_time, nice=nice, note=note)
    sys.exit(_start(sweep_requests(request, list(models)), results_root(results_dir), background))


def _start(requests: list[RunRequest], results: Path, background: bool) -> int:
    """Start the runs: several (a sweep) each in a detached worker, one detached or here; the exit code."""
    from jira_bench_tui.engine.launcher import create_run, launch_sweep, spawn_worker

    if len(requests) > 1:
        _print_sweep(launch_sweep(requests, results))
        return EXIT_OK
    folder = create_run(requests[0], results)
    if background:
        _print_background(folder, spawn_worker(folder))
        return EXIT_OK
    click.echo(f"run {folder.name}: {folder}")
    return _run_in_foreground(folder)


def _harness_source(harness: str | None, harness_file: str | None) -> str:
    """The harness given once, as HARNESS or --harness-file; UserError otherwise."""
    if harness and harness_file and harness != harness_file:
        raise UserError("give the harness once: either HARNESS or --harness-file")
    source = harness or harness_file
    if not source:
        raise UserError("which harness? give a file or builtin:NAME (e.g. `jira-bench run builtin:example`)")
    return source


@click.command()
@click.option("--background", "-b", is_flag=True, help="Fork a detached worker and return at once.")
@run_id_command
def resume(run_id: str, background: bool, results_dir: Path | None) -> None:
    """Finish an interrupted or cancelled run, redoing no finished trial."""
    from jira_bench_tui.engine import control, run_folder
    from jira_bench_tui.engine.spawn import spawn_worker

    folder = run_folder.find_run(results_root(results_dir), run_id)
    control.check_resumable(folder)
    missing = run_folder.read_spec(folder).total_trials - len(run_folder.scan_trials(folder).artifacts)
    if background:
        _print_background(folder, spawn_worker(folder, resume=True), verb=f"resumed ({missing} trials to do)")
        sys.exit(EXIT_OK)
    click.echo(f"resuming run {folder.name}: {missing} trials to do")
    sys.exit(_run_in_foreground(folder, resume=True))


def _print_background(folder: Path, pid: int, verb: str = "started") -> None:
    click.echo(f"run {folder.name} {verb} in the background (worker pid {pid})")
    click.echo(f"folder: {folder}")
    click.echo(f"follow it: jira-bench attach {folder.name}   stop it: jira-bench kill {folder.name}")


def _print_sweep(launched: list[tuple[Path, int]]) -> None:
    from jira_bench_tui.engine import run_folder

    sweep_id = run_folder.read_spec(launched[0][0]).sweep_id
    click.echo(f"sweep {sweep_id}: {len(launched)} runs started in the background")
    for folder, pid in launched:
        click.echo(f"run {folder.name} (worker pid {pid})")
    click.echo("follow them: jira-bench view   (or jira-bench attach RUN_ID)")


# ---- the foreground run ------------------------------------------------------------------------------------------


def _run_in_foreground(folder: Path, *, resume: bool = False) -> int:
    """Run the worker loop in this process with the progress display. Exit 0 when the run completed with at least one
    scored trial, 1 when it failed or no trial could be scored (all errored), 130 when cancelled."""
    import asyncio

    from rich.text import Text

    from jira_bench_tui.engine import run_folder
    from jira_bench_tui.engine.worker import run_worker

    spec = run_folder.read_spec(folder)
    state = asyncio.run(run_worker(folder, on_event=ProgressPrinter(spec.total_trials), resume=resume))
    _echo(score_table(folder))
    if state.status == "failed":
        _echo(Text(f"error: the run failed: {state.error}", style="red"), err=True)
    elif state.status == "cancelled":
        _echo(f"cancelled; finish it with `jira-bench resume {folder.name}`", err=True)
    unscored = _unscored(state)
    if unscored:
        _echo(Text("error: no trial could be scored (every trial ended in an error)", style="red"), err=True)
    _echo(f"run {folder.name} {state.status}: {folder}")
    if unscored:
        return EXIT_FAILED
    return {"completed": EXIT_OK, "cancelled": EXIT_CANCELLED}.get(state.status, EXIT_FAILED)


def _unscored(state: RunState) -> bool:
    """The run completed but every trial errored: there is no score."""
    return state.status == "completed" and state.counts.passed + state.counts.failed == 0


class ProgressPrinter:
    """The foreground display, the worker's `on_event`: one line per finished trial, warnings and errors as they come.

    When its reader goes away (BrokenPipeError) it silences stdout and raises, and the worker stops the display (the
    run goes on)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __call__(self, event: AnyEvent) -> None:
        """Print what `event` (one events.jsonl record) means for the display, if anything."""
        from rich.text import Text

        from jira_bench_tui.cli.style import echo, outcome_text
        from jira_bench_tui.engine.event_lines import event_line, finished_trial_line
        from jira_bench_tui.engine.run_folder import LogEvent, RunStartedEvent, TrialFinishedEvent

        try:
            if isinstance(event, RunStartedEvent):
                self.done = event.total - event.pending
                click.echo(event_line(event, start=event.t))
            elif isinstance(event, TrialFinishedEvent):
                self.done += 1
                echo(outcome_text(finished_trial_line(event, self.done, self.total)))
            elif isinstance(event, LogEvent) and event.level in ("warning", "error"):
                echo(Text(f"  {event.level}: {event.message}", style="yellow"), err=True)
        except BrokenPipeError:
            _silence_stdout()
            raise


def score_table(folder: Path) -> Text:
    """Per-scenario results and the run's scores from summary.json, as printed at the end of a foreground run: each
    cell right under its header ('3/3' under 'passed'), the pass rate coloured by how good it is."""
    from rich.text import Text

    from jira_bench_tui.cli.style import rate_style
    from jira_bench_tui.engine import run_folder

    summary = run_folder.read_summary(folder)
    scenarios = summary.scenarios if summary else {}
    width = max([len("scenario"), *(len(sid) for sid in scenarios)])
    table = Text("\n" + f"{'scenario':<{width}} {'passed':>8} {'failed':>7} {'errors':>7}")
    for sid, counts in scenarios.items():
        table.append("\n" + f"{sid:<{width}} ")
        scored = counts.passed + counts.failed
        table.append(f"{f'{counts.passed}/{counts.total}':>8}", style=rate_style(
            counts.passed / scored if scored else None))
        table.append(f" {counts.failed:>7} {counts.errored:>7}")
    rate = summary.pass_rate if summary else None
    table.append("\n\n")
    table.append(f"pass rate {rate:.1%}" if rate is not None else "pass rate n/a (no scored trial)",
                 style=rate_style(rate))
    hat = summary.pass_hat_k if summary else {}
    if hat:
        table.append("\npass^k    " + "  ".join(f"k={k}: {v:.1%}" for k, v in hat.items()))
    table.append(f"\nerrors {summary.errored if summary else 0}, tokens {summary.tokens if summary else 0}, "
                 f"cost ${summary.cost_usd if summary else 0:.4f}")
    return table


def _silence_stdout() -> None:
    """Point stdout at /dev/null (its reader went away, e.g. `run | head`): later prints and the exit flush succeed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _echo(text: str | Text, *, err: bool = False) -> None:
    """Print (coloured on a terminal) surviving a closed pipe: the text is dropped and stdout silenced."""
    from jira_bench_tui.cli.style import echo

    try:
        echo(text, err=err)
    except BrokenPipeError:
        _silence_stdout()
