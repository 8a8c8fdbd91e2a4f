"""The errors of the run folder: a folder or file that is missing or unreadable, a run id that names no run, and
the words for a disk that cannot be written (full, read-only, no permission)."""

from __future__ import annotations

import errno

from jira_bench_tui.errors import UserError


class StoreError(UserError):
    """A run folder is missing or unreadable. The message is one sentence fit for a user (exit code 2)."""


class UnknownRunError(StoreError):
    """No run has this id, or a prefix names several runs."""


_DISK_PROBLEMS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}


def disk_error(exc: BaseException) -> OSError | None:
    """The OSError of a disk that cannot be written (full, over quota, read-only, no permission) behind `exc`
    (itself, or its cause or context, a few levels deep), or None."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        if isinstance(current, OSError) and current.errno in _DISK_PROBLEMS:
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def disk_sentence(exc: OSError, doing: str = "write") -> str:
    """A short phrase for a failed read or write of a run folder: 'the disk is full (cannot write
    /r/runs/X/trials/a__1.json)'; the cause in words for ENOSPC, EDQUOT, EROFS, EACCES, else the system's message."""
    problem = _DISK_PROBLEMS.get(exc.errno or 0) or (exc.strerror or str(exc) or type(exc).__name__).lower()
    where = exc.filename
    return f"{problem} (cannot {doing} {where})" if where else problem
