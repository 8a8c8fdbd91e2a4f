"""events.jsonl: the worker appends one event a line (EventWriter); readers follow it by byte offset, whole lines
only, and get typed events (EventReader). Only the worker writes (and `kill` for a worker that is gone)."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from jira_bench_tui.engine.run_folder.errors import StoreError
from jira_bench_tui.engine.run_folder.events import AnyEvent, parse_event_line
from jira_bench_tui.engine.run_folder.layout import events_path


class EventWriter:
    """Appends events to a run's events.jsonl, one JSON object a line (`event.to_record()`), each with `t` and
    `type`, each line in one `write` to an O_APPEND file (never buffered: a killed worker leaves whole lines, at
    most the last one cut). A line cut by a failed write (a full disk) is sealed before the next one. OSError when
    the file cannot be opened or written; StoreError when events.jsonl is not a regular file."""

    def __init__(self, folder: Path) -> None:
        self.path = events_path(folder)
        self._fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
        try:
            if not stat.S_ISREG(os.fstat(self._fd).st_mode):
                raise StoreError(f"{self.path.name} in {folder} is not a regular file")
            self._cut = self._ends_cut()
        except BaseException:
            os.close(self._fd)
            raise

    def _ends_cut(self) -> bool:
        """Whether the file ends in a cut line (a worker killed mid-write): the next event then starts a new line."""
        size = os.fstat(self._fd).st_size
        return size > 0 and os.pread(self._fd, 1, size - 1) != b"\n"

    def write(self, event: AnyEvent) -> None:
        """Append one event (values JSON cannot hold are written as their str()). OSError when it cannot be written
        (the line may then be cut; the next write seals it)."""
        line = json.dumps(event.to_record(), ensure_ascii=False, default=str) + "\n"
        data = memoryview((b"\n" if self._cut else b"") + line.encode("utf-8"))
        self._cut = True
        while data:
            written = os.write(self._fd, data)
            data = data[written:]
        self._cut = False

    def close(self) -> None:
        """Close the file (once; later calls do nothing)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


@dataclass
class EventReader:
    """Reads new whole lines of an events.jsonl by byte offset; keeps a cut last line until it is complete.

    Each line becomes a typed event (`events.parse_event`: an unknown type or misfit fields give an UnknownEvent).
    Lines that are not a JSON object (a line cut by a killed worker, then sealed) are skipped and counted in
    `skipped`.
    """

    path: Path
    offset: int = 0
    skipped: int = 0
    problem: str | None = None
    _partial: bytes = field(default=b"", repr=False)

    @classmethod
    def for_run(cls, folder: Path) -> EventReader:
        """A reader of the run folder's events.jsonl, from its start."""
        return cls(events_path(folder))

    def read_new(self, max_bytes: int | None = None) -> list[AnyEvent]:
        """Events appended since the last call (at most about `max_bytes` read per call). Never blocks nor raises: a
        missing file, or one that is not a regular file (`problem` then says so), gives no events."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            return []
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                self.problem = f"{self.path.name} in {self.path.parent} is not a regular file"
                return []
            if info.st_size < self.offset:  # truncated or replaced: start again
                self.offset, self._partial = 0, b""
            chunk = _read_at(fd, self.offset, info.st_size - self.offset if max_bytes is None
                             else min(max_bytes, info.st_size - self.offset))
        except OSError:
            return []
        finally:
            os.close(fd)
        if not chunk:
            return []
        self.offset += len(chunk)
        data = self._partial + chunk
        lines = data.split(b"\n")
        self._partial = lines.pop()
        events: list[AnyEvent] = []
        for line in lines:
            if not line.strip():
                continue
            event = parse_event_line(line)
            if event is None:
                self.skipped += 1
            else:
                events.append(event)
        return events


def _read_at(fd: int, offset: int, size: int) -> bytes:
    """`size` bytes of `fd` from `offset` (fewer if the file is shorter)."""
    chunks: list[bytes] = []
    while size > 0:
        chunk = os.pread(fd, min(size, 8 * 1024 * 1024), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
        size -= len(chunk)
    return b"".join(chunks)


SET_ASIDE_FIELD = "set_aside"
"""The extra field (true) of the `log` event that says a trial's artifact was set aside as unreadable: it retracts
that trial's earlier `trial_finished` event (the trial is run again)."""


def finished_in_events(folder: Path) -> dict[str, str]:
    """What events.jsonl says is finished: {trial key: outcome of its last `trial_finished`}, less the trials whose
    artifact a later `log` event set aside (`set_aside`). Reads the file once, a block at a time, parsing only the
    lines that can matter; a missing or odd file says nothing is finished."""
    finished: dict[str, str] = {}
    try:
        fd = os.open(events_path(folder), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return finished
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return finished
        offset, partial = 0, b""
        while block := os.pread(fd, 8 * 1024 * 1024, offset):
            offset += len(block)
            lines = (partial + block).split(b"\n")
            partial = lines.pop()
            for line in lines:
                if b'"trial_finished"' in line or SET_ASIDE_FIELD.encode() in line:
                    _note_finished(finished, parse_event_line(line))
    except OSError:
        pass
    finally:
        os.close(fd)
    return finished


def _note_finished(finished: dict[str, str], event: AnyEvent | None) -> None:
    if event is None:
        return
    trial = getattr(event, "trial", None)
    if event.type == "trial_finished" and isinstance(trial, str):
        finished[trial] = str(getattr(event, "outcome", ""))
    elif event.type == "log" and isinstance(trial, str) and getattr(event, SET_ASIDE_FIELD, False) is True:
        finished.pop(trial, None)
