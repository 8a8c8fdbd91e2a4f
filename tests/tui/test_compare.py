"""The compare screen (issue 16): reached with v and c on the runs list, c in the monitor and the palette; its summary,
matrix (a cell opens the replay), plots, tags and paired differences; live while a compared run goes on. Pictures of
2 and 5 runs (one still running) at 120x40 and 80x24 are in snapshots/test_compare/."""

from __future__ import annotations

from typing import Any

import pytest
from compare_data import live_clock, make_runs
from pilot_helpers import wait_until
from rich.cells import cell_len
from rich.text import Text
from test_issue15 import screen_text  # noqa: F401 (the screen as text)
from textual.widgets import DataTable

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.compare import CompareScreen
from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.widgets.compare.matrix import MatrixTable
from jira_bench_tui.tui.widgets.compare.summary import SummaryTable

SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


def compare_app(results, count: int, *, watch: str = "off"):  # type: ignore[no-untyped-def]
    ids = make_runs(results, count)
    now = live_clock(results)
    return make_app(results, start="runs", clock=lambda: now, watch=watch), ids  # type: ignore[arg-type]


def measured(table: DataTable[Any]) -> bool:
    """The table has rows, each column is as wide as its widest cell and the virtual width holds every column (a
    DataTable measures new rows when idle, which a loaded machine can leave for later)."""
    columns = sum(column.get_render_width(table) for column in table.columns.values())
    return (table.row_count > 0 and columns > 0 and table.virtual_size.width >= columns
            and all(not column.auto_width or column.content_width >= widest(table, key)
                    for key, column in table.columns.items()))


def widest(table: DataTable[Any], key: Any) -> int:
    """The width, in cells, of the column's widest one-line cell (as plain text)."""
    texts = [cell.plain if isinstance(cell, Text) else str(cell) for cell in table.get_column(key)]
    return max((cell_len(text) for text in texts if "\n" not in text), default=0)


async def open_compare(pilot, ids: list[str]) -> CompareScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    pilot.app.compare_runs(ids)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen) and pilot.app.screen.loaded,
                     what="the compare screen")
    screen = pilot.app.screen
    summary, matrix = screen.query_one(SummaryTable), screen.query_one(MatrixTable)
    await wait_until(pilot, lambda: measured(summary) and measured(matrix),
                     what="the tables' columns measured (a DataTable measures them when idle)")
    await pilot.pause(0.2)
    return screen


# ---- pictures ---------------------------------------------------------------------------------------------------


@SIZES
@pytest.mark.parametrize("count", [2, 5])
def test_compare_screen(snap_compare, results, size, count):
    app, ids = compare_app(results, count)

    async def run_before(pilot):  # type: ignore[no-untyped-def]
        await open_compare(pilot, ids)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_compare_screen_plot_and_paired(snap_compare, results, size):
    app, ids = compare_app(results, 5)

    async def run_before(pilot):  # type: ignore[no-untyped-def]
        screen = await open_compare(pilot, ids)
        await pilot.press("2")
        await wait_until(pilot, lambda: screen.drawn == "rates", what="the pass rate plot")
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# ---- reaching it ------------------------------------------------------------------------------------------------


async def test_v_marks_runs_and_c_compares_them_in_marking_order(results):
    app, ids = compare_app(results, 5)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.runs_screen.query("#table-ended"), what="the runs list")
        await pilot.pause(0.2)
        table = app.runs_screen.query_one("#table-ended")
        table.focus()
        await pilot.press("v")  # the newest completed run: ids[3]
        await pilot.press("down", "down", "v")  # ids[1]
        await pilot.pause()
        assert app.runs_screen.marked == [ids[3], ids[1]]
        assert "✓" in screen_text(app)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.loaded,
                         what="the compare screen")
        assert app.screen.run_ids == [ids[3], ids[1]]
        assert "baseline 1 gpt-5-mini" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("u")
        await pilot.pause()
        assert app.runs_screen.marked == [] and "✓" not in screen_text(app)


async def test_c_with_nothing_marked_compares_the_sweep_or_says_what_to_do(results):
    from fake_worker import FakeWorker

    for n, model in enumerate(["oracle", "null"]):
        FakeWorker(results, f"20261124-08000{n}-example-{model}-{n}{n}{n}{n}", ["a", "b"], model=model,
                   sweep_id="sweep-1").finish()
    FakeWorker(results, "20261124-090000-example-oracle-ffff", ["a", "b"]).finish()
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        app.runs_screen.query_one("#table-ended").focus()
        await pilot.press("c")  # the selected run (the newest) is in no sweep
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        assert any("mark two runs" in str(n.message) for n in app._notifications)
        await pilot.press("down", "c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), what="the sweep compared")
        assert app.screen.run_ids == ["20261124-080000-example-oracle-0000", "20261124-080001-example-null-1111"]
        await pilot.press("escape")
        from jira_bench_tui.tui.commands import ScreenActionsProvider

        entries = {title: run for title, run, _help in ScreenActionsProvider(app.screen).commands()}
        entries["Compare the runs of sweep sweep-1"]()
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), what="the sweep from the palette")
        assert len(app.screen.run_ids) == 2


async def test_the_palette_offers_compare_and_c_in_the_monitor_compares_the_tabs(results):
    from jira_bench_tui.tui.commands import ScreenActionsProvider

    app, ids = compare_app(results, 2)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        titles = [title for title, *_ in ScreenActionsProvider(app.screen).commands()]
        assert any(title.startswith("Compare the marked runs") for title in titles)
        app.state.open_tab(ids[0])
        app.open_monitor(ids[1])
        await wait_until(pilot, lambda: len(app.monitor_screen.tabs) == 2, what="two tabs")
        await pilot.pause(0.2)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.loaded,
                         what="the compare screen")
        assert sorted(app.screen.run_ids) == sorted(ids)


# ---- what it shows ----------------------------------------------------------------------------------------------


async def test_summary_shows_the_report_statistics(results):
    from jira_bench_tui.engine.report import run_report

    app, ids = compare_app(results, 2)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_compare(pilot, ids)
        stats = run_report(results / "runs" / ids[0]).stats.overall
        text = screen_text(app)
        wilson = f"{stats.pass_rate:.0%} [{stats.wilson.low * 100:.0f}–{stats.wilson.high * 100:.0f}]"
        assert wilson in text
        assert "temperature 0" in text  # the note
        assert "2●" in text  # the live run
        assert screen.query_one(SummaryTable).row_count == 2


async def test_a_matrix_cell_opens_that_scenarios_trials_in_that_runs_replay(results):
    app, ids = compare_app(results, 2)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot, ids)
        matrix = screen.query_one(MatrixTable)
        matrix.focus()
        matrix.move_cursor(row=1, column=1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen) and app.screen.loaded,
                         what="the replay")
        replay = app.screen
        assert replay.run_folder.name == ids[0]
        await pilot.pause(0.2)
        assert replay.replay is not None and replay.replay.key.startswith("close-duplicate__")
        shown = replay.query_one("#trial-list").option_count
        assert shown == 3  # close-duplicate's three repetitions only
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), what="back to compare")


async def test_paired_differences_against_the_baseline_and_b_changes_it(results):
    app, ids = compare_app(results, 3)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_compare(pilot, ids)
        await pilot.press("7")
        await wait_until(pilot, lambda: "2 haiku-4-5 − 1 sonnet-4-5:" in screen_text(app)
                         and "95% bootstrap [" in screen_text(app), what="the paired differences")
        summary = screen.query_one(SummaryTable)
        summary.focus()
        summary.move_cursor(row=2)
        await pilot.press("b")
        await wait_until(pilot, lambda: screen.baseline == 2, what="the new baseline")
        await wait_until(pilot, lambda: "1 sonnet-4-5 − 3 oracle:" in screen_text(app), what="differences to it")


async def test_it_follows_a_compared_run_that_is_still_going(results):
    from compare_data import SCENARIOS, TaggedWorker
    from make_data import StepClock

    from jira_bench_tui.engine import run_folder

    app, ids = compare_app(results, 2)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_compare(pilot, ids)
        before = screen.runs[1].report.summary.done
        folder = results / "runs" / ids[1]
        worker = TaggedWorker.__new__(TaggedWorker)  # carry on writing the live run's folder
        worker.folder, worker.spec, worker.clock = folder, run_folder.read_spec(folder), StepClock(1795520000.0, 0.5)
        worker.state = run_folder.read_state(folder)
        worker.events = run_folder.events_path(folder).open("a", encoding="utf-8")
        for sid in SCENARIOS:
            worker.trial(sid, 3, "passed", tokens=5000, cost=0.01)
        worker.close()
        app.apply_updates(app.watcher.read_runs([ids[1]]))
        await wait_until(pilot, lambda: screen.runs[1].report.summary.done == before + len(SCENARIOS),
                         what="the compare screen to read the run again")
        await pilot.pause(0.2)
        assert f"{screen.runs[1].stats.overall.passed}/{screen.runs[1].stats.overall.scored}" in screen_text(app)


async def test_keys_act_on_the_first_listed_run_when_the_focused_table_is_empty(results):
    """With no live run the focused table (in progress) is empty: v, c and o act on the completed runs all the
    same, as a new user presses them without first moving the focus."""
    make_runs(results, 3, live_last=False)
    now = live_clock(results)
    app = make_app(results, start="runs", clock=lambda: now, watch="off")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.runs_screen.query("#table-ended"), what="the runs list")
        await pilot.pause(0.2)
        live = app.runs_screen.query_one("#table-live")
        live.focus()
        await pilot.pause()
        await pilot.press("v", "down", "v")
        await pilot.pause()
        assert not live.row_count and len(app.runs_screen.marked) == 2, "v and down did nothing: focus on an empty table"
