"""Run control from outside the worker: kill a run's worker, resume an interrupted run, clean old run folders.

Only signals and the run folder are used; when a killed worker could not record its end, we write it (it is gone,
so the one-writer rule holds).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from jira_bench_tui.engine import store
from jira_bench_tui.engine.spawn import spawn_worker
from jira_bench_tui.errors import UserError

TERM_GRACE_S = 5.0
TAKEOVER_WAIT_S = 5.0
RESUMABLE = ("interrupted", "cancelled", "failed")
DEFAULT_CLEAN = ("completed", "failed", "cancelled")


def _wait(condition: Callable[[], bool], timeout_s: float, step_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return condition()


def _signal_worker(pid: int, signum: int) -> None:
    """Signal the worker's process group when it leads one (a detached worker), else the worker alone."""
    try:
        group = os.getpgid(pid)
    except ProcessLookupError:
        return
    try:
        if group == pid and group != os.getpgrp():
            os.killpg(group, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        return


def mark_cancelled(folder: Path, reason: str = "cancelled") -> None:
    """Record the end of a run whose worker is gone: state cancelled, summary.json and a run_finished event."""
    from jira_bench_tui.engine import scoring

    state = store.read_state(folder)
    if state.status in store.FINAL_STATUSES:
        return
    spec = store.read_spec(folder)
    now = time.time()
    state.status = "cancelled"
    state.finished_at = now
    state.updated_at = now
    for counts in [state.counts, *state.scenarios.values()]:
        counts.running = 0
    store.write_state(folder, state)
    summary = scoring.summarise(spec, store.iter_trials(folder), status="cancelled")
    store.write_summary(folder, summary)
    writer = store.EventWriter(folder)
    try:
        writer.emit("log", level="warning", message=reason)
        writer.emit("run_finished", status="cancelled", passed=summary["passed"], failed=summary["failed"],
                    errored=summary["errored"], total=summary["total"], pass_rate=summary["pass_rate"],
                    cost_usd=summary["cost_usd"], error=None)
    finally:
        writer.close()


def kill_run(folder: Path) -> None:
    """SIGTERM the worker's process group, wait a little, SIGKILL; the folder ends cancelled."""
    state = store.read_state(folder)
    if state.status in store.FINAL_STATUSES:
        raise UserError(f"run {folder.name} is not running (it is {state.status})")
    if state.status == "queued" and state.pid is None:
        # just launched: give the worker a moment to take over, so we know whom to stop
        _wait(lambda: store.read_state(folder).pid is not None or
              store.display_status(store.read_state(folder)) == "interrupted", TAKEOVER_WAIT_S)
        state = store.read_state(folder)
    pid = state.pid
    if pid and store.pid_alive(pid):
        _signal_worker(pid, signal.SIGTERM)
        if not _wait(lambda: not store.pid_alive(pid), TERM_GRACE_S):
            _signal_worker(pid, signal.SIGKILL)
            _wait(lambda: not store.pid_alive(pid), TERM_GRACE_S)
    mark_cancelled(folder, "killed by `jira-bench kill`")


def check_resumable(folder: Path) -> store.RunSpec:
    """The run's spec when it can be resumed (interrupted, cancelled or failed); UserError otherwise."""
    spec = store.read_spec(folder)
    state = store.read_state(folder)
    status = store.display_status(state)
    if status == "completed":
        raise UserError(f"run {folder.name} is completed; there is nothing to resume")
    if status not in RESUMABLE:
        raise UserError(f"run {folder.name} is {status}; only an interrupted, cancelled or failed run can be resumed")
    from jira_bench_tui.engine.models import check_model

    check_model(spec.model, folder.parent.parent)
    return spec


def resume_run(folder: Path) -> int:
    """For an interrupted, cancelled or failed run: spawn a worker that runs only the missing trials; its pid."""
    check_resumable(folder)
    return spawn_worker(folder)


# ---- clean ------------------------------------------------------------------------------------------------------

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> float:
    """Seconds in '7d', '12h', '30m', '45s', '2w'."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text or "")
    if not match:
        raise UserError(f"--older-than wants a number and a unit (s, m, h, d, w), e.g. 7d; got {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _last_activity(info: store.RunInfo) -> float:
    if info.state is not None:
        return info.state.finished_at or info.state.updated_at
    try:
        return info.path.stat().st_mtime
    except OSError:
        return 0.0


def clean_candidates(results: Path, older_than_s: float | None, statuses: Iterable[str],
                     now: float | None = None) -> list[store.RunInfo]:
    """Runs that `clean` would remove: matching status (default completed/failed/cancelled), old enough, never live."""
    now = time.time() if now is None else now
    wanted = set(statuses) or set(DEFAULT_CLEAN)
    chosen = []
    for info in store.list_runs(results, now):
        if info.live or info.status not in wanted:
            continue
        if older_than_s is not None and now - _last_activity(info) < older_than_s:
            continue
        chosen.append(info)
    return chosen


def delete_run(folder: Path) -> None:
    """Remove a run folder; UserError for a live run (kill it first), so no worker loses its folder."""
    if store.load_run(folder).live:
        raise UserError(f"run {folder.name} is still running: kill it first")
    shutil.rmtree(folder)


def remove_run(info: store.RunInfo) -> bool:
    """Delete a run folder unless it has come alive since it was listed. True when removed."""
    try:
        delete_run(info.path)
    except UserError:
        return False
    return True
