"""Background runs: the worker outlives the process that started it, `view list` shows it move, `attach` streams it,
`kill` cancels it and `resume` finishes it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, kill_run, launch, resume_run

from .conftest import (
    REPO,
    cancel_stopped,
    go_on,
    invoke,
    many_trials_harness,
    only_run,
    read_events,
    signal_stopped,
    stop,
    stop_when,
    taken_over,
    wait_for,
)


def _done_in_view_list(run_id: str) -> int | None:
    code, out, _ = invoke("view", "list")
    assert code == 0
    for line in out.splitlines():
        if run_id in line:
            match = re.search(r"\s(\d+)/\d+ \|", line)
            return int(match.group(1)) if match else None
    return None


def test_background_run_outlives_its_launcher_and_attach_streams_it(results: Path, tmp_path: Path,
                                                                   pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json", scenarios=2)
    launcher = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "run", str(harness), "--runs", "15",
                                 "--concurrency", "1", "--background"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=REPO, env=os.environ.copy())
    assert launcher.stdout is not None and launcher.stderr is not None
    out = launcher.stdout.readline()
    pid = int(re.search(r"worker pid (\d+)", out).group(1))  # type: ignore[union-attr]
    pids_to_reap.append(pid)
    stop(pid)  # just spawned: paused, it cannot finish its 30 trials before `view list` has seen some left to do
    out += launcher.stdout.read()
    err = launcher.stderr.read()
    assert launcher.wait(timeout=60) == 0, err
    assert "in the background (worker pid" in out and "jira-bench attach" in out
    folder = only_run(results)
    # the `jira-bench run` process has exited; its worker goes on
    assert run_folder.pid_alive(pid)
    seen = _done_in_view_list(folder.name)
    assert seen is not None and seen < 30
    go_on(pid)
    wait_for(lambda: (_done_in_view_list(folder.name) or 0) > seen, what="progress moving")

    code, out, err = invoke("attach", folder.name)  # follows until the run ends
    assert code == 0, err
    lines = out.splitlines()
    assert "run started: 30 of 30 trials to do" in lines[0]
    assert any("→ jira_search" in line for line in lines)
    assert any("check 1 answer passed" in line for line in lines)
    assert sum("finished PASSED in" in line for line in lines) == 30
    assert "run completed: 30 passed" in out and out.rstrip().endswith("is completed")
    assert wait_for(lambda: not run_folder.pid_alive(pid), what="worker exit")
    assert "interrupted" not in invoke("view", "list")[1]


def test_kill_then_resume_in_the_background(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=40, concurrency=1), results)
    pids_to_reap.append(pid)
    stop_when(pid, lambda: run_folder.read_state(folder).counts.done >= 3
              and len(run_folder.finished_trials(folder)) < 30, what="some trials done, many left")
    cancel_stopped(pid, lambda: kill_run(folder))
    assert not run_folder.pid_alive(pid)
    state = run_folder.read_state(folder)
    assert state.status == "cancelled" and state.counts.running == 0
    done_before = run_folder.finished_trials(folder)
    assert 3 <= len(done_before) < 40
    assert isinstance(read_events(folder)[-1], run_folder.RunFinishedEvent)

    new_pid = resume_run(folder)
    pids_to_reap.append(new_pid)
    wait_for(lambda: run_folder.read_state(folder).status == "completed", timeout=60, what="resumed run to complete")
    state = run_folder.read_state(folder)
    assert state.counts.done == state.counts.passed == 40
    starts = [e for e in read_events(folder) if isinstance(e, run_folder.RunStartedEvent)]
    assert starts[-1].resumed is True and starts[-1].pending == 40 - len(done_before)


def test_kill_command_cancels_a_background_run(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=400, concurrency=2), results)
    pids_to_reap.append(pid)
    stop_when(pid, lambda: taken_over(folder), what="worker takeover")
    code, out, err = cancel_stopped(pid, lambda: invoke("kill", folder.name))
    assert code == 0, err
    assert f"run {folder.name} cancelled with" in out and "jira-bench resume" in out
    assert run_folder.read_state(folder).status == "cancelled" and not run_folder.pid_alive(pid)
    assert run_folder.read_summary(folder) is not None
    _, listing, _ = invoke("view", "list")
    assert "cancelled" in listing


def test_ctrl_c_cancels_a_foreground_run_cleanly(results: Path, tmp_path: Path) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "run", str(harness), "--runs", "400",
                                "--concurrency", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=REPO, env=os.environ.copy())
    try:
        folder = wait_for(lambda: next(run_folder.runs_dir(results).glob("*/state.json"), None), what="the run folder").parent
        wait_for(lambda: run_folder.load_run(folder).state and run_folder.read_state(folder).counts.done >= 2,
                 what="some trials done")
        heartbeat = run_folder.read_state(folder).updated_at
        wait_for(lambda: run_folder.read_state(folder).updated_at > heartbeat, timeout=3, what="a heartbeat")
        stop_when(process.pid, lambda: run_folder.read_state(folder).status == "running", what="the run going on")
        signal_stopped(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "cancelled; finish it with `jira-bench resume" in err and "Traceback" not in err
    state = run_folder.read_state(folder)
    assert state.status == "cancelled" and state.counts.running == 0 and state.finished_at
    last = read_events(folder)[-1]
    assert isinstance(last, run_folder.RunFinishedEvent) and last.status == "cancelled"
    assert all(json.loads(p.read_text()) for p in run_folder.trials_dir(folder).glob("*.json"))


def test_ctrl_c_detaches_attach_and_the_run_goes_on(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=400, concurrency=1), results)
    pids_to_reap.append(pid)
    stop_when(pid, lambda: taken_over(folder), what="worker takeover")  # it goes on after the detach
    attach = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "attach", folder.name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                              env=os.environ.copy())
    try:
        assert attach.stdout is not None
        first = attach.stdout.readline()  # blocks until attach prints the first event
        assert "run started" in first
        attach.send_signal(signal.SIGINT)
        out, err = attach.communicate(timeout=30)
    finally:
        if attach.poll() is None:
            attach.kill()
    assert attach.returncode == 0 and "detached; run" in err and "Traceback" not in err
    assert run_folder.pid_alive(pid) and run_folder.read_state(folder).status == "running"
    go_on(pid)  # a worker paused over 10 s shows interrupted until its next heartbeat
    wait_for(lambda: run_folder.load_run(folder).status == "running", what="the run going on")
    kill_run(folder)


def test_a_second_worker_for_a_running_run_refuses(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    harness = many_trials_harness(tmp_path / "many.json")
    folder, pid = launch(RunRequest(harness=str(harness), runs=400, concurrency=1), results)
    pids_to_reap.append(pid)
    # paused while the others try (resume first: it says `running` only while the heartbeat is under 10 s old)
    stop_when(pid, lambda: run_folder.read_state(folder).pid == pid, what="worker takeover")
    code, _, err = invoke("resume", folder.name)
    assert code == 2 and f"already has a worker (pid {pid}); it is running" in err
    second = subprocess.run([sys.executable, "-m", "jira_bench_tui.engine.worker", str(folder)], capture_output=True,
                            text=True, timeout=60, cwd=REPO, env=os.environ.copy())
    assert second.returncode == 2 and f"already has a worker (pid {pid})" in second.stderr
    assert run_folder.read_state(folder).pid == pid
    cancel_stopped(pid, lambda: kill_run(folder))
