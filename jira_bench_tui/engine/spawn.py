"""Start a detached worker process for a run folder (its own session, output to worker.log); never forks the caller."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jira_bench_tui.engine import store


def spawn_worker(folder: Path) -> int:
    """Start `python -m jira_bench_tui.engine.worker FOLDER` detached from this process; return its pid."""
    log_path = store.worker_log_path(folder)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "jira_bench_tui.engine.worker", str(folder)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            close_fds=True,
        )
    return process.pid
