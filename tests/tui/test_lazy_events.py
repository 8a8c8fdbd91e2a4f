"""Ended runs are listed from their small files; their events are read when their tab needs them (issue #17)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fake_worker import FakeWorker
from pilot_helpers import wait_until

from jira_bench_tui.engine.run_folder import events_path
from jira_bench_tui.tui.app import make_app
from jira_bench_tui.tui.widgets.monitor.event_log import EventLog
from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

SCENARIOS = ["assign-login-bug", "close-duplicate", "sprint-plan"]
RUNS = 200


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results"
    folder.mkdir()
    return folder


def ended_run(results: Path, run_id: str) -> FakeWorker:
    worker = FakeWorker(results, run_id, SCENARIOS, pid=0).start()
    for index, scenario in enumerate(SCENARIOS):
        worker.trial(scenario, 1, "failed" if index == 2 else "passed")
    worker.finish()
    return worker


def copies(results: Path, first: Path, count: int) -> list[str]:
    """`count` more run folders like `first` under new run ids (their spec says their id)."""
    run_ids = []
    for index in range(1, count + 1):
        run_id = f"20261124-{index // 3600:02d}{index // 60 % 60:02d}{index % 60:02d}-example-oracle-{index:04x}"
        folder = first.parent / run_id
        shutil.copytree(first, folder)
        spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
        spec["run_id"] = run_id
        (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        run_ids.append(run_id)
    return run_ids


def log_text(app, run_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The lines the run's monitor tab shows (none before the tab and its log are mounted)."""
    tab = app.monitor_screen.tabs.get(run_id)
    logs = tab.query(EventLog) if tab is not None and tab.is_mounted else []
    return logs[0].texts() if logs else []


@pytest.mark.parametrize("watch", ["off", "poll"])
async def test_200_ended_runs_are_listed_with_their_scores_without_their_events(results, watch):
    """Every ended run's events.jsonl cannot be opened (a link to nothing): the list still shows all 200 runs with
    their scores, from state.json; opening a run's tab then says why its log is empty."""
    first = ended_run(results, "20261124-000000-example-oracle-0000")
    run_ids = [first.spec.run_id, *copies(results, first.folder, RUNS - 1)]
    for run_id in run_ids:
        path = events_path(results / "runs" / run_id)
        path.unlink()
        os.symlink(results / "nowhere.jsonl", path)
    app = make_app(results, start="runs", watch=watch)
    async with app.run_test(size=(120, 40)) as pilot:
        ended = app.screen.query_one("#table-ended", RunsTable)
        await wait_until(pilot, lambda: len(ended.run_ids) == RUNS, "200 rows")
        row = [str(cell) for cell in ended.get_row(run_ids[0])]
        assert any("2/3 (67%)" in cell for cell in row), row
        app.open_monitor(run_ids[0])
        await wait_until(pilot, lambda: log_text(app, run_ids[0]), "the log")
        assert log_text(app, run_ids[0]) == ["the log cannot be shown: events.jsonl cannot be read: No such file or directory"]


async def test_an_ended_runs_tab_shows_its_whole_log_when_opened(results):
    worker = ended_run(results, "20261124-000000-example-oracle-0000")
    lines = events_path(worker.folder).read_text(encoding="utf-8").splitlines()
    app = make_app(results, start="runs", watch="poll")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.state.loaded, "the first scan")
        assert not app.state.views[worker.spec.run_id].events_read
        app.open_monitor(worker.spec.run_id)
        await wait_until(pilot, lambda: len(log_text(app, worker.spec.run_id)) == len(lines), "every line")
        text = log_text(app, worker.spec.run_id)
        assert "run started" in text[0] and "run completed" in text[-1]
        assert any("sprint-plan" in line and "FAILED" in line for line in text)
        assert app.state.views[worker.spec.run_id].cells == {f"{s}__1": o for s, o in zip(
            SCENARIOS, ["passed", "passed", "failed"], strict=True)}
