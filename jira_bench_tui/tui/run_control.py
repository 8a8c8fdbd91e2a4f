"""What the app asks of the engine for a run: launch, kill, resume, delete. Blocking calls: run them in a worker.

The engine's launcher pulls in the MCP client (~0.4 s to import), so it is imported on first use, in the worker
thread that needs it, never while the app paints its first frame."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jira_bench_tui.engine.launcher import RunRequest


def make_request(**fields: Any) -> RunRequest:
    from jira_bench_tui.engine.launcher import RunRequest

    return RunRequest(**fields)


def launch(request: RunRequest, results: Path) -> Path:
    """Start a detached worker for the request; the new run's folder."""
    from jira_bench_tui.engine import launcher

    folder, _pid = launcher.launch(request, results)
    return Path(folder)


def kill(folder: Path) -> None:
    from jira_bench_tui.engine import launcher

    launcher.kill_run(folder)


def resume(folder: Path) -> None:
    from jira_bench_tui.engine import launcher

    launcher.resume_run(folder)


def delete(folder: Path) -> None:
    """Remove a run folder; refuses a live run (UserError)."""
    from jira_bench_tui.engine import control

    control.delete_run(folder)
