"""The rest of issue 15, each driven through the real app: tab labels with notes (16 tabs at 80 columns), the whole
run id in the runs list at 80x24, the mouse on every screen, and the log search's match count."""

from __future__ import annotations

import asyncio

import pytest
from fake_worker import FakeWorker
from pilot_helpers import wait_until
from textual.app import App
from textual.widgets import Static, Tab, TabbedContent

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.monitor import MonitorScreen, pane_id
from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.widgets.monitor.run_tab import RunTab
from jira_bench_tui.tui.widgets.monitor.trial_grid import TrialGrid
from jira_bench_tui.tui.widgets.replay import TrialList
from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

SCENARIOS = ["assign-login-bug", "close-duplicate", "sprint-plan"]
LIVE = "20261124-095500-example-sonnet-4-5-0a0b"
DONE = "20261124-080000-example-oracle-a1b2"
LONGEST_LABEL = 2 + 14 + 5  # "N " + a note cut to 14 + " c3d4"


def screen_text(app: App[None]) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.1)


# ---- tab labels: the note, short, unique, numbered ---------------------------------------------------------------


async def test_tab_labels_show_notes_short_unique_and_numbered_with_16_tabs_at_80_columns(results):
    notes = ["prompt v2 with the longer system text", "prompt v2 with the longer tool list", None, "baseline"]
    workers = [FakeWorker(results, f"20261124-1200{n:02d}-core-null-{n:02x}ab", SCENARIOS, model=["null", "oracle"][n % 2],
                          harness_name="core", note=notes[n % 4]).start() for n in range(16)]
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.monitor_screen.tabs) == 16, what="16 tabs")
        await settle(pilot)
        labels = [tab.label.plain for tab in app.screen.query(Tab)]
        assert len(set(labels)) == 16
        assert [label.split()[0] for label in labels] == [*"123456789", *"·" * 7]
        assert labels[0].startswith("1 prompt v2 wit…") and labels[3] == "4 baseline 03ab"
        assert all(len(label) <= LONGEST_LABEL for label in labels), labels
        tabbed = app.screen.query_one(TabbedContent)
        for _ in range(16):  # whichever tab is shown, its label is wholly on screen
            active = app.screen.query_one(f"#--content-tab-{tabbed.active}", Tab)
            assert active.region.x >= 0 and active.region.right <= 80, (active.label, active.region)
            await pilot.press("right_square_bracket")
            await pilot.pause()
    for worker in workers:
        worker.close()


async def test_a_sweep_sharing_one_note_is_told_apart_by_model(results):
    workers = [FakeWorker(results, f"20261124-1300{n:02d}-core-{model}-{n:02x}cd", SCENARIOS, model=model,
                          harness_name="core", note="after the fix", sweep_id="sweep-1").start()
               for n, model in enumerate(["claude-haiku-4-5", "claude-sonnet-4-5"])]
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.monitor_screen.tabs) == 2, what="two tabs")
        await settle(pilot)
        assert [tab.label.plain for tab in app.screen.query(Tab)] == ["1 after the fix·haiku-4-5",
                                                                      "2 after the fix·sonnet-4-5"]
    for worker in workers:
        worker.close()


# ---- the runs list at 80x24: the whole run id --------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_runs_list_shows_every_whole_run_id(fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for run_id in app.state.views:
            assert run_id in text, (run_id, text)
        for table in app.screen.query(RunsTable):  # no table scrolls sideways: every column it shows fits
            if table.display:
                assert table.virtual_size.width <= table.size.width, (table.id, table.virtual_size, table.size)
        if size == (120, 40):  # with room, nothing is dropped
            assert "harness" in text and "started" in text and "date" in text


# ---- the mouse -----------------------------------------------------------------------------------------------------


async def test_clicking_a_tab_shows_it(results):
    workers = [FakeWorker(results, f"20261124-1400{n:02d}-core-null-{n:02x}ef", SCENARIOS, model=model).start()
               for n, model in enumerate(["null", "oracle", "haiku"])]
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(app.monitor_screen.tabs) == 3, what="three tabs")
        await settle(pilot)
        third = workers[2].spec.run_id
        assert await pilot.click(f"#--content-tab-{pane_id(third)}", offset=(2, 0))
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == pane_id(third)
        assert app.monitor_screen.current_tab() is app.monitor_screen.tabs[third]
        assert "3 haiku" in screen_text(app) and third in screen_text(app)
    for worker in workers:
        worker.close()


async def test_clicking_a_run_in_the_runs_list_selects_it_and_a_second_click_opens_it(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#table-ended", RunsTable)
        row = table.run_ids.index(DONE)
        assert await pilot.click("#table-ended", offset=(4, 1 + row))  # row 0 is the header
        await settle(pilot)
        assert app.screen.selected_view() is not None and app.screen.selected_view().run_id == DONE
        assert await pilot.click("#table-ended", offset=(4, 1 + row))
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded,
                         what="the replay")
        assert app.screen.run_folder.name == DONE


async def test_clicking_a_trial_in_the_replay_shows_it(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="replay", run_id=DONE, clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded, what="replay")
        await settle(pilot)
        trials = app.screen.query_one(TrialList)
        target = next(i for i, s in enumerate(trials.summaries) if s.key != app.screen.replay.key)
        assert await pilot.click(TrialList, offset=(3, target))
        await settle(pilot)
        assert app.screen.replay is not None and app.screen.replay.key == trials.summaries[target].key
        assert trials.highlighted == target


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_clicking_a_grid_cell_opens_that_trials_replay(fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: LIVE in app.monitor_screen.tabs, what="the live tab")
        await settle(pilot)
        grid = app.monitor_screen.tabs[LIVE].query_one(TrialGrid)
        line = grid.render_line(1).text  # close-duplicate: rep 1 failed, rep 2 running
        x = line.index("✘")
        assert await pilot.click(grid, offset=(x, 1))
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded,
                         what="the replay")
        assert app.screen.replay is not None and app.screen.replay.key == "close-duplicate__1"


# ---- the log search's match count -------------------------------------------------------------------------------


async def test_the_search_count_follows_new_lines_and_the_query(results):
    worker = FakeWorker(results, "20261124-150000-example-oracle-5555", SCENARIOS).start()
    for n in range(3):
        worker.log(f"needle {n}")
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.monitor_screen.tabs, what="a tab")
        await settle(pilot)
        tab = app.monitor_screen.tabs[worker.spec.run_id]

        def count() -> str:
            return str(tab.query_one(".log-search-info", Static).render())

        await pilot.press("slash", *"needle")
        await settle(pilot)
        assert count() == "3 lines"
        await pilot.press("space", "1")  # "needle 1"
        await settle(pilot)
        assert count() == "1 line"
        await pilot.press("backspace", "backspace")
        await settle(pilot)
        assert count() == "3 lines"
        for n in range(3, 7):
            worker.log(f"needle {n}")
        worker.log("hay")
        app.apply_updates(app.watcher.read_runs([worker.spec.run_id]))
        await settle(pilot)
        assert count() == "7 lines"
        assert isinstance(app.screen, MonitorScreen) and isinstance(tab, RunTab)
    worker.close()


# ---- the monitor's run-id line at 80 columns ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_run_id_line_cuts_a_long_note_with_an_ellipsis_never_silently(results, size):
    note = "after the prompt fix, second try"
    worker = FakeWorker(results, "20261124-160000-core-haiku-4-5-6666", SCENARIOS, model="claude-haiku-4-5",
                        harness_name="core", note=note).start()
    app = make_app(results, start="monitor", watch="off")
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.monitor_screen.tabs, what="a tab")
        await settle(pilot)
        line = next(row for row in screen_text(app).splitlines() if worker.spec.run_id in row).rstrip()
        if size == (80, 24):
            assert line.endswith("…") and "“after the" in line, line
        else:
            assert line.endswith(f"“{note}”"), line
    worker.close()


# ---- what a new user met in the live tour ----------------------------------------------------------------------


async def test_the_monitor_never_says_no_run_while_its_tabs_are_opening(results, monkeypatch):
    workers = [FakeWorker(results, f"20261124-1700{n:02d}-core-null-{n:02x}77", SCENARIOS, model="null").start()
               for n in range(4)]
    opening = MonitorScreen._sync

    async def slow_opening(self):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)  # as on a busy machine: the tabs take a while to mount
        await opening(self)

    monkeypatch.setattr(MonitorScreen, "_sync", slow_opening)
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause(0.1)
        assert "No run is being watched" not in screen_text(app)
        await wait_until(pilot, lambda: len(app.monitor_screen.tabs) == 4, what="four tabs")
        await settle(pilot)
        assert "No run is being watched" not in screen_text(app) and "Loading" not in screen_text(app)
    for worker in workers:
        worker.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_replay_header_shows_the_run_id_and_its_note(results, size):
    worker = FakeWorker(results, "20261124-180000-example-oracle-8888", SCENARIOS, note="first try").start()
    worker.trial("assign-login-bug", 1)
    worker.finish()
    app = make_app(results, start="replay", run_id=worker.spec.run_id, watch="off")
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded, what="replay")
        await settle(pilot)
        text = screen_text(app)
        assert worker.spec.run_id in text and "“first try”" in text, text


async def test_the_monitor_takes_a_theme_changed_while_it_was_hidden(fixed_results, fixed_clock):
    from textual.color import Color

    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: LIVE in app.monitor_screen.tabs, what="the live tab")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert app.screen.styles.background == Color.parse(app.theme_variables["background"])
