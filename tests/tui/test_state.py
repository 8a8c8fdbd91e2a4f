"""The app's state without Textual (tui/state.py): runs folded from watcher updates, tabs, labels, notices."""

from __future__ import annotations

from pathlib import Path

from fake_worker import FakeWorker
from make_data import StepClock

from jira_bench_tui.tui.state import AppState, end_notice, outcome_score, short_model
from jira_bench_tui.tui.watcher import RunsWatcher

SCENARIOS = ["assign-login-bug", "close-duplicate"]


def test_live_runs_get_tabs_labelled_uniquely_and_ended_runs_keep_them(results: Path):
    clock = StepClock(1795514400.0, 0.1)
    workers = [FakeWorker(results, f"20261124-12000{n}-core-{m}-{n}{n}{n}{n}", SCENARIOS, model=m, harness_name=h,
                          clock=clock).start()
               for n, (h, m) in enumerate([("core", "null"), ("core", "null"), ("example", "null"),
                                           ("core", "claude-haiku-4-5")])]
    watcher = RunsWatcher(results / "runs", lambda: clock.now)  # every heartbeat looks fresh
    state = AppState()
    changes = state.apply(watcher.scan())
    assert len(changes) == 4 and not any(change.ended for change in changes)
    labels = state.tab_labels()
    assert list(labels.values()) == ["1 core·null 0000", "2 core·null 1111", "3 example·null", "4 haiku-4-5"]
    workers[0].finish("cancelled")
    ended = [c for c in state.apply(watcher.read_runs([workers[0].spec.run_id])) if c.ended]
    assert len(ended) == 1 and state.tab_labels()[workers[0].spec.run_id].endswith("■")
    assert state.close_tab(workers[1].spec.run_id) is not None  # live: refused
    assert state.close_tab(workers[0].spec.run_id) is None
    assert state.tab_labels()[workers[1].spec.run_id].startswith("1 ")  # numbers follow the tabs
    title, text, severity = end_notice(state.views[workers[0].spec.run_id])
    assert "cancelled" in title and text.endswith(outcome_score(state.views[workers[0].spec.run_id]))
    assert severity == "warning"
    for worker in workers[1:]:
        worker.close()


def test_short_model_names():
    assert short_model("claude-sonnet-4-5") == "sonnet-4-5"
    assert short_model("oracle") == "oracle" and short_model("claude-") == "claude-"
