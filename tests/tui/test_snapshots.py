"""Pictures of every screen with fixed run folders and a fixed clock (SVGs under snapshots/test_snapshots/)."""

from __future__ import annotations

import pytest

from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.screens import new_run

SIZE = (120, 40)


@pytest.fixture
def fixed_builtins(monkeypatch):
    """The form's built-in harness and fixture lists, fixed (the package's own lists grow over time)."""
    monkeypatch.setattr(new_run, "builtin_harness_names", lambda: ["example", "core"])
    monkeypatch.setattr(new_run, "builtin_fixture_names", lambda: ["default", "example"])


def test_runs_screen(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")
    assert snap_compare(app, terminal_size=SIZE)


def test_runs_screen_light_theme_filtered(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await pilot.press("slash", *"oracle")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_monitor_screen(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_new_run_form(snap_compare, results, fixed_clock, fixed_builtins):
    app = make_app(results, start="auto", clock=fixed_clock, watch="off")
    assert snap_compare(app, terminal_size=SIZE)


def test_new_run_form_errors(snap_compare, results, fixed_clock, fixed_builtins):
    app = make_app(results, start="new", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        screen = pilot.app.screen
        screen.query_one("#runs").value = "abc"
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_kill_confirmation(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="runs", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        await pilot.press("k")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_monitor_screen_light_theme(snap_compare, fixed_results, fixed_clock):
    app = make_app(fixed_results, start="monitor", clock=fixed_clock, watch="off")

    async def run_before(pilot):
        pilot.app.theme = "textual-light"
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
