"""events.jsonl: the worker appends one event a line (EventWriter); readers follow it by byte offset, whole lines
only, and get typed events (EventReader). Only the worker writes (and `kill` for a worker that is gone)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from jira_bench_tui.engine.run_folder.events import AnyEvent, parse_event_line
from jira_bench_tui.engine.run_folder.layout import events_path


class EventWriter:
    """Appends events to a run's events.jsonl, one JSON object a line (`event.to_record()`), each with `t` and
    `type`. OSError when the file cannot be opened or written."""

    def __init__(self, folder: Path) -> None:
        self.path = events_path(folder)
        self._seal_partial_line()
        self._handle = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run

    def _seal_partial_line(self) -> None:
        """A worker killed mid-write may leave a cut last line: end it, so the next event starts on its own line."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell() == 0:
                    return
                handle.seek(-1, os.SEEK_END)
                last = handle.read(1)
        except FileNotFoundError:
            return
        if last != b"\n":
            with open(self.path, "ab") as handle:
                handle.write(b"\n")

    def write(self, event: AnyEvent) -> None:
        """Append one event (values JSON cannot hold are written as their str()) and flush it."""
        self._handle.write(json.dumps(event.to_record(), ensure_ascii=False, default=str) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Close the file."""
        self._handle.close()


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
    _partial: bytes = field(default=b"", repr=False)

    @classmethod
    def for_run(cls, folder: Path) -> EventReader:
        """A reader of the run folder's events.jsonl, from its start."""
        return cls(events_path(folder))

    def read_new(self, max_bytes: int | None = None) -> list[AnyEvent]:
        """Events appended since the last call (at most about `max_bytes` read per call)."""
        try:
            with open(self.path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                if size < self.offset:  # truncated or replaced: start again
                    self.offset, self._partial = 0, b""
                handle.seek(self.offset)
                chunk = handle.read(max_bytes if max_bytes is not None else -1)
        except FileNotFoundError:
            return []
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

