"""Sweeps in the app (several models from the form, one run and one tab each; a sweep's runs together in the runs
list) and run notes (the form's Note field, shown in the runs list and the monitor)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from fake_worker import FakeWorker
from pilot_helpers import wait_until
from textual.widgets import Input

from jira_bench_tui.engine import run_folder
from jira_bench_tui.errors import UserError
from jira_bench_tui.tui import form_settings, run_control
from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.new_run import ModelMenu, parse_models, toggle_model
from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

SCENARIOS = ["assign-login-bug", "close-duplicate"]
RUN_TIMEOUT = 60.0


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.2)


@pytest.fixture
def stop_leftover_runs(results: Path):
    """Kill any run a test leaves going (a real detached worker outlives the test otherwise)."""
    yield
    for info in run_folder.list_runs(results):
        if info.live:
            with contextlib.suppress(UserError):  # it may end between the listing and the kill
                run_control.kill(info.path)


def test_the_model_field_reads_a_list():
    assert parse_models(" oracle, null,,oracle ") == ["oracle", "null"]
    assert toggle_model("oracle", "null") == "oracle, null"
    assert toggle_model("oracle, null", "oracle") == "null"


async def test_the_form_launches_one_run_per_model_each_with_its_tab(results, stop_leftover_runs):
    app = make_app(results, start="new")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#harness", Input).value = "builtin:example"
        screen.query_one("#model", Input).value = "oracle"
        menu = screen.query_one("#model-list", ModelMenu)
        menu.focus()
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        menu.highlighted = ids.index("null")
        await pilot.press("comma")
        assert screen.query_one("#model", Input).value == "oracle, null"
        screen.query_one("#note", Input).value = "  offline pair "
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(app.views) == 2 and app.current_mode == "monitor", timeout=RUN_TIMEOUT,
                         what="two runs and the monitor")
        specs = [view.info.spec for view in app.views.values()]
        assert sorted(spec.model for spec in specs if spec) == ["null", "oracle"]
        sweep_ids = {spec.sweep_id for spec in specs if spec}
        assert len(sweep_ids) == 1 and None not in sweep_ids
        assert {spec.note for spec in specs if spec} == {"offline pair"}
        await wait_until(pilot, lambda: set(app.monitor_screen.tabs) == set(app.views), what="a tab per run")
        await wait_until(pilot, lambda: form_settings.last_run_path().exists(), what="the settings remembered")
        remembered, _problem = form_settings.load_last()
        assert remembered is not None
        assert remembered["model"] == "oracle, null" and remembered["harness"] == "builtin:example"
        assert remembered["note"] == "offline pair"


async def test_a_sweeps_runs_stay_together_in_the_runs_list_with_a_mark(results):
    FakeWorker(results, "20261124-100000-example-oracle-0001", SCENARIOS, sweep_id="sweep-a").start().finish()
    FakeWorker(results, "20261124-110000-example-null-0002", SCENARIOS, model="null").start().finish()
    FakeWorker(results, "20261124-100001-example-null-0003", SCENARIOS, model="null",
               sweep_id="sweep-a").start().finish()
    app = make_app(results, start="runs", watch="off")
    for size in ((120, 40), (80, 24)):
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#table-ended", RunsTable)
            assert table.run_ids == ["20261124-110000-example-null-0002", "20261124-100001-example-null-0003",
                                     "20261124-100000-example-oracle-0001"]
            marked = [str(table.get_cell(run_id, "run")) for run_id in table.run_ids]  # the run id always shows
            assert marked == ["  20261124-110000-example-null-0002", "╭ 20261124-100001-example-null-0003",
                              "╰ 20261124-100000-example-oracle-0001"]
            await pilot.press("slash", *"sweep-a")
            assert len(table.run_ids) == 2
        app = make_app(results, start="runs", watch="off")


async def test_the_note_shows_in_the_runs_list_and_the_monitor(results):
    note = "after the prompt fix, second try with a longer label"
    FakeWorker(results, "20261124-100000-example-oracle-0001", SCENARIOS, note=note).start().finish()
    live = FakeWorker(results, "20261124-110000-example-null-0002", SCENARIOS, model="null", note="live one").start()
    for size in ((120, 40), (80, 24)):
        app = make_app(results, start="runs", watch="off")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            ended = app.screen.query_one("#table-ended", RunsTable)
            cells = [str(cell) for cell in ended.get_row_at(0)]
            if size == (120, 40):
                assert "after the prompt fix, second tr…" in cells  # cut with an ellipsis, never silently
            else:  # at 80 columns cut shorter, so that the run id stays whole
                assert any(c.startswith("after the pr") and c.endswith("…") for c in cells), cells
                assert "20261124-100000-example-oracle-0001" in cells
            await pilot.press("slash", *"prompt fix")
            assert ended.run_ids == ["20261124-100000-example-oracle-0001"]
            app.open_monitor(live.spec.run_id)
            await settle(pilot)
            shown = "\n".join(str(w.render()) for w in app.screen.query(".run-id"))
            assert "“live one”" in shown
