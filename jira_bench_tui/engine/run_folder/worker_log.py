"""worker.log kept to a size: a detached worker's stdout and stderr (and those of its `--server` processes, which
share the file) are rotated once worker.log passes WORKER_LOG_MAX_BYTES: its text moves to worker.log.1 (the one
before is dropped) and worker.log starts again, so a run's logs stay under about twice the cap whatever a server
prints.

The rotation is a copy then a truncation of the open file ("copytruncate"): every process writing it appends
(O_APPEND), so after the truncation their next lines go to the start of the emptied file; a line written between
the copy and the truncation can be lost, never the run's own files. `JIRA_BENCH_WORKER_LOG_MAX` (bytes) overrides
the cap.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

from jira_bench_tui.engine.run_folder.layout import worker_log_path

WORKER_LOG_MAX_BYTES = 10 * 1024 * 1024
CHECK_EVERY_S = 0.2
MAX_ENV = "JIRA_BENCH_WORKER_LOG_MAX"


def worker_log_cap() -> int:
    """The size (bytes) at which worker.log is rotated: $JIRA_BENCH_WORKER_LOG_MAX, else WORKER_LOG_MAX_BYTES."""
    try:
        value = int(os.environ.get(MAX_ENV, ""))
    except ValueError:
        return WORKER_LOG_MAX_BYTES
    return value if value >= 1024 else WORKER_LOG_MAX_BYTES


def rotated_log_path(folder: Path) -> Path:
    """worker.log.1: the previous part of a rotated worker.log."""
    return worker_log_path(folder).with_name(worker_log_path(folder).name + ".1")


def rotate_if_big(folder: Path, fd: int, cap: int) -> bool:
    """Rotate worker.log (open as `fd`, appending) when it is bigger than `cap` bytes; True when it was rotated.

    The log is copied to worker.log.1, then begins again with one note line. Other processes (the `--server`
    processes) append to the same file all along, so the note is written over the head of the old content and the
    file is then cut just after it: whatever they append from then on comes after the note, never before it (bytes
    appended between the copy and the cut are lost, as in any copy-and-truncate rotation)."""
    if os.fstat(fd).st_size <= cap:
        return False
    target = rotated_log_path(folder)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(worker_log_path(folder), "rb") as source, open(tmp, "wb") as copy:
        shutil.copyfileobj(source, copy, 1024 * 1024)
    os.replace(tmp, target)
    note = f"worker.log passed {cap} bytes: the earlier part is in {target.name}\n".encode()
    head = os.open(worker_log_path(folder), os.O_WRONLY)  # not O_APPEND: a write at offset 0 lands there
    try:
        os.pwrite(head, note, 0)
        os.ftruncate(head, len(note))
    finally:
        os.close(head)
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, theirs = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def keep_worker_log_small(folder: Path, fd: int = 2) -> threading.Thread | None:
    """Start a daemon thread that rotates worker.log while this process runs, when `fd` (stderr) is the run's
    worker.log (a detached worker); None otherwise (a foreground run writes to the terminal)."""
    if not _same_file(fd, worker_log_path(folder)):
        return None
    cap = worker_log_cap()

    def watch() -> None:
        stop = threading.Event()
        while not stop.wait(CHECK_EVERY_S):
            try:
                rotate_if_big(folder, fd, cap)
            except OSError:
                continue  # a full disk: try again later

    thread = threading.Thread(target=watch, name="worker-log-cap", daemon=True)
    thread.start()
    return thread

