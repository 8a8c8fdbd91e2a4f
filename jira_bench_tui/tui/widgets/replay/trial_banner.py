"""The title of the replayed trial: its key, outcome, turns and duration, and any problem reading it."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from jira_bench_tui.engine.event_lines import plural
from jira_bench_tui.engine.formatting import step_duration
from jira_bench_tui.tui.widgets.replay.timeline import TrialReplay
from jira_bench_tui.tui.widgets.replay.trial_list import OUTCOME_MARKS


class TrialBanner(Static):
    """One line about the trial, then one line per problem (an unreadable or incomplete artifact)."""

    def show_trial(self, replay: TrialReplay | None, notice: str | None = None) -> None:
        """Describe `replay`; `notice` (e.g. "no trial X in this run") comes first when given."""
        lines: list[Content] = []
        if notice:
            lines.append(Content.assemble(("⚠ ", "bold $warning"), Content(notice)))
        if replay is None:
            self.set_class(bool(notice), "-problem")
            lines.append(Content("No trial has finished in this run yet."))
            self.update(Content("\n").join(lines))
            return
        symbol, style = OUTCOME_MARKS.get(replay.outcome, ("?", "$warning"))
        parts: list[Content | str | tuple[str, str]] = [
            (f"{symbol} {replay.outcome}", f"bold {style}"),
            "  ",
            (replay.scenario_id, "bold"),
            (f"  #{replay.repetition}", "dim"),
        ]
        if replay.turns is not None:
            parts += [" · ", plural(replay.turns, "turn")]
        if replay.duration_s is not None:
            parts += [" · ", step_duration(replay.duration_s)]
        lines.append(Content.assemble(*parts))
        for problem in replay.problems:
            lines.append(Content.assemble(("⚠ ", "bold $error"), Content(problem)))
        self.update(Content("\n").join(lines))
        self.set_class(bool(replay.problems), "-problem")
