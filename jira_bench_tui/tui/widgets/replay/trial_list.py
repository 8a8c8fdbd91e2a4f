"""The replay screen's list of finished trials: outcome (colour and symbol), scenario, repetition, turns, time."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
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
SCENARIO_WIDTH = 22


def trial_row(summary: TrialSummary) -> Content:
    """One trial as a fixed-width row of the list."""
    symbol, style = OUTCOME_MARKS.get(summary.outcome, ("?", "$warning"))
    scenario = flat(summary.scenario_id, SCENARIO_WIDTH)
    turns = f"{summary.turns:>3}" if summary.turns is not None else "  -"
    duration = step_duration(summary.duration_s) or "-"
    return Content.assemble(
        (f"{symbol} {summary.outcome:<11.11}", style),
        Content(f"{scenario:<{SCENARIO_WIDTH}} "),
        (f"#{summary.repetition:<3}", "dim"),
        f"{turns} ",
        (f"{duration:>7}", "dim"),
    )


def list_heading() -> Content:
    """The column titles shown above the list."""
    return Content(f"  {'outcome':<11}{'scenario':<{SCENARIO_WIDTH}} {'rep':<4}{'turns':>3} {'time':>7}")


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

    def show_trials(self, summaries: list[TrialSummary]) -> None:
        """Replace the rows with these trials, in this order (option ids are the trial keys)."""
        self.clear_options()
        self.add_options(Option(trial_row(summary), id=summary.key) for summary in summaries)
