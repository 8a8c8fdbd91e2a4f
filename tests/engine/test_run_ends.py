"""After any end of a run (cancel, kill -9 then resume, a worker killed before it took over) the run folder agrees
with itself: state = summary = events = artifacts (issue 13, items 5 and 6, and the hidden temp files of item 9)."""

from __future__ import annotations

import json
import os
import random
import signal
import time
from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run, launch
from jira_bench_tui.engine.spawn import spawn_worker

from .conftest import assert_consistent, invoke, many_trials_harness, read_events, wait_for


def _events_lines(folder: Path) -> int:
    return run_folder.events_path(folder).read_bytes().count(b"\n")


def test_a_worker_killed_before_it_took_over_is_interrupted_at_once(results: Path, tmp_path: Path,
                                                                    pids_to_reap: list[int]) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=3), results)
    pid = spawn_worker(folder)
    pids_to_reap.append(pid)
    os.kill(pid, signal.SIGKILL)  # long before it could import the engine and take the run over
    wait_for(lambda: not run_folder.pid_alive(pid), what="worker death")
    state = run_folder.read_state(folder)
    assert state.status == "queued" and state.pid is None  # it never took over
    assert run_folder.read_worker_lock(folder) is not None  # ...but the lock says who its worker was
    code, out, _err = invoke("view", "list")
    assert f"{folder.name}  interrupted" in out
    code, out, err = invoke("resume", folder.name)  # at once: no 30 s wait
    assert code == 0, err
    assert run_folder.read_state(folder).counts.passed == 3
    assert_consistent(folder)


async def test_the_app_shows_a_worker_killed_before_takeover_as_interrupted(results: Path, tmp_path: Path,
                                                                             pids_to_reap: list[int]) -> None:
    from jira_bench_tui.tui.app import make_app
    from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=3), results)
    pid = spawn_worker(folder)
    pids_to_reap.append(pid)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not run_folder.pid_alive(pid), what="worker death")
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tables = {t.id: t for t in app.runs_screen.query(RunsTable)}
        assert tables["table-interrupted"].run_ids == [folder.name]


def _drop_finished_event(folder: Path, key: str) -> None:
    lines = run_folder.events_path(folder).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not ('"trial_finished"' in line and f'"trial": "{key}"' in line)]
    assert len(kept) == len(lines) - 1
    run_folder.events_path(folder).write_text("".join(kept), encoding="utf-8")


def _lose_a_count(folder: Path, status: str) -> str:
    """The state the issue found: one artifact on disk without its trial_finished event, counted nowhere."""
    key = sorted(a.key for a in run_folder.scan_trials(folder).artifacts)[0]
    _drop_finished_event(folder, key)
    state = run_folder.read_state(folder)
    state.status = status  # type: ignore[assignment]
    state.counts.done -= 1
    state.counts.passed -= 1
    run_folder.write_state(folder, state)
    return key


def test_resume_reconciles_a_count_lost_on_cancel(results: Path, tmp_path: Path) -> None:
    code, _out, err = invoke("run", str(many_trials_harness(tmp_path / "many.json")), "--runs", "6")
    assert code == 0, err
    folder = next(run_folder.runs_dir(results).iterdir())
    key = _lose_a_count(folder, "cancelled")
    run_folder.trial_path(folder, "count-bugs-1", 6).unlink()  # one trial left to do
    stale = [folder / ".state.json.k3j4.tmp", run_folder.trials_dir(folder) / ".count-bugs-1__6.json.x9.tmp",
             folder / ".worker.lock.123.ab12.tmp"]
    for path in stale:  # what a kill -9 in the middle of atomic writes leaves
        path.write_text("{", encoding="utf-8")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    code, out, err = invoke("resume", folder.name)
    assert code == 0 and "1 trials to do" in out, err
    assert_consistent(folder)
    late = [e for e in read_events(folder) if isinstance(e, run_folder.TrialFinishedEvent) and e.trial == key]
    assert len(late) == 1 and getattr(late[0], "reconciled", False) is True
    assert not any(path.exists() for path in stale)


def test_kill_of_a_dead_worker_reconciles_the_run(results: Path, tmp_path: Path) -> None:
    code, _out, err = invoke("run", str(many_trials_harness(tmp_path / "many.json")), "--runs", "4")
    assert code == 0, err
    folder = next(run_folder.runs_dir(results).iterdir())
    run_folder.summary_path(folder).unlink()
    _lose_a_count(folder, "running")  # a worker killed -9 between the artifact and its event
    code, out, err = invoke("kill", folder.name)
    assert code == 0 and "4/4 trials done" in out, err
    assert_consistent(folder)


def test_sigterm_of_a_busy_run_at_random_moments_keeps_every_count(results: Path, tmp_path: Path,
                                                                   pids_to_reap: list[int]) -> None:
    rng = random.Random(13)
    harness = many_trials_harness(tmp_path / "many.json", scenarios=3)
    folder, pid = launch(RunRequest(harness=str(harness), runs=30, concurrency=16), results)
    for round_ in range(6):
        pids_to_reap.append(pid)
        wait_for(lambda p=pid: run_folder.read_state(folder).pid == p, what="worker takeover")  # type: ignore[misc]
        target = _events_lines(folder) + rng.randint(5, 40)
        wait_for(lambda t=target: _events_lines(folder) >= t or run_folder.load_run(folder).status == "completed",
                 what="the moment to stop it")
        os.kill(pid, signal.SIGTERM)
        wait_for(lambda p=pid: not run_folder.pid_alive(p), what="the worker to end")
        assert_consistent(folder)
        if run_folder.read_state(folder).status == "completed":
            break
        assert run_folder.read_state(folder).status == "cancelled", round_
        code, out, err = invoke("resume", folder.name, "--background")
        assert code == 0, err
        pid = int(out.split("worker pid ")[1].split(")")[0])
    pids_to_reap.append(pid)
    wait_for(lambda: run_folder.read_state(folder).status == "completed", what="the run to complete")
    wait_for(lambda: not run_folder.pid_alive(pid), what="the worker to end")
    assert_consistent(folder)
    assert json.loads(run_folder.summary_path(folder).read_text())["passed"] == 90
