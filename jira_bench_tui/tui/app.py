"""The Textual app over the run folders: runs list, new-run form, live monitor, and the replay of ended runs;
`make_app` builds it, `run_app` runs it. The app only views run folders: quitting it never stops a run.

Contributors: `textual run --dev jira_bench_tui.tui.dev_app:app` (see docs/app.md).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn, cast, get_args

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from jira_bench_tui.engine.run_folder import find_run, runs_dir
from jira_bench_tui.errors import UserError
from jira_bench_tui.tui import run_control
from jira_bench_tui.tui.commands import ScreenActionsProvider
from jira_bench_tui.tui.form_settings import Settings
from jira_bench_tui.tui.messages import (
    CloseTab,
    CompareRuns,
    Control,
    ControlRun,
    OpenMonitor,
    OpenReplay,
    OpenRun,
    RunAgain,
    RunChanged,
    RunLaunched,
    ScanDone,
    WatchStatus,
)
from jira_bench_tui.tui.run_model import Clock, RunView
from jira_bench_tui.tui.screens.confirm import ConfirmScreen
from jira_bench_tui.tui.state import AppState, end_notice
from jira_bench_tui.tui.watcher import RunsWatcher, RunUpdate

if TYPE_CHECKING:
    from jira_bench_tui.tui.screens.compare import CompareScreen
    from jira_bench_tui.tui.screens.new_run import NewRunScreen

FULL_GC_EVERY = 100  # middle-generation collections between two full ones (Python's default: 10)


def settle_memory() -> None:
    """Keep the garbage collector's full passes from stalling the UI: with 16 big runs one walked ~250k objects
    and froze the app for ~200 ms, several times a second. What the app holds after its first read of the runs
    is set aside (`gc.freeze`), and full passes over the rest come 10x less often."""
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_GC_EVERY)


StartScreen = Literal["auto", "runs", "new", "monitor", "replay"]
WatchMode = Literal["watch", "poll", "off"]
STYLES = Path(__file__).parent / "styles"
MAX_QUEUED = 4
CONTROLS: dict[str, tuple[Callable[[Path], None], str]] = {
    "kill": (run_control.kill, "killed"),
    "resume": (run_control.resume, "resumed"),
    "delete": (run_control.delete, "deleted"),
}
"""What `control_run` calls for each request, and the word its toast uses."""
CONFIRM_QUESTIONS = {
    "kill": ("Kill run {run_id}? Finished trials are kept; you can resume it later.", "Kill"),
    "delete": ("Delete run {run_id} and all its files?", "Delete"),
}
"""The question `confirm_control` asks (run_id filled in) and the label of its confirming button."""


class JiraBenchApp(App[None]):
    """Views run folders under `<results>/runs`: a runs list, a form to start runs, a tab per live run, replays.

    `start` is the first screen ("auto": the runs list, or the form when there is no run yet; "replay" opens
    `run_id`'s replay at `trial`); `clock` gives Unix seconds; `watch` follows the folder with file-system
    notices, by polling, or not at all ("off": one read at start, for tests and stable pictures).

    The state (runs, open tabs) lives in `state`, an `AppState` without Textual; screens read it and ask for
    changes with the messages of `tui/messages.py`, which the app handles here.
    """

    TITLE = "jira-bench"
    CSS_PATH = STYLES / "app.tcss"  # the replay screen brings its own (styles/replay.tcss)
    COMMANDS = {ScreenActionsProvider}
    BINDINGS = [
        Binding("l", "show_runs", "Runs", show=False, tooltip="Show the runs list", id="show-runs"),
        Binding("ctrl+n", "new_run", "New run", show=False, tooltip="Open the new-run form", id="new-run"),
        Binding("m", "show_monitor", "Monitor", show=False, tooltip="Show the live monitor (a tab per run)",
                id="show-monitor"),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="Show every key of this screen",
                id="help"),
        Binding("ctrl+q", "quit", "Quit", tooltip="Quit the app (runs go on)", id="quit", priority=True),
    ]

    def __init__(
        self,
        results: Path | str,
        start: StartScreen = "auto",
        run_id: str | None = None,
        trial: str | None = None,
        clock: Clock = time.time,
        watch: WatchMode = "watch",
    ) -> None:
        from jira_bench_tui.tui.screens.monitor import MonitorScreen
        from jira_bench_tui.tui.screens.runs import RunsScreen

        self.results = Path(results)
        self.clock = clock
        self.watch_mode = watch
        self.state = AppState()
        self._start = start
        self._start_run_id = run_id
        self._start_trial = trial
        self.watcher = RunsWatcher(runs_dir(self.results), clock)
        super().__init__()
        self.runs_screen = RunsScreen()
        self.monitor_screen = MonitorScreen()
        self.new_run_screen: NewRunScreen | None = None
        self.compare_screen: CompareScreen | None = None
        self._form_settings: Settings | None = None

        def new_run_screen() -> NewRunScreen:
            # imported here: the form pulls in the harness loader (~0.1 s), not needed before the form opens
            from jira_bench_tui.tui.screens.new_run import NewRunScreen

            self.new_run_screen = NewRunScreen()
            return self.new_run_screen

        self._modes = {
            "runs": lambda: self.runs_screen,
            "monitor": lambda: self.monitor_screen,
            "new": new_run_screen,
        }

    @property
    def views(self) -> dict[str, RunView]:
        """Every run the watcher has read, by run id (the state's)."""
        return self.state.views

    @property
    def open_tabs(self) -> list[str]:
        """Runs that have a monitor tab, in tab order (the state's)."""
        return self.state.open_tabs

    @property
    def watch_status(self) -> str:
        """The watcher's state line ('' when all is well)."""
        return self.state.watch_status

    # ---- start --------------------------------------------------------------------------------------------

    def _first_mode(self) -> str:
        if self._start in ("runs", "new", "monitor"):
            return self._start
        if self._start == "replay":
            return "runs"
        return "runs" if self.watcher.run_folders() else "new"

    async def on_mount(self) -> None:
        """Read the runs (at once when not watching), show the first screen (the runs list, or the form when there
        is no run yet; with `start="replay"` the replay over the runs list), then start the watcher."""
        if self.watch_mode == "off":
            self.apply_updates(self.watcher.scan())
            self.state.loaded = True
        await self.switch_mode(self._first_mode())
        if self._start == "replay" and self._start_run_id:
            try:
                self.open_replay(find_run(self.results, self._start_run_id), self._start_trial)
            except UserError as exc:
                self.notify(str(exc), title="No such run", severity="error", markup=False)
        if self.watch_mode != "off":
            self.follow_runs()

    @work(exclusive=True, group="runs-watcher", description="Watching the runs folder")
    async def follow_runs(self) -> None:
        """The one watcher of the runs folder (a recursive watchfiles.awatch, or polling when that fails)."""

        async def deliver(updates: list[RunUpdate]) -> None:
            for update in updates:
                self.post_message(RunChanged(update))
            while self.message_queue_size > MAX_QUEUED:  # back-pressure: let the app catch up before reading on
                await asyncio.sleep(0.005)

        def say(text: str) -> None:
            self.post_message(WatchStatus(text))

        def first_scan_done() -> None:
            self.post_message(ScanDone())  # the full rows first; the collector's pass after that frame
            self.call_after_refresh(settle_memory)

        await self.watcher.follow(deliver, say, force_polling=self.watch_mode == "poll",
                                  first_scan_done=first_scan_done)

    # ---- updates from the watcher -----------------------------------------------------------------------

    @on(RunChanged)
    def _on_run_changed(self, message: RunChanged) -> None:
        self.apply_updates([message.update])

    @on(WatchStatus)
    def _on_watch_status(self, message: WatchStatus) -> None:
        self.state.watch_status = message.text
        for screen in (self.runs_screen, self.monitor_screen):
            if screen.is_mounted:
                screen.show_watch_status(message.text)

    @on(ScanDone)
    def _on_scan_done(self) -> None:
        self.state.loaded = True
        for screen in (self.runs_screen, self.monitor_screen):
            if screen.is_mounted:
                screen.scan_done()

    def apply_updates(self, updates: list[RunUpdate]) -> None:
        """Fold watcher updates into the state, tell the screens, announce ended runs."""
        for change in self.state.apply(updates):
            if change.ended and change.view is not None:
                self._announce_end(change.view)
            if self.runs_screen.is_mounted:
                self.runs_screen.run_changed(change.run_id)
            if self.monitor_screen.is_mounted:
                self.monitor_screen.run_changed(change.run_id, change.view, change.lines)
            if self.compare_screen is not None and self.compare_screen.is_mounted:
                self.compare_screen.run_changed(change.run_id)

    def _announce_end(self, view: RunView) -> None:
        title, text, severity = end_notice(view)
        self.notify(text, title=title, severity=cast(SeverityLevel, severity), timeout=8, markup=False)
        self.bell()

    # ---- navigation ---------------------------------------------------------------------------------------

    def action_show_runs(self) -> None:
        """Switch to the runs list (key l)."""
        self.switch_mode("runs")

    def action_new_run(self) -> None:
        """Switch to the new-run form (ctrl+n)."""
        self.switch_mode("new")

    def open_form(self, settings: Settings) -> None:
        """Show the new-run form filled with `settings` (form_settings; e.g. an earlier run's, to run it again)."""
        if self.new_run_screen is not None and self.new_run_screen.is_mounted:
            self.new_run_screen.fill(settings)
        else:
            self._form_settings = settings  # the form takes them when it mounts
        self.switch_mode("new")

    @on(RunAgain)
    def _on_run_again(self, message: RunAgain) -> None:
        self.run_again(message.folder)

    def run_again(self, folder: Path) -> None:
        """Open the form filled with the settings of the run in `folder` (its spec.json; an error toast when it
        cannot be read)."""
        from jira_bench_tui.engine.run_folder import StoreError, read_spec
        from jira_bench_tui.tui.form_settings import spec_settings

        view = self.state.views.get(folder.name)
        spec = view.info.spec if view is not None else None
        try:
            spec = spec or read_spec(folder)
        except (StoreError, OSError) as exc:
            self.notify(str(exc), title=f"Cannot run {folder.name} again", severity="error", markup=False)
            return
        self.open_form(spec_settings(spec))
        self.notify(f"the form holds the settings of {folder.name}", title="Run again", markup=False)

    def take_form_settings(self) -> Settings | None:
        """The settings `open_form` left for the form to mount with (once), or None."""
        settings, self._form_settings = self._form_settings, None
        return settings

    def action_show_monitor(self) -> None:
        """Switch to the live monitor (key m)."""
        self.switch_mode("monitor")

    def action_help(self) -> None:
        """Show every key of the current screen (keys ? and F1)."""
        from jira_bench_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    @on(OpenMonitor)
    def _on_open_monitor(self, message: OpenMonitor) -> None:
        self.open_monitor(message.run_id)

    def open_monitor(self, run_id: str) -> None:
        """Show the monitor with the run's tab (opening the tab if it was closed; an ended run's events are read
        then, in a thread)."""
        self.state.open_tab(run_id)
        view = self.state.views.get(run_id)
        if view is not None and not view.events_read:
            self.read_events(run_id)
        self.monitor_screen.wanted_tab = run_id
        if self.current_mode == "monitor":
            self.monitor_screen.sync_tabs()
        else:
            self.switch_mode("monitor")

    @work(group="read-events", description="Reading a run's log")
    async def read_events(self, run_id: str) -> None:
        """Read the log of a run whose events were left unread (an ended run) and show it."""
        self.apply_updates(await asyncio.to_thread(self.watcher.read_events, run_id))

    @on(OpenRun)
    def _on_open_run(self, message: OpenRun) -> None:
        self.open_run(message.run_id)

    def open_run(self, run_id: str) -> None:
        """Open a run as it deserves: its live tab while it runs, its replay once it has ended or was interrupted."""
        view = self.state.views.get(run_id)
        if view is None:
            return
        if view.info.status == "unreadable":
            self.notify(view.info.problem or "unreadable run folder", title=f"{run_id} is unreadable",
                        severity="error", markup=False)
        elif view.live:
            self.open_monitor(run_id)
        else:
            self.open_replay(view.info.path, None)

    @on(OpenReplay)
    def _on_open_replay(self, message: OpenReplay) -> None:
        self.open_replay(message.folder, message.trial, message.scenario)

    def open_replay(self, folder: Path, trial: str | None, scenario: str | None = None) -> None:
        """Push the replay screen over the run folder `folder`, opening `trial` ("SCENARIO__REP" or "SCENARIO";
        None: the first failed trial); with `scenario`, its trial list shows only that scenario's trials."""
        from jira_bench_tui.tui.screens.replay import ReplayScreen

        self.push_screen(ReplayScreen(folder, trial, scenario=scenario))

    @on(CompareRuns)
    def _on_compare_runs(self, message: CompareRuns) -> None:
        self.compare_runs(message.run_ids)

    def compare_runs(self, run_ids: list[str]) -> None:
        """Push the compare screen over `run_ids` (known runs, in order; the first is the baseline), in place of
        a compare screen in view."""
        from jira_bench_tui.tui.screens.compare import CompareScreen

        known = [run_id for run_id in run_ids if run_id in self.state.views]
        if not known:
            return
        if isinstance(self.screen, CompareScreen):
            self.pop_screen()
        self.compare_screen = CompareScreen(known)
        self.push_screen(self.compare_screen)

    @on(CloseTab)
    def _on_close_tab(self, message: CloseTab) -> None:
        refusal = self.state.close_tab(message.run_id)
        if refusal:
            self.notify(refusal, severity="warning")
        elif self.monitor_screen.is_mounted:
            self.monitor_screen.sync_tabs()

    @on(RunLaunched)
    def _on_run_launched(self, message: RunLaunched) -> None:
        self.run_launched(message.folder)

    def run_launched(self, folder: Path) -> None:
        """A run was just launched from the form: read it at once and show its tab."""
        self.apply_updates(self.watcher.read_runs([folder.name]))
        self.open_monitor(folder.name)

    # ---- run control --------------------------------------------------------------------------------------

    @on(ControlRun)
    def _on_control_run(self, message: ControlRun) -> None:
        view = self.state.views.get(message.run_id)
        if view is None:
            return
        what = message.what
        if (what == "kill" or what == "delete") and message.confirm:
            self.confirm_control(what, view)
        else:
            self.control_run(what, view.info.path)

    def confirm_control(self, what: Literal["kill", "delete"], view: RunView) -> None:
        """Ask (in a modal) before killing or deleting `view`'s run; on yes, `control_run` does it."""
        question, label = CONFIRM_QUESTIONS[what]
        folder = view.info.path

        def answered(yes: bool | None) -> None:
            if yes:
                self.control_run(what, folder)

        self.push_screen(ConfirmScreen(question.format(run_id=view.run_id), label), answered)

    @work(thread=True, group="run-control", exit_on_error=False, description="Kill, resume or delete a run")
    def control_run(self, what: Control, folder: Path) -> None:
        """Ask the engine to kill or resume a run, or delete its folder; the outcome comes back as a toast."""
        action, done = CONTROLS[what]
        try:
            action(folder)
        except (UserError, OSError) as exc:
            self.call_from_thread(self.notify, str(exc), title=f"Could not {what} {folder.name}",
                                  severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"{folder.name} {done}", markup=False)
        if what == "resume":
            self.call_from_thread(self.run_launched, folder)
        elif what == "delete":
            self.call_from_thread(self.apply_updates, [RunUpdate(folder.name, folder, None, removed=True)])


make_app = JiraBenchApp
"""The app over `<results>/runs` (`run_app`, the dev app and tests build it so); tests pass a fixed `clock` and
`watch="off"` for stable pictures."""


def run_app(results: Path, start: str = "auto", run_id: str | None = None, trial: str | None = None) -> NoReturn:
    """Open the app (the `jira-bench` and `jira-bench view` entry point); the process ends when the app does."""
    if start not in get_args(StartScreen):
        raise ValueError(f"unknown start screen {start!r}")
    app = make_app(results, start=start, run_id=run_id, trial=trial)  # type: ignore[arg-type]
    app.run()
    leave_at_once(app.return_code or 0)


def leave_at_once(code: int) -> NoReturn:
    """End the process now that the app has given the terminal back: with 16 big runs read, tearing the heap down
    object by object took ~2 s after the screen was already blank. The app holds nothing to save (runs go on in
    their own workers), so output is flushed and the process exits without that teardown."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
