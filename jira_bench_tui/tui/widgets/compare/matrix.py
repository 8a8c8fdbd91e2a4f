"""The compare screen's scenario x run matrix: a row per scenario, a column per run, each cell its passed/scored
trials coloured by the rate (errors apart, '!2'); Enter or a click on a cell asks for that scenario's trials in that
run's replay."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from jira_bench_tui.tui.colors import rate_variable, theme_style
from jira_bench_tui.tui.widgets.compare.data import Cell, ComparedRun, cell, scenarios

SCENARIO_COLUMN = "__scenario__"
"""The key of the first column, the scenario ids."""
NOT_IN_RUN = "·"
"""A run that does not hold the scenario."""


def cell_text(found: Cell | None) -> str:
    """'2/3' (passed of scored), '2/3 !1' with errors, '-' before any trial of the scenario ended, '·' when the
    run does not hold the scenario."""
    if found is None:
        return NOT_IN_RUN
    if found.done == 0:
        return "-"
    text = f"{found.passed}/{found.scored}"
    return f"{text} !{found.errored}" if found.errored else text


class MatrixTable(DataTable[Text]):
    """Scenarios (row labels) by runs (columns, headed by the run's label); the cursor moves over cells."""

    @dataclass
    class Chosen(Message):
        """A cell was chosen (Enter, or a click): show `scenario`'s trials in `run`'s replay."""

        matrix: MatrixTable
        run: ComparedRun
        scenario: str

        @property
        def control(self) -> MatrixTable:
            """The matrix (for `@on(..., selector)`)."""
            return self.matrix

    def __init__(self, *, id: str | None = None) -> None:
        # the scenario ids are a fixed first column, not row labels: DataTable's row-label width could be lost when
        # the table was rebuilt between two idle passes (the names then vanished)
        super().__init__(id=id, cursor_type="cell", zebra_stripes=False, fixed_columns=1)
        self.runs: list[ComparedRun] = []
        self.scenarios: list[str] = []

    def chosen_at(self, coordinate: Coordinate) -> tuple[ComparedRun, str] | None:
        """The (run, scenario) of a cell; the scenario's own cell stands for the first run; None outside."""
        column = max(coordinate.column - 1, 0)
        if 0 <= coordinate.row < len(self.scenarios) and column < len(self.runs):
            return self.runs[column], self.scenarios[coordinate.row]
        return None

    def show_runs(self, runs: list[ComparedRun]) -> None:
        """Show the runs' cells now: in place when the runs and scenarios are the same, else the whole table again
        (the cursor stays on its cell)."""
        rows = scenarios(runs)
        same = [r.run_id for r in runs] == [r.run_id for r in self.runs] and rows == self.scenarios
        self.runs = runs
        if same:
            for row, sid in enumerate(rows):
                for column, run in enumerate(runs, start=1):
                    self.update_cell_at(Coordinate(row, column), self._cell(run, sid))
            return
        cursor = self.cursor_coordinate
        self.clear(columns=True)
        self.scenarios = rows
        self.add_column(Text("scenario", style="bold"), key=SCENARIO_COLUMN)
        for run in runs:
            self.add_column(Text(run.label, style="bold"), key=run.run_id)
        for sid in rows:
            self.add_row(Text(sid), *[self._cell(run, sid) for run in runs], key=sid)
        if rows and runs:
            self.move_cursor(row=min(cursor.row, len(rows) - 1), column=min(max(cursor.column, 1), len(runs)),
                             animate=False)

    def _cell(self, run: ComparedRun, scenario: str) -> Text:
        found = cell(run, scenario)
        text = cell_text(found)
        if found is None or found.done == 0:
            return Text(text, style=theme_style(self.app, "text-muted"))
        return Text(text, style=theme_style(self.app, rate_variable(found.passed, found.scored)))

    def on_click(self, event: events.Click) -> None:
        """A click on a cell chooses it at once (DataTable itself would only move the cursor there first)."""
        meta = event.style.meta
        row, column = meta.get("row", -1), meta.get("column", -1)
        if row >= 0 and column >= 0 and Coordinate(row, column) != self.cursor_coordinate:
            self.call_later(self._choose, Coordinate(row, column))

    def _choose(self, coordinate: Coordinate) -> None:
        if self.cursor_coordinate == coordinate:
            self._post_chosen(coordinate)

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        """Enter (or a click on the cell under the cursor) chooses it."""
        event.stop()
        self._post_chosen(event.coordinate)

    def _post_chosen(self, coordinate: Coordinate) -> None:
        chosen = self.chosen_at(coordinate)
        if chosen is not None:
            self.post_message(self.Chosen(self, *chosen))
