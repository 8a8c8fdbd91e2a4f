"""Pictures of every screen at 120x40 and 80x24, with fixed run folders and a fixed clock (SVGs under
snapshots/test_snapshots/; look at each before `--snapshot-update`)."""

from __future__ import annotations

import pytest

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens import new_run

SIZE = (120, 40)
SIZES = pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])


async def settled(pilot):  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def fixed_builtins(monkeypatch):
    """The form's built-in harness and fixture lists, fixed (the package's own lists grow over time)."""
    monkeypatch.setattr(new_run, "builtin_harness_names", lambda: ["example", "core"])
    monkeypatch.setattr(new_run, "builtin_fixture_names", lambda: ["default", "example"])


@SIZES
def test_runs_screen(snap_compare, fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    assert snap_compare(app, terminal_size=size, run_before=settled)


def test_runs_screen_light_theme_filtered(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await pilot.press("slash", *"oracle")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@SIZES
def test_monitor_screen(snap_compare, fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")
    assert snap_compare(app, terminal_size=size, run_before=settled)


@SIZES
def test_new_run_form(snap_compare, results, fixed_clock, fixed_builtins, size):
    app = make_app(results, start="auto", clock=fixed_clock, watch="off")
    assert snap_compare(app, terminal_size=size, run_before=settled)


@SIZES
def test_new_run_form_errors(snap_compare, results, fixed_clock, fixed_builtins, size):
    app = make_app(results, start="new", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        screen = pilot.app.screen
        screen.query_one("#runs").value = "abc"
        screen.query_one("#concurrency").value = "0"
        screen.query_one("#model").value = "gpt-9"
        await pilot.press("ctrl+s")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_kill_confirmation(snap_compare, fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        await settled(pilot)
        await pilot.press("k")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_help_screen(snap_compare, fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        await settled(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@SIZES
def test_replay_screen(snap_compare, fixed_results, fixed_clock, size):
    app = make_app(fixed_results, start="replay", run_id="20261124-080000-example-oracle-a1b2", clock=fixed_clock,
                   watch="off")

    async def run_before(pilot):
        from pilot_helpers import wait_until

        from jira_bench_tui.tui.screens.replay import ReplayScreen

        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReplayScreen) and pilot.app.screen.loaded,
                         what="the replay")
        await pilot.press("right", "right", "right")
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.fixture
def sweep_results(results, fixed_clock):
    """Runs with notes and sweeps, on the fixed clock: an ended sweep of two models sharing a note, a live sweep of
    two, a lone ended run with a long note, and one without."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from fake_worker import FakeWorker
    from make_data import StepClock

    now = fixed_clock()
    scenarios = ["assign-login-bug", "close-duplicate", "sprint-plan"]
    for index, model in enumerate(["claude-haiku-4-5", "claude-sonnet-4-5"]):
        done = FakeWorker(results, f"20261124-08000{index}-core-{model[7:]}-a{index}a{index}", scenarios, runs=2,
                          model=model, harness_name="core", note="baseline, before the prompt fix",
                          sweep_id="sweep-base", clock=StepClock(now - 7200 + index, 0.9)).start()
        for rep in (1, 2):
            done.trial("assign-login-bug", rep)
            done.trial("close-duplicate", rep, "failed" if rep + index == 2 else "passed")
            done.trial("sprint-plan", rep)
        done.finish()
    lone = FakeWorker(results, "20261124-083000-example-null-c3d4", scenarios, model="null",
                      note="a smoke test of the harness after the move to the new fixture", clock=StepClock(now - 5400, 0.9))
    lone.start().trial("assign-login-bug", 1, "failed")
    lone.finish()
    FakeWorker(results, "20261124-084500-example-oracle-e5e5", scenarios, clock=StepClock(now - 4000, 0.9)).start().finish()
    for index, model in enumerate(["claude-haiku-4-5", "claude-sonnet-4-5"]):
        live = FakeWorker(results, f"20261124-09550{index}-core-{model[7:]}-b{index}b{index}", scenarios, runs=3,
                          model=model, harness_name="core", note="after the prompt fix", sweep_id="sweep-fix",
                          clock=StepClock(now - 12 + index, 0.5))
        live.start().trial("assign-login-bug", 1, "passed" if index else "failed")
        live.begin_trial("close-duplicate", 1)
        live.close()
    return results


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_runs_screen_light_theme_sweeps_and_notes(snap_compare, sweep_results, fixed_clock, size):
    app = make_app(sweep_results, start="runs", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await settled(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_monitor_screen_light_theme_sweep_tabs(snap_compare, sweep_results, fixed_clock):
    app = make_app(sweep_results, start="monitor", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await settled(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_monitor_screen_light_theme(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await settled(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
