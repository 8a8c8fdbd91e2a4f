"""Whether a run is alive: a pid's liveness and the status a reader shows (`interrupted` when the state says
running but the worker is gone or its heartbeat is stale)."""

from __future__ import annotations

import os
import time
from typing import Literal

from jira_bench_tui.engine.run_folder.formats import FINAL_STATUSES, RunState

HEARTBEAT_STALE_S = 10.0
"""A running state whose heartbeat (`updated_at`) is older than this many seconds is interrupted."""
QUEUED_STALE_S = 30.0
"""A queued run that no worker took over within this many seconds is interrupted."""

DisplayStatus = Literal["queued", "running", "interrupted", "completed", "failed", "cancelled", "unreadable"]
LIVE_STATUSES: tuple[DisplayStatus, ...] = ("queued", "running")
"""The display statuses of a run whose worker is (or is about to be) at work."""


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this pid runs (a zombie counts as gone; None or <= 0 is never alive)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields_after_name = handle.read().rsplit(")", 1)[-1].split()
        if fields_after_name and fields_after_name[0] in ("Z", "X"):
            return False
    except OSError:
        pass
    return True


def display_status(state: RunState, now: float | None = None) -> DisplayStatus:
    """The status a reader shows: `interrupted` when the state says running but the worker is gone or silent, or
    a queued run was never taken over. `now` is a Unix time in seconds (default: the current time)."""
    now = time.time() if now is None else now
    if state.status in FINAL_STATUSES:
        return state.status
    if state.status == "running":
        if not pid_alive(state.pid) or now - state.updated_at > HEARTBEAT_STALE_S:
            return "interrupted"
        return "running"
    # queued: the worker has not taken over yet
    if state.pid is not None and not pid_alive(state.pid):
        return "interrupted"
    if now - state.updated_at > QUEUED_STALE_S:
        return "interrupted"
    return "queued"
