"""A worker killed with SIGKILL at random moments leaves only whole JSON files; `view list` says interrupted;
`resume` finishes with exactly the missing trials and redoes none of the finished ones."""

from __future__ import annotations

import json
import os
import random
import signal
from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run
from jira_bench_tui.engine.spawn import spawn_worker

from .conftest import invoke, many_trials_harness, read_events, wait_for

RUNS = 3
ROUNDS = 5
KILL_POINTS = RUNS * ROUNDS
TRIALS = 40


def assert_only_whole_json(folder: Path) -> None:
    for path in [*folder.glob("*.json"), *run_folder.trials_dir(folder).glob("*.json")]:
        json.loads(path.read_text(encoding="utf-8"))  # raises on a half-written file
    run_folder.read_spec(folder)
    run_folder.read_state(folder)
    reader = run_folder.EventReader.for_run(folder)
    reader.read_new()
    assert reader.skipped <= KILL_POINTS  # at most one cut line per kill


def artifact_stamps(folder: Path) -> dict[str, tuple[int, str]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_text(encoding="utf-8"))
            for p in run_folder.trials_dir(folder).glob("*.json")}


def events_lines(folder: Path) -> int:
    return run_folder.events_path(folder).read_bytes().count(b"\n")


def test_sigkill_at_random_moments_then_resume(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    """Three runs side by side (to save time), each killed ROUNDS times: 15 kills in all."""
    rng = random.Random(20261124)
    harness = many_trials_harness(tmp_path / "many.json")
    folders = [create_run(RunRequest(harness=str(harness), runs=TRIALS, concurrency=1), results) for _ in range(RUNS)]
    done_before = {folder: 0 for folder in folders}
    kills = 0
    for _round in range(ROUNDS):
        workers = {}
        for folder in folders:
            workers[folder] = spawn_worker(folder)
            pids_to_reap.append(workers[folder])
        targets: dict[Path, int] = {}
        for folder, pid in workers.items():
            wait_for(lambda f=folder, p=pid: run_folder.read_state(f).pid == p, what="worker takeover")  # type: ignore[misc]
            targets[folder] = events_lines(folder) + rng.randint(0, 24)  # a random point of some trial

        def kill_those_due(workers: dict[Path, int] = workers, targets: dict[Path, int] = targets) -> bool:
            for folder, pid in workers.items():
                if folder in targets and (events_lines(folder) >= targets[folder]
                                          or run_folder.load_run(folder).status == "completed"):
                    os.kill(pid, signal.SIGKILL)
                    del targets[folder]
            return not targets

        wait_for(kill_those_due, what="every kill moment")
        kills += len(workers)
        for folder, pid in workers.items():
            wait_for(lambda p=pid: not run_folder.pid_alive(p), what="worker death")  # type: ignore[misc]
            assert_only_whole_json(folder)
            info = run_folder.load_run(folder)
            assert info.status in ("interrupted", "completed"), info.status
            if info.status == "interrupted":
                _, listing, _ = invoke("view", "list")
                assert f"{folder.name}  interrupted" in listing
            done = len(run_folder.finished_trials(folder))
            assert done >= done_before[folder]
            done_before[folder] = done
    assert kills >= 15

    for folder in folders:
        before = artifact_stamps(folder)
        assert len(before) < TRIALS, "the run finished before it could be resumed: raise TRIALS"
        code, out, err = invoke("resume", folder.name)
        assert code == 0, err
        assert f"resuming run {folder.name}: {TRIALS - len(before)} trials to do" in out
        after = artifact_stamps(folder)
        assert len(after) == TRIALS
        assert all(after[name] == stamp for name, stamp in before.items())  # no finished trial redone
        state = run_folder.read_state(folder)
        assert state.status == "completed" and state.counts.done == state.counts.passed == TRIALS
        last_start = [e for e in read_events(folder) if isinstance(e, run_folder.RunStartedEvent)][-1]
        assert last_start.pending == TRIALS - len(before) and last_start.resumed is True
        assert_only_whole_json(folder)
