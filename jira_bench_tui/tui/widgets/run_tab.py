"""One monitor tab's content: status line, overall progress, counters, trial grid and the streaming log."""

from __future__ import annotations

from collections import deque

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ProgressBar, Select, Static

from jira_bench_tui.engine.formatting import short_duration
from jira_bench_tui.tui.run_model import LOG_LINES_KEPT, LogLine, RunView
from jira_bench_tui.tui.widgets.run_log import RunLog
from jira_bench_tui.tui.widgets.trial_grid import TrialGrid


class RunTab(Vertical):
    """Everything about one run in the monitor; `refresh_view` redraws the figures, `append` streams log lines."""

    def __init__(self, view: RunView, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="run-tab")
        self.view = view
        self.following = True
        self.scenario_filter: str | None = None
        self._shown: dict[str, object] = {}
        self._held: deque[str] = deque(maxlen=LOG_LINES_KEPT)
        """Lines that arrived while the tab was out of view: written in one go when it comes into view."""

    def compose(self) -> ComposeResult:
        """Lay out the status line, the progress bar and counters, the trial grid, the log's controls (follow state,
        scenario filter) and the log."""
        yield Static("", classes="run-status", markup=False)
        with Horizontal(classes="run-progress-row"):
            yield ProgressBar(total=max(1, len(self.view.cells)), show_eta=False, classes="run-progress")
            yield Static("", classes="run-counters", markup=False)
        with VerticalScroll(classes="trial-grid-box"):
            yield TrialGrid(classes="trial-grid")
        with Horizontal(classes="log-controls"):
            yield Static("", classes="log-follow", markup=False)
            yield Select([(s, s) for s in self.view.scenario_ids], prompt="all scenarios", allow_blank=True,
                         classes="scenario-filter")
        yield RunLog(max_lines=LOG_LINES_KEPT, classes="run-log")

    def on_mount(self) -> None:
        """Write the lines the run already has, show the follow state and draw the figures."""
        self.query_one(RunLog).write_lines([line.text for line in self.view.lines])
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
        """Redraw the status line, progress, counters and grid (only the parts that changed)."""
        view = self.view
        now: float = self.app.clock()  # type: ignore[attr-defined]
        spec = view.info.spec
        done, total, passed, failed, errored = view.counts()
        tokens, cost = view.usage()
        harness = spec.harness_name if spec else "?"
        model = spec.model if spec else "?"
        eta = view.eta(now)
        eta_text = f"  ETA {short_duration(eta)}" if eta is not None else ""
        status = (f"{view.info.status.upper()}  {harness} · {model} · x{view.repetitions}  "
                  f"elapsed {short_duration(view.elapsed(now))}{eta_text}")
        if self._changed("status", status):
            self.query_one(".run-status", Static).update(status, layout=False)  # one line, fixed size
        if self._changed("progress", (total, done)):
            self.query_one(ProgressBar).update(total=max(1, total), progress=done)
        counters = f"{done}/{total}  passed {passed}  failed {failed}  errors {errored}  tokens {tokens:,}  ${cost:.4f}"
        if self._changed("counters", counters):
            self.query_one(".run-counters", Static).update(counters, layout=False)
        if self._changed("cells", tuple(view.cells.values())):
            self.query_one(TrialGrid).show(view)
        self.set_class(not view.live, "-ended")
        self.set_class(view.live, "-live")

    # ---- log ---------------------------------------------------------------------------------------------

    def _wanted(self, line: LogLine) -> bool:
        return self.scenario_filter is None or line.scenario == self.scenario_filter

    def append(self, lines: list[LogLine], in_view: bool = True) -> None:
        """Stream new lines into the log (one batched write); out of view, hold them until `flush`."""
        wanted = [line.text for line in lines if self._wanted(line)]
        if not in_view:
            self._held.extend(wanted)
            return
        self.flush()
        if wanted:
            self.query_one(RunLog).write_lines(wanted)

    def flush(self) -> None:
        """Write the lines held while the tab was out of view."""
        if self._held:
            held = list(self._held)
            self._held.clear()
            self.query_one(RunLog).write_lines(held)

    def toggle_follow(self) -> None:
        """Follow the log (scroll to its end as lines arrive), or pause it where it is."""
        self.following = not self.following
        log = self.query_one(RunLog)
        log.auto_scroll = self.following
        if self.following:
            log.scroll_end(animate=False)
        self._show_follow()

    def _show_follow(self) -> None:
        self.query_one(".log-follow", Static).update("log: following" if self.following else "log: paused",
                                                     layout=False)

    def focus_filter(self) -> None:
        """Focus the scenario filter."""
        self.query_one(Select).focus()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.scenario_filter = None if event.value is Select.NULL else str(event.value)
        self._held.clear()
        log = self.query_one(RunLog)
        log.clear()
        log.write_lines([line.text for line in self.view.lines if self._wanted(line)])
