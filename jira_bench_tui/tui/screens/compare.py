"""The compare screen (`c` on the runs list with runs marked, `c` in the monitor, or the palette): a summary of the
chosen runs, then tabs: the scenario x run matrix (a cell opens that scenario's trials in that run's replay), plots
(pass rate with its intervals, pass^k, cost against pass rate, pass rate by tier), pass rate by tag, and the paired
differences against a baseline run. It reads each run's report (engine/report.py, engine/stats.py) off the event
loop, and again while a compared run changes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from jira_bench_tui.engine.run_folder import runs_dir
from jira_bench_tui.tui.access import bench_app
from jira_bench_tui.tui.messages import OpenReplay
from jira_bench_tui.tui.run_model import RunView
from jira_bench_tui.tui.widgets.compare.data import ComparedRun, cell, read_run
from jira_bench_tui.tui.widgets.compare.matrix import MatrixTable
from jira_bench_tui.tui.widgets.compare.plots import (
    ComparePlot,
    draw_cost,
    draw_pass_hat_k,
    draw_pass_rates,
    draw_tiers,
    run_colours,
    runs_key,
)
from jira_bench_tui.tui.widgets.compare.summary import SummaryTable
from jira_bench_tui.tui.widgets.compare.tables import PairedView, TagTable

REFRESH_EVERY_S = 0.5
"""A changed run is read again at most this often (its report reads every trial artifact)."""
TABS = [("matrix", "Matrix"), ("rates", "Pass rate"), ("hat-k", "pass^k"), ("cost", "Cost"), ("tiers", "Tiers"),
        ("tags", "Tags"), ("paired", "Paired")]
NOTES = {
    "rates": "marker: pass rate · bar: 95% Wilson · dim bar: 95% bootstrap over scenarios",
    "hat-k": "pass^k: the chance that all k tries of a scenario pass, k = 1..repetitions",
    "cost": "x: mean cost per trial (USD) · y: pass rate on its 95% Wilson interval",
    "tiers": "pass rate by tier tag, a bar per run",
}
SHORT_SCREEN = 32
"""Below this many rows the summary shows fewer runs at once (it scrolls), so the plots keep some height."""


def read_runs(jobs: dict[str, tuple[int, Path, str]]) -> dict[str, ComparedRun]:
    """Read each run's report ((number, folder, status) by run id): every trial artifact, so off the event loop."""
    return {run_id: read_run(*job) for run_id, job in jobs.items()}


def sweep_runs(views: dict[str, RunView], run_id: str) -> list[str]:
    """The runs of `run_id`'s sweep, oldest first (only itself when it belongs to no sweep)."""
    view = views.get(run_id)
    sweep = view.info.spec.sweep_id if view is not None and view.info.spec else None
    if sweep is None:
        return [run_id]
    return sorted(r for r, v in views.items() if v.info.spec is not None and v.info.spec.sweep_id == sweep)


class CompareScreen(Screen[None]):
    """Compares `run_ids` (in that order; the first is the paired differences' baseline until `b` picks another)."""

    CSS_PATH = "../styles/compare.tcss"
    BINDINGS = [
        Binding("o", "open_cell", "Open", tooltip="Open the matrix cell's scenario in that run's replay; also Enter "
                "or a click", id="compare.open-cell"),
        Binding("b", "baseline", "Baseline", tooltip="Make the run under the summary's cursor the baseline of the "
                "paired differences", id="compare.baseline"),
        *[Binding(str(n), f"show_tab({n})", f"Tab {n}", show=False, tooltip=f"Show tab {n}", id=f"compare.tab-{n}")
          for n in range(1, len(TABS) + 1)],
        Binding("right_square_bracket", "step_tab(1)", "Next", show=False, key_display="]",
                tooltip="Show the next tab", id="compare.next-tab"),
        Binding("left_square_bracket", "step_tab(-1)", "Previous", show=False, key_display="[",
                tooltip="Show the previous tab", id="compare.previous-tab"),
        Binding("escape,q", "back", "Back", tooltip="Leave the comparison", id="compare.back"),
    ]

    def __init__(self, run_ids: list[str]) -> None:
        super().__init__(id="compare-screen")
        self.run_ids = list(dict.fromkeys(run_ids))
        self.runs: list[ComparedRun] = []
        self.baseline = 0
        self.loaded = False
        self.drawn: str | None = None
        """The plot tab drawn last ("rates", "hat-k", "cost", "tiers"), None before any."""
        self._dirty: set[str] = set()
        self._timer_set = False
        self._reading = False

    def compose(self) -> ComposeResult:
        """Lay out the title line, the summary, the tabs and the footer."""
        yield Header()
        yield Static(f"reading {len(self.run_ids)} runs…", id="compare-title", markup=False)
        yield SummaryTable(id="compare-summary")
        with TabbedContent(id="compare-tabs"):
            for number, (key, title) in enumerate(TABS, 1):
                with TabPane(f"{number} {title}", id=f"tab-{key}"):
                    yield from self._tab(key)
        yield Footer(show_command_palette=False)

    def _tab(self, key: str) -> ComposeResult:
        if key == "matrix":
            yield MatrixTable(id="compare-matrix")
        elif key == "tags":
            yield TagTable(id="compare-tags")
        elif key == "paired":
            yield PairedView(id="compare-paired")
        else:
            yield Static(classes="plot-key", id=f"key-{key}")
            yield Static(NOTES[key], classes="plot-note", id=f"note-{key}", markup=False)
            yield ComparePlot(id=f"plot-{key}")

    def on_resize(self) -> None:
        """A short terminal keeps the summary to 4 runs in view (it scrolls), so the tabs below stay usable."""
        self.query_one(SummaryTable).styles.max_height = 8 if self.size.height >= SHORT_SCREEN else 6

    def on_mount(self) -> None:
        """Read every compared run (off the event loop), then show them."""
        self._dirty = set(self.run_ids)
        self._read_soon(0.0)

    def on_screen_resume(self) -> None:
        """Back in view (from a replay, or another mode): read every run again (changes were not followed)."""
        if self.loaded:
            self._dirty = set(self.run_ids)
            self._read_soon(0.0)

    # ---- reading ------------------------------------------------------------------------------------------

    def run_changed(self, run_id: str) -> None:
        """A run changed (the app's watcher): read it again soon if it is compared here."""
        if run_id in self.run_ids:
            self._dirty.add(run_id)
            self._read_soon(REFRESH_EVERY_S)

    def _read_soon(self, delay: float) -> None:
        if not self._timer_set:
            self._timer_set = True
            if delay > 0:
                self.set_timer(delay, self._start_reading)
            else:
                self.call_later(self._start_reading)

    def _start_reading(self) -> None:
        self._timer_set = False
        if not self._reading:
            self.run_worker(self._read(), group="compare-read", description="Reading the compared runs")

    def _folder_and_status(self, run_id: str) -> tuple[Path, str]:
        view = bench_app(self).state.views.get(run_id)
        if view is None:
            return runs_dir(bench_app(self).results) / run_id, "deleted"
        return view.info.path, view.info.status

    async def _read(self) -> None:
        """Read the changed runs' reports in a thread until none is left changed, showing each batch."""
        self._reading = True
        try:
            while self._dirty:
                wanted, self._dirty = self._dirty, set()
                jobs = {run_id: (number, *self._folder_and_status(run_id))
                        for number, run_id in enumerate(self.run_ids, 1) if run_id in wanted}
                fresh = await asyncio.to_thread(read_runs, jobs)
                known = {run.run_id: run for run in self.runs}
                known.update(fresh)
                self.runs = [known[r] for r in self.run_ids if r in known]
                self.loaded = True
                self.show()
        finally:
            self._reading = False

    # ---- showing ------------------------------------------------------------------------------------------

    def show(self) -> None:
        """Show the runs as last read, in every part of the screen."""
        runs = self.runs
        live = sum(run.live for run in runs)
        base = runs[self.baseline].label if 0 <= self.baseline < len(runs) else "-"
        title = f"comparing {len(runs)} runs · baseline {base}" + (f" · {live} still running ●" if live else "")
        self.query_one("#compare-title", Static).update(title)
        self.query_one(SummaryTable).show_runs(runs)
        self.query_one(MatrixTable).show_runs(runs)
        self.query_one(TagTable).show_runs(runs)
        self.query_one(PairedView).show_runs(runs, self.baseline)
        self._draw_plots()

    def _draw_plots(self) -> None:
        """Draw the plot of the tab in view (a hidden plot has no size: it is drawn when its tab shows)."""
        runs = self.runs
        shown = self.query_one(TabbedContent).active.removeprefix("tab-")
        if shown not in NOTES:
            return
        colours = run_colours(self.app, len(runs))
        self.query_one(f"#key-{shown}", Static).update(runs_key(runs, colours))
        plot = self.query_one(f"#plot-{shown}", ComparePlot)
        note = NOTES[shown]
        if shown == "rates":
            draw_pass_rates(plot, runs, colours)
        elif shown == "hat-k" and not draw_pass_hat_k(plot, runs, colours):
            note = "pass^k: no run has a scored trial of every scenario yet"
        elif shown == "cost" and not draw_cost(plot, runs, colours):
            note += "; no run cost anything"
        elif shown == "tiers" and not draw_tiers(plot, runs, colours):
            note = "no scenario has a tier tag"
        self.query_one(f"#note-{shown}", Static).update(note)
        self.drawn = shown

    @on(TabbedContent.TabActivated, "#compare-tabs")
    def _tab_shown(self) -> None:
        """Draw the plot of the tab that came into view, once it has its size."""
        if self.loaded:
            self.call_after_refresh(self._draw_plots)

    # ---- actions ------------------------------------------------------------------------------------------

    @on(MatrixTable.Chosen)
    def _cell_chosen(self, event: MatrixTable.Chosen) -> None:
        event.stop()
        self.open_trials(event.run, event.scenario)

    def open_trials(self, run: ComparedRun, scenario: str) -> None:
        """Open `scenario`'s trials in `run`'s replay (a toast when none has finished yet)."""
        found = cell(run, scenario)
        if found is None or found.done == 0:
            self.notify(f"no trial of {scenario} has finished in run {run.label} yet", severity="warning",
                        markup=False)
            return
        self.post_message(OpenReplay(run.folder, scenario, scenario=scenario))

    def action_open_cell(self) -> None:
        """Open the matrix cell under the cursor (key o): that scenario's trials in that run's replay."""
        matrix = self.query_one(MatrixTable)
        chosen = matrix.chosen_at(matrix.cursor_coordinate)
        if chosen is not None and self.query_one(TabbedContent).active == "tab-matrix":
            self.open_trials(*chosen)
        else:
            self.query_one(TabbedContent).active = "tab-matrix"
            matrix.focus()

    def action_baseline(self) -> None:
        """Make the summary's selected run the baseline of the paired differences (key b)."""
        row = self.query_one(SummaryTable).cursor_row
        if 0 <= row < len(self.runs) and row != self.baseline:
            self.baseline = row
            self.show()
            self.notify(f"baseline: {self.runs[row].label}", title="Paired differences", markup=False)

    def action_show_tab(self, number: int) -> None:
        """Show tab `number` (keys 1 to 7)."""
        if 1 <= number <= len(TABS):
            self.query_one(TabbedContent).active = f"tab-{TABS[number - 1][0]}"

    def action_step_tab(self, step: int) -> None:
        """Show the next (]) or previous ([) tab, round."""
        tabs = self.query_one(TabbedContent)
        keys = [f"tab-{key}" for key, _ in TABS]
        index = keys.index(tabs.active) if tabs.active in keys else 0
        tabs.active = keys[(index + step) % len(keys)]

    def action_back(self) -> None:
        """Leave the comparison (Escape or q)."""
        self.app.pop_screen()
