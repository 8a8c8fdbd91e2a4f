"""The live path: a worker writes its run folder, the one watcher notices, the monitor tab follows."""

from __future__ import annotations

from fake_worker import FakeWorker
from pilot_helpers import wait_until
from textual.widgets import TabbedContent

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.monitor import pane_id
from jira_bench_tui.tui.widgets.monitor.outcome_bar import OutcomeBar
from jira_bench_tui.tui.widgets.status_bar import WatchStatusBar

SCENARIOS = ["assign-login-bug", "close-duplicate"]


async def test_new_run_gets_a_tab_that_follows_it_to_the_end(results):
    (results / "runs").mkdir()
    app = make_app(results, start="monitor")
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify = lambda message, **kw: notes.append(f"{kw.get('title')}: {message}")  # type: ignore[method-assign]
        worker = FakeWorker(results, "20261124-120000-example-oracle-1111", SCENARIOS, runs=2).start()
        run_id = worker.spec.run_id
        await wait_until(pilot, lambda: run_id in app.monitor_screen.tabs, what="the run's tab")
        tab = app.monitor_screen.tabs[run_id]
        worker.trial("assign-login-bug", 1, text="[INST] keep my brackets [/INST]")
        await wait_until(pilot, lambda: tab.view.cells["assign-login-bug__1"] == "passed", what="first trial")
        worker.trial("close-duplicate", 1, "failed")
        worker.trial("assign-login-bug", 2)
        worker.trial("close-duplicate", 2, "error")
        worker.finish()
        await wait_until(pilot, lambda: not tab.view.live, what="the run to end")
        await wait_until(pilot, lambda: tab.query_one(OutcomeBar).fraction == 1.0, what="100% progress")
        log_lines = tab.event_log.texts()
        assert any("[INST] keep my brackets [/INST]" in line for line in log_lines)
        assert any("check 1 issue FAILED: WEB-12 status is 'To Do'" in line for line in log_lines)
        assert tab.view.counts() == (4, 4, 2, 1, 1)
        assert any(run_id in note and "2/3 (67%)" in note for note in notes), notes
        assert app.screen.query_one(TabbedContent).active == pane_id(run_id)


async def test_reopening_shows_live_runs_with_their_log_from_the_start(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-2222", SCENARIOS).start()
    worker.trial("assign-login-bug", 1)
    worker.log("first line of the log")
    app = make_app(results, start="runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: worker.spec.run_id in app.views, what="the run to be read")
        await pilot.press("m")
        await wait_until(pilot, lambda: worker.spec.run_id in app.monitor_screen.tabs
                         and app.monitor_screen.tabs[worker.spec.run_id].is_mounted, what="the tab")
        lines = app.monitor_screen.tabs[worker.spec.run_id].event_log.texts()
        assert lines[0].startswith("+00:00 run") and "run started" in lines[0]
        assert any("first line of the log" in line for line in lines)
    worker.close()


async def test_two_runs_two_tabs_switched_by_number_and_brackets(results):
    first = FakeWorker(results, "20261124-120000-example-oracle-3333", SCENARIOS).start()
    second = FakeWorker(results, "20261124-120500-example-null-4444", SCENARIOS, model="null").start()
    app = make_app(results, start="monitor")
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = app.monitor_screen.tabs
        await wait_until(pilot, lambda: len(tabs) == 2 and all(t.is_mounted for t in tabs.values()), what="2 tabs")
        tabbed = app.screen.query_one(TabbedContent)
        order = list(app.open_tabs)
        await pilot.press("2")
        assert tabbed.active == pane_id(order[1])
        await pilot.press("1")
        assert tabbed.active == pane_id(order[0])
        await pilot.press("right_square_bracket")
        assert tabbed.active == pane_id(order[1])
        await pilot.press("right_square_bracket")
        assert tabbed.active == pane_id(order[0])
        await pilot.press("left_square_bracket")
        assert tabbed.active == pane_id(order[1])
        await pilot.press("w")  # a live run's tab does not close
        await pilot.pause()
        assert len(tabs) == 2
        second.finish("cancelled")
        await wait_until(pilot, lambda: not app.views[second.spec.run_id].live, what="second run to end")
        await pilot.press("2", "w")
        await wait_until(pilot, lambda: len(tabs) == 1, what="the ended run's tab to close")
    first.close()


async def test_log_filter_and_pause(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-5555", SCENARIOS).start()
    worker.trial("assign-login-bug", 1)
    worker.trial("close-duplicate", 1)
    app = make_app(results, start="monitor")
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = app.monitor_screen.tabs
        await wait_until(pilot, lambda: worker.spec.run_id in tabs and tabs[worker.spec.run_id].is_mounted,
                         what="the tab")
        tab = tabs[worker.spec.run_id]
        from textual.widgets import Select

        tab.query_one(Select).value = "close-duplicate"
        await pilot.pause()
        lines = tab.event_log.texts()
        assert lines and all("close-duplicate#1" in line for line in lines)
        await pilot.press("p")
        assert tab.event_log.following is False
        await pilot.press("p")
        assert tab.event_log.following is True
    worker.close()


async def test_polling_fallback_says_so_and_still_sees_new_runs(results):
    (results / "runs").mkdir()
    app = make_app(results, start="runs", watch="poll")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "polling" in str(app.screen.query_one(WatchStatusBar).render()),
                         what="the polling notice")
        worker = FakeWorker(results, "20261124-120000-example-oracle-6666", SCENARIOS).start()
        await wait_until(pilot, lambda: worker.spec.run_id in app.views, what="the new run")
        worker.trial("assign-login-bug", 1)
        await wait_until(pilot, lambda: app.views[worker.spec.run_id].counts()[0] == 1, what="a finished trial")
    worker.close()


async def test_big_log_shows_its_tail_and_counts_everything(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-7777", SCENARIOS, runs=2).start()
    worker.trial("assign-login-bug", 1)  # early: in the part of the log that is only counted
    filler = "x" * 200
    for n in range(6000):  # ~1.5 MB of log lines
        worker.log(f"filler {n} {filler}")
    worker.trial("close-duplicate", 1, "failed")
    app = make_app(results, start="monitor")
    async with app.run_test(size=(120, 40)) as pilot:
        tabs = app.monitor_screen.tabs
        await wait_until(pilot, lambda: worker.spec.run_id in tabs and tabs[worker.spec.run_id].is_mounted,
                         what="the tab")
        tab = tabs[worker.spec.run_id]
        # the tail is read a chunk at a time: the tab may show before its last lines are in
        await wait_until(pilot, lambda: tab.view.cells["close-duplicate__1"] == "failed", what="the last lines")
        assert tab.view.cells["assign-login-bug__1"] == "passed"
        lines = tab.event_log.texts()
        assert lines[0].startswith("… ") and "earlier lines not shown" in lines[0]
        assert "finished FAILED" in " ".join(lines[-3:])
    worker.close()


async def test_corrupt_lines_and_state_do_not_crash_the_app(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-8888", SCENARIOS).start()
    app = make_app(results, start="monitor")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: worker.spec.run_id in app.monitor_screen.tabs, what="the tab")
        worker.events.write('{"t": 1, "type": "log", "mess\n')  # a cut line, sealed
        worker.events.flush()
        worker.trial("assign-login-bug", 1)
        await wait_until(pilot, lambda: app.views[worker.spec.run_id].cells["assign-login-bug__1"] == "passed",
                         what="the trial after the cut line")
        (worker.folder / "state.json").write_text("{not json", encoding="utf-8")
        await wait_until(pilot, lambda: app.views[worker.spec.run_id].info.status == "unreadable",
                         what="the run shown unreadable")
        await pilot.press("l")
        await pilot.pause()
        assert app.current_mode == "runs"
    worker.close()


async def test_paused_log_counts_new_lines_and_c_copies_the_found_line(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-c0c0", ["assign-login-bug"]).start()
    for n in range(30):
        worker.log(f"line {n}")
    app = make_app(results, start="monitor", watch="off")
    copied: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        await wait_until(pilot, lambda: app.monitor_screen.tabs, what="the tab")
        tab = app.monitor_screen.tabs[worker.spec.run_id]
        await wait_until(pilot, lambda: tab.is_mounted, what="the tab mounted")
        await pilot.press("p")
        for n in range(3):
            worker.log(f"more {n}")
        app.apply_updates(app.watcher.read_runs([worker.spec.run_id]))
        await pilot.pause()
        assert "paused +3" in str(tab.query_one(".log-follow").render())
        await pilot.press("slash", *"line 7", "enter", "C")
        assert copied and copied[-1].endswith("info: line 7")
    worker.close()


async def test_clicking_a_finished_trials_cell_opens_its_replay(fixed_results, fixed_clock):
    from jira_bench_tui.tui.screens.replay import ReplayScreen
    from jira_bench_tui.tui.widgets.monitor.trial_grid import TrialGrid

    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        grid = app.screen.query_one(TrialGrid)
        await pilot.click(grid, offset=(21, 2))  # sprint-plan #3: not run yet
        await pilot.click(grid, offset=(19, 1))  # close-duplicate #2: running
        await pilot.pause()
        assert not isinstance(app.screen, ReplayScreen)
        await pilot.click(grid, offset=(17, 1))  # close-duplicate #1: failed
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded, what="replay")
        assert app.screen.replay is not None and app.screen.replay.key == "close-duplicate__1"
