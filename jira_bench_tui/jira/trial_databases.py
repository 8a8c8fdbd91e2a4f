"""Trial databases of one template, reused from trial to trial: a trial works inside one outer SQLite savepoint that
is rolled back when it ends, so the next trial finds the template's state again at a cost proportional to what the
trial wrote (a copy of a 100k-issue template is ~140 MB; a rollback of a trial's few writes is well under a
millisecond).

Why it is the template's state exactly: every write of the embedded Jira happens on the trial's one connection
(the MCP tools nest their own `SAVEPOINT tool_call` inside the trial's; nothing commits), and SQLite's rollback
restores every page the trial changed, `written_issues` (write tracking) and AUTOINCREMENT counters included. Reads
on that connection (the checks' reader) see the trial's writes. A database whose trial did not end cleanly (an
exception or a cancellation out of the lease, a rollback that fails) is closed and deleted, never reused.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jira_bench_tui.jira import db

SAVEPOINT = "jira_bench_trial"


class TrialDatabases:
    """A pool of private copies of `template` in `folder`, as many as trials ran at once (each copy is made when
    no idle one is left, then reused). Thread-safe."""

    def __init__(self, template: Path, folder: Path) -> None:
        self.template = Path(template)
        self.folder = Path(folder)
        self._idle: list[tuple[Path, sqlite3.Connection]] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def lease(self) -> Iterator[sqlite3.Connection]:
        """An open connection (db.connect's settings) to a database in the template's state, inside the trial's
        savepoint; rolled back to that state when the block ends. Raises what opening a copy raises (OSError,
        sqlite3.Error)."""
        path, conn = self._take()
        try:
            conn.execute(f"SAVEPOINT {SAVEPOINT}")
            yield conn
        except BaseException:
            _discard(path, conn)
            raise
        self._give_back(path, conn)

    def _take(self) -> tuple[Path, sqlite3.Connection]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the trial databases are closed")
            if self._idle:
                return self._idle.pop()
        path = self.folder / f"trial-{uuid.uuid4().hex}.sqlite"
        db.copy_database(self.template, path)
        return path, db.connect(path)

    def _give_back(self, path: Path, conn: sqlite3.Connection) -> None:
        """Roll the trial back and keep the database for the next trial (discard it if that fails)."""
        try:
            conn.execute(f"ROLLBACK TO {SAVEPOINT}")
            conn.execute(f"RELEASE {SAVEPOINT}")
            if conn.in_transaction:
                raise sqlite3.OperationalError("a transaction is still open after the trial's rollback")
            conn.execute("PRAGMA shrink_memory")  # an idle copy keeps no page cache
        except sqlite3.Error:
            _discard(path, conn)
            return
        with self._lock:
            if not self._closed:
                self._idle.append((path, conn))
                return
        _discard(path, conn)

    def close(self) -> None:
        """Close and delete the idle databases (one still leased is deleted when its lease ends)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for path, conn in idle:
            _discard(path, conn)

    @property
    def idle(self) -> int:
        """How many databases wait for a trial."""
        with self._lock:
            return len(self._idle)


def _discard(path: Path, conn: sqlite3.Connection) -> None:
    conn.close()
    path.unlink(missing_ok=True)
    for suffix in ("-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
