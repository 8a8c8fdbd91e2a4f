"""What a trial changed in Jira, for its checks and its artifact: the records before and after of the issues it may
have changed (docs/engine.md, "State capture").

Two ways, one result (`StateChange`):
- `TrackedWrites`, the embedded Jira's: the database lists the issues written since it was built
  (`write_tracking`); their after-records are read from the trial's database, their before-records from the
  fixture's template database through a `TemplateBaseline` (each read at most once per process). Cost: the issues
  written, not the size of the Jira.
- `WholeSnapshots`, for any other reader (a server over MCP, a scoped reader) and as the reference the tracked way
  is tested against: every issue read before the agent starts and after it ends.
Both do their database work off the event loop (in a worker thread).
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from jira_bench_tui.jira import write_tracking
from jira_bench_tui.jira.reader import IssueRecord, JiraReader, SqliteReader, read_records


@dataclass
class StateChange:
    """Issue records (by key) before and after a trial.

    `complete`: the two hold every issue (whole snapshots). Otherwise they hold the issues the trial may have changed
    (before: those that existed before, after: those that exist after), and every other issue is the same before and
    after (read it live)."""

    before: dict[str, IssueRecord]
    after: dict[str, IssueRecord]
    complete: bool = True


class StateCapture(Protocol):
    """Captures a trial's state: `start()` before the agent works, `finish()` after it, once each."""

    async def start(self) -> None:
        """Note the state before the agent works."""
        ...

    async def finish(self) -> StateChange:
        """The state change since `start()`."""
        ...


@dataclass
class WholeSnapshots:
    """Every issue before and after, through any JiraReader (snapshot(): one read per issue over MCP)."""

    reader: JiraReader
    _before: dict[str, IssueRecord] = field(default_factory=dict)

    async def start(self) -> None:
        """Read every issue."""
        self._before = await self.reader.snapshot()

    async def finish(self) -> StateChange:
        """Read every issue again."""
        return StateChange(self._before, await self.reader.snapshot(), complete=True)


class TemplateBaseline:
    """The before-state of every trial copied from one template database: issue records read from the template
    when a trial first needs them and kept (the template never changes: its name is its content's hash).

    Thread-safe: one read-only connection, used under a lock from any thread."""

    def __init__(self, template: Path) -> None:
        self.template = Path(template)
        self._conn: sqlite3.Connection | None = None
        self._records: dict[int, IssueRecord | None] = {}
        self._lock = threading.Lock()

    def records(self, issue_ids: list[int]) -> dict[int, IssueRecord]:
        """The template's records of these issues (the ones it has) by id; blocking."""
        with self._lock:
            missing = [i for i in issue_ids if i not in self._records]
            if missing:
                if self._conn is None:
                    self._conn = sqlite3.connect(f"file:{self.template}?mode=ro", uri=True, check_same_thread=False)
                found = read_records(self._conn, missing)
                self._records.update((i, found.get(i)) for i in missing)
            return {i: record for i in issue_ids if (record := self._records[i]) is not None}

    def close(self) -> None:
        """Close the template's connection (records already read stay)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


@dataclass
class TrackedWrites:
    """The embedded Jira's capture: only the issues the trial's database says were written."""

    reader: SqliteReader
    baseline: TemplateBaseline

    async def start(self) -> None:
        """Nothing to read: the before-state is the template's."""

    async def finish(self) -> StateChange:
        """Records of the written issues, after (the trial's database) and before (the template)."""
        return await asyncio.to_thread(self._finish_now)

    def _finish_now(self) -> StateChange:
        ids, after = self.reader.written_records()
        before = self.baseline.records(ids)
        return StateChange(_by_key(before), _by_key(after), complete=False)


def _by_key(records: dict[int, IssueRecord]) -> dict[str, IssueRecord]:
    return {record["key"]: record for record in records.values()}


def capture_for(reader: JiraReader, baseline: TemplateBaseline | None, whole: bool = False) -> StateCapture:
    """The cheapest honest capture for this reader: tracked writes for a SqliteReader over a tracked database
    (without a scope) with the template's baseline, whole snapshots otherwise or when `whole`."""
    if (not whole and baseline is not None and isinstance(reader, SqliteReader) and not reader.scope_jql
            and write_tracking.is_tracked(reader.conn)):
        return TrackedWrites(reader, baseline)
    return WholeSnapshots(reader)
