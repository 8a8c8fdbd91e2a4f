"""Run again: from the runs list (key g, the palette) and from the replay, the form opens filled with the run's
settings (its spec.json)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pilot_helpers import wait_until
from textual.command import CommandList
from textual.widgets import Input, RadioButton

from jira_bench_tui.engine import run_folder
from jira_bench_tui.tui import form_settings
from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens.replay import ReplayScreen
from jira_bench_tui.tui.screens.runs import RunsScreen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tui_replay.replay_app import COMPLETE_RUN  # noqa: E402
from tui_replay.replay_app import DATA as REPLAY_DATA  # noqa: E402

DONE = "20261124-080000-example-oracle-a1b2"


def field(app, widget_id: str) -> str:  # type: ignore[no-untyped-def]
    return app.screen.query_one(f"#{widget_id}", Input).value


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_g_in_the_runs_list_opens_the_form_with_the_runs_settings(fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#table-ended")
        table.focus()
        while app.screen.selected_view().run_id != DONE:  # type: ignore[attr-defined]
            await pilot.press("down")
        await pilot.press("g")
        await wait_until(pilot, lambda: app.current_mode == "new", what="the form")
        spec = run_folder.read_spec(fixed_results / "runs" / DONE)
        assert field(app, "harness") == spec.harness_source
        assert field(app, "model") == spec.model
        assert field(app, "runs") == str(spec.runs) and field(app, "concurrency") == str(spec.concurrency)
        assert app.screen.query_one("#server-embedded", RadioButton).value


async def test_run_again_is_in_the_palette_and_fills_an_open_form(fixed_results, fixed_clock):
    app = make_app(fixed_results, start="new", clock=fixed_clock, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.query_one("#runs", Input).value = "77"
        app.action_show_runs()  # (l would type into the focused field)
        await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen), what="the runs list")
        await pilot.press("ctrl+p")
        await pilot.press(*"Run again")

        def hits() -> int:
            found = app.screen.query(CommandList)
            return found.first().option_count if found else 0

        await wait_until(pilot, lambda: hits() > 0, what="palette hits")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "new", what="the form")
        assert field(app, "runs") != "77"  # the already open form was filled again


async def test_g_in_the_replay_opens_the_form_with_the_runs_settings(tmp_path):
    shutil.copytree(REPLAY_DATA / "runs", tmp_path / "runs")
    app = make_app(tmp_path, start="replay", run_id=COMPLETE_RUN, watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen), what="the replay")
        await pilot.press("g")
        await wait_until(pilot, lambda: app.current_mode == "new" and not isinstance(app.screen, ReplayScreen),
                         what="the form")
        spec = run_folder.read_spec(tmp_path / "runs" / COMPLETE_RUN)
        assert field(app, "model") == spec.model and field(app, "harness") == spec.harness_source


def test_spec_settings_cover_the_runs_choices(fixed_results):
    spec = run_folder.read_spec(fixed_results / "runs" / DONE)
    spec = spec.model_copy(update={
        "model_args": {"temperature": 0, "reasoning_effort": "low"}, "max_turns": 7, "wall_time_s": 90.0,
        "note": "again", "workers": 3, "server": run_folder.ServerChoice(kind="command", command=["uvx", "my server"]),
        "limits": run_folder.WorkerLimits(max_memory_bytes=2**31, max_cpu_time_s=1800.0, nice=5)})
    settings = form_settings.spec_settings(spec)
    assert settings["model_args"] == "temperature=0 reasoning_effort=low"
    assert settings["max_turns"] == "7" and settings["wall_time"] == "90" and settings["note"] == "again"
    assert settings["server_kind"] == "command" and settings["server_command"] == "uvx 'my server'"
    assert settings["max_memory"] == str(2**31) and settings["max_cpu_time"] == "1800" and settings["nice"] == "5"
    assert settings["workers"] == "3"
    assert form_settings.spec_settings(spec.model_copy(update={"workers": None}))["workers"] == ""  # all cores
