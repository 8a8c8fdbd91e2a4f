"""Start a detached worker process for a run folder (its own session, output to worker.log); never forks the caller.

The caller claims the run's worker.lock for the new process at once, so `kill` knows whom to stop even before the
worker has taken over, and two launches of one run cannot both succeed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jira_bench_tui.engine import run_folder, worker_lock
from jira_bench_tui.errors import UserError


def spawn_worker(folder: Path, *, resume: bool = False) -> int:
    """Start `python -m jira_bench_tui.engine.worker FOLDER [--resume]` detached from this process; return its pid.
    UserError when another worker already holds the run (the new process then finds the lock taken and exits);
    StoreError when the run folder cannot be written (a full or read-only disk: nothing is started)."""
    holder = worker_lock.lock_holder(folder)
    if holder is not None:
        raise UserError(f"run {folder.name} already has a worker (pid {holder})")
    argv = [sys.executable, "-m", worker_lock.WORKER_MODULE, str(folder)] + (["--resume"] if resume else [])
    log_path = run_folder.worker_log_path(folder)
    try:
        run_folder.check_writable(folder, f"cannot start a worker for run {folder.name}")
        with open(log_path, "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                argv,
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                close_fds=True,
            )
    except OSError as exc:
        raise run_folder.StoreError(f"cannot start a worker for run {folder.name}: "
                                    f"{run_folder.disk_sentence(exc)}") from None
    holder = worker_lock.claim_worker_lock(folder, process.pid)
    if holder is not None:
        # someone else's worker won the run meanwhile; ours finds the lock taken and exits on its own
        raise UserError(f"run {folder.name} already has a worker (pid {holder})")
    return process.pid
