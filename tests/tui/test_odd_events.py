"""Events a newer worker writes (unknown types, extra or misfit fields) and garbage lines reach the monitor's log
plainly, and never stop the app from following the run."""

from __future__ import annotations

from fake_worker import FakeWorker
from pilot_helpers import wait_until

from jira_bench_tui.tui.app import make_app

SCENARIOS = ["assign-login-bug", "close-duplicate"]


async def test_unknown_and_malformed_events_are_shown_plainly_and_the_run_is_followed(results):
    worker = FakeWorker(results, "20261124-120000-example-oracle-0dd0", SCENARIOS).start()
    worker.emit("future_thing", scenario="assign-login-bug", rep=1, detail={"n": 1})
    worker.emit("trial_started", trial="close-duplicate__1")  # a known type without its fields
    worker.events.write("this is not json\n[1, 2]\n")
    worker.emit("log", level="info", message="with a field from the future", colour="red")
    app = make_app(results, start="monitor")
    async with app.run_test(size=(120, 40)) as pilot:
        run_id = worker.spec.run_id
        await wait_until(pilot, lambda: run_id in app.monitor_screen.tabs
                         and app.monitor_screen.tabs[run_id].is_mounted, what="the run's tab")
        tab = app.monitor_screen.tabs[run_id]
        worker.trial("assign-login-bug", 1)
        worker.trial("close-duplicate", 1, "failed")
        worker.finish()
        await wait_until(pilot, lambda: not tab.view.live, what="the run to end")
        lines = tab.event_log.texts()
        assert any(line.endswith('future_thing: {"scenario":"assign-login-bug","rep":1,"detail":{"n":1}}')
                   for line in lines), lines
        assert any('trial_started: {"trial":"close-duplicate__1"}' in line for line in lines), lines
        assert any(line.endswith("info: with a field from the future") for line in lines), lines
        assert not any("not json" in line for line in lines)
        assert tab.view.counts() == (2, 2, 1, 1, 0)
