"""A worker killed with SIGKILL at any moment leaves only whole JSON files; `view list` says interrupted; `resume`
finishes with exactly the missing trials, redoes none of the finished ones, and leaves state = summary = events =
artifacts.

42 kill points in all (issue 13): before the worker took the run over (right after the spawn), during the takeover
(its first state write: the resume's reconciling and setting aside), in the middle of trials, and during the final
writes (reconcile, summary.json, run_finished, the last state). Runs are killed side by side, so the whole test
costs about as much as a few runs."""

from __future__ import annotations

import json
import os
import random
import signal
from collections.abc import Callable
from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run
from jira_bench_tui.engine.spawn import spawn_worker

from .conftest import assert_consistent, go_on, invoke, many_trials_harness, read_events, stop, wait_for

LONG_RUNS = 6
ROUNDS = 6
TRIALS = 20
SHORT_RUNS = 6
SHORT_TRIALS = 3
KINDS = ("before takeover", "during takeover", "mid-trial")


def assert_only_whole_json(folder: Path, kills: int) -> None:
    for path in [*folder.glob("*.json"), *run_folder.trials_dir(folder).glob("*.json")]:
        json.loads(path.read_text(encoding="utf-8"))  # raises on a half-written file
    run_folder.read_spec(folder)
    run_folder.read_state(folder)
    reader = run_folder.EventReader.for_run(folder)
    reader.read_new()
    assert reader.skipped <= kills  # at most one cut line per kill


def artifact_stamps(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_text(encoding="utf-8"))
            for p in run_folder.trials_dir(folder).glob("*.json")}


def events_lines(folder: Path) -> int:
    return run_folder.events_path(folder).read_bytes().count(b"\n")


def finished_count(folder: Path) -> int:
    return run_folder.events_path(folder).read_bytes().count(b'"trial_finished"')


def _moment(kind: str, folder: Path, pid: int, rng: random.Random) -> Callable[[], bool]:
    """When to kill a worker of this kind of point (checked in one loop for all the runs at once)."""
    if kind == "before takeover":
        return lambda: True
    if kind == "during takeover":
        return lambda: run_folder.read_state(folder).pid == pid
    if kind == "final writes":
        total = run_folder.read_spec(folder).total_trials
        return lambda: finished_count(folder) >= total or run_folder.read_state(folder).status == "completed"
    target = events_lines(folder) + rng.randint(1, 24)  # a random point of some trial
    total = run_folder.read_spec(folder).total_trials
    # never once every trial has finished (that is a final-writes point): the run stays one to resume
    return lambda: (run_folder.read_state(folder).pid == pid and events_lines(folder) >= target
                    and finished_count(folder) < total) or run_folder.read_state(folder).status == "completed"


def _still_due(pid: int, moment: Callable[[], bool]) -> bool:
    """Pause the worker and look again: True leaves it paused at a point that is due (for the kill), False lets it
    go on (it moved past the point while the test looked, e.g. finished its last trial)."""
    try:
        stop(pid)
    except AssertionError:
        return True  # already gone (a finished run): the kill is a no-op
    if moment():
        return True
    go_on(pid)
    return False


def kill_round(folders: dict[Path, str], rng: random.Random, pids_to_reap: list[int], resume: bool) -> int:
    """Spawn a worker for every run, kill each at its kind of moment; the number of kills."""
    workers = {folder: spawn_worker(folder, resume=resume) for folder in folders}
    pids_to_reap += workers.values()
    due = {folder: _moment(kind, folder, workers[folder], rng) for folder, kind in folders.items()}

    def kill_those_due() -> bool:
        for folder in list(due):
            if due[folder]() and _still_due(workers[folder], due[folder]):
                os.kill(workers[folder], signal.SIGKILL)  # paused at the very point looked at
                del due[folder]
        return not due

    wait_for(kill_those_due, what="every kill moment")
    for pid in workers.values():
        wait_for(lambda p=pid: not run_folder.pid_alive(p), what="worker death")  # type: ignore[misc]
    return len(workers)


def test_sigkill_at_42_points_then_resume(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    rng = random.Random(20261124)
    harness = str(many_trials_harness(tmp_path / "many.json"))
    long_runs = [create_run(RunRequest(harness=harness, runs=TRIALS, concurrency=1), results)
                 for _ in range(LONG_RUNS)]
    short_runs = [create_run(RunRequest(harness=harness, runs=SHORT_TRIALS, concurrency=1), results)
                  for _ in range(SHORT_RUNS)]
    kills = {folder: 0 for folder in [*long_runs, *short_runs]}
    for round_ in range(ROUNDS):
        kinds = {folder: KINDS[(round_ + index) % len(KINDS)] for index, folder in enumerate(long_runs)}
        kill_round(kinds, rng, pids_to_reap, resume=round_ > 0)
        for folder in long_runs:
            kills[folder] += 1
            assert_only_whole_json(folder, kills[folder])
            assert run_folder.load_run(folder).status in ("interrupted", "completed")
    kill_round({folder: "final writes" for folder in short_runs}, rng, pids_to_reap, resume=False)
    for folder in short_runs:
        kills[folder] += 1
        assert_only_whole_json(folder, kills[folder])
    assert sum(kills.values()) >= 40
    _, listing, _ = invoke("view", "list")
    interrupted = [f for f in kills if run_folder.load_run(f).status == "interrupted"]
    assert all(f"{folder.name}  interrupted" in listing for folder in interrupted)

    for folder in kills:
        before = artifact_stamps(folder)
        total = run_folder.read_spec(folder).total_trials
        if run_folder.read_state(folder).status != "completed":
            assert folder in short_runs or len(before) < total, "the run finished before it could be resumed"
            code, out, err = invoke("resume", folder.name)
            assert code == 0, err
            assert f"resuming run {folder.name}: {total - len(before)} trials to do" in out
            last_start = [e for e in read_events(folder) if isinstance(e, run_folder.RunStartedEvent)][-1]
            assert last_start.pending == total - len(before) and last_start.resumed is True
        after = artifact_stamps(folder)
        assert len(after) == total
        assert all(after[name] == stamp for name, stamp in before.items())  # no finished trial redone
        state = run_folder.read_state(folder)
        assert state.status == "completed" and state.counts.done == state.counts.passed == total
        assert_consistent(folder)
