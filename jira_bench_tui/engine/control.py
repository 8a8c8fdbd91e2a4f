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

from jira_bench_tui.engine import run_folder, worker_lock
from jira_bench_tui.engine.run_end import record_end
from jira_bench_tui.engine.spawn import spawn_worker
from jira_bench_tui.errors import UserError

TERM_GRACE_S = 5.0
RESUMABLE = ("interrupted", "cancelled", "failed")


def _wait(condition: Callable[[], bool], timeout_s: float, step_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return condition()


def _signal_worker(pid: int, signum: int) -> None:
    """Signal a detached worker's whole process group (it leads its own session: its server subprocesses go too);
    a foreground `jira-bench run` alone (its group is the shell's job, e.g. `run | head`)."""
    try:
        group = os.getpgid(pid)
    except ProcessLookupError:
        return
    argv = worker_lock.process_cmdline(pid)
    detached = argv is None or worker_lock.WORKER_MODULE in argv  # without /proc: trust that it leads its own group
    try:
        if detached and group == pid and group != os.getpgrp():
            os.killpg(group, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        return


def mark_cancelled(folder: Path, reason: str = "cancelled") -> None:
    """Record the end of a run whose worker is gone: state cancelled, reconciled with the artifacts on disk (counts,
    missing trial_finished events), summary.json and a run_finished event. Done under the run's worker.lock, so a
    worker starting meanwhile cannot take the run over (it finds it ended)."""
    me = os.getpid()
    try:
        holder = worker_lock.claim_worker_lock(folder, me)
    except OSError as exc:
        raise run_folder.StoreError(f"the end of run {folder.name} could not be recorded: "
                                    f"{run_folder.disk_sentence(exc)}") from None
    if holder is not None:
        raise UserError(f"run {folder.name} has a worker again (pid {holder}); run `jira-bench kill` again")
    try:
        record_end(folder, "cancelled", None, note=reason)
    except OSError as exc:
        raise run_folder.StoreError(f"the end of run {folder.name} could not be recorded: "
                                    f"{run_folder.disk_sentence(exc)}") from None
    finally:
        worker_lock.release_worker_lock(folder, me)


def _stop(pid: int) -> None:
    _signal_worker(pid, signal.SIGTERM)
    if not _wait(lambda: not run_folder.pid_alive(pid), TERM_GRACE_S):
        _signal_worker(pid, signal.SIGKILL)
        _wait(lambda: not run_folder.pid_alive(pid), TERM_GRACE_S)


def kill_run(folder: Path) -> None:
    """Stop the run's worker (SIGTERM to its process group, then SIGKILL after a grace) and leave the run cancelled.

    Only a process that is this run's worker is signalled (it holds the run's lock, or /proc shows it runs the worker
    module on this folder); a stale pid, now some other process, is left alone and the run is just marked cancelled."""
    _spec, state, _status = run_folder.read_run(folder)
    if state.status in run_folder.FINAL_STATUSES and worker_lock.lock_holder(folder) is None:
        raise UserError(f"run {folder.name} is not running (it is {state.status})")
    for _attempt in range(3):
        pid = worker_lock.worker_alive(folder)
        if pid is None or pid == os.getpid():
            break
        _stop(pid)
    mark_cancelled(folder, "killed by `jira-bench kill`")


def check_resumable(folder: Path) -> run_folder.RunSpec:
    """The run's spec when it can be resumed (interrupted, cancelled or failed) and its folder can be written;
    UserError (StoreError for a full or read-only disk) otherwise."""
    spec, state, status = run_folder.read_run(folder)
    if status == "completed":
        raise UserError(f"run {folder.name} is completed; there is nothing to resume")
    holder = worker_lock.worker_alive(folder, state)
    if holder is not None:
        raise UserError(f"run {folder.name} already has a worker (pid {holder}); it is {status}")
    if status not in RESUMABLE:
        raise UserError(f"run {folder.name} is {status}; only an interrupted, cancelled or failed run can be resumed")
    from jira_bench_tui.engine.agent_factory import check_model

    check_model(spec.model, folder.parent.parent, spec.model_base_url)
    from jira_bench_tui.engine.worker import load_spec_harness

    load_spec_harness(spec, folder)  # the harness and fixture it holds must still load (UserError otherwise)
    run_folder.check_writable(folder, f"cannot resume run {folder.name}")  # a full or read-only disk
    return spec


def resume_run(folder: Path) -> int:
    """For an interrupted, cancelled or failed run: spawn a worker that runs only the missing trials; its pid.
    UserError when a worker already runs it."""
    check_resumable(folder)
    return spawn_worker(folder, resume=True)


# ---- clean ------------------------------------------------------------------------------------------------------

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> float:
    """Seconds in '7d', '12h', '30m', '45s', '2w'."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*", text or "")
    if not match:
        raise UserError(f"--older-than wants a number and a unit (s, m, h, d, w), e.g. 7d; got {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _last_activity(info: run_folder.RunInfo) -> float:
    if info.state is not None:
        return info.state.finished_at or info.state.updated_at
    try:
        return info.path.stat().st_mtime
    except OSError:
        return 0.0


def clean_candidates(results: Path, older_than_s: float | None, statuses: Iterable[str],
                     now: float | None = None) -> list[run_folder.RunInfo]:
    """Runs that `clean` would remove: matching status (default completed/failed/cancelled), old enough, never live."""
    now = time.time() if now is None else now
    wanted = set(statuses) or set(run_folder.FINAL_STATUSES)
    chosen = []
    for info in run_folder.list_runs(results, now):
        if info.live or info.status not in wanted or worker_lock.worker_alive(info.path, info.state) is not None:
            continue
        if older_than_s is not None and now - _last_activity(info) < older_than_s:
            continue
        chosen.append(info)
    return chosen


def delete_run(folder: Path) -> None:
    """Remove a run folder; UserError for a live run or one whose worker process is alive whatever its heartbeat
    says (kill it first), so no worker loses its folder; StoreError when it cannot be removed."""
    info = run_folder.load_run(folder)
    if info.live or worker_lock.worker_alive(folder, info.state) is not None:
        raise UserError(f"run {folder.name} is still running: kill it first")
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise run_folder.StoreError(f"cannot remove run {folder.name}: {run_folder.disk_sentence(exc, 'remove')}") from None


def remove_run(info: run_folder.RunInfo) -> bool:
    """Delete a run folder unless it has come alive since it was listed. True when removed, False when it is
    running again; StoreError when it cannot be removed (a read-only disk, no permission)."""
    try:
        delete_run(info.path)
    except run_folder.StoreError:
        raise
    except UserError:
        return False
    return True
