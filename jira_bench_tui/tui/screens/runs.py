"""The runs screen: runs in progress (live bars), interrupted, completed, unreadable; open, kill, resume, delete."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from jira_bench_tui.engine.control import RESUMABLE
from jira_bench_tui.engine.event_lines import flat
from jira_bench_tui.engine.formatting import age, short_duration
from jira_bench_tui.engine.runs_text import score
from jira_bench_tui.tui.access import bench_app
from jira_bench_tui.tui.colors import rate_variable, theme_style
from jira_bench_tui.tui.messages import CompareRuns, ControlRun, OpenRun, RunAgain
from jira_bench_tui.tui.run_model import RunView, text_bar
from jira_bench_tui.tui.state import outcome_score
from jira_bench_tui.tui.widgets.runs.runs_table import Cell, Row, RunsTable
from jira_bench_tui.tui.widgets.status_bar import WatchStatusBar

MARK = "✓"
"""A marked run's first cell (and that column's heading, shown only while a run of the table is marked)."""
SECTIONS = {
    "live": ("IN PROGRESS", [MARK, "model", "harness", "progress", "done", "pass rate", "ETA", "started", "note",
                             "run"]),
    "interrupted": ("INTERRUPTED", [MARK, "model", "harness", "done", "pass rate", "started", "note", "run"]),
    "ended": ("COMPLETED", [MARK, "date", "model", "harness", "reps", "score", "status", "note", "run"]),
    "unreadable": ("UNREADABLE", ["run", "problem"]),
}
DROP_FIRST = {
    "live": ("harness", "started", "note", "model", "progress", "ETA"),
    "interrupted": ("harness", "started", "note", "model"),
    "ended": ("date", "harness", "reps", "note", "model", "status"),
    "unreadable": ("problem",),
}
"""When a section's table is wider than the screen, these columns leave in this order (the run id names the date,
the harness and the model, and stays whole), except the note (the problem): at its turn it is cut with '…' to the
room left instead."""
SQUEEZED = {"unreadable": "problem"}
NOTE_WIDTH = 32
"""A note longer than this shows cut with '…' (the whole note: `view list`, `report`, the monitor)."""
REFRESH_EVERY_S = 0.25
LOADING = "loading…"
NONE = "(none)"


MARK_COLUMN = {"live": 9, "interrupted": 7, "ended": 8}
"""Where each section's run id cell is, after the mark column (a sweep's mark goes in front of it: the run id always shows, the model
column leaves at 80 columns)."""
SWEEP_MARKS = ("╭ ", "│ ", "╰ ")
"""First, middle and last row of a sweep shown together; other rows of such a section get two spaces."""


def note_cell(note: str | None) -> Text:
    """A run's note as the runs list shows it: italic, cut with '…' past NOTE_WIDTH characters."""
    text = note or ""
    if len(text) > NOTE_WIDTH:
        text = text[:NOTE_WIDTH - 1] + "…"
    return Text(text, style="italic")


def sweep_order(views: list[RunView]) -> list[RunView]:
    """Runs newest first, the runs of one sweep kept together (at the place of its newest run)."""
    def sweep_of(view: RunView) -> str | None:
        return view.info.spec.sweep_id if view.info.spec else None

    newest: dict[str, str] = {}
    for view in views:
        if (sweep := sweep_of(view)) is not None:
            newest[sweep] = max(newest.get(sweep, ""), view.run_id)
    return sorted(views, key=lambda v: (newest.get(sweep_of(v) or "", v.run_id), v.run_id), reverse=True)


def mark_sweeps(rows: list[Row], sweeps: dict[str, str | None], column: int | None) -> list[Row]:
    """Rows whose neighbours share their sweep get a bracket before the cell in `column` (the run id:
    '╭ 20261124-…', '│ …', '╰ …'); the other rows of that table two spaces, so the cells stay aligned. Tables
    without a sweep are unchanged."""
    if column is None:
        return rows
    ids = [sweeps.get(run_id) for run_id, _cells in rows]
    marks: list[str] = []
    for index, sweep in enumerate(ids):
        before = index > 0 and sweep is not None and ids[index - 1] == sweep
        after = index + 1 < len(ids) and sweep is not None and ids[index + 1] == sweep
        marks.append(SWEEP_MARKS[1] if before and after else SWEEP_MARKS[2] if before else
                     SWEEP_MARKS[0] if after else "  ")
    if all(mark == "  " for mark in marks):
        return rows
    marked: list[Row] = []
    for (run_id, cells), mark in zip(rows, marks, strict=True):
        cell = cells[column]
        text = Text.assemble((mark, "bold"), cell if isinstance(cell, Text) else Text(cell))
        marked.append((run_id, (*cells[:column], text, *cells[column + 1:])))
    return marked


class RunsScreen(Screen[None]):
    """Every run under the results folder, grouped by state, newest first."""

    BINDINGS = [
        Binding("o", "open_run", "Open", tooltip="Open the run (live tab, or replay once ended); also Enter",
                id="open-run"),
        Binding("k", "kill_run", "Kill", tooltip="Kill the selected live run", id="kill-run"),
        Binding("r", "resume_run", "Resume", tooltip="Resume the selected interrupted run", id="resume-run"),
        Binding("d", "delete_run", "Delete", tooltip="Delete the selected ended run's folder", id="delete-run"),
        Binding("g", "run_again", "Run again", show=False, tooltip="Run again: the new-run form with the selected "
                "run's settings", id="run-again"),
        Binding("slash", "filter", "Find", tooltip="Filter runs by id, harness, model or status", id="filter-runs"),
        Binding("escape", "clear_filter", "Clear filter", show=False, tooltip="Clear the filter",
                id="clear-filter"),
        Binding("ctrl+n", "app.new_run", "New run", tooltip="Open the new-run form", id="runs-new-run"),
        Binding("m", "app.show_monitor", "Monitor", show=False, tooltip="Show the live monitor (a tab per run)",
                id="runs-monitor"),
        Binding("v", "toggle_mark", "Mark", show=False, tooltip="Mark or unmark the selected run, to compare the marked runs (c)",
                id="mark-run"),
        Binding("u", "clear_marks", "Unmark all", show=False, tooltip="Unmark every marked run", id="clear-marks"),
        Binding("c", "compare", "Compare", show=False, tooltip="Compare the marked runs (none marked: the selected run's sweep)",
                id="compare-runs"),
    ]

    def __init__(self) -> None:
        super().__init__(id="runs-screen")
        self.filter_text = ""
        self._dirty = False
        self.marked: list[str] = []
        """Run ids marked for comparison, in the order they were marked (the first is the baseline)."""

    def compose(self) -> ComposeResult:
        """Lay out the filter box (hidden until /), a titled table per section (in progress, interrupted,
        completed, unreadable), the watcher's status bar and the footer."""
        yield Header()
        yield Input(placeholder="filter runs (id, harness, model, status, note, sweep); Escape clears", id="runs-filter",
                    classes="-hidden", disabled=True)
        with VerticalScroll(id="runs-sections", can_focus=False):
            for key, (title, columns) in SECTIONS.items():
                yield Static(title, classes="section-title", id=f"title-{key}")
                yield Static(LOADING, classes="section-empty", id=f"empty-{key}")
                yield RunsTable(columns, optional=("note", "status", MARK), drop=DROP_FIRST.get(key, ()),
                                squeeze=SQUEEZED.get(key, "note"), id=f"table-{key}")
        yield WatchStatusBar(id="watch-status", classes="-empty")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Fill the tables, focus the first one shown, redraw them every second (ages move on), show the watch state."""
        self.refresh_tables()
        self.focus_first_table()
        self.set_interval(1.0, self._tick)
        self.show_watch_status(bench_app(self).state.watch_status)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh_tables())  # scores' colours

    def _tick(self) -> None:
        """Ages move on with the clock: redraw while this screen is in view."""
        if self.is_current:
            self.refresh_tables()

    def on_screen_resume(self) -> None:
        """Back in view: redraw the tables (changes are not drawn while the screen is hidden)."""
        self.refresh_tables()

    def show_watch_status(self, text: str) -> None:
        """Show the watcher's state in the status bar ('' hides the bar)."""
        for bar in self.query(WatchStatusBar):  # none while the screen is still composing or closing
            bar.show(text)

    def scan_done(self) -> None:
        """The first reading of the runs folder is done: empty sections now say (none)."""
        if not self.query(RunsTable):  # still composing: on_mount reads the state
            return
        self.refresh_tables()
        if not isinstance(self.focused, RunsTable):
            self.focus_first_table()

    # ---- rows -----------------------------------------------------------------------------------------------

    def run_changed(self, _run_id: str) -> None:
        """A run changed: redraw soon (at most every REFRESH_EVERY_S, however fast runs write)."""
        if not self._dirty and self.is_current:
            self._dirty = True
            self.set_timer(REFRESH_EVERY_S, self.refresh_tables)

    def _matches(self, view: RunView) -> bool:
        if not self.filter_text:
            return True
        spec = view.info.spec
        haystack = " ".join([view.run_id, view.info.status, spec.harness_name if spec else "",
                             spec.model if spec else "", (spec.sweep_id or "") if spec else "",
                             (spec.note or "") if spec else ""]).lower()
        return all(word in haystack for word in self.filter_text.lower().split())

    def refresh_tables(self) -> None:
        """Redraw every section from the app's runs: the runs the filter keeps, newest first; an empty section
        says (none) (loading… before the first reading is done), an empty UNREADABLE section hides."""
        self._dirty = False
        if not self.query(RunsTable):  # composing or closing
            return
        state = bench_app(self).state
        now = bench_app(self).clock()
        grouped: dict[str, list[Row]] = {key: [] for key in SECTIONS}
        sweeps: dict[str, str | None] = {}
        self.marked = [run_id for run_id in self.marked if run_id in state.views]
        for view in sweep_order([v for v in state.views.values() if self._matches(v)]):
            section, row = self._row(view, now)
            if section != "unreadable":
                row = (Text(MARK if view.run_id in self.marked else "", style="bold"), *row)
            grouped[section].append((view.run_id, row))
            sweeps[view.run_id] = view.info.spec.sweep_id if view.info.spec else None
        for key, rows in grouped.items():
            grouped[key] = mark_sweeps(rows, sweeps, MARK_COLUMN.get(key))
        empty_text = NONE if state.loaded else LOADING
        for key, rows in grouped.items():
            table = self.query_one(f"#table-{key}", RunsTable)
            table.show_rows(rows)
            table.display = bool(rows)
            empty = self.query_one(f"#empty-{key}", Static)
            empty.display = not rows and key != "unreadable"
            empty.update(empty_text)
            self.query_one(f"#title-{key}").display = bool(rows) or key != "unreadable"
        self._keep_focus_on_a_listed_run()

    def _keep_focus_on_a_listed_run(self) -> None:
        """A table hidden for having no run (none in progress, say) gives its focus to the first table shown, so
        the arrows and the run keys act on runs the user sees."""
        focused = self.focused
        if focused is None or (isinstance(focused, RunsTable) and not focused.display):
            shown = [table for table in self.query(RunsTable) if table.display]
            if shown:
                shown[0].focus()

    def _rate(self, passed: int, failed: int, errored: int = 0) -> Text:
        """A pass rate ('3/4 (75%)'), coloured by how good it is."""
        return Text(score(passed, passed + failed, errored), style=theme_style(self.app, rate_variable(
            passed, passed + failed)))

    def _bar(self, done: int, total: int, passed: int, failed: int) -> Text:
        """A progress bar whose filled part is coloured by the pass rate so far."""
        bar = text_bar(done, total)
        filled = len(bar.rstrip("░"))
        text = Text(bar[:filled], style=theme_style(self.app, rate_variable(passed, passed + failed), bold=True))
        text.append(bar[filled:], style=theme_style(self.app, "text-muted"))
        return text

    def _row(self, view: RunView, now: float) -> tuple[str, tuple[Cell, ...]]:
        """The section a run belongs in and its cells (Text, never markup: names may hold brackets)."""
        info, spec = view.info, view.info.spec
        if info.status == "unreadable" or spec is None:
            problem = flat((info.problem or "").replace(f" in {info.path}", ""), 64)
            return "unreadable", (Text(view.run_id), Text(f"unreadable: {problem}", style="italic"))
        done, total, passed, failed, errored = view.counts()
        started = view.started_at() or 0.0
        if info.live:
            status = "queued" if info.status == "queued" else f"{done}/{total}"
            eta = view.eta(now)
            return "live", (Text(spec.model), Text(spec.harness_name), self._bar(done, total, passed, failed),
                            Text(status), self._rate(passed, failed, errored),
                            Text(short_duration(eta) if eta is not None else "--"), Text(age(now - started)),
                            note_cell(spec.note), Text(view.run_id))
        if info.status == "interrupted":
            return "interrupted", (Text(spec.model), Text(spec.harness_name), Text(f"{done}/{total}"),
                                   self._rate(passed, failed, errored), Text(age(now - started)),
                                   note_cell(spec.note), Text(view.run_id))
        when = datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
        status = "" if info.status == "completed" else info.status
        if info.status == "failed" and info.state is not None and info.state.error:
            status = f"failed: {flat(info.state.error, 72)}"  # e.g. the worker's CPU time limit
        rate = Text(outcome_score(view), style=theme_style(self.app, rate_variable(passed, passed + failed)))
        return "ended", (Text(when), Text(spec.model), Text(spec.harness_name), Text(f"x{spec.runs}"), rate,
                         Text(status), note_cell(spec.note), Text(view.run_id))

    # ---- selection and actions ---------------------------------------------------------------------------

    def selected_view(self) -> RunView | None:
        """The run under the cursor of the focused table (else, as when the focused table is empty, of the first
        table shown that has a run), or None."""
        focused = self.focused
        tables = [*([focused] if isinstance(focused, RunsTable) else []), *self.query(RunsTable)]
        for table in tables:
            if isinstance(table, RunsTable) and table.display and (run_id := table.selected_run_id()):
                return bench_app(self).state.views.get(run_id)
        return None

    @on(RunsTable.RowSelected)
    def _row_chosen(self, event: RunsTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(OpenRun(event.row_key.value))

    @on(RunsTable.RowHighlighted)
    def _row_highlighted(self, event: RunsTable.RowHighlighted) -> None:
        """Keep the cursor's row in view: the tables grow to their full height, the sections scroll."""
        event.stop()
        self.call_after_refresh(self._show_cursor, event.data_table)

    def _show_cursor(self, table: RunsTable) -> None:
        if not table.is_mounted or table.cursor_row < 0:
            return
        region = table.virtual_region_with_margin
        top = region.y + table.header_height + table.cursor_row
        sections = self.query_one("#runs-sections", VerticalScroll)
        sections.scroll_to_region(Region(region.x, top, region.width, 1), animate=False, immediate=True)

    def action_open_run(self) -> None:
        """Open the selected run (key o or Enter): its live tab, or its replay once it has ended."""
        view = self.selected_view()
        if view is not None:
            self.post_message(OpenRun(view.run_id))

    def action_kill_run(self) -> None:
        """Kill the selected run after a confirmation (a warning toast when it is not running)."""
        view = self.selected_view()
        if view is None:
            return
        if not view.live:
            self.notify(f"{view.run_id} is not running", severity="warning", markup=False)
            return
        self.post_message(ControlRun("kill", view.run_id))

    def action_resume_run(self) -> None:
        """Resume the selected run in a new worker (a warning toast unless it is interrupted, cancelled or failed)."""
        view = self.selected_view()
        if view is None:
            return
        if view.info.status not in RESUMABLE:
            self.notify(f"{view.run_id} is {view.info.status}: only an interrupted, cancelled or failed run resumes",
                        severity="warning", markup=False)
            return
        self.post_message(ControlRun("resume", view.run_id, confirm=False))

    def action_delete_run(self) -> None:
        """Delete the selected run's folder after a confirmation (a warning toast while it runs)."""
        view = self.selected_view()
        if view is None:
            return
        if view.live:
            self.notify(f"{view.run_id} is still running: kill it first", severity="warning", markup=False)
            return
        self.post_message(ControlRun("delete", view.run_id))

    def action_run_again(self) -> None:
        """Open the new-run form filled with the selected run's settings (key g)."""
        view = self.selected_view()
        if view is None:
            return
        if view.info.spec is None:
            self.notify(f"{view.run_id} is unreadable: its settings are lost", severity="warning", markup=False)
            return
        self.post_message(RunAgain(view.info.path))

    def action_toggle_mark(self) -> None:
        """Mark the selected run for comparison, or unmark it (key v)."""
        view = self.selected_view()
        if view is None:
            return
        if view.info.spec is None:
            self.notify(f"{view.run_id} is unreadable: it cannot be compared", severity="warning", markup=False)
        elif view.run_id in self.marked:
            self.marked.remove(view.run_id)
        else:
            self.marked.append(view.run_id)
        self.refresh_tables()

    def action_clear_marks(self) -> None:
        """Unmark every run (key u)."""
        self.marked = []
        self.refresh_tables()

    def compared_runs(self) -> list[str]:
        """What `c` compares: the marked runs (one marked: it and the selected run), else the selected run's sweep."""
        selected = self.selected_view()
        chosen = list(self.marked)
        if len(chosen) == 1 and selected is not None and selected.run_id not in chosen:
            chosen.append(selected.run_id)
        if len(chosen) < 2 and selected is not None:
            from jira_bench_tui.tui.screens.compare import sweep_runs

            chosen = sweep_runs(bench_app(self).state.views, selected.run_id)
        return chosen

    def action_compare(self) -> None:
        """Compare the marked runs (key c); with none marked, the runs of the selected run's sweep."""
        chosen = self.compared_runs()
        if len(chosen) < 2:
            self.notify("mark two runs or more with v, then press c (c alone compares the selected run's sweep)",
                        title="Nothing to compare", severity="warning", markup=False)
            return
        self.post_message(CompareRuns(chosen))

    def action_filter(self) -> None:
        """Show the filter box and focus it (key /)."""
        box = self.query_one("#runs-filter", Input)
        box.remove_class("-hidden")
        box.disabled = False
        box.focus()

    def focus_first_table(self) -> None:
        """Focus the first table shown (none when every section is empty)."""
        for table in self.query(RunsTable):
            if table.display:
                table.focus()
                return

    def action_clear_filter(self) -> None:
        """Empty and hide the filter box, and go back to the tables (Escape)."""
        box = self.query_one("#runs-filter", Input)
        box.value = ""
        box.add_class("-hidden")
        box.disabled = True
        self.focus_first_table()

    @on(Input.Changed, "#runs-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.refresh_tables()

    @on(Input.Submitted, "#runs-filter")
    def _filter_done(self) -> None:
        self.focus_first_table()
