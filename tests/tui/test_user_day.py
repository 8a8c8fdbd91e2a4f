"""The user's day with the real engine: launch oracle runs from the form, watch them finish, switch tabs, quit and
reopen, replay a trial, and kill a slow run from the app. Nothing here is mocked: runs are detached workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pilot_helpers import wait_until
from textual.widgets import Input, TabbedContent

from jira_bench_tui.engine import run_folder
from jira_bench_tui.tui import run_control
from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.confirm import ConfirmScreen
from jira_bench_tui.tui.screens.monitor import pane_id
from jira_bench_tui.tui.widgets.monitor.outcome_bar import OutcomeBar
from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

RUN_TIMEOUT = 60.0


async def launch_from_form(app, pilot, runs: str = "1", concurrency: str = "4") -> str:
    """Switch to the form, fill it for an oracle run of builtin:example, launch; the new run's id."""
    before = set(app.views)
    await pilot.press("ctrl+n")
    await wait_until(pilot, lambda: app.current_mode == "new", what="the form")
    screen = app.screen
    screen.query_one("#harness", Input).value = "builtin:example"
    screen.query_one("#model", Input).value = "oracle"
    screen.query_one("#runs", Input).value = runs
    screen.query_one("#concurrency", Input).value = concurrency
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: app.current_mode == "monitor", timeout=RUN_TIMEOUT, what="the monitor")
    new = set(app.views) - before
    assert len(new) == 1, new
    return new.pop()


@pytest.fixture
def stop_leftover_runs(results: Path):
    """Kill any run a test leaves going (a real detached worker outlives the test otherwise)."""
    yield
    for info in run_folder.list_runs(results):
        if info.live:
            run_control.kill(info.path)


async def test_launch_watch_switch_quit_reopen_replay(results: Path, stop_leftover_runs):
    app = make_app(results)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.current_mode == "new"  # no runs yet: the form first
        await pilot.press("l")
        first = await launch_from_form(app, pilot)
        tabbed = app.screen.query_one(TabbedContent)
        await wait_until(pilot, lambda: tabbed.active == pane_id(first), what="the new tab, active")
        await wait_until(pilot, lambda: app.views[first].info.status == "completed", timeout=RUN_TIMEOUT,
                         what="the first run to complete")
        tab = app.monitor_screen.tabs[first]
        await wait_until(pilot, lambda: tab.query_one(OutcomeBar).fraction == 1.0, what="100%")
        assert tab.view.counts()[2] == tab.view.counts()[1]  # the oracle passes everything

        second = await launch_from_form(app, pilot, runs="2")
        await wait_until(pilot, lambda: tabbed.active == pane_id(second), what="the second tab")
        await pilot.press("1")
        assert tabbed.active == pane_id(first)
        await pilot.press("2")
        assert tabbed.active == pane_id(second)
        await wait_until(pilot, lambda: app.views[second].counts()[0] >= 1, timeout=RUN_TIMEOUT,
                         what="the second run to make progress")
    # quitting the app did not stop the second run: its worker goes on and the reopened app lists it

    reopened = make_app(results, start="auto")
    async with reopened.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: {first, second} <= set(reopened.views), what="the runs listed again")
        assert reopened.current_mode == "runs"
        ended = reopened.screen.query_one("#table-ended", RunsTable)
        live = reopened.screen.query_one("#table-live", RunsTable)
        await wait_until(pilot, lambda: first in ended.run_ids and second in ended.run_ids + live.run_ids,
                         what="both runs listed")
        from jira_bench_tui.tui.screens.replay import ReplayScreen

        ended.focus()
        ended.move_cursor(row=ended.run_ids.index(first))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(reopened.screen, ReplayScreen), what="the replay screen")
        replay = reopened.screen
        await pilot.pause()
        for key in ("down", "down", "right", "right"):  # step through the transcript
            await pilot.press(key)
        assert replay.is_attached


async def test_kill_resume_and_kill_a_slow_run(results: Path, stop_leftover_runs):
    # 3 scenarios x 1000 repetitions at concurrency 1: minutes of real oracle trials.
    app = make_app(results, start="runs")
    async with app.run_test(size=(120, 40)) as pilot:
        run_id = await launch_from_form(app, pilot, runs="1000", concurrency="1")
        await wait_until(pilot, lambda: app.views[run_id].info.status == "running"
                         and app.views[run_id].counts()[0] >= 1, timeout=RUN_TIMEOUT, what="the run to get going")
        pid = app.views[run_id].info.state.pid
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.views[run_id].live, timeout=RUN_TIMEOUT, what="the run to stop")
        assert app.views[run_id].info.status in ("cancelled", "interrupted")
        # the worker writes "cancelled" just before it exits: wait for the process itself to be gone
        await wait_until(pilot, lambda: not run_folder.pid_alive(pid), timeout=RUN_TIMEOUT, what="the worker to exit")
        done = app.views[run_id].counts()[0]
        assert 1 <= done < 3000

        # resume it from the runs list, then kill it again from there
        await pilot.press("l")
        await wait_until(pilot, lambda: app.current_mode == "runs", what="the runs list")
        section = "ended" if app.views[run_id].info.status == "cancelled" else "interrupted"
        table = app.screen.query_one(f"#table-{section}", RunsTable)
        await wait_until(pilot, lambda: run_id in table.run_ids, what="the stopped run listed")
        table.focus()
        table.move_cursor(row=table.run_ids.index(run_id))
        await pilot.press("r")
        await wait_until(pilot, lambda: app.views[run_id].live and app.views[run_id].counts()[0] > done,
                         timeout=RUN_TIMEOUT, what="the resumed run to go on")
        await pilot.press("l")
        await wait_until(pilot, lambda: app.current_mode == "runs", what="the runs list again")
        live = app.screen.query_one("#table-live", RunsTable)
        await wait_until(pilot, lambda: run_id in live.run_ids, what="the resumed run listed in progress")
        live.focus()
        live.move_cursor(row=live.run_ids.index(run_id))
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.views[run_id].live, timeout=RUN_TIMEOUT, what="the run to stop again")
