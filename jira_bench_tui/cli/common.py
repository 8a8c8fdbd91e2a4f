"""What every command shares: the --results-dir option and its resolution, the exit codes, and the error handling
that turns bad input into one sentence on stderr (exit 2), never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from jira_bench_tui.config import results_root as _results_root
from jira_bench_tui.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CANCELLED = 130


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `error: MESSAGE` on stderr and exit with `code` (2: bad input)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def user_errors(func: F) -> F:
    """Turn UserError (and a few OS errors) into one clean message and exit code 2; Ctrl+C into `interrupted`, 130."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            fail(str(exc), exc.exit_code)
        except PermissionError as exc:
            fail(f"permission denied: {exc.filename}")
        except (NotADirectoryError, FileNotFoundError, IsADirectoryError) as exc:
            fail(f"{exc.strerror.lower() if exc.strerror else 'cannot use the path'}: {exc.filename}")
        except OSError as exc:  # a full or read-only disk, say: one sentence, never a traceback
            from jira_bench_tui.engine.run_folder.errors import disk_sentence

            fail(disk_sentence(exc, "use"))
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(EXIT_CANCELLED)

    return wrapper  # type: ignore[return-value]


def results_root(results_dir: Path | None) -> Path:
    """The results folder: this command's --results-dir, else one given before the command
    (`jira-bench --results-dir D view list`), else $JIRA_BENCH_RESULTS or ./results.

    Raises UserError when a path on the way exists and is not a folder."""
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


def run_id_command(func: F) -> F:
    """The decorators of a command about one run: a RUN_ID argument, --results-dir and the error handling."""
    return click.argument("run_id")(results_option(user_errors(func)))


@user_errors
def open_app(results_dir: Path | None, start: str) -> None:
    """Open the app on `start`: "auto" (the runs list, or the new-run form before the first run) or "runs"."""
    from jira_bench_tui.tui.app import run_app

    run_app(results_root(results_dir), start=start)


def runs_phrase(count: int) -> str:
    """'1 run', '3 runs'."""
    return f"{count} run{'s' if count != 1 else ''}"
