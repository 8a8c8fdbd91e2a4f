"""What the app asks of the engine for a run: launch, kill, resume, delete. Blocking calls: run them in a worker.

The engine's launcher pulls in the MCP client (~0.4 s to import), so it is imported on first use, in the worker
thread that needs it, never while the app paints its first frame; kill, resume and delete need only the engine's
run control (`engine/control.py`, lighter, imported on first use too: not needed for the first frame)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jira_bench_tui.engine.launcher import RunRequest


def make_request(**fields: Any) -> RunRequest:
    """The engine's `RunRequest` with these fields (the form's); the launcher is imported on this first use."""
    from jira_bench_tui.engine.launcher import RunRequest

    return RunRequest(**fields)


def check(request: RunRequest, results: Path) -> None:
    """Everything the engine checks before a launch (harness, scenarios, server, fixture); UserError(field=...) on
    the first problem. Writes nothing."""
    from jira_bench_tui.engine import launcher

    launcher.check_request(request, results)


def check_model(model: str, results: Path, base_url: str | None = None) -> None:
    """UserError(field="model") unless the model can run here (a local `base_url` needs no key)."""
    from jira_bench_tui.engine.agent_factory import check_model as check

    check(model, results, base_url)


def launch(request: RunRequest, results: Path) -> Path:
    """Start a detached worker for the request; the new run's folder."""
    from jira_bench_tui.engine import launcher

    folder, _pid = launcher.launch(request, results)
    return Path(folder)


def launch_sweep(fields: dict[str, Any], models: list[str], results: Path) -> list[Path]:
    """Start one detached worker per model (several share a sweep id), all checked before any is created: the new
    runs' folders, in the models' order. UserError(field=...) on the first problem (nothing is then created)."""
    from jira_bench_tui.engine import launcher

    requests = launcher.sweep_requests(make_request(**fields), models)
    return [Path(folder) for folder, _pid in launcher.launch_sweep(requests, results)]


def kill(folder: Path) -> None:
    """Stop the run's worker (SIGTERM to its group, SIGKILL after a grace) and leave the run cancelled."""
    from jira_bench_tui.engine import control

    control.kill_run(folder)


def resume(folder: Path) -> None:
    """Start a worker on the missing trials of an interrupted, cancelled or failed run (UserError when a worker
    already runs it or the run cannot resume)."""
    from jira_bench_tui.engine import control

    control.resume_run(folder)


def delete(folder: Path) -> None:
    """Remove a run folder; refuses a live run (UserError)."""
    from jira_bench_tui.engine import control

    control.delete_run(folder)
