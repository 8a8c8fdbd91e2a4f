"""What the app asks of the engine for a run: launch, kill, resume, delete. Blocking calls: run them in a worker."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

from jira_bench_tui.engine.store import RunInfo, load_run
from jira_bench_tui.errors import UserError


def launcher() -> ModuleType:
    """The engine's launcher module; a UserError when this build has none."""
    try:
        from jira_bench_tui.engine import launcher as module
    except ImportError as exc:
        raise UserError(f"the run engine is not available in this build ({exc})") from None
    return module


def make_request(**fields: Any) -> Any:
    return launcher().RunRequest(**fields)


def check(request: Any, results: Path) -> Any:
    """Validate a request without launching (UserError with `.field` on bad input)."""
    return launcher().check_request(request, results)


def launch(request: Any, results: Path) -> Path:
    """Start a detached worker for the request; the new run's folder."""
    folder, _pid = launcher().launch(request, results)
    return Path(folder)


def kill(folder: Path) -> None:
    launcher().kill_run(folder)


def resume(folder: Path) -> None:
    launcher().resume_run(folder)


def delete(folder: Path) -> None:
    """Remove a run folder; refuses a live run."""
    info: RunInfo = load_run(folder)
    if info.live:
        raise UserError(f"run {folder.name} is still running: kill it first")
    shutil.rmtree(folder)
