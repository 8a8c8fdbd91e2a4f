"""The runs screen: runs in progress (live bars), interrupted, completed, unreadable; open, kill, resume, delete."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from jira_bench_tui.engine.control import RESUMABLE
from jira_bench_tui.engine.event_lines import flat
from jira_bench_tui.engine.formatting import age
from jira_bench_tui.engine.run_folder import Counts
from jira_bench_tui.engine.runs_text import run_score
from jira_bench_tui.tui.run_model import RunView, text_bar
from jira_bench_tui.tui.widgets.runs_table import Row, RunsTable
from jira_bench_tui.tui.widgets.status_bar import WatchStatusBar

SECTIONS = {
    "live": ("IN PROGRESS", ["run", "harness", "model", "progress", "done", "passed", "failed", "started"]),
    "interrupted": ("INTERRUPTED", ["run", "harness", "model", "done", "passed", "failed", "started"]),
    "ended": ("COMPLETED", ["date", "harness", "model", "reps", "score", "status", "run"]),
    "unreadable": ("UNREADABLE", ["run", "problem"]),
}
REFRESH_EVERY_S = 0.25


class RunsScreen(Screen[None]):
    """Every run under the results folder, grouped by state, newest first."""

    BINDINGS = [
        Binding("o", "open_run", "Open", tooltip="Open the run (live tab, or replay once ended); also Enter",
                id="open-run"),
        Binding("k", "kill_run", "Kill", tooltip="Kill the selected live run", id="kill-run"),
        Binding("r", "resume_run", "Resume", tooltip="Resume the selected interrupted run", id="resume-run"),
        Binding("d", "delete_run", "Delete", tooltip="Delete the selected ended run's folder", id="delete-run"),
        Binding("slash", "filter", "Filter", tooltip="Filter runs by id, harness, model or status", id="filter-runs"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter"),
    ]

    def __init__(self) -> None:
        super().__init__(id="runs-screen")
        self.filter_text = ""
        self._dirty = False

    def compose(self) -> ComposeResult:
        """Lay out the filter box (hidden until /), a titled table per section (in progress, interrupted,
        completed, unreadable), the watcher's status bar and the footer."""
        yield Header()
        yield Input(placeholder="filter runs (id, harness, model, status); Escape clears", id="runs-filter",
                    classes="-hidden", disabled=True)
        with VerticalScroll(id="runs-sections"):
            for key, (title, columns) in SECTIONS.items():
                yield Static(title, classes="section-title", id=f"title-{key}")
                yield Static("(none)", classes="section-empty", id=f"empty-{key}")
                yield RunsTable(columns, id=f"table-{key}")
        yield WatchStatusBar(id="watch-status", classes="-empty")
        yield Footer()

    def on_mount(self) -> None:
        """Fill the tables, focus the first one shown, redraw them every second (ages move on), show the watch state."""
        self.refresh_tables()
        self.focus_first_table()
        self.set_interval(1.0, self._tick)
        self.show_watch_status(self.app.watch_status)  # type: ignore[attr-defined]

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
                             spec.model if spec else ""]).lower()
        return all(word in haystack for word in self.filter_text.lower().split())

    def refresh_tables(self) -> None:
        """Redraw every section from `app.views`: the runs the filter keeps, newest first; an empty section says
        (none), an empty UNREADABLE section hides."""
        self._dirty = False
        now: float = self.app.clock()  # type: ignore[attr-defined]
        views: dict[str, RunView] = self.app.views  # type: ignore[attr-defined]
        grouped: dict[str, list[Row]] = {key: [] for key in SECTIONS}
        for run_id in sorted(views, reverse=True):
            view = views[run_id]
            if not self._matches(view):
                continue
            section, row = _row(view, now)
            grouped[section].append((run_id, row))
        for key, rows in grouped.items():
            table = self.query_one(f"#table-{key}", RunsTable)
            table.show_rows(rows)
            table.display = bool(rows)
            self.query_one(f"#empty-{key}").display = not rows and key != "unreadable"
            self.query_one(f"#title-{key}").display = bool(rows) or key != "unreadable"

    # ---- selection and actions ---------------------------------------------------------------------------

    def selected_view(self) -> RunView | None:
        """The run under the cursor of the focused table (else of the first table shown), or None."""
        focused = self.focused
        tables = [focused] if isinstance(focused, RunsTable) else list(self.query(RunsTable))
        for table in tables:
            if isinstance(table, RunsTable) and table.display and (run_id := table.selected_run_id()):
                return self.app.views.get(run_id)  # type: ignore[attr-defined]
        return None

    @on(RunsTable.RowSelected)
    def _row_chosen(self, event: RunsTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.app.open_run(event.row_key.value)  # type: ignore[attr-defined]

    def action_open_run(self) -> None:
        """Open the selected run (key o or Enter): its live tab, or its replay once it has ended."""
        view = self.selected_view()
        if view is not None:
            self.app.open_run(view.run_id)  # type: ignore[attr-defined]

    def action_kill_run(self) -> None:
        """Kill the selected run after a confirmation (a warning toast when it is not running)."""
        view = self.selected_view()
        if view is None:
            return
        if not view.live:
            self.notify(f"{view.run_id} is not running", severity="warning", markup=False)
            return
        self.app.confirm_control("kill", view)  # type: ignore[attr-defined]

    def action_resume_run(self) -> None:
        """Resume the selected run in a new worker (a warning toast unless it is interrupted, cancelled or failed)."""
        view = self.selected_view()
        if view is None:
            return
        if view.info.status not in RESUMABLE:
            self.notify(f"{view.run_id} is {view.info.status}: only an interrupted, cancelled or failed run resumes",
                        severity="warning", markup=False)
            return
        self.app.control_run("resume", view.info.path)  # type: ignore[attr-defined]

    def action_delete_run(self) -> None:
        """Delete the selected run's folder after a confirmation (a warning toast while it runs)."""
        view = self.selected_view()
        if view is None:
            return
        if view.live:
            self.notify(f"{view.run_id} is still running: kill it first", severity="warning", markup=False)
            return
        self.app.confirm_control("delete", view)  # type: ignore[attr-defined]

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


def _started(view: RunView) -> float:
    return view.started_at() or 0.0


def _row(view: RunView, now: float) -> tuple[str, tuple[str | Text, ...]]:
    """The section a run belongs in and its cells."""
    info, spec = view.info, view.info.spec
    if info.status == "unreadable" or spec is None:
        problem = flat((info.problem or "").replace(f" in {info.path}", ""), 64)
        return "unreadable", (view.run_id, Text(f"unreadable: {problem}", style="italic"))
    done, total, passed, failed, errored = view.counts()
    if info.live:
        bar = Text(text_bar(done, total), style="bold")
        status = "queued" if info.status == "queued" else f"{done}/{total}"
        return "live", (view.run_id, spec.harness_name, spec.model, bar, status, str(passed), str(failed),
                        age(now - _started(view)))
    if info.status == "interrupted":
        return "interrupted", (view.run_id, spec.harness_name, spec.model, f"{done}/{total}", str(passed),
                               str(failed), age(now - _started(view)))
    when = datetime.fromtimestamp(_started(view)).strftime("%Y-%m-%d %H:%M")
    status = "" if info.status == "completed" else info.status
    return "ended", (when, spec.harness_name, spec.model, f"x{spec.runs}", run_score(Counts(total=total, done=done, passed=passed, failed=failed, errored=errored)),
                     status, view.run_id)
