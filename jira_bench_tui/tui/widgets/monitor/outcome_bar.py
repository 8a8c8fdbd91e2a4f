"""A run's progress as one bar coloured by outcome: passed, failed and errored trials in their colours, the rest
(running, pending) muted; a finished run at 0% shows a red bar, never a green one."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

FULL, EMPTY = "█", "░"


def bar_parts(width: int, passed: int, failed: int, errored: int, total: int) -> list[tuple[int, str]]:
    """(cells, kind) spans of a bar `width` cells wide; kinds 'passed', 'failed', 'error', 'rest'. Each finished
    outcome gets at least one cell when it happened at all (so one failure in 5000 still shows)."""
    if width <= 0:
        return []
    if total <= 0:
        return [(width, "rest")]
    spans: list[tuple[int, str]] = []
    used = 0
    for count, kind in ((passed, "passed"), (failed, "failed"), (errored, "error")):
        cells = round(width * count / total)
        if count and not cells:
            cells = 1
        cells = min(cells, width - used)
        if cells:
            spans.append((cells, kind))
            used += cells
    if used < width:
        spans.append((width - used, "rest"))
    return spans


STYLES = {"passed": "$text-success", "failed": "$text-error", "error": "$text-warning", "rest": "$text-muted"}


class OutcomeBar(Widget):
    """`counts` is (passed, failed, errored, total); the bar fills the widget's width."""

    DEFAULT_CSS = """
    OutcomeBar {
        height: 1;
    }
    """

    counts: reactive[tuple[int, int, int, int]] = reactive((0, 0, 0, 0))

    @property
    def fraction(self) -> float:
        """How much of the run has finished, 0 to 1 (1 for a run with no trials)."""
        passed, failed, errored, total = self.counts
        return (passed + failed + errored) / total if total else 1.0

    def render(self) -> Content:
        """The bar at the widget's width."""
        passed, failed, errored, total = self.counts
        parts = [(((FULL if kind != "rest" else EMPTY) * cells), STYLES[kind])
                 for cells, kind in bar_parts(self.size.width, passed, failed, errored, total)]
        return Content.assemble(*parts)
