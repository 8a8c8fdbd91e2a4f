"""What keeps the monitor quick while runs write fast: log writes repaint only the log, the log keeps its last lines
and follows the end, hidden tabs catch up when shown, and the app settles its memory after the first read."""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_worker import FakeWorker
from pilot_helpers import wait_until
from textual.app import App, ComposeResult
from textual.widget import Widget

from jira_bench_tui.engine.run_folder import RunInfo
from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.run_model import LogLine, RunView
from jira_bench_tui.tui.screens.runs import RunsScreen
from jira_bench_tui.tui.widgets.monitor.event_log import EventLog

SCENARIOS = ["assign-login-bug", "close-duplicate"]


def small_view(kept: int = 100) -> RunView:
    """A run view without a folder whose ring keeps `kept` lines."""
    view = RunView(RunInfo("20261124-120000-x-oracle-0000", Path("/nowhere"), None, None, "running"))
    view.lines = deque(maxlen=kept)
    return view


def add_lines(view: RunView, log: EventLog, texts: list[str]) -> None:
    """What the app does when a run's events arrive: the run's ring takes them, then its log is told."""
    lines = [LogLine(None, text) for text in texts]
    view.lines.extend(lines)
    view.lines_added += len(lines)
    log.lines_added(lines)


class LogApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.view = small_view()

    def compose(self) -> ComposeResult:
        yield EventLog(self.view)


@pytest.fixture
def layout_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The widgets that ask the screen for a new layout (refresh(layout=True)) while the test runs."""
    asked: list[str] = []
    refresh = Widget.refresh

    def noting_refresh(self, *regions, repaint=True, layout=False, recompose=False):  # type: ignore[no-untyped-def]
        if layout:
            asked.append(type(self).__name__)
        return refresh(self, *regions, repaint=repaint, layout=layout, recompose=recompose)

    monkeypatch.setattr(Widget, "refresh", noting_refresh)
    return asked


@pytest.fixture
def gc_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


async def test_log_keeps_its_last_lines_follows_the_end_and_never_asks_for_a_layout(layout_requests):
    async with LogApp().run_test(size=(80, 20)) as pilot:
        log = pilot.app.query_one(EventLog)
        await pilot.pause()
        layout_requests.clear()
        for batch in range(25):
            add_lines(pilot.app.view, log, [f"batch {batch} line {n} [INST] as typed" for n in range(10)])
            await pilot.pause()
        shown = [log.line(n).text for n in log.numbers()]
        assert len(shown) == 100
        assert shown[0] == "batch 15 line 0 [INST] as typed"
        assert shown[-1] == "batch 24 line 9 [INST] as typed"
        assert log.scroll_y == log.max_scroll_y > 0
        bottom = log.render_line(log.scrollable_content_region.height - 1)
        assert bottom.text.rstrip() == "batch 24 line 9 [INST] as typed"
        assert layout_requests == []


async def test_paused_log_keeps_its_place_while_lines_arrive():
    async with LogApp().run_test(size=(80, 20)) as pilot:
        log = pilot.app.query_one(EventLog)
        add_lines(pilot.app.view, log, [f"line {n}" for n in range(50)])
        await pilot.pause()
        log.action_scroll_home()
        add_lines(pilot.app.view, log, [f"more {n}" for n in range(20)])
        await pilot.pause()
        assert log.scroll_y == 0 and not log.following
        assert log.render_line(0).text.startswith("line 0")
        assert log.line(log.numbers()[-1]).text == "more 19"


async def test_paused_log_keeps_the_same_lines_in_view_when_old_ones_drop_off():
    async with LogApp().run_test(size=(80, 20)) as pilot:
        log = pilot.app.query_one(EventLog)
        add_lines(pilot.app.view, log, [f"line {n}" for n in range(100)])
        await pilot.pause()
        log.set_following(False)
        log.scroll_to(y=50, animate=False, immediate=True)
        await pilot.pause()
        add_lines(pilot.app.view, log, [f"more {n}" for n in range(10)])  # lines 0-9 leave the ring
        await pilot.pause()
        assert log.render_line(0).text.startswith("line 50")


async def test_hidden_tab_catches_up_when_shown_and_live_writes_ask_for_no_layout(results, layout_requests):
    first = FakeWorker(results, "20261124-120000-example-oracle-5555", SCENARIOS).start()
    second = FakeWorker(results, "20261124-120500-example-null-6666", SCENARIOS, model="null").start()
    app = make_app(results, start="monitor")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.monitor_screen
        await wait_until(pilot, lambda: len(screen.tabs) == 2 and all(t.is_mounted for t in screen.tabs.values()),
                         what="two tabs")
        await pilot.press("1")
        shown, hidden = screen.tabs[first.spec.run_id], screen.tabs[second.spec.run_id]
        await wait_until(pilot, lambda: screen.current_tab() is shown, what="the first tab in view")
        await pilot.pause(0.2)
        layout_requests.clear()
        for n in range(30):
            first.log(f"shown line {n}")
            second.log(f"hidden line {n}")
        await wait_until(pilot, lambda: "shown line 29" in shown.event_log.visible_text()[-1], what="shown lines")
        await wait_until(pilot, lambda: "hidden line 29" in hidden.view.lines[-1].text, what="hidden lines read")
        await pilot.pause(0.2)
        assert "EventLog" not in layout_requests and "TrialGrid" not in layout_requests, layout_requests
        assert hidden._behind  # not drawn while out of view
        await pilot.press("2")
        await wait_until(pilot, lambda: screen.current_tab() is hidden, what="the second tab in view")
        log_lines = hidden.event_log.visible_text()
        assert "hidden line 29" in log_lines[-1]
        assert not hidden._behind
    first.close()
    second.close()


async def test_memory_is_settled_after_the_first_read_of_the_runs(results, gc_restored):
    gc.unfreeze()
    worker = FakeWorker(results, "20261124-120000-example-oracle-7777", SCENARIOS).start()
    app = make_app(results, start="runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.watcher.mode == "watching", what="the watcher to start")
        # settled once the first scan's rows are drawn (after that frame, not before it)
        await wait_until(pilot, lambda: gc.get_freeze_count() > 0, what="memory settled after the first scan")
        assert gc.get_threshold()[2] >= 100
    worker.close()


def test_watch_status_before_the_screen_is_composed_is_kept_quiet():
    RunsScreen().show_watch_status("polling every 0.5s")  # a status that arrives while the app starts or quits


async def test_log_search_goes_from_match_to_match_and_wrap_cuts_long_lines():
    async with LogApp().run_test(size=(40, 12)) as pilot:
        log = pilot.app.query_one(EventLog)
        add_lines(pilot.app.view, log, [f"line {n} " + ("FAILED" if n % 10 == 3 else "ok") for n in range(60)]
                  + ["x" * 100])
        await pilot.pause()
        assert log.set_search("failed") == 6
        assert log.next_match() and log.line(log.match_number).text.startswith("line 53 ")  # from the view's top
        assert log.next_match() and log.line(log.match_number).text.startswith("line 3 ")  # round the end
        assert log.next_match() and log.line(log.match_number).text.startswith("line 13 ")
        assert log.next_match(forward=False) and log.line(log.match_number).text.startswith("line 3 ")
        assert log.next_match(forward=False) and log.line(log.match_number).text.startswith("line 53 ")
        assert not log.following
        await pilot.pause()
        assert any("line 53 FAILED" in text for text in log.visible_text())
        log.next_match(forward=False)
        await pilot.pause()
        assert any("line 43 FAILED" in text for text in log.visible_text())
        log.set_following(True)
        rows = log.row_count
        assert log.toggle_wrap()
        await pilot.pause()
        width = log.scrollable_content_region.width
        assert log.row_count == rows - 1 + -(-100 // width)
        assert log.visible_text()[-1] == "x" * (100 % width or width)


async def test_log_scenario_filter_keeps_only_that_scenarios_lines():
    async with LogApp().run_test(size=(60, 12)) as pilot:
        log = pilot.app.query_one(EventLog)
        view = pilot.app.view
        lines = [LogLine("a" if n % 2 else "b", f"{'a' if n % 2 else 'b'} {n}") for n in range(40)]
        view.lines.extend(lines)
        view.lines_added += len(lines)
        log.lines_added(lines)
        log.set_scenario("a")
        assert log.texts() == [line.text for line in lines if line.scenario == "a"]
        more = [LogLine("a", "a 40"), LogLine("b", "b 41")]
        view.lines.extend(more)
        view.lines_added += len(more)
        log.lines_added(more)
        assert log.texts()[-1] == "a 40" and all(text.startswith("a") for text in log.texts())
