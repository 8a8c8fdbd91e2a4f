"""The scenario x repetition grid of a run: one cell per trial, pending, running, passed, failed or error."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import Static

from jira_bench_tui.engine.event_lines import flat
from jira_bench_tui.engine.run_folder import trial_key
from jira_bench_tui.tui.messages import OpenReplay
from jira_bench_tui.tui.run_model import RunView

CELL = {
    "pending": ("·", "$text-muted"),
    "running": ("◐", "bold $text-warning"),
    "passed": ("✔", "bold $text-success"),
    "failed": ("✘", "bold $text-error"),
    "error": ("!", "bold $text-accent"),
}
NAME_WIDTH = 28
MAX_CELLS = 30  # more repetitions than this: one count per status instead of a cell per trial
SUMMARY_WIDTH = 35  # one count per status: 5 x "✔ 12   "


def grid_layout(view: RunView, width: int) -> tuple[int, bool]:
    """(width of the names column, whether rows show one count per status instead of a cell per trial)."""
    reps = view.repetitions
    summary = reps > MAX_CELLS or 2 * reps + 9 > width
    cells_width = SUMMARY_WIDTH if summary else 2 * reps
    longest = max((len(s) for s in view.scenario_ids), default=8)
    return max(8, min(NAME_WIDTH, longest, width - cells_width - 1)), summary


def trial_at(view: RunView, width: int, x: int, y: int) -> str | None:
    """The trial ("SCENARIO__REP") under cell (x, y) of the grid, the scenario when its row shows counts, or None."""
    if not 0 <= y < len(view.scenario_ids):
        return None
    scenario_id = view.scenario_ids[y]
    name_width, summary = grid_layout(view, width)
    if summary or x < name_width + 1:
        return scenario_id
    rep = (x - name_width - 1) // 2 + 1
    return trial_key(scenario_id, rep) if rep <= view.repetitions else None


def grid_content(view: RunView, width: int = 120) -> Content:
    """One line per scenario: its id, then a cell per repetition, fitted to `width` cells (names are cut, with an
    ellipsis, before a row would wrap; too many repetitions show one count per status). Plain text and styles,
    never markup."""
    parts: list[str | tuple[str, str]] = []
    reps = view.repetitions
    name_width, summary = grid_layout(view, width)
    for index, scenario_id in enumerate(view.scenario_ids):
        if index:
            parts.append("\n")
        parts.append(f"{flat(scenario_id, name_width):<{name_width}} ")
        statuses = [view.cells.get(trial_key(scenario_id, rep), "pending") for rep in range(1, reps + 1)]
        if summary:
            for kind in ("passed", "failed", "error", "running", "pending"):
                symbol, style = CELL[kind]
                parts.append((f"{symbol} {statuses.count(kind):<5}", style))
            continue
        run_style, run_text = "", ""
        for status in statuses:  # neighbours with the same status share one span
            symbol, style = CELL[status]
            if style != run_style and run_text:
                parts.append((run_text, run_style))
                run_text = ""
            run_style, run_text = style, run_text + symbol + " "
        if run_text:
            parts.append((run_text, run_style))
    legend = "  ".join(f"{CELL[kind][0]} {kind}" for kind in CELL)
    parts.append(("\n" + legend, "dim"))
    return Content.assemble(*parts)


class TrialGrid(Static):
    """Shows `grid_content` for a run; `show(view)` redraws it."""

    _shown_lines = -1
    _view: RunView | None = None

    def show(self, view: RunView) -> None:
        """Redraw the grid; a new layout only when its number of lines changed (cells keep their width)."""
        self._view = view
        content = grid_content(view, self.size.width or 120)
        lines = content.plain.count("\n")
        self.update(content, layout=lines != self._shown_lines)
        self._shown_lines = lines

    def on_click(self, event: events.Click) -> None:
        """A click on a finished trial's cell (or a scenario's name) opens it in the replay."""
        view = self._view
        if view is None:
            return
        trial = trial_at(view, self.size.width, event.x, event.y)
        if trial is None:
            return
        if "__" in trial and view.cells.get(trial) in ("pending", "running"):
            self.notify("that trial has not finished yet", severity="warning")
            return
        self.post_message(OpenReplay(view.info.path, trial))

    def on_resize(self) -> None:
        """Fit the grid to the new width."""
        if self._view is not None:
            self.show(self._view)
