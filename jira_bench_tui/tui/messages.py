"""Messages that cross the app: what the watcher hands to the app, and what screens ask of the app (they post
these and the app, the one owner of the state, acts; no screen reaches into the app's insides)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from textual.message import Message

from jira_bench_tui.tui.watcher import RunUpdate

Control = Literal["kill", "resume", "delete"]


@dataclass
class RunChanged(Message):
    """One run changed (one message per run per watcher batch, never one per event line)."""

    update: RunUpdate


@dataclass
class WatchStatus(Message):
    """How the watcher follows the runs folder, for the status bar ('' when all is well)."""

    text: str


@dataclass
class ScanDone(Message):
    """The watcher has read every run folder present at start: screens stop saying "loading"."""


@dataclass
class OpenRun(Message):
    """Open a run as it deserves: its live tab while it runs, its replay once it has ended."""

    run_id: str


@dataclass
class OpenMonitor(Message):
    """Show the monitor on the run's tab (opening the tab if it was closed)."""

    run_id: str


@dataclass
class OpenReplay(Message):
    """Replay the run folder, at `trial` ("SCENARIO__REP" or "SCENARIO"; None: the first failed trial); with
    `scenario`, the trial list shows only that scenario's trials (its filter)."""

    folder: Path
    trial: str | None = None
    scenario: str | None = None


@dataclass
class ControlRun(Message):
    """Kill, resume or delete a run; `confirm` asks first (a modal) for kill and delete."""

    what: Control
    run_id: str
    confirm: bool = True


@dataclass
class CloseTab(Message):
    """Close the run's monitor tab (refused while the run is live)."""

    run_id: str


@dataclass
class RunLaunched(Message):
    """The form launched a run into this folder: read it at once and show its tab."""

    folder: Path


@dataclass
class RunAgain(Message):
    """Open the new-run form filled with the settings of the run in this folder (its spec.json)."""

    folder: Path


@dataclass
class CompareRuns(Message):
    """Open the compare screen over these runs, in this order (the first is the baseline)."""

    run_ids: list[str]
