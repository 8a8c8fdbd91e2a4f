"""The replay's position and player state: "step 3/12 · failures 2 · ▶ playing 2x"."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from jira_bench_tui.engine.event_lines import plural


def speed_text(speed: float) -> str:
    """'0.5x', '1x', '4x'."""
    return f"{speed:g}x"


class ReplayStatus(Static):
    """A one-line status under the transcript."""

    def show_status(self, position: int, total: int, failures: int, playing: bool, speed: float) -> None:
        """Show the current step (0-based `position`), the failure count and the player state."""
        step = f"step {position + 1}/{total}" if total else "no steps"
        parts: list[Content | str | tuple[str, str]] = [(step, "bold")]
        if failures:
            parts += [" · ", (f"{plural(failures, 'failure')} (f jumps)", "$error")]
        player = ("▶ playing", "bold $success") if playing else ("paused", "dim")
        parts += [" · ", player, " · ", ("speed ", "dim"), speed_text(speed)]
        self.update(Content.assemble(*parts))
