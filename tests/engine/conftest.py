"""Helpers for the engine's tests: the CLI in-process and as a subprocess, the results folder, small harness files,
a fingerprint of a folder (to show that bad input changed nothing), and bounded waits (never bare sleeps)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
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
