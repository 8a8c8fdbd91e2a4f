"""Messages that cross the app: what the watcher hands to the app, and what the app tells its screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from jira_bench_tui.tui.watcher import RunUpdate


@dataclass
class RunChanged(Message):
    """One run changed (one message per run per watcher batch, never one per event line)."""

    update: RunUpdate


@dataclass
class WatchStatus(Message):
    """How the watcher follows the runs folder, for the status bar ('' when all is well)."""

    text: str
