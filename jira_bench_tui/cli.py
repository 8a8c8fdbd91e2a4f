"""The one entry point for every command (DESIGN.md 3.4): argument handling only; the work lives in the layers below.

Errors the user can fix are one sentence on stderr with exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from jira_bench_tui import __version__
from jira_bench_tui.config import results_root as _results_root
from jira_bench_tui.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def user_errors(func: F) -> F:
    """Turn UserError (and a few OS errors) into one clean message and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            _fail(str(exc), exc.exit_code)
        except PermissionError as exc:
            _fail(f"permission denied: {exc.filename}")
        except (NotADirectoryError, FileNotFoundError, IsADirectoryError) as exc:
            _fail(f"{exc.strerror.lower() if exc.strerror else 'cannot use the path'}: {exc.filename}")
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def results_root(results_dir: Path | None) -> Path:
    """The results folder: this command's --results-dir, else one given before the command
    (`jira-bench --results-dir D view list`), else $JIRA_BENCH_RESULTS or ./results. A path that exists and is not a
    folder is bad input."""
    if results_dir is None:
        context = click.get_current_context(silent=True)
        while context is not None and results_dir is None:
            results_dir = context.params.get("results_dir")
            context = context.parent
    root = _results_root(results_dir)
    for part in (root, *root.parents):
        if part.exists():
            if not part.is_dir():
                raise UserError(f"the results folder {root} cannot be used: {part} is not a folder")
            break
    return root


results_option = click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Results folder (default: $JIRA_BENCH_RESULTS or ./results).",
)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jira-bench")
@results_option
@click.pass_context
def main(ctx: click.Context, results_dir: Path | None) -> None:
    """Benchmark LLM agents on Jira through MCP. With no command, open the app."""
    if ctx.invoked_subcommand is None:
        _open_app(results_dir, start="auto")


@user_errors
def _open_app(results_dir: Path | None, start: str) -> None:
    from jira_bench_tui.tui.app import run_app

    run_app(results_root(results_dir), start=start)


# ---- run and run control -------------------------------------------------------------------------------------


@main.command()
@click.argument("harness", required=False)
@click.option("--harness-file", "harness_file", default=None, help="Same as HARNESS (for users of the earlier tool).")
@click.option("--model", "-m", default="oracle", show_default=True,
              help="claude-..., oracle, null or replay:RUN_ID.")
@click.option("--runs", "-n", type=int, default=1, show_default=True, help="Repetitions of every scenario.")
@click.option("--concurrency", "-c", type=int, default=4, show_default=True, help="Trials at once.")
@click.option("--server", default="builtin", show_default=True,
              help="'builtin' (the embedded Jira) or a stdio MCP server command, e.g. 'uvx mcp-atlassian'.")
@click.option("--fixture", default=None, help="Embedded Jira fixture instead of the harness's (path or builtin:NAME).")
@click.option("--scenario", "scenarios", multiple=True, help="Run only these scenario ids (repeatable).")
@click.option("--max-turns", type=int, default=None, help="Override the harness's turn limit.")
@click.option("--wall-time", type=float, default=None, help="Override the per-trial time limit, in seconds.")
@click.option("--trust", is_flag=True, help="Allow a server command that comes from the harness file.")
@click.option("--background", "-b", is_flag=True, help="Fork a detached worker and return at once.")
@results_option
@user_errors
def run(harness: str | None, harness_file: str | None, results_dir: Path | None, **options: Any) -> None:
    """Run HARNESS (a file or builtin:NAME) with a model, N repetitions each.

    \b
    Exit codes: 0 the run completed (whatever its pass rate; read the score
    table or `jira-bench report`), 1 the run failed (e.g. the API key was
    refused), 2 bad input, 130 cancelled with Ctrl+C (resume it later).
    With --background: 0 once the worker is started."""
    source = harness or harness_file
    if harness and harness_file and harness != harness_file:
        raise UserError("give the harness once: either HARNESS or --harness-file")
    if not source:
        raise UserError("which harness? give a file or builtin:NAME (e.g. `jira-bench run builtin:example`)")
    from jira_bench_tui.engine import commands

    sys.exit(commands.run_command(source, results_root(results_dir), **options))


@main.command()
@click.argument("run_id")
@results_option
@user_errors
def attach(run_id: str, results_dir: Path | None) -> None:
    """Stream a run's events as plain text until it ends; Ctrl+C detaches (the run goes on)."""
    from jira_bench_tui.engine import commands

    sys.exit(commands.attach_command(run_id, results_root(results_dir)))


@main.command()
@click.argument("run_id")
@results_option
@user_errors
def kill(run_id: str, results_dir: Path | None) -> None:
    """Stop a run's worker; the run folder says cancelled."""
    from jira_bench_tui.engine import commands

    sys.exit(commands.kill_command(run_id, results_root(results_dir)))


@main.command()
@click.argument("run_id")
@click.option("--background", "-b", is_flag=True, help="Fork a detached worker and return at once.")
@results_option
@user_errors
def resume(run_id: str, background: bool, results_dir: Path | None) -> None:
    """Finish an interrupted or cancelled run, redoing no finished trial."""
    from jira_bench_tui.engine import commands

    sys.exit(commands.resume_command(run_id, results_root(results_dir), background=background))


@main.command()
@click.option("--older-than", default=None, help="Only runs older than this (e.g. 7d, 12h).")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(["completed", "failed", "cancelled", "interrupted", "unreadable"]),
              help="Only runs with this status (repeatable).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@results_option
@user_errors
def clean(older_than: str | None, statuses: tuple[str, ...], yes: bool, results_dir: Path | None) -> None:
    """Remove old run folders (never a running one)."""
    from jira_bench_tui.engine import commands

    sys.exit(commands.clean_command(results_root(results_dir), older_than=older_than, statuses=statuses, yes=yes))


@main.command()
@click.argument("run_id")
@click.option("--trial", "trial", default=None, help="SCENARIO or SCENARIO__REP (default: the first failure).")
@click.option("--plain", is_flag=True, help="Print the transcript as text instead of opening the app.")
@results_option
@user_errors
def replay(run_id: str, trial: str | None, plain: bool, results_dir: Path | None) -> None:
    """Replay a trial of a finished run step by step."""
    results = results_root(results_dir)
    if not plain:
        from jira_bench_tui.engine.store import find_run
        from jira_bench_tui.tui.app import run_app

        find_run(results, run_id)
        run_app(results, start="replay", run_id=run_id, trial=trial)
        return
    from jira_bench_tui.engine import commands

    sys.exit(commands.replay_command(run_id, results, trial=trial))


@main.command()
@click.argument("run_ids", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "md", "csv", "json"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to this file instead of stdout.")
@results_option
@user_errors
def report(run_ids: tuple[str, ...], fmt: str, output: Path | None, results_dir: Path | None) -> None:
    """Compare runs: pass rate, pass^k, errors, cost, tokens, time."""
    from jira_bench_tui.engine import commands

    sys.exit(commands.report_command(list(run_ids), results_root(results_dir), fmt=fmt, output=output))


# ---- harness ---------------------------------------------------------------------------------------------------


@main.command()
@click.argument("harness")
@click.option("--schema-only", is_flag=True, help="Only check the file against the schema (no oracle/null runs).")
@user_errors
def validate(harness: str, schema_only: bool) -> None:
    """Check a harness: schema, then the oracle passes and the null agent fails every scenario."""
    from jira_bench_tui.harness.loader import load_harness

    loaded = load_harness(harness)
    count = len(loaded.harness.scenarios)
    click.echo(f"{loaded.source}: schema ok ({count} scenario{'s' if count != 1 else ''}, fixture '{loaded.fixture.name}')")
    if schema_only:
        return
    from jira_bench_tui.engine import commands

    sys.exit(commands.validate_command(loaded))


@main.command()
def schema() -> None:
    """Print the harness JSON Schema."""
    from jira_bench_tui.harness.schema import Harness

    click.echo(json.dumps(Harness.model_json_schema(), indent=2))


# ---- the embedded Jira ---------------------------------------------------------------------------------------


@main.command("jira-server")
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

    serve(fixture=fixture, empty=empty, transport=transport, host=host, port=port, db_path=db_path,
          quirks=_parse_quirks(quirks))


def _parse_quirks(items: tuple[str, ...]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"--quirk wants NAME=VALUE, got {item!r}")
        parsed[name.strip()] = value.strip()
    return parsed


# ---- viewing runs --------------------------------------------------------------------------------------------


@main.group(invoke_without_command=True)
@results_option
@click.pass_context
def view(ctx: click.Context, results_dir: Path | None) -> None:
    """Open the app on the runs list (`view list` prints it as text)."""
    if ctx.invoked_subcommand is None:
        _open_app(results_dir, start="runs")


@view.command("list")
@results_option
@user_errors
def view_list(results_dir: Path | None) -> None:
    """Print runs: IN PROGRESS (and interrupted), then COMPLETED; newest first."""
    from jira_bench_tui.engine.runs_text import format_runs_list
    from jira_bench_tui.engine.store import list_runs

    results = results_root(results_dir)
    click.echo(format_runs_list(list_runs(results), now=time.time()), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
