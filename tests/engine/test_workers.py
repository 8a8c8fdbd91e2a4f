"""Runs over several worker processes (`--workers N`): the same scores and artifacts as one process, one writer of
the run folder, and no process left behind by kill, Ctrl+C or a worker killed alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, kill_run, launch, resume_run

from .conftest import REPO, invoke, many_trials_harness, read_events, run_folders, stop_when, wait_for

TIMING_KEYS = {"run_id", "started_at", "finished_at", "duration_s", "queued_s", "latency_s", "wait_s"}


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _artifacts(folder: Path) -> dict[str, Any]:
    return {p.name: _without_timings(json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(run_folder.trials_dir(folder).glob("*.json"))}


def _trial_pids(folder: Path) -> list[int]:
    """The trial processes' pids, as the worker logged them."""
    for event in read_events(folder):
        pids = (event.model_extra or {}).get("worker_pids") if isinstance(event, run_folder.LogEvent) else None
        if pids:
            return [int(p) for p in pids]
    return []


def test_two_workers_give_the_same_scores_and_artifacts_as_one(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json", scenarios=3)
    for workers in ("1", "2"):
        code, _out, err = invoke("run", str(harness), "--runs", "4", "--concurrency", "4", "--workers", workers)
        assert code == 0, err
    # by the workers each spec asks for (run ids made in the same second sort by their random part)
    one, two = sorted(run_folders(results), key=lambda f: run_folder.read_spec(f).workers or 0)
    assert _artifacts(one) == _artifacts(two) and len(_artifacts(one)) == 12
    summaries = [run_folder.read_summary(f) for f in (one, two)]
    assert summaries[0] is not None and summaries[1] is not None
    assert (summaries[0].passed, summaries[0].pass_hat_k) == (summaries[1].passed, summaries[1].pass_hat_k) == (
        12, summaries[0].pass_hat_k)
    started = [e for e in read_events(two) if isinstance(e, run_folder.RunStartedEvent)]
    assert [e.workers for e in started] == [2]
    assert len(_trial_pids(two)) == 2 and not any(run_folder.pid_alive(p) for p in _trial_pids(two))


def test_one_writer_every_event_line_whole_and_in_order(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json", scenarios=2)
    code, _out, err = invoke("run", str(harness), "--runs", "20", "--concurrency", "8", "--workers", "2")
    assert code == 0, err
    folder = run_folders(results)[0]
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # no interleaved or cut line
    order: dict[str, list[str]] = {}
    for record in records:
        if "trial" in record and record["type"] != "log":
            order.setdefault(record["trial"], []).append(record["type"])
    assert len(order) == 40
    for types in order.values():
        assert types[0] == "trial_started" and types[-1] == "trial_finished"
        assert types.count("trial_started") == types.count("trial_finished") == 1
        assert types.index("tool_call") < types.index("tool_result") < types.index("check_result")
    assert all(r["queued_s"] >= 0 for r in records if r["type"] == "trial_started")
    state = run_folder.read_state(folder)
    assert state.status == "completed" and state.counts.passed == 40 and state.counts.running == 0


def test_kill_of_a_multi_worker_run_leaves_no_process(results: Path, tmp_path: Path,
                                                     pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=400, concurrency=4, workers=2), results)
    pids_to_reap.append(pid)
    children = wait_for(lambda: _trial_pids(folder), what="the trial processes")
    wait_for(lambda: run_folder.read_state(folder).counts.done >= 2, what="some trials done")
    kill_run(folder)
    assert not run_folder.pid_alive(pid)
    wait_for(lambda: not any(run_folder.pid_alive(p) for p in children), timeout=15, what="trial processes gone")
    state = run_folder.read_state(folder)
    assert state.status == "cancelled" and state.counts.running == 0


def test_a_worker_killed_alone_takes_its_trial_processes_with_it(results: Path, tmp_path: Path,
                                                                 pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=60, concurrency=4, workers=2), results)
    pids_to_reap.append(pid)
    children = wait_for(lambda: _trial_pids(folder), what="the trial processes")
    stop_when(pid, lambda: run_folder.read_state(folder).counts.done >= 2 and run_folder.read_state(folder).status
              == "running", what="some trials done")  # paused: it cannot end the run before the kill
    os.kill(pid, signal.SIGKILL)  # the worker alone, not its group
    wait_for(lambda: not any(run_folder.pid_alive(p) for p in children), timeout=15, what="trial processes gone")
    new_pid = resume_run(folder)
    pids_to_reap.append(new_pid)
    wait_for(lambda: run_folder.read_state(folder).status == "completed", timeout=120, what="the resumed run")
    assert run_folder.read_state(folder).counts.passed == 60


def test_ctrl_c_ends_a_foreground_multi_worker_run_and_its_processes(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "run", str(harness), "--runs", "400",
                                "--concurrency", "4", "--workers", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=REPO, env=os.environ.copy())
    try:
        folder = wait_for(lambda: next(run_folder.runs_dir(results).glob("*/state.json"), None),
                          what="the run folder").parent
        children = wait_for(lambda: _trial_pids(folder), what="the trial processes")
        wait_for(lambda: run_folder.read_state(folder).counts.done >= 2, what="some trials done")
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert not any(run_folder.pid_alive(p) for p in children)
    state = run_folder.read_state(folder)
    assert state.status == "cancelled" and state.counts.running == 0


def test_workers_out_of_range_is_bad_input(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    code, _out, err = invoke("run", str(harness), "--workers", "0")
    assert code == 2 and "workers must be a whole number from 1 to 256" in err
    assert run_folders(results) == []


def test_a_small_run_stays_in_one_process_by_default(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    code, _out, err = invoke("run", str(harness), "--runs", "3", "--concurrency", "4")
    assert code == 0, err
    started = [e for e in read_events(run_folders(results)[0]) if isinstance(e, run_folder.RunStartedEvent)]
    assert [e.workers for e in started] == [1]
