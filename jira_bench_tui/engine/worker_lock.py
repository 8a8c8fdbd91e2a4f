"""Who may write a run folder, and whether a pid is still a run's worker: the run's worker.lock ("PID START",
claimed atomically, stale-aware) and process identity from /proc (pid plus start time, command line)."""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
import time
from pathlib import Path

from jira_bench_tui.engine import run_folder

WORKER_MODULE = "jira_bench_tui.engine.worker"


process_start = run_folder.process_start
WorkerLock = run_folder.WorkerLock


def process_cmdline(pid: int) -> list[str] | None:
    """A process's argv from /proc/PID/cmdline; None where /proc is missing or the process is gone."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            raw = handle.read()
    except OSError:
        return None
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def _same_folder(arg: str, folder: Path) -> bool:
    try:
        return Path(arg).resolve() == folder.resolve()
    except (OSError, ValueError):
        return False


def read_worker_lock(folder: Path) -> WorkerLock | None:
    """The run's worker.lock, or None when there is none, it names no process (junk) or it is not a regular file."""
    try:
        return run_folder.read_worker_lock(folder)
    except run_folder.StoreError:
        return None


def _lock_alive(lock: WorkerLock) -> bool:
    return run_folder.lock_alive(lock)


def lock_holder(folder: Path) -> int | None:
    """The pid of the live process holding the run's worker.lock, or None (no lock, or a stale one)."""
    lock = read_worker_lock(folder)
    return lock.pid if lock is not None and _lock_alive(lock) else None


def claim_worker_lock(folder: Path, pid: int) -> int | None:
    """Claim the right to write this run folder for process `pid`: None when it is now (or already was) `pid`'s,
    else the pid of the live process that holds it. The claim is atomic (the lock is linked into place whole, which
    fails if it exists); a lock whose process is gone, or whose pid now names another process, is stale and taken."""
    path = run_folder.worker_lock_path(folder)
    start = process_start(pid) or "-"
    fd, tmp = tempfile.mkstemp(prefix=".worker.lock.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(f"{pid} {start}\n")
        for _attempt in range(5):
            try:
                os.link(tmp, path)
                return None
            except FileExistsError:
                pass
            lock = read_worker_lock(folder)
            if lock is None:
                if not os.path.lexists(path):
                    continue  # released meanwhile
                if not _is_regular(path):
                    raise run_folder.StoreError(f"worker.lock in {folder} is not a file; remove it if no worker runs")
                lock = WorkerLock(0, None)  # junk in a regular file: no process holds it, a stale lock
            if lock.pid == pid:
                return None
            if _lock_alive(lock):
                return lock.pid
            _remove_stale_lock(path, lock)
        lock = read_worker_lock(folder)
        return lock.pid if lock is not None else -1
    finally:
        os.unlink(tmp)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _remove_stale_lock(path: Path, stale: WorkerLock) -> None:
    """Remove a stale lock, unless another process replaced it since we read it (then it is put back)."""
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.stale")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return
    moved = _parse_lock(aside) or WorkerLock(0, None)
    if moved != stale:
        try:
            os.link(aside, path)  # a fresh lock: put it back (fails only if yet another claim won meanwhile)
        except FileExistsError:
            pass
    aside.unlink(missing_ok=True)


def _parse_lock(path: Path) -> WorkerLock | None:
    try:
        return run_folder.read_lock_file(path)
    except (run_folder.StoreError, OSError):
        return None


def release_worker_lock(folder: Path, pid: int) -> None:
    """Remove the run's worker.lock if `pid` holds it."""
    lock = read_worker_lock(folder)
    if lock is not None and lock.pid == pid:
        run_folder.worker_lock_path(folder).unlink(missing_ok=True)


def is_run_worker(pid: int | None, folder: Path, state: run_folder.RunState | None = None) -> bool:
    """Whether `pid` is alive and is this run's worker: it holds the run's worker.lock (same process start), or its
    command line runs the worker module on this folder. Where /proc is missing: a fresh heartbeat from that pid."""
    if not pid or not run_folder.pid_alive(pid):
        return False
    lock = read_worker_lock(folder)
    if lock is not None and lock.pid == pid and lock.start is not None and process_start(pid) == lock.start:
        return True
    argv = process_cmdline(pid)
    if argv is None:
        if state is None:
            try:
                state = run_folder.read_state(folder)
            except run_folder.StoreError:
                return False
        return state.status == "running" and state.pid == pid and time.time() - state.updated_at <= run_folder.HEARTBEAT_STALE_S
    return WORKER_MODULE in argv and any(_same_folder(arg, folder) for arg in argv)


def worker_alive(folder: Path, state: run_folder.RunState | None = None) -> int | None:
    """The pid of a live process that is this run's worker (lock holder, or the state's pid when it checks out)."""
    holder = lock_holder(folder)
    if holder is not None and holder > 0:
        return holder
    if state is None:
        try:
            state = run_folder.read_state(folder)
        except run_folder.StoreError:
            return None
    return state.pid if state.pid and is_run_worker(state.pid, folder, state) else None
