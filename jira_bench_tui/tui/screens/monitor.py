"""The live monitor: a tab per live run (and ended ones until closed), switched with number keys or [ and ]."""

from __future__ import annotations

import asyncio
import hashlib

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from jira_bench_tui.tui.access import bench_app
from jira_bench_tui.tui.messages import CloseTab, CompareRuns, ControlRun, OpenReplay
from jira_bench_tui.tui.run_model import LogLine, RunView
from jira_bench_tui.tui.widgets.monitor.run_tab import RunTab
from jira_bench_tui.tui.widgets.status_bar import WatchStatusBar

FIGURES_EVERY_S = 0.1
EMPTY = "No run is being watched. Press ctrl+n to start one, l for the runs list."
LOADING = "Loading runs…"


def pane_id(run_id: str) -> str:
    """A pane id that is a valid identifier whatever the run id holds."""
    return "run-" + hashlib.sha1(run_id.encode()).hexdigest()[:12]


COMPOSE_WAITS = 200
"""10 ms waits, at most, for the tab strip of a screen still composing before tabs are added to it."""


class MonitorScreen(Screen[None]):
    """Tabs follow the app state's open tabs; watcher updates go to the matching tab."""

    BINDINGS = [
        *[Binding(str(n), f"switch_tab({n})", f"Tab {n}", show=False, tooltip=f"Show tab {n}", id=f"tab-{n}")
          for n in range(1, 10)],
        Binding("right_square_bracket", "next_tab", "Next", show=False, tooltip="Show the next run's tab",
                id="next-tab"),
        Binding("left_square_bracket", "previous_tab", "Previous", show=False,
                tooltip="Show the previous run's tab", id="previous-tab"),
        Binding("slash", "search", "Find", tooltip="Search the log (then n / N: next / previous match)",
                id="search-log"),
        Binding("n", "search_next", "Next match", show=False, tooltip="Go to the next line that matches the search",
                id="search-next"),
        Binding("N", "search_previous", "Previous match", show=False,
                tooltip="Go to the previous line that matches the search", id="search-previous"),
        Binding("p", "toggle_follow", "Pause", tooltip="Pause the log, or follow it again (also Home / End)",
                id="toggle-follow"),
        Binding("s", "filter_scenario", "Scenario", show=False, tooltip="Filter the log by scenario", id="filter-scenario"),
        Binding("C", "copy_line", "Copy", show=False,
                tooltip="Copy the log line the search went to (else the last line in view)", id="copy-line"),
        Binding("c", "compare", "Compare", show=False,
                tooltip="Compare the runs of the open tabs (one tab: its run's sweep)", id="compare-tabs"),
        Binding("z", "toggle_wrap", "Wrap", show=False, tooltip="Wrap long log lines, or cut them", id="toggle-wrap"),
        Binding("k", "kill_run", "Kill", tooltip="Kill this tab's run", id="kill-tab-run"),
        Binding("o", "open_replay", "Open", tooltip="Open this tab's run in the replay (once it has ended)",
                id="replay-tab-run"),
        Binding("w", "close_tab", "Close", tooltip="Close this tab (only once its run has ended)", id="close-tab"),
        Binding("escape", "close_search", "Close search", show=False, tooltip="Close the search box",
                id="close-search"),
        Binding("l", "app.show_runs", "Runs", tooltip="Show the runs list", id="monitor-runs"),
        Binding("home", "log_first", "First", show=False, tooltip="Go to the log's first line (stops following)",
                id="log-first"),
        Binding("end", "log_last", "Last", show=False, tooltip="Go to the log's last line and follow new ones",
                id="log-last"),
        Binding("pageup", "log_page(-1)", "Page up", show=False, tooltip="One page up in the log (stops following)",
                id="log-page-up"),
        Binding("pagedown", "log_page(1)", "Page down", show=False, tooltip="One page down in the log",
                id="log-page-down"),
    ]

    def __init__(self) -> None:
        super().__init__(id="monitor-screen")
        self.wanted_tab: str | None = None
        self.tabs: dict[str, RunTab] = {}
        self._sync_lock = asyncio.Lock()
        self._dirty: set[str] = set()
        self._stale: set[str] = set()
        self._titles: dict[str, str] = {}
        self._styled_with: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        """Lay out the header, the no-run notice, the tabs (a pane per run), the watcher's status bar, the footer."""
        yield Header()
        state = bench_app(self).state
        yield Static(EMPTY if state.loaded and not state.tabs() else LOADING, id="monitor-empty")  # tabs to open
        tabs = TabbedContent(id="run-tabs")
        tabs.display = False
        yield tabs
        yield WatchStatusBar(id="watch-status", classes="-empty")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Show the watcher's state, redraw with the clock every second and add the tabs of the open runs."""
        self.show_watch_status(bench_app(self).state.watch_status)
        self.set_interval(1.0, self._tick)
        self.sync_tabs()

    def _style_inputs(self) -> tuple[object, ...]:
        """What the styles of the screen's widgets depend on from outside it: the theme, the app's colour mode and
        pseudo-classes, and Textual's count of CSS refreshes (None when Textual has no such count)."""
        app = self.app
        return (app.theme, app.ansi_color, frozenset(app.pseudo_classes),
                getattr(app, "_css_update_count", None))

    def on_screen_suspend(self) -> None:
        """Out of view (another screen, the help, a dialog): note what the styles were worked out with."""
        self._styled_with = self._style_inputs()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Back in view: catch the tabs up with the open runs; the tab in view writes its held lines and redraws.
        Textual works out every widget's styles again on resume (with 16 tabs ~100 ms per `m` or help closed): that
        is skipped when nothing they depend on changed meanwhile."""
        inputs = self._style_inputs()
        if inputs[-1] is not None and inputs == self._styled_with:
            event.refresh_styles = False
        self.sync_tabs()
        current = self.current_tab()
        if current is not None and current.is_mounted:
            current.flush()
            self._redraw(current.view.run_id)

    def show_watch_status(self, text: str) -> None:
        """Show the watcher's state in the status bar ('' hides the bar)."""
        for bar in self.query(WatchStatusBar):  # none while the screen is still composing or closing
            bar.show(text)

    def scan_done(self) -> None:
        """The first reading of the runs folder is done: an empty monitor now says so."""
        for notice in self.query("#monitor-empty").results(Static):  # none while composing
            notice.update(EMPTY)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tab keys exist only for the tabs there are (the footer, help and palette offer no others)."""
        if action == "switch_tab" and parameters:
            number = parameters[0]
            return isinstance(number, int) and number <= len(self.tabs)
        return True

    # ---- tabs follow the state's open tabs -----------------------------------------------------------------

    def sync_tabs(self) -> None:
        """Add and remove panes until they match the open tabs, in a worker (one sync at a time)."""
        self.run_worker(self._sync(), group="monitor-tabs")

    def _wanted_tabs(self) -> list[str]:
        return bench_app(self).state.tabs()

    async def _sync(self) -> None:
        """Add and remove panes until they match the open tabs (which may change while panes mount)."""
        async with self._sync_lock:
            views = bench_app(self).state.views
            tabbed = self.query_one(TabbedContent)
            for _ in range(COMPOSE_WAITS):  # a sync asked for while the screen composes: wait for its tab strip
                if tabbed.query("#tabs-list"):
                    break
                await asyncio.sleep(0.01)
            while set(wanted := self._wanted_tabs()) != set(self.tabs):
                labels = bench_app(self).state.tab_labels()
                for run_id in list(self.tabs):
                    if run_id not in wanted:
                        del self.tabs[run_id]
                        self._titles.pop(run_id, None)
                        await tabbed.remove_pane(pane_id(run_id))
                for run_id in wanted:
                    if run_id not in self.tabs:
                        tab = RunTab(views[run_id])
                        self.tabs[run_id] = tab
                        self._titles[run_id] = title = labels[run_id]
                        await tabbed.add_pane(TabPane(title, tab, id=pane_id(run_id)))
            notices = self.query("#monitor-empty").results(Static)
            notice = next(notices, None)
            if notice is None:  # the screen went away meanwhile (the app is closing)
                return
            notice.display = not self.tabs
            if not self.tabs and bench_app(self).state.loaded:
                notice.update(EMPTY)
            tabbed.display = bool(self.tabs)
            self._relabel()
            if self.wanted_tab in self.tabs:
                tabbed.active = pane_id(self.wanted_tab)
                self.wanted_tab = None
            self.refresh_bindings()

    def _relabel(self) -> None:
        """Give every tab its label (numbers move when a tab closes; a mark shows once a run ends)."""
        tabbed = self.query_one(TabbedContent)
        for run_id, label in bench_app(self).state.tab_labels().items():
            if run_id in self.tabs and self._titles.get(run_id) != label:
                self._titles[run_id] = label
                try:
                    tabbed.get_tab(pane_id(run_id)).label = label
                except Exception:  # the pane went away meanwhile
                    pass

    def run_changed(self, run_id: str, view: RunView | None, lines: list[LogLine]) -> None:
        """A watcher update: stream its lines at once, redraw its figures soon, add or drop its tab."""
        tab = self.tabs.get(run_id)
        open_tabs = bench_app(self).state.open_tabs
        if view is None or (tab is None and run_id in open_tabs) or (tab is not None and run_id not in open_tabs):
            self.sync_tabs()
            return
        if tab is None:
            return
        tab.view = view
        if tab.is_mounted:
            tab.append(lines, in_view=self.is_current and tab is self.current_tab())
        if not self._dirty:
            self.set_timer(FIGURES_EVERY_S, self._redraw_dirty)
        self._dirty.add(run_id)

    def _redraw_dirty(self) -> None:
        """Redraw the figures of the tab in view; others are redrawn when they come into view."""
        current = self.current_tab()
        dirty, self._dirty = self._dirty, set()
        for run_id in dirty:
            tab = self.tabs.get(run_id)
            if tab is current or (tab is not None and tab.view.live != tab.has_class("-live")):
                self._redraw(run_id)
            else:
                self._stale.add(run_id)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        current = self.current_tab()
        if current is not None:
            self._stale.discard(current.view.run_id)
            if current.is_mounted:
                current.flush()
            self._redraw(current.view.run_id)

    def _redraw(self, run_id: str) -> None:
        tab = self.tabs.get(run_id)
        if tab is None or not tab.is_mounted:
            return
        tab.refresh_view()
        self._relabel()

    def _tick(self) -> None:
        """Elapsed time and ETA move on with the clock: redraw the tab in view."""
        if set(self._wanted_tabs()) != set(self.tabs):
            self.sync_tabs()
        current = self.current_tab()
        if current is not None and current.view.live and self.is_current:
            self._redraw(current.view.run_id)

    # ---- the current tab -----------------------------------------------------------------------------------

    def current_tab(self) -> RunTab | None:
        """The tab in view, or None when there is no tab."""
        active = self.query_one(TabbedContent).active
        for run_id, tab in self.tabs.items():
            if pane_id(run_id) == active:
                return tab
        return None

    def action_switch_tab(self, number: int) -> None:
        """Show the tab at `number` (from 1; keys 1 to 9); nothing past the last tab."""
        run_ids = [run_id for run_id in self._wanted_tabs() if run_id in self.tabs]
        if 1 <= number <= len(run_ids):
            self.query_one(TabbedContent).active = pane_id(run_ids[number - 1])

    def _step(self, delta: int) -> None:
        run_ids = [run_id for run_id in self._wanted_tabs() if run_id in self.tabs]
        current = self.current_tab()
        if not run_ids or current is None:
            return
        index = run_ids.index(current.view.run_id)
        self.query_one(TabbedContent).active = pane_id(run_ids[(index + delta) % len(run_ids)])

    def action_next_tab(self) -> None:
        """Show the next tab (key ]), from the last back to the first."""
        self._step(1)

    def action_previous_tab(self) -> None:
        """Show the previous tab (key [), from the first round to the last."""
        self._step(-1)

    def action_toggle_follow(self) -> None:
        """Pause the log of the tab in view, or follow it again (key p)."""
        if tab := self.current_tab():
            tab.toggle_follow()

    def action_copy_line(self) -> None:
        """Copy a log line to the clipboard (key C, shift+c)."""
        if tab := self.current_tab():
            tab.copy_line()

    def action_compare(self) -> None:
        """Compare the runs of the open tabs (key c); with one tab, the runs of its run's sweep."""
        from jira_bench_tui.tui.screens.compare import sweep_runs

        chosen = [run_id for run_id in self._wanted_tabs() if run_id in self.tabs]
        current = self.current_tab()
        if len(chosen) < 2 and current is not None:
            chosen = sweep_runs(bench_app(self).state.views, current.view.run_id)
        if len(chosen) < 2:
            self.notify("open two tabs or more (or mark runs in the runs list: v, then c)", title="Nothing to compare",
                        severity="warning", markup=False)
            return
        self.post_message(CompareRuns(chosen))

    def action_toggle_wrap(self) -> None:
        """Wrap the long lines of the tab's log, or cut them (key z)."""
        if tab := self.current_tab():
            tab.toggle_wrap()

    def action_search(self) -> None:
        """Open the search box of the tab's log (key /)."""
        if tab := self.current_tab():
            tab.open_search()

    def action_search_next(self) -> None:
        """Go to the next line matching the search (key n)."""
        if tab := self.current_tab():
            tab.search_step(True)

    def action_search_previous(self) -> None:
        """Go to the previous line matching the search (key N)."""
        if tab := self.current_tab():
            tab.search_step(False)

    def action_close_search(self) -> None:
        """Close the search box (Escape)."""
        if tab := self.current_tab():
            tab.close_search()

    def action_log_first(self) -> None:
        """Go to the first line of the tab's log and stop following (Home)."""
        if tab := self.current_tab():
            tab.event_log.action_scroll_home()

    def action_log_last(self) -> None:
        """Go to the last line of the tab's log and follow new lines (End)."""
        if tab := self.current_tab():
            tab.event_log.action_scroll_end()

    def action_log_page(self, pages: int) -> None:
        """One page up (stops following) or down in the tab's log."""
        if tab := self.current_tab():
            if pages < 0:
                tab.event_log.action_page_up()
            else:
                tab.event_log.action_page_down()

    def action_filter_scenario(self) -> None:
        """Focus the scenario filter of the tab in view (key s)."""
        if tab := self.current_tab():
            tab.focus_filter()

    def _ended_tab(self, refusal: str) -> RunTab | None:
        """The tab in view if its run has ended; else None, with `refusal` as a warning when the run is live."""
        tab = self.current_tab()
        if tab is not None and tab.view.live:
            self.notify(refusal, severity="warning")
            return None
        return tab

    def action_close_tab(self) -> None:
        """Close the tab in view (refused while its run is live: the tab is how the run is watched)."""
        if tab := self.current_tab():
            self.post_message(CloseTab(tab.view.run_id))

    def action_open_replay(self) -> None:
        """Replay the run of the tab in view, once it has ended."""
        if tab := self._ended_tab("replay opens once the run has ended"):
            self.post_message(OpenReplay(tab.view.info.path))

    def action_kill_run(self) -> None:
        """Kill the run of the tab in view, after a confirmation (a warning when it has ended)."""
        tab = self.current_tab()
        if tab is None:
            return
        if not tab.view.live:
            self.notify(f"{tab.view.run_id} is not running", severity="warning", markup=False)
            return
        self.post_message(ControlRun("kill", tab.view.run_id))
