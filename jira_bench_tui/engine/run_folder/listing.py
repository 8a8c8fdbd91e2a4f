"""Runs as lists and look-ups show them: one run folder read without ever raising (RunInfo), every run of a
results folder newest first, and a run found by its id or a unique prefix."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from jira_bench_tui.engine.run_folder.errors import StoreError, UnknownRunError
from jira_bench_tui.engine.run_folder.formats import RunSpec, RunState
from jira_bench_tui.engine.run_folder.layout import (
    events_path,
    is_run_id,
    runs_dir,
    spec_path,
    state_path,
    summary_path,
    trials_dir,
    worker_lock_path,
)
from jira_bench_tui.engine.run_folder.liveness import LIVE_STATUSES, DisplayStatus, folder_status
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


def check_run_files(folder: Path) -> None:
    """StoreError when a file of the run folder is of the wrong kind: spec.json, state.json, summary.json,
    events.jsonl or worker.lock not a regular file, trials/ not a folder (a reader would block on a FIFO or fail on a
    folder). Looks only at the kinds (stat), not the contents."""
    files = (spec_path(folder), state_path(folder), summary_path(folder), events_path(folder), worker_lock_path(folder))
    for path, want_dir in [*((path, False) for path in files), (trials_dir(folder), True)]:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StoreError(f"{path.name} in {folder} cannot be read ({exc.strerror or exc})") from None
        if want_dir and not stat.S_ISDIR(mode):
            raise StoreError(f"{path.name} in {folder} is not a folder")
        if not want_dir and not stat.S_ISREG(mode):
            raise StoreError(f"{path.name} in {folder} is not a regular file")


def read_run(folder: Path, now: float | None = None) -> tuple[RunSpec, RunState, DisplayStatus]:
    """(spec, state, status a reader shows) of one run folder; StoreError (one sentence) for any corrupt part: spec,
    state or worker.lock of the wrong kind or content, summary.json, events.jsonl or trials/ of the wrong kind. Never
    blocks, never another error."""
    spec = read_spec(folder)
    state = read_state(folder)
    check_run_files(folder)  # summary.json too, by kind: its content is rebuilt from the artifacts when a run ends
    return spec, state, folder_status(folder, state, now)


def load_run(folder: Path, now: float | None = None) -> RunInfo:
    """Read one run folder; never raises for a corrupt folder (it comes back `unreadable`, `problem` says why)."""
    try:
        spec, state, status = read_run(folder, now)
    except StoreError as exc:
        return RunInfo(folder.name, folder, None, None, "unreadable", str(exc))
    return RunInfo(folder.name, folder, spec, state, status)


def list_runs(results: Path, now: float | None = None) -> list[RunInfo]:
    """Every run folder under `results`, newest first (run ids sort by time). Empty if the folder does not exist."""
    root = runs_dir(results)
    if not root.is_dir():
        return []
    folders = [p for p in _entries(root) if p.is_dir() and not p.name.startswith(".")]
    return [load_run(folder, now) for folder in sorted(folders, key=lambda p: p.name, reverse=True)]


def find_run(results: Path, run_id: str) -> Path:
    """The folder of `run_id` (or of the one run whose id starts with it): the one place a run id given by a user (a
    command's RUN_ID, a `replay:RUN_ID` model, the app) becomes a folder.

    A run id is a single name matching `layout.RUN_ID_PATTERN`, and its folder must resolve inside
    `<results>/runs/` (a symbolic link out of it does not count). UnknownRunError ("no run ...") otherwise: a path, an
    absolute path, `..`, a hidden name, an unknown id, or a prefix of several runs."""
    root = runs_dir(results)
    if not is_run_id(run_id):
        raise UnknownRunError(f"no run {run_id!r} in {root}: a run id is a name such as 20261124-101500-core-oracle-7f3a, "
                              "not a path (see `jira-bench view list`)")
    exact = root / run_id
    if _run_folder_inside(root, exact):
        return exact
    matches = sorted(p for p in _run_folders(root) if p.name.startswith(run_id))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UnknownRunError(f"run id {run_id!r} is ambiguous: it starts {len(matches)} runs ({matches[0].name}, ...)")
    raise UnknownRunError(f"no run {run_id!r} in {root} (see `jira-bench view list`)")


def _run_folder_inside(root: Path, folder: Path) -> bool:
    """Whether `folder` is a folder that resolves to a child of `root` (symbolic links followed)."""
    try:
        return folder.is_dir() and folder.resolve().parent == root.resolve()
    except (OSError, RuntimeError, ValueError):
        return False


def _entries(root: Path) -> list[Path]:
    try:
        return list(root.iterdir())
    except OSError:
        return []


def _run_folders(root: Path) -> list[Path]:
    """The run folders under `root` (not hidden, a valid run id, resolving inside `root`)."""
    return [p for p in _entries(root) if is_run_id(p.name) and _run_folder_inside(root, p)]
