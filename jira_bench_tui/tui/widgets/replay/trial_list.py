"""The replay screen's list of finished trials: outcome (colour and symbol), scenario, repetition, turns, time."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from jira_bench_tui.engine.event_lines import flat
from jira_bench_tui.engine.formatting import step_duration
from jira_bench_tui.tui.widgets.replay.timeline import TrialSummary

OUTCOME_MARKS = {
    "passed": ("✔", "$success"),
    "failed": ("✘", "$error"),
    "error": ("!", "$warning"),
    "unreadable": ("?", "$error"),
    "unknown": ("?", "$warning"),
}
FIXED_WIDTH = 2 + 11 + 1 + 5 + 6 + 7
"""Cells of a row besides the scenario: mark, outcome, spaces, '#rep ', turns, time."""
MIN_SCENARIO = 10
OUTCOME_FROM = 56
"""Lists narrower than this leave out the outcome word (its mark and colour say it)."""


@dataclass(frozen=True)
class Columns:
    """How wide the scenario column is and whether the outcome word shows, for a list `width` cells wide."""

    scenario: int
    outcome: bool

    @classmethod
    def fit(cls, width: int, summaries: list[TrialSummary]) -> Columns:
        """The columns for `width` cells: the scenario column as wide as the longest name when it fits."""
        outcome = width >= OUTCOME_FROM
        fixed = FIXED_WIDTH - (0 if outcome else 11)
        longest = max((len(s.scenario_id) for s in summaries), default=MIN_SCENARIO)
        return cls(max(MIN_SCENARIO, min(longest, width - fixed)), outcome)


def trial_row(summary: TrialSummary, columns: Columns = Columns(22, True)) -> Content:
    """One trial as a row of the list, in `columns` (names longer than the column end with '…')."""
    symbol, style = OUTCOME_MARKS.get(summary.outcome, ("?", "$warning"))
    width = columns.scenario
    scenario = flat(summary.scenario_id, width)
    turns = str(summary.turns) if summary.turns is not None else "-"
    duration = step_duration(summary.duration_s) or "-"
    parts: list[Content | str | tuple[str, str]] = [(f"{symbol} ", style)]
    if columns.outcome:
        parts.append((f"{summary.outcome:<10.10} ", style))
    parts += [Content(f"{scenario:<{width}} "), (f"#{summary.repetition:<3} ", "dim"), f"{turns:>5} ",
              (f"{duration:>7}", "dim")]
    return Content.assemble(*parts)


def list_heading(columns: Columns = Columns(22, True)) -> Content:
    """The column titles, aligned with `trial_row`'s cells."""
    outcome = f"{'outcome':<10} " if columns.outcome else ""
    return Content(f"  {outcome}{'scenario':<{columns.scenario}} {'rep':<4} {'turns':>5} {'time':>7}")


class TrialList(OptionList, inherit_bindings=False):
    """The run's finished trials; highlighting one (keys, mouse) posts `OptionList.OptionHighlighted`.

    It leaves home and end to the screen (first and last step of the replay)."""

    BINDINGS = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    summaries: list[TrialSummary] = []
    columns = Columns(22, True)

    def show_trials(self, summaries: list[TrialSummary]) -> None:
        """Replace the rows with these trials, in this order (option ids are the trial keys)."""
        self.summaries = summaries
        self.columns = Columns.fit(self._width(), summaries)
        self.clear_options()
        self.add_options(Option(trial_row(summary, self.columns), id=summary.key) for summary in summaries)
        self._show_heading()

    def _width(self) -> int:
        return (self.scrollable_content_region.width or 56) - 1  # room for the scroll bar

    def on_resize(self) -> None:
        """Fit the columns to the new width (rows are redrawn in place: the highlighted trial stays)."""
        columns = Columns.fit(self._width(), self.summaries)
        if columns != self.columns:
            self.columns = columns
            for index, summary in enumerate(self.summaries):
                self.replace_option_prompt_at_index(index, trial_row(summary, columns))
            self._show_heading()

    def _show_heading(self) -> None:
        if self.parent is not None:
            for heading in self.parent.query("#trial-list-heading").results(Static):
                heading.update(list_heading(self.columns))
