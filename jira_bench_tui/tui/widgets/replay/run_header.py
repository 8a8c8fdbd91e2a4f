"""The replay screen's run header: harness, model, status and score of the run being replayed."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from jira_bench_tui.engine.event_lines import plural
from jira_bench_tui.engine.run_folder import RunInfo
from jira_bench_tui.engine.runs_text import score
from jira_bench_tui.tui.widgets.replay.timeline import TrialSummary

STATUS_STYLES = {
    "completed": "$success",
    "running": "$accent",
    "queued": "$foreground-muted",
    "interrupted": "$warning",
    "failed": "$error",
    "cancelled": "$warning",
    "unreadable": "$error",
}


def trials_score(summaries: list[TrialSummary]) -> str:
    """'2/3 (67%)' over the finished trials that count (errors do not), then the errors and unreadable trials."""
    passed = sum(1 for s in summaries if s.outcome == "passed")
    failed = sum(1 for s in summaries if s.outcome == "failed")
    errors = sum(1 for s in summaries if s.outcome == "error")
    unreadable = len(summaries) - passed - failed - errors
    text = score(passed, passed + failed)
    if errors:
        text += f" · {plural(errors, 'error')}"
    if unreadable:
        text += f" · {unreadable} unreadable"
    return text


class RunHeader(Static):
    """Three lines: the run's harness and model; its status, score and how many trials finished; its id and note
    (the note in quotes, when the run has one)."""

    def show_run(self, info: RunInfo, summaries: list[TrialSummary]) -> None:
        """Fill the header from a loaded run and its finished trials."""
        style = STATUS_STYLES.get(info.status, "$foreground")
        if info.spec is None:
            first = Content.assemble(("run ", "dim"), Content(info.run_id))
            second = Content.assemble(
                ("unreadable", f"bold {style}"),
                " · ",
                Content(info.problem or "the run folder cannot be read"),
            )
            self.update(Content("\n").join([first, second]))
            return
        spec = info.spec
        repetitions = plural(spec.runs, "repetition")
        first = Content.assemble(
            (spec.harness_name, "bold"), " · ", Content(spec.model), " · ", (repetitions, "dim")
        )
        finished = len(summaries)
        parts: list[Content | str | tuple[str, str]] = [
            (info.status, f"bold {style}"),
            " · ",
            ("score ", "dim"),
            trials_score(summaries),
        ]
        if finished < spec.total_trials:
            parts += [" · ", (f"{finished} of {spec.total_trials} trials finished", "dim")]
        third = Content.assemble(("run ", "dim"), Content(info.run_id))
        if spec.note:
            third = Content.assemble(third, " · ", (f"“{spec.note}”", "italic"))
        self.update(Content("\n").join([first, Content.assemble(*parts), third]))
