"""Reliability fixes of the run engine (issue #4 follow-up): crashes end `failed` and resumable, a closed display
does not hurt the run, kill/clean never touch a process that is not the run's worker, one worker per run (lock),
corrupt artifacts are redone and reported, bad limits are refused, spec.json alone drives a run, honest scores."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from jira_bench_tui.engine import control, run_folder, worker, worker_lock
from jira_bench_tui.engine.launcher import RunRequest, create_run, kill_run, launch, resume_run
from jira_bench_tui.engine.run_folder import run_files
from jira_bench_tui.engine.runs_text import format_runs_list
from jira_bench_tui.engine.spawn import spawn_worker

from .conftest import (
    REPO,
    cancel_stopped,
    fingerprint,
    go_on,
    invoke,
    many_trials_harness,
    only_run,
    read_events,
    stop,
    stop_when,
    taken_over,
    wait_for,
    write_harness,
)


def events_of(folder: Path, type_: str) -> list[Any]:
    return [e for e in read_events(folder) if e.type == type_]


# ---- 1. a crash is `failed` (resumable), never `completed`; a closed display stops only the display ------------


def test_a_worker_crash_fails_the_run_and_resume_finishes_it(results: Path, tmp_path: Path,
                                                            pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=24, concurrency=4), results)
    pids_to_reap.append(pid)
    # paused mid-run (trials done, more to write), so a fast worker cannot finish before the folder breaks
    stop_when(pid, lambda: run_folder.read_state(folder).counts.done
              and len(run_folder.finished_trials(folder)) < 24, what="the run under way")
    shutil.rmtree(run_folder.trials_dir(folder))
    run_folder.trials_dir(folder).touch()  # the next artifact cannot be written
    go_on(pid)
    wait_for(lambda: not run_folder.pid_alive(pid), what="the worker to stop")
    state = run_folder.read_state(folder)
    assert state.status == "failed" and state.counts.running == 0
    assert "the run stopped on an unexpected error" in (state.error or "")
    finished = read_events(folder)[-1]
    assert isinstance(finished, run_folder.RunFinishedEvent) and finished.status == "failed"
    assert "Traceback" in run_folder.worker_log_path(folder).read_text()  # the details are in the worker's log
    assert worker_lock.lock_holder(folder) is None and not run_folder.worker_lock_path(folder).exists()

    run_folder.trials_dir(folder).unlink()
    run_folder.trials_dir(folder).mkdir()
    code, out, err = invoke("resume", folder.name)
    assert code == 0, err
    state = run_folder.read_state(folder)
    assert state.status == "completed" and state.counts.done == state.counts.passed == 24


def test_foreground_run_piped_into_head_goes_on(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    # A one-page pipe, read a byte at a time: the run's ~10 kB of lines fill it, so the run waits on the pipe and is
    # still printing when the reader goes away, however fast its trials are.
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETPIPE_SZ, 4096)
    stdout = open(read_end, "rb", buffering=0)  # closed below, as `head` does
    process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "run", str(harness), "--runs", "100",
                                "--concurrency", "1"], stdout=write_end, stderr=subprocess.PIPE, text=True,
                               cwd=REPO, env=os.environ.copy())
    os.close(write_end)
    try:
        assert process.stderr is not None
        first_two = [stdout.readline().decode(), stdout.readline().decode()]  # what `| head -2` reads
        stdout.close()
        err = process.stderr.read()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert first_two[0].startswith("run ") and "run started" in first_two[1]
    assert "Traceback" not in err and process.returncode == 0, err
    folder = only_run(results)
    state = run_folder.read_state(folder)
    assert state.status == "completed" and state.counts.done == state.counts.passed == 100
    assert any("the display stopped (BrokenPipeError" in e.message for e in events_of(folder, "log"))


def test_a_display_that_raises_does_not_turn_trials_into_errors(results: Path, tmp_path: Path) -> None:
    import asyncio

    harness = many_trials_harness(tmp_path / "many.json")
    folder = create_run(RunRequest(harness=str(harness), runs=5), results)

    def broken_display(event: run_folder.AnyEvent) -> None:
        if isinstance(event, run_folder.ToolCallEvent):
            raise RuntimeError("terminal gone")

    state = asyncio.run(worker.run_worker(folder, on_event=broken_display))
    assert state.status == "completed" and state.counts.passed == 5 and state.counts.errored == 0


# ---- 2. kill signals only the run's own worker --------------------------------------------------------------


def test_kill_leaves_a_process_that_reuses_a_stale_pid_alone(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json"))), results)
    bystander = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE,
                                 start_new_session=True)
    try:
        state = run_folder.read_state(folder)
        state.status, state.pid, state.updated_at = "running", bystander.pid, time.time()
        run_folder.write_state(folder, state)  # a worker that died, its pid since taken by another program
        kill_run(folder)
        assert bystander.poll() is None, "kill signalled a process that is not the run's worker"
        assert run_folder.read_state(folder).status == "cancelled"
    finally:
        bystander.kill()
        bystander.wait()


# ---- 3. the heartbeat does not wait for a busy event loop; clean keeps runs whose worker lives ---------------


def test_heartbeat_goes_on_while_the_event_loop_is_blocked(results: Path, tmp_path: Path) -> None:
    import asyncio

    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=3), results)
    blocking, released = threading.Event(), threading.Event()

    def slow_display(event: run_folder.AnyEvent) -> None:
        if isinstance(event, run_folder.TrialFinishedEvent) and not blocking.is_set():
            blocking.set()
            released.wait(10)  # the loop is stuck here (a heavy, non-yielding piece of work)

    runner = threading.Thread(target=lambda: asyncio.run(worker.run_worker(folder, on_event=slow_display)))
    runner.start()
    try:
        blocking.wait(20)
        beat = run_folder.read_state(folder).updated_at
        wait_for(lambda: run_folder.read_state(folder).updated_at > beat + 0.5, timeout=5, what="heartbeats while blocked")
    finally:
        released.set()
        runner.join(30)
    assert run_folder.read_state(folder).status == "completed"


def test_clean_never_removes_a_run_whose_worker_is_alive(results: Path, tmp_path: Path,
                                                        pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=400, concurrency=1), results)
    pids_to_reap.append(pid)
    stop_when(pid, lambda: taken_over(folder), what="worker takeover")  # paused: alive, and not done
    later = time.time() + 60  # as if the heartbeat were a minute old: the run shows interrupted
    assert run_folder.load_run(folder, now=later).status == "interrupted"
    assert control.clean_candidates(results, None, ["interrupted"], now=later) == []
    info = run_folder.load_run(folder, now=later)
    assert control.remove_run(info) is False and folder.exists()
    cancel_stopped(pid, lambda: kill_run(folder))
    assert [i.run_id for i in control.clean_candidates(results, None, ["cancelled"])] == [folder.name]


# ---- 4. the run's lock: kill before takeover, no takeover of an ended run, one resume wins -------------------


def test_kill_right_after_launch_stops_the_worker_before_it_takes_over(results: Path, tmp_path: Path,
                                                                       pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=400, concurrency=1), results)
    pids_to_reap.append(pid)
    stop(pid)  # still starting (importing): it stays before its takeover until the kill's signal reaches it
    assert worker_lock.lock_holder(folder) == pid  # recorded by the launcher before the worker even started
    cancel_stopped(pid, lambda: kill_run(folder))
    assert not run_folder.pid_alive(pid)
    state = run_folder.read_state(folder)
    assert state.status == "cancelled" and state.counts.done == 0
    assert events_of(folder, "run_finished")[-1].status == "cancelled"


def test_a_worker_does_not_take_over_a_run_that_ended(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json"))), results)
    kill_run(folder)  # killed while queued, before any worker
    before = fingerprint(folder)
    late = subprocess.run([sys.executable, "-m", "jira_bench_tui.engine.worker", str(folder)], capture_output=True,
                          text=True, timeout=60, cwd=REPO, env=os.environ.copy())
    assert late.returncode == 2 and "is already cancelled; not taking it over" in late.stderr
    assert fingerprint(folder) == before


def test_two_resumes_at_once_only_one_wins(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder = create_run(RunRequest(harness=str(harness), runs=400, concurrency=1), results)
    kill_run(folder)
    before = len(events_of(folder, "run_started"))  # the first worker may have started before it was killed
    command = [sys.executable, "-m", "jira_bench_tui", "resume", folder.name, "--background"]
    both = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                             env=os.environ.copy()) for _ in range(2)]
    outcomes = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in both]  # type: ignore[union-attr]
    pids_to_reap += [int(pid) for _code, out, _err in outcomes for pid in re.findall(r"worker pid (\d+)", out)]
    codes = sorted(code for code, _, _ in outcomes)
    assert codes == [0, 2], outcomes
    loser = next(err for code, _, err in outcomes if code == 2)
    assert "already has a worker (pid" in loser and "Traceback" not in loser
    winner = int(re.findall(r"worker pid (\d+)", next(out for code, out, _ in outcomes if code == 0))[0])
    stop_when(winner, lambda: run_folder.read_state(folder).status == "running", what="the winner's takeover")
    cancel_stopped(winner, lambda: kill_run(folder))
    assert len(events_of(folder, "run_started")) == before + 1  # only one of the two resumes ran the run


# ---- 5. corrupt artifacts -----------------------------------------------------------------------------------


@pytest.fixture
def run_with_bad_artifacts(results: Path) -> Path:
    code, _, err = invoke("run", "builtin:example", "--runs", "2")
    assert code == 0, err
    folder = only_run(results)
    run_folder.trial_path(folder, "start-password-bug", 2).write_text('{"outcome": "pass')  # cut JSON
    run_folder.trial_path(folder, "count-open-storefront-bugs", 1).write_text(json.dumps({"outcome": 5, "steps": "x"}))
    state = run_folder.read_state(folder)
    state.status = "cancelled"  # as if the run stopped with these two on disk
    run_folder.write_state(folder, state)
    return folder


def test_report_and_replay_say_which_artifacts_are_unreadable(run_with_bad_artifacts: Path) -> None:
    folder = run_with_bad_artifacts
    before = fingerprint(folder)
    code, out, err = invoke("report", folder.name)
    assert code == 0 and "Traceback" not in err
    assert "2 trial artifacts are unreadable and left out of its scores" in err
    header, row, blank, title, *_stats = out.splitlines()  # the run table, then the statistics sections
    assert "unreadable" in header and "4/6" in row and (blank, title) == ("", "statistics (errors left out of rates)")
    code, out, err = invoke("report", folder.name, "--format", "json")
    assert json.loads(out)[0]["unreadable"] == 2
    code, out, err = invoke("replay", folder.name, "--plain", "--trial", "count-open-storefront-bugs__1")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "trial count-open-storefront-bugs__1 of run" in err and "is not a trial artifact" in err
    code, out, err = invoke("replay", folder.name, "--plain", "--trial", "start-password-bug__2")
    assert code == 2 and "is not valid JSON" in err
    code, out, err = invoke("replay", folder.name, "--plain")  # the first readable trial, with a note
    assert code == 0 and "2 trial artifacts are unreadable" in err and out.startswith("trial ")
    assert fingerprint(folder) == before


def test_resume_redoes_unreadable_artifacts_and_keeps_them_aside(run_with_bad_artifacts: Path) -> None:
    folder = run_with_bad_artifacts
    code, out, err = invoke("resume", folder.name)
    assert code == 0, err
    assert "resuming run" in out and "2 trials to do" in out
    trials = run_folder.trials_dir(folder)
    assert (trials / "start-password-bug__2.json.corrupt").read_text() == '{"outcome": "pass'
    assert (trials / "count-open-storefront-bugs__1.json.corrupt").exists()
    warnings = [e.message for e in events_of(folder, "log")]
    assert sum("kept as" in m and "run again" in m for m in warnings) == 2
    state = run_folder.read_state(folder)
    assert state.status == "completed" and state.counts.done == state.counts.passed == 6
    assert len(run_folder.scan_trials(folder).artifacts) == 6


# ---- 7. spec.json alone drives the run ------------------------------------------------------------------------


def _harness_with_fixture_file(tmp_path: Path) -> Path:
    fixture = json.loads((REPO / "jira_bench_tui/jira/fixtures/example.json").read_text())
    write_harness(tmp_path / "fixture.json", fixture)
    data = json.loads((REPO / "jira_bench_tui/harness/builtin/example.json").read_text())
    data["fixture"] = "fixture.json"
    return write_harness(tmp_path / "h.json", data)


def test_the_fixture_is_kept_with_the_spec(results: Path, tmp_path: Path) -> None:
    harness = _harness_with_fixture_file(tmp_path)
    folder = create_run(RunRequest(harness=str(harness), runs=1), results)
    spec = run_folder.read_spec(folder)
    assert spec.fixture_file is not None and run_folder.spec_fixture(folder, spec) is not None
    (tmp_path / "fixture.json").unlink()  # moved away after the launch
    assert worker.main([str(folder)]) == 0
    state = run_folder.read_state(folder)
    assert state.status == "completed" and state.counts.passed == 3


def test_resume_with_an_unusable_spec_is_bad_input_and_changes_nothing(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(_harness_with_fixture_file(tmp_path)), runs=1), results)
    kill_run(folder)
    spec = json.loads(run_folder.spec_path(folder).read_text())  # as older specs held it: inline
    spec["fixture"] = json.loads((results / spec.pop("fixture_file")["path"]).read_text())
    spec["fixture"]["issues"] = "not a list"
    run_folder.spec_path(folder).write_text(json.dumps(spec))
    before = fingerprint(results)
    code, out, err = invoke("resume", folder.name)
    assert code == 2 and err.startswith("error: ") and "fixture" in err and "Traceback" not in err
    assert fingerprint(results) == before


# ---- 9. view list tells the truth about partial runs ----------------------------------------------------------


def test_view_list_scores_a_partial_run_over_what_was_scored(results: Path, tmp_path: Path) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=255), results)
    state = run_folder.read_state(folder)
    state.status = "cancelled"
    state.counts = run_folder.Counts(total=255, done=44, passed=44)
    run_folder.write_state(folder, state)
    listing = format_runs_list(run_folder.list_runs(results))
    assert "44/44 (100%) of 255" in listing and "cancelled" in listing
    live = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=2), results)
    listing = format_runs_list(run_folder.list_runs(results), now=run_folder.read_spec(live).created_at + 20)
    assert "0/2 | started 20s ago" in listing


def test_running_never_exceeds_the_concurrency(results: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    seen: list[int] = []
    original = worker._StateKeeper.changed

    def recording(self: Any) -> None:
        seen.append(self.state.counts.running)
        original(self)

    monkeypatch.setattr(worker._StateKeeper, "changed", recording)
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=20,
                                   concurrency=1), results)
    state = asyncio.run(worker.run_worker(folder))
    assert state.status == "completed" and seen and max(seen) == 1


# ---- 11. small ones -----------------------------------------------------------------------------------------


def test_a_new_run_folder_appears_whole(results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    seen_while_building: list[list[str]] = []
    original = run_folder.write_state

    def watching(folder: Path, state: run_folder.RunState) -> None:
        seen_while_building.append([info.status for info in run_folder.list_runs(results)])
        original(folder, state)

    monkeypatch.setattr(run_files, "write_state", watching)
    folder = create_run(RunRequest(harness=str(harness)), results)
    assert seen_while_building == [[]]  # nothing listed (not even `unreadable`) until it is complete
    assert run_folder.load_run(folder).status == "queued"
    assert [p.name for p in run_folder.runs_dir(results).iterdir()] == [folder.name]


def test_clean_wording_for_one_run(results: Path) -> None:
    invoke("run", "builtin:example", "--model", "null", "--scenario", "start-password-bug")
    code, out, err = invoke("clean")
    assert code == 2 and "1 run would be removed; add --yes to remove it without asking" in err
    code, out, err = invoke("clean", "--yes")
    assert code == 0 and out.rstrip().endswith("1 run removed")


def test_resume_background_then_kill_leaves_no_lock(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "many.json")), runs=400), results)
    kill_run(folder)
    pid = resume_run(folder)
    pids_to_reap.append(pid)
    stop_when(pid, lambda: run_folder.read_state(folder).status == "running", what="takeover by the resumed worker")
    with pytest.raises(Exception, match="already has a worker"):
        spawn_worker(folder, resume=True)
    os.kill(pid, signal.SIGKILL)  # a stale lock is left behind (SIGKILL ends a paused process too)
    wait_for(lambda: not run_folder.pid_alive(pid), what="worker death")
    assert worker_lock.lock_holder(folder) is None  # the stale lock does not block a resume
    new_pid = resume_run(folder)
    pids_to_reap.append(new_pid)
    assert worker_lock.lock_holder(folder) == new_pid
    kill_run(folder)
    assert not run_folder.worker_lock_path(folder).exists() and run_folder.read_state(folder).status == "cancelled"


def test_kill_stops_a_foreground_run_that_holds_the_lock(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "run", str(harness), "--runs", "400",
                                "--concurrency", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               cwd=REPO, env=os.environ.copy())
    try:
        folder = wait_for(lambda: next(run_folder.runs_dir(results).glob("*/state.json"), None), what="the run").parent
        stop_when(process.pid, lambda: worker_lock.lock_holder(folder) == process.pid,
                  what="the foreground run to hold the lock")
        code, out, err = cancel_stopped(process.pid, lambda: invoke("kill", folder.name))
        assert code == 0, err
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130 and "Traceback" not in err
    assert run_folder.read_state(folder).status == "cancelled" and not run_folder.worker_lock_path(folder).exists()
