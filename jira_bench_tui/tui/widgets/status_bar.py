"""A one-line bar at the bottom of a screen for the watcher's state (e.g. 'polling every 0.5s')."""

from __future__ import annotations

from textual.widgets import Static


class WatchStatusBar(Static):
    """Hidden while the watcher works as it should; shows its message otherwise."""

    def show(self, text: str) -> None:
        """Show `text` ('' hides the bar)."""
        self.update(text)
        self.set_class(not text, "-empty")
