"""Runs as lists and look-ups show them: one run folder read without ever raising (RunInfo), every run of a
results folder newest first, and a run found by its id or a unique prefix."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from jira_bench_tui.engine.run_folder.errors import StoreError, UnknownRunError
from jira_bench_tui.engine.run_folder.formats import RunSpec, RunState
from jira_bench_tui.engine.run_folder.layout import runs_dir
from jira_bench_tui.engine.run_folder.liveness import LIVE_STATUSES, DisplayStatus, display_status
from jira_bench_tui.engine.run_folder.run_files import read_spec, read_state


@dataclass
class RunInfo:
    """One run as a list shows it. `spec`/`state` are None when unreadable; `problem` then says why."""

    run_id: str
    path: Path
    spec: RunSpec | None
    state: RunState | None
    status: DisplayStatus
    problem: str | None = None

    @property
    def live(self) -> bool:
        """Whether the run is queued or running (its worker is alive)."""
        return self.status in LIVE_STATUSES


def load_run(folder: Path, now: float | None = None) -> RunInfo:
    """Read one run folder; never raises for a corrupt folder (it comes back `unreadable`)."""
    try:
        spec = read_spec(folder)
        state = read_state(folder)
    except StoreError as exc:
        return RunInfo(folder.name, folder, None, None, "unreadable", str(exc))
    return RunInfo(folder.name, folder, spec, state, display_status(state, now))


def list_runs(results: Path, now: float | None = None) -> list[RunInfo]:
    """Every run folder under `results`, newest first (run ids sort by time). Empty if the folder does not exist."""
    root = runs_dir(results)
    if not root.is_dir():
        return []
    folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return [load_run(folder, now) for folder in sorted(folders, key=lambda p: p.name, reverse=True)]


def find_run(results: Path, run_id: str) -> Path:
    """The folder of `run_id` (or of the one run whose id starts with it). UnknownRunError otherwise."""
    root = runs_dir(results)
    exact = root / run_id
    if run_id and "/" not in run_id and exact.is_dir():
        return exact
    matches = sorted(p for p in root.glob(f"{_glob_escape(run_id)}*") if p.is_dir()) if root.is_dir() and run_id else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UnknownRunError(f"run id {run_id!r} is ambiguous: it starts {len(matches)} runs ({matches[0].name}, ...)")
    raise UnknownRunError(f"no run {run_id!r} in {root} (see `jira-bench view list`)")


def _glob_escape(text: str) -> str:
    return re.sub(r"([*?\[\]])", r"[\1]", text)
