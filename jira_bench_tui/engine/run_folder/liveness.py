"""Whether a run is alive: a pid's liveness, the run's worker.lock ("PID START": who may write the folder) and the
status a reader shows (`interrupted` when the state says running but the worker is gone or its heartbeat is stale,
or a queued run's lock names a process that is gone)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jira_bench_tui.engine.run_folder.formats import FINAL_STATUSES, MAX_PID, RunState
from jira_bench_tui.engine.run_folder.json_files import read_small_bytes
from jira_bench_tui.engine.run_folder.layout import worker_lock_path

HEARTBEAT_STALE_S = 10.0
"""A running state whose heartbeat (`updated_at`) is older than this many seconds is interrupted."""
QUEUED_STALE_S = 30.0
"""A queued run that no worker took over within this many seconds is interrupted."""

DisplayStatus = Literal["queued", "running", "interrupted", "completed", "failed", "cancelled", "unreadable"]
LIVE_STATUSES: tuple[DisplayStatus, ...] = ("queued", "running")
"""The display statuses of a run whose worker is (or is about to be) at work."""


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this pid runs (a zombie counts as gone; None, <= 0 or beyond any pid is never alive)."""
    if not isinstance(pid, int) or isinstance(pid, bool) or not 0 < pid <= MAX_PID:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OverflowError, ValueError, OSError):
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields_after_name = handle.read().rsplit(")", 1)[-1].split()
        if fields_after_name and fields_after_name[0] in ("Z", "X"):
            return False
    except OSError:
        pass
    return True


def process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, /proc/PID/stat field 22). With the pid it names one process,
    so a recycled pid is told apart. None without /proc or when the process is gone."""
    try:
        with open(f"/proc/{int(pid)}/stat", encoding="ascii", errors="replace") as handle:
            fields_after_name = handle.read().rsplit(")", 1)[-1].split()
    except (OSError, ValueError):
        return None
    return fields_after_name[19] if len(fields_after_name) > 19 else None


@dataclass(frozen=True)
class WorkerLock:
    """worker.lock: the process that holds the right to write a run folder ("PID START" on one line; START is None
    where there is no /proc)."""

    pid: int
    start: str | None


def parse_worker_lock(data: bytes) -> WorkerLock | None:
    """The lock a worker.lock's bytes name, or None when they name none (junk, a pid out of range)."""
    parts = data.decode("ascii", "replace").split()
    if not parts or not parts[0].isdigit() or len(parts[0]) > 10:
        return None
    pid = int(parts[0])
    if not 0 < pid <= MAX_PID:
        return None
    start = parts[1] if len(parts) > 1 and parts[1] != "-" else None
    return WorkerLock(pid, start[:32] if start else None)


def read_lock_file(path: Path) -> WorkerLock | None:
    """The lock in the file `path`: None when it is missing or names no process (junk: a stale lock); StoreError when
    it is not a regular file (a folder, a FIFO: never waited on)."""
    try:
        return parse_worker_lock(read_small_bytes(path, 4096))
    except FileNotFoundError:
        return None


def read_worker_lock(folder: Path) -> WorkerLock | None:
    """The run's worker.lock (see `read_lock_file`)."""
    return read_lock_file(worker_lock_path(folder))


def lock_alive(lock: WorkerLock) -> bool:
    """Whether the lock's process still runs and is the same process (same start time, where /proc tells)."""
    if not pid_alive(lock.pid):
        return False
    return lock.start is None or process_start(lock.pid) in (None, lock.start)


def lock_state(folder: Path) -> bool | None:
    """Whether the run's worker.lock names a live process: True, False (its process is gone: a dead worker), or None
    when there is no lock (or a junk one). StoreError when worker.lock is not a regular file."""
    lock = read_worker_lock(folder)
    return None if lock is None else lock_alive(lock)


def display_status(state: RunState, now: float | None = None, holder_alive: bool | None = None) -> DisplayStatus:
    """The status a reader shows: `interrupted` when the state says running but the worker is gone or silent, or a
    queued run was never taken over. `now` is a Unix time in seconds (default: the current time). `holder_alive` is
    what the run's worker.lock says (`lock_state`): False (the lock's process is gone) means interrupted at once, True
    keeps a queued run queued however long its worker takes to start; None (no lock) falls back to the state alone.
    A running state with an `error` whose worker is gone is `failed`: a worker that a resource limit stopped writes
    why before the kernel kills it."""
    now = time.time() if now is None else now
    if state.status in FINAL_STATUSES:
        return state.status
    if state.status == "running" and state.error and (holder_alive is False or not pid_alive(state.pid)):
        return "failed"  # a worker that a resource limit stopped: it said why before it was killed
    if holder_alive is False:
        return "interrupted"
    if state.status == "running":
        if not pid_alive(state.pid) or now - state.updated_at > HEARTBEAT_STALE_S:
            return "interrupted"
        return "running"
    # queued: the worker has not taken over yet
    if state.pid is not None and not pid_alive(state.pid):
        return "interrupted"
    if holder_alive is None and now - state.updated_at > QUEUED_STALE_S:
        return "interrupted"
    return "queued"


def folder_status(folder: Path, state: RunState, now: float | None = None) -> DisplayStatus:
    """`display_status` of a run folder, told by its worker.lock too (a worker killed before it took over shows
    interrupted at once). StoreError when worker.lock is not a regular file."""
    return display_status(state, now, lock_state(folder))
