"""The one watcher of the runs folder: notices changes, reads only what is new in each run, hands out updates.

One recursive `watchfiles.awatch` over `<results>/runs` for the whole app (never one per run); each change is
routed by path to its run id; per run only the new whole lines of events.jsonl and the new state.json are read.
A run that has ended when first read is listed from its small files only (spec.json, state.json): its events are
read when something asks for them (`read_events`, e.g. its monitor tab), so 200 ended runs start the app quickly.
Updates come out coalesced: one per run per batch. When watching fails (OSError, a network file system) it
falls back to polling and says so. No Textual here: the app runs `follow` inside a worker.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jira_bench_tui.engine.run_folder import (
    WORKER_LOG,
    AnyEvent,
    EventReader,
    RunFinishedEvent,
    RunInfo,
    RunSpec,
    RunStartedEvent,
    StoreError,
    TrialFinishedEvent,
    TrialStartedEvent,
    check_run_files,
    events_path,
    folder_status,
    parse_event_line,
    read_spec,
    read_state,
    state_path,
)
from jira_bench_tui.tui.run_model import Clock

WATCH_STEP_MS = 5  # after a change, wait this long for more before handing the batch over
WATCH_DEBOUNCE_MS = 100  # the most one batch waits while changes keep coming
LIVENESS_EVERY_MS = 2000  # re-check live runs this often even when nothing changes (a killed worker is silent)
POLL_EVERY_S = 0.5
READ_CHUNK = 1024 * 1024  # at most this many bytes of events per run per read (bounds memory on a big log)
TAIL_BYTES = 1024 * 1024  # a first read of a bigger log shows only its last ~5k lines (the rest is only counted)
INLINE_READ_BYTES = 64 * 1024  # less than this to read: read on the event loop, not in a thread
PROGRESS_EVENTS = (TrialStartedEvent, TrialFinishedEvent, RunStartedEvent, RunFinishedEvent)
PROGRESS_MARKERS = tuple(cls.model_fields["type"].default.encode() for cls in PROGRESS_EVENTS)
"""Bytes a progress event's line holds (its type): only such lines of a skipped log part are parsed."""


@dataclass
class RunUpdate:
    """What changed in one run since its last update. `events` are new whole events; `removed` means the folder
    is gone; `first` means this is the first reading of the run (its events start at the beginning)."""

    run_id: str
    folder: Path
    info: RunInfo | None
    events: list[AnyEvent] = field(default_factory=list)
    removed: bool = False
    first: bool = False
    counted: list[AnyEvent] = field(default_factory=list)
    """Progress events from the part of a big log that is skipped on the first read: counted, not shown."""
    skipped_lines: int = 0
    events_read: bool = True
    """False while the run's events are left unread (an ended run nobody asked the log of)."""
    events_problem: str | None = None
    """Why events.jsonl gave nothing when it was first read (missing, not a regular file, cannot be opened)."""


class RunFolderTail:
    """Follows one run folder: its spec once, its state when it changes, its events by byte offset."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.reader = EventReader.for_run(folder)
        self._spec: RunSpec | None = None
        self._state_stamp: tuple[int, int] | None = None
        self.info: RunInfo | None = None
        self.events_wanted = False
        """Read the events even though the run has ended (someone asked for its log)."""
        self.events_started = False
        """Whether its events are being read (a live run, or an ended run whose log was asked for)."""

    def _state_changed(self) -> bool:
        try:
            stat = os.stat(state_path(self.folder))
        except OSError:
            return self._state_stamp is not None
        stamp = (stat.st_mtime_ns, stat.st_size)
        changed = stamp != self._state_stamp
        self._state_stamp = stamp
        return changed

    def has_news(self) -> bool:
        """Whether events.jsonl grew (while its events are read) or state.json was replaced since the last read (for
        polling)."""
        try:
            size = os.stat(events_path(self.folder)).st_size if self.events_started else self.reader.offset
        except OSError:
            size = self.reader.offset
        try:
            stat = os.stat(state_path(self.folder))
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        return size != self.reader.offset or stamp != self._state_stamp

    def read(self, now: float, max_bytes: int | None = READ_CHUNK) -> RunUpdate:
        """The run's current reading and the events appended since the last call. Never raises for a bad folder."""
        first = self.info is None
        if not self.folder.is_dir():
            return RunUpdate(self.folder.name, self.folder, None, removed=True)
        if self._spec is None:
            try:
                self._spec = read_spec(self.folder)
            except StoreError as exc:
                self.info = RunInfo(self.folder.name, self.folder, None, None, "unreadable", str(exc))
                return RunUpdate(self.folder.name, self.folder, self.info, first=first)
        if self._state_changed() or self.info is None or self.info.state is None:
            try:
                state = read_state(self.folder)
            except StoreError as exc:
                self.info = RunInfo(self.folder.name, self.folder, None, None, "unreadable", str(exc))
                return RunUpdate(self.folder.name, self.folder, self.info, first=first)
        else:
            state = self.info.state
        try:
            check_run_files(self.folder)
            status = folder_status(self.folder, state, now)  # a dead worker.lock holder: interrupted at once
        except StoreError as exc:
            self.info = RunInfo(self.folder.name, self.folder, None, None, "unreadable", str(exc))
            return RunUpdate(self.folder.name, self.folder, self.info, first=first)
        self.info = RunInfo(self.folder.name, self.folder, self._spec, state, status)
        if not self.events_started and not (self.info.live or self.events_wanted):
            return RunUpdate(self.folder.name, self.folder, self.info, first=first, events_read=False)
        starting, self.events_started = not self.events_started, True
        counted, skipped = self._skip_to_tail() if starting else ([], 0)
        events = self.reader.read_new(max_bytes)
        problem = self._events_problem() if starting and not events and not counted else None
        return RunUpdate(self.folder.name, self.folder, self.info, events, first=first, counted=counted,
                         skipped_lines=skipped, events_problem=problem)

    def _events_problem(self) -> str | None:
        """Why events.jsonl gives no events (None when it is merely empty)."""
        if self.reader.problem:
            return self.reader.problem
        try:
            os.close(os.open(events_path(self.folder), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
        except OSError as exc:
            return f"{events_path(self.folder).name} cannot be read: {exc.strerror or exc}"
        return None

    def _skip_to_tail(self) -> tuple[list[AnyEvent], int]:
        """On the first read of a big log, jump to its last TAIL_BYTES; of the part skipped keep only the
        progress events (trial started/finished), so the grid and counters are right without rendering it all.
        The skipped part is scanned a block at a time, so memory stays small whatever the log's size."""
        counted: list[AnyEvent] = []
        lines = 0
        try:
            with open(events_path(self.folder), "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size <= TAIL_BYTES:
                    return [], 0
                limit, position, partial = size - TAIL_BYTES, 0, b""
                while position < limit:
                    block = handle.read(min(READ_CHUNK, limit - position))
                    if not block:
                        break
                    position += len(block)
                    pieces = (partial + block).split(b"\n")
                    partial = pieces.pop()
                    lines += len(pieces)
                    for line in pieces:
                        if any(marker in line for marker in PROGRESS_MARKERS):
                            event = parse_event_line(line)
                            if isinstance(event, PROGRESS_EVENTS):
                                counted.append(event)
        except OSError:
            return [], 0
        self.reader.offset = position - len(partial)  # the cut line is read with the tail
        return counted, lines

    @property
    def behind(self) -> bool:
        """Whether events.jsonl still holds bytes not read (the last read hit the per-batch limit)."""
        if not self.events_started:
            return False
        try:
            return os.stat(events_path(self.folder)).st_size > self.reader.offset
        except OSError:
            return False


class RunsWatcher:
    """Keeps one `RunFolderTail` per run folder under `runs_root` and turns file changes into `RunUpdate`s."""

    def __init__(self, runs_root: Path, clock: Clock) -> None:
        self.runs_root = runs_root
        self.clock = clock
        self.tails: dict[str, RunFolderTail] = {}
        self.mode = "starting"
        self._reading = threading.Lock()  # reads come from the watcher's thread and from the app (a launch)

    def run_id_of(self, path: str | Path) -> str | None:
        """The run a changed path belongs to (the first folder under the runs root), or None."""
        try:
            relative = Path(path).relative_to(self.runs_root)
        except ValueError:
            return None
        if not relative.parts or relative.parts[0].startswith("."):
            return None
        return relative.parts[0]

    def run_folders(self) -> list[Path]:
        """The run folders under the runs root, by name (hidden ones left out; none when it cannot be read)."""
        try:
            return sorted(p for p in self.runs_root.iterdir() if p.is_dir() and not p.name.startswith("."))
        except OSError:
            return []

    def read_runs(self, run_ids: Iterable[str]) -> list[RunUpdate]:
        """Read the named runs (new, changed or gone). Safe to call from any thread."""
        with self._reading:
            return self._read_runs(run_ids)

    def _read_runs(self, run_ids: Iterable[str]) -> list[RunUpdate]:
        now = self.clock()
        updates: list[RunUpdate] = []
        for run_id in sorted(set(run_ids)):
            tail = self.tails.get(run_id)
            if tail is None:
                folder = self.runs_root / run_id
                if not folder.is_dir():
                    continue
                tail = self.tails[run_id] = RunFolderTail(folder)
            update = tail.read(now)
            if update.removed:
                del self.tails[run_id]
            updates.append(update)
        return updates

    def read_events(self, run_id: str) -> list[RunUpdate]:
        """Read a known run's whole log (at most its last TAIL_BYTES, as a first read of a live run) and follow it from
        now on: the updates, the first with every event up to READ_CHUNK bytes, then one per further chunk. Safe to
        call from any thread; none when the run is not known or its events are already read."""
        with self._reading:
            tail = self.tails.get(run_id)
            if tail is None or tail.events_started:
                return []
            tail.events_wanted = True
            updates = self._read_runs([run_id])
            while tail.behind and self.tails.get(run_id) is tail:
                updates.extend(self._read_runs([run_id]))
            return updates

    def first_batches(self, run_ids: list[str]) -> list[list[str]]:
        """`run_ids` newest first (the rows at the top of the runs list come first), in batches read together: as
        many runs as hold at most READ_CHUNK bytes of events between them (a bigger run is a batch of its own), so a
        first read never holds more than about two batches' events, and 200 small runs are a few thread hops, not
        200."""
        batches: list[list[str]] = []
        size = 0
        for run_id in sorted(run_ids, reverse=True):
            try:
                events = os.stat(events_path(self.runs_root / run_id)).st_size
            except OSError:
                events = 0
            if not batches or size + events > READ_CHUNK:
                batches.append([])
                size = 0
            batches[-1].append(run_id)
            size += events
        return batches

    def scan(self) -> list[RunUpdate]:
        """Read every run folder (the first call reads each run's events from the start) and note removed ones."""
        present = {folder.name for folder in self.run_folders()}
        return self.read_runs(present | set(self.tails))

    def poll(self) -> list[RunUpdate]:
        """One polling round: new folders, removed folders, and runs whose files changed or which are live."""
        present = {folder.name for folder in self.run_folders()}
        wanted = (present - set(self.tails)) | (set(self.tails) - present)
        for run_id, tail in self.tails.items():
            if run_id in present and (tail.has_news() or (tail.info is not None and tail.info.live)):
                wanted.add(run_id)
        return self.read_runs(wanted)

    def live_run_ids(self) -> list[str]:
        """The runs whose last reading says queued or running."""
        return [run_id for run_id, tail in self.tails.items() if tail.info is not None and tail.info.live]

    def behind_run_ids(self) -> list[str]:
        """The runs whose events.jsonl holds bytes their last read did not take (it hit READ_CHUNK)."""
        return [run_id for run_id, tail in self.tails.items() if tail.behind]

    @staticmethod
    def _wanted(_change: Any, path: str) -> bool:
        name = os.path.basename(path)
        return not name.startswith(".") and name != WORKER_LOG

    async def follow(
        self,
        deliver: Callable[[list[RunUpdate]], Awaitable[None] | None],
        say: Callable[[str], None],
        force_polling: bool = False,
        first_scan_done: Callable[[], None] | None = None,
    ) -> None:
        """Deliver updates for ever: the first scan, then one batch per file-system notice (or poll).
        `first_scan_done` is called once every run folder present at the start has been read and delivered."""
        while not self.runs_root.is_dir():  # nothing to watch yet: wait for the first run
            self.mode = "waiting"
            await asyncio.sleep(POLL_EVERY_S)
        for batch in self.first_batches([folder.name for folder in self.run_folders()]):
            await _call(deliver, await asyncio.to_thread(self.read_runs, batch))
            await self._catch_up(deliver)
        if first_scan_done is not None:
            first_scan_done()
        if not force_polling:
            try:
                await self._watch(deliver, say)
                return
            except OSError as exc:
                say(f"watching {self.runs_root} failed ({exc.strerror or exc}); polling every {POLL_EVERY_S:g}s")
        else:
            say(f"polling every {POLL_EVERY_S:g}s")
        self.mode = "polling"
        while True:
            await asyncio.sleep(POLL_EVERY_S)
            await _call(deliver, await asyncio.to_thread(self.poll))
            await self._catch_up(deliver)

    def _small_reads(self, run_ids: Iterable[str]) -> bool:
        """Whether every named run is known and has only a little new in its events (read inline, not in a thread)."""
        pending = 0
        for run_id in run_ids:
            tail = self.tails.get(run_id)
            if tail is None:
                return False
            if not tail.events_started:
                continue
            try:
                pending += os.stat(events_path(tail.folder)).st_size - tail.reader.offset
            except OSError:
                return False
        return pending <= INLINE_READ_BYTES

    async def _catch_up(self, deliver: Callable[[list[RunUpdate]], Awaitable[None] | None]) -> None:
        """Read on while some run has more bytes than one batch takes (a big log read at start)."""
        while behind := self.behind_run_ids():
            for run_id in behind:
                await _call(deliver, await asyncio.to_thread(self.read_runs, [run_id]))

    async def _watch(self, deliver: Callable[[list[RunUpdate]], Awaitable[None] | None],
                     say: Callable[[str], None]) -> None:
        from watchfiles import awatch

        self.mode = "watching"
        say("")
        async for changes in awatch(
            self.runs_root, watch_filter=self._wanted, debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS,
            rust_timeout=LIVENESS_EVERY_MS, yield_on_timeout=True, recursive=True,
        ):
            run_ids = {run_id for _change, path in changes if (run_id := self.run_id_of(path))}
            if not changes:  # a quiet spell: re-check live runs (a worker killed with -9 writes nothing)
                run_ids.update(self.live_run_ids())
            if run_ids and self._small_reads(run_ids):  # a few lines: read at once (a thread hop costs more)
                await _call(deliver, self.read_runs(run_ids))
            elif run_ids:
                await _call(deliver, await asyncio.to_thread(self.read_runs, run_ids))
            await self._catch_up(deliver)
            if not self.runs_root.is_dir():
                raise OSError(f"{self.runs_root} is gone")


async def _call(deliver: Callable[[list[RunUpdate]], Awaitable[None] | None], updates: list[RunUpdate]) -> None:
    if not updates:
        return
    result = deliver(updates)
    if result is not None:
        await result

