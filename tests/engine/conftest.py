"""Helpers for the engine's tests: the CLI in-process and as a subprocess, the results folder, small harness files,
a fingerprint of a folder (to show that bad input changed nothing), bounded waits (never bare sleeps), and a worker
frozen with SIGSTOP at the moment a test looks at it (so a fast worker cannot finish the run before the test acts)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from jira_bench_tui.cli import main
from jira_bench_tui.engine import run_folder

REPO = Path(__file__).resolve().parents[2]


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:  # noqa: A002 - click's name
    """Run `jira-bench ARGS` in-process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, input=input)
    return result.exit_code, result.stdout, result.stderr


def cli_subprocess(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m jira_bench_tui ARGS` as its own process (same environment, so the same results folder)."""
    return subprocess.run([sys.executable, "-m", "jira_bench_tui", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=os.environ.copy())


def wait_for(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    """Poll `condition` until it returns something truthy (returned), or fail after `timeout` seconds (generous: a
    loaded CI machine can take many seconds to start a worker; only a failure waits that long)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


def _all_threads_stopped(pid: int) -> bool:
    """Every thread of `pid` is stopped (state T), or the process is gone or a zombie."""
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        try:
            state = stat.read_text(encoding="ascii", errors="replace").rsplit(")", 1)[-1].split()[0]
        except (OSError, IndexError):
            continue  # a thread that just ended
        if state not in ("T", "t", "Z", "X"):
            return False
    return True


def stop(pid: int) -> None:
    """Freeze process `pid` (SIGSTOP) and wait until all its threads (the worker's heartbeat too) have stopped."""
    try:
        os.kill(pid, signal.SIGSTOP)
    except ProcessLookupError:
        raise AssertionError(f"process {pid} ended before the test could pause it") from None
    wait_for(lambda: _all_threads_stopped(pid), timeout=10, what=f"process {pid} to stop")


def go_on(pid: int) -> None:
    """Let a process frozen by `stop` go on (SIGCONT; nothing when it is gone)."""
    try:
        os.kill(pid, signal.SIGCONT)
    except ProcessLookupError:
        pass


def stop_when(pid: int, condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Freeze process `pid` at the first look where `condition()` holds while it is frozen; `condition`'s value.

    The process runs between looks; a look that finds `condition` true freezes it and looks again, so what the test
    saw is exactly where the process is: it cannot finish the run between the look and whatever the test does next.
    `go_on(pid)` (or a signal sent with `signal_stopped` or `cancel_stopped`) lets it continue. AssertionError on
    timeout (the process is left running)."""
    def frozen_and_true() -> Any:
        if not condition():  # looks that find nothing leave the process alone (no slower start)
            return None
        stop(pid)
        value = condition()
        if not value:
            go_on(pid)
        return value

    return wait_for(frozen_and_true, timeout=timeout, what=what)


def signal_stopped(pid: int, signum: int) -> None:
    """Send `signum` to a process frozen by `stop`, then let it go on: it meets the signal before anything else."""
    os.kill(pid, signum)
    go_on(pid)


def _pending(pid: int, signum: int) -> bool:
    """Whether `signum` waits, undelivered, for process `pid` (always true once the process is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return True
    masks = [int(line.split()[1], 16) for line in status.splitlines() if line.startswith(("ShdPnd:", "SigPnd:"))]
    return any(mask >> (signum - 1) & 1 for mask in masks) or not run_folder.pid_alive(pid)


def cancel_stopped(pid: int, cancel: Callable[[], Any], signum: int = signal.SIGTERM) -> Any:
    """Run `cancel()` (kill_run, `jira-bench kill`: it signals process `pid`, frozen by `stop`, and waits for it to
    end) in a thread; once its `signum` is pending, let the process go on, so it meets the signal before it can do
    anything else. `cancel()`'s value (its exception raised here)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(cancel)
        try:
            wait_for(lambda: future.done() or _pending(pid, signum), what=f"signal {signum} sent to process {pid}")
        finally:
            go_on(pid)
        return future.result(timeout=120)


def taken_over(folder: Path) -> bool:
    """A worker runs the run: its state says running and its `run_started` event is written (what `attach` shows
    first)."""
    return (run_folder.read_state(folder).status == "running"
            and b'"run_started"' in run_folder.events_path(folder).read_bytes())


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under `folder` with a hash of its bytes (an empty dict when the folder does not exist)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read_events(folder: Path) -> list[run_folder.AnyEvent]:
    """Every whole event of a run so far, typed (the public reading path: an EventReader from the start)."""
    return run_folder.EventReader.for_run(folder).read_new()


def run_folders(results: Path) -> list[Path]:
    root = run_folder.runs_dir(results)
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def only_run(results: Path) -> Path:
    folders = run_folders(results)
    assert len(folders) == 1, folders
    return folders[0]


def write_harness(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def many_trials_harness(path: Path, scenarios: int = 1) -> Path:
    """A real harness on the example fixture whose scenarios are small and quick (one search, one answer check)."""
    items = [
        {
            "id": f"count-bugs-{i}",
            "prompt": "How many open bugs are in the storefront project?",
            "checks": [{"kind": "answer", "contains": ["3"]}, {"kind": "unchanged"}],
            "solution": {
                "steps": [{"tool": "jira_search", "arguments": {"jql": "project = WEB AND issuetype = Bug"}}],
                "answer": "There are 3 open bugs.",
            },
        }
        for i in range(1, scenarios + 1)
    ]
    return write_harness(path, {"name": "many", "fixture": "builtin:example", "scenarios": items})


@pytest.fixture
def results() -> Path:
    """The results folder of this test (the root conftest points JIRA_BENCH_RESULTS at a fresh one)."""
    return Path(os.environ["JIRA_BENCH_RESULTS"])


@pytest.fixture
def pids_to_reap() -> Any:
    """Worker pids a test started: any still alive at the end are killed (only these, by pid)."""
    pids: list[int] = []
    yield pids
    import signal

    for pid in pids:
        if run_folder.pid_alive(pid):
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def assert_consistent(folder: Path) -> None:
    """After any end of a run: every JSON file parses, no hidden temp file is left, and state = summary = events =
    artifacts (counts, per-scenario counts, and the last `trial_finished` of each trial, less those set aside)."""
    for path in [*folder.glob("*.json"), *run_folder.trials_dir(folder).glob("*.json")]:
        json.loads(path.read_text(encoding="utf-8"))
    state = run_folder.read_state(folder)
    assert state.status in run_folder.FINAL_STATUSES, state.status
    artifacts = {a.key: a.outcome for a in run_folder.scan_trials(folder).artifacts}
    buckets = {"passed": 0, "failed": 0, "error": 0}
    for outcome in artifacts.values():
        buckets[outcome] += 1
    counts = state.counts
    assert (counts.done, counts.passed, counts.failed, counts.errored, counts.running) == (
        len(artifacts), buckets["passed"], buckets["failed"], buckets["error"], 0), (counts, buckets)
    per_scenario = {sid: c.done for sid, c in state.scenarios.items()}
    assert sum(per_scenario.values()) == len(artifacts)
    summary = run_folder.read_summary(folder)
    assert summary is not None and summary.status == state.status
    assert (summary.done, summary.passed, summary.failed, summary.errored) == (
        counts.done, counts.passed, counts.failed, counts.errored)
    assert run_folder.finished_in_events(folder) == artifacts
    last = [e for e in read_events(folder) if isinstance(e, run_folder.RunFinishedEvent)][-1]
    assert (last.status, last.passed, last.failed, last.errored) == (
        state.status, counts.passed, counts.failed, counts.errored)
    hidden = [p.name for p in [*folder.iterdir(), *run_folder.trials_dir(folder).iterdir()]
              if p.name.startswith(".") and p.name.endswith(".tmp")]
    assert not hidden, hidden
