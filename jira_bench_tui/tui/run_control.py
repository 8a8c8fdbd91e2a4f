"""What the app asks of the engine for a run: launch, kill, resume, delete. Blocking calls: run them in a worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jira_bench_tui.engine import control, launcher
from jira_bench_tui.harness.loader import LoadedHarness


def make_request(**fields: Any) -> launcher.RunRequest:
    return launcher.RunRequest(**fields)


def check(request: launcher.RunRequest, results: Path) -> LoadedHarness:
    """Validate a request without launching (UserError with `.field` on bad input)."""
    return launcher.check_request(request, results)


def launch(request: launcher.RunRequest, results: Path) -> Path:
    """Start a detached worker for the request; the new run's folder."""
    folder, _pid = launcher.launch(request, results)
    return Path(folder)


def kill(folder: Path) -> None:
    launcher.kill_run(folder)


def resume(folder: Path) -> None:
    launcher.resume_run(folder)


def delete(folder: Path) -> None:
    """Remove a run folder; refuses a live run (UserError)."""
    control.delete_run(folder)
