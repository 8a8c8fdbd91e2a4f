"""One monitor tab's content: status lines, outcome bar and counters, trial grid, the log's controls and the log."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from jira_bench_tui.engine.formatting import short_duration
from jira_bench_tui.tui.access import bench_app
from jira_bench_tui.tui.run_model import LogLine, RunView
from jira_bench_tui.tui.widgets.monitor.event_log import EventLog
from jira_bench_tui.tui.widgets.monitor.outcome_bar import OutcomeBar
from jira_bench_tui.tui.widgets.monitor.trial_grid import TrialGrid


def status_line(view: RunView, now: float) -> str:
    """'RUNNING · example · claude-sonnet-4-5 · x3 · elapsed 1m15s · ETA 1m33s' (elapsed on the log's clock)."""
    spec = view.info.spec
    harness = spec.harness_name if spec else "?"
    model = spec.model if spec else "?"
    eta = view.eta(now)
    eta_text = f" · ETA {short_duration(eta)}" if eta is not None else ""
    return (f"{view.info.status.upper()} · {harness} · {model} · x{view.repetitions} · "
            f"elapsed {short_duration(view.elapsed(now))}{eta_text}")


def fit_line(text: str, width: int) -> str:
    """`text` cut to `width` cells with '…' when it is longer (never cut silently); whole when `width` is 0 (not
    laid out yet)."""
    if width <= 0 or cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1) + "…"


class RunTab(Vertical):
    """Everything about one run in the monitor; `refresh_view` redraws the figures, `append` streams log lines."""

    def __init__(self, view: RunView, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="run-tab")
        self.view = view
        self._shown: dict[str, object] = {}
        self._behind = False
        """Lines arrived while the tab was out of view: the log catches up (`resync`) when it comes into view."""

    def compose(self) -> ComposeResult:
        """Lay out the status lines, the outcome bar and counters, the trial grid, the log's controls (follow state,
        scenario filter, search box) and the log."""
        yield Static("", classes="run-status", markup=False)
        yield Static("", classes="run-id", markup=False)
        with Horizontal(classes="run-progress-row"):
            yield OutcomeBar(classes="run-progress")
            yield Static("", classes="run-counters", markup=False)
        with VerticalScroll(classes="trial-grid-box", can_focus=False):
            yield TrialGrid(classes="trial-grid")
        with Horizontal(classes="log-controls"):
            yield Static("", classes="log-follow", markup=False)
            yield Select([(s, s) for s in self.view.scenario_ids], prompt="all scenarios", allow_blank=True,
                         compact=True, classes="scenario-filter")
            yield Input(placeholder="search the log; Enter: next", compact=True, classes="log-search -hidden")
            yield Static("", classes="log-search-info", markup=False)
        yield EventLog(self.view, classes="run-log")

    @property
    def event_log(self) -> EventLog:
        """The tab's log."""
        return self.query_one(EventLog)

    def on_mount(self) -> None:
        """Show the lines the run already has, the follow state and the figures."""
        self._first_show()

    def on_resize(self) -> None:
        """The status lines are fitted to the new width."""
        if self.query(".run-id"):
            self._shown.pop("status", None)
            self._shown.pop("run-id", None)
            self.call_after_refresh(self.refresh_view)

    def _first_show(self) -> None:
        """on_mount's work, once the children of the tab's rows are mounted too (with several tabs added at once, a
        row's own children could still be mounting when the tab's Mount came: then it tries again 20 ms later)."""
        if not self.is_attached:
            return
        if not self.query(".log-follow"):
            self.set_timer(0.02, self._first_show)  # a timer lets the rows' own mounting run meanwhile
            return
        self.event_log.resync()
        self._show_follow()
        self.refresh_view()

    # ---- figures -----------------------------------------------------------------------------------------

    def _changed(self, part: str, value: object) -> bool:
        """Whether `part` now shows something new (so unchanged parts cost no redraw)."""
        if self._shown.get(part) == value:
            return False
        self._shown[part] = value
        return True

    def refresh_view(self) -> None:
        """Redraw the status lines, outcome bar, counters and grid (only the parts that changed)."""
        view = self.view
        now = bench_app(self).clock()
        done, total, passed, failed, errored = view.counts()
        tokens, cost = view.usage()
        status_box, run_id_box = self.query_one(".run-status", Static), self.query_one(".run-id", Static)
        status = fit_line(status_line(view, now), status_box.size.width)
        if self._changed("status", status):
            status_box.update(status, layout=False)  # one line, fixed size
        note = view.info.spec.note if view.info.spec else None
        run_id = fit_line(f"run {view.run_id} · tokens {tokens:,} · ${cost:.4f}" + (f" · “{note}”" if note else ""),
                          run_id_box.size.width)
        if self._changed("run-id", run_id):
            run_id_box.update(run_id, layout=False)
        if self._changed("progress", (passed, failed, errored, total)):
            self.query_one(OutcomeBar).counts = (passed, failed, errored, total)
        counters = f"{done}/{total}  passed {passed}  failed {failed}  errors {errored}"
        if self._changed("counters", counters):
            self.query_one(".run-counters", Static).update(counters, layout=False)
        if self._changed("cells", tuple(view.cells.values())):
            self.query_one(TrialGrid).show(view)
        self.set_class(not view.live, "-ended")
        self.set_class(view.live, "-live")

    # ---- log ---------------------------------------------------------------------------------------------

    def append(self, lines: list[LogLine], in_view: bool = True) -> None:
        """The run took new lines: show them at once when the tab is in view, else when it comes into view."""
        if not in_view or not self.query(EventLog):  # out of view, or not composed yet
            self._behind = True
            return
        if self._behind:
            self.flush()
        else:
            self.event_log.lines_added(lines)
            self._show_match_count()
        if not self.event_log.following:
            self._show_follow()

    def flush(self) -> None:
        """Catch the log up with the lines that arrived while the tab was out of view."""
        if self._behind:
            self._behind = False
            self.event_log.resync()
            self._show_match_count()

    def toggle_follow(self) -> None:
        """Follow the log (go to its end as lines arrive), or pause it where it is."""
        self.event_log.set_following(not self.event_log.following)

    @on(EventLog.FollowChanged)
    def _follow_changed(self, event: EventLog.FollowChanged) -> None:
        event.stop()
        self._show_follow()

    def _show_follow(self) -> None:
        log = self.event_log
        text = "following" if log.following else f"paused +{log.unseen}" if log.unseen else "paused"
        self.query_one(".log-follow", Static).update(f"log: {text}", layout=False)

    def copy_line(self) -> None:
        """Copy the line the search went to (else the last line in view) to the clipboard."""
        text = self.event_log.current_text()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        self.notify(text, title="Copied", timeout=3, markup=False)

    def toggle_wrap(self) -> None:
        """Wrap the log's long lines, or cut them."""
        self.event_log.toggle_wrap()

    def focus_filter(self) -> None:
        """Focus the scenario filter."""
        self.query_one(Select).focus()

    def open_search(self) -> None:
        """Show the search box and focus it."""
        box = self.query_one(".log-search", Input)
        box.remove_class("-hidden")
        box.focus()

    def search_step(self, forward: bool) -> None:
        """Go to the next (or previous) line that holds the search text."""
        if not self.event_log.search:
            self.notify("Nothing to find yet: press / and type", severity="warning")
        elif not self.event_log.next_match(forward):
            self.notify(f"{self.event_log.search!r} is not in the log", severity="warning", markup=False)

    @on(Input.Changed, ".log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.event_log.set_search(event.value.strip())
        self._show_match_count()

    def _show_match_count(self) -> None:
        """'N lines' (the lines holding the search text) beside the search box; nothing without a search."""
        log = self.event_log
        count = log.match_count
        info = f"{count:,} line{'s' if count != 1 else ''}" if log.search else ""
        before = str(self._shown.get("match-count", ""))
        if self._changed("match-count", info):  # a new layout only when the text's width changes
            self.query_one(".log-search-info", Static).update(info, layout=len(info) != len(before))

    @on(Input.Submitted, ".log-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_step(True)
        self.event_log.focus()

    def close_search(self) -> bool:
        """Hide and empty the search box if it is open; whether it was."""
        box = self.query_one(".log-search", Input)
        if box.has_class("-hidden"):
            return False
        box.value = ""
        box.add_class("-hidden")
        self.event_log.focus()
        return True

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.event_log.set_scenario(None if event.value is Select.NULL else str(event.value))
        self._show_match_count()
