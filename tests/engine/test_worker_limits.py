"""Resource limits on workers (issue 13): `--max-memory`, `--max-cpu-time` and `--nice` are checked at launch, kept
in spec.json (old specs still load), applied by the real detached worker (and inherited by its `--server`
processes), and a worker that a limit stops ends the run `failed` with a sentence naming the limit, which `view
list` and the app show."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder

from .conftest import fingerprint, invoke, many_trials_harness, only_run, wait_for


def _background(*args: str) -> tuple[Path, int]:
    code, out, err = invoke("run", *args, "--background")
    assert code == 0, err
    pid = int(out.split("worker pid ")[1].split(")")[0])
    return Path(out.split("folder: ")[1].splitlines()[0]), pid


def _ended(folder: Path, pid: int) -> run_folder.RunState:
    wait_for(lambda: not run_folder.pid_alive(pid), timeout=180, what="the worker to end")  # CPU limits: slow when loaded
    return run_folder.read_state(folder)


@pytest.mark.parametrize(("option", "value", "phrase"), [
    ("--max-memory", "lots", "max memory wants a size"),
    ("--max-memory", "10M", "max memory must be from 256M"),
    ("--max-cpu-time", "-5s", "max CPU time wants a duration"),
    ("--max-cpu-time", "9999d", "max CPU time must be from 1 s to a week"),
    ("--nice", "20", "nice must be a whole number from 0 to 19"),
    ("--nice", "x", "nice must be a whole number from 0 to 19"),
])
def test_bad_limits_are_refused_before_anything_is_written(results: Path, option: str, value: str,
                                                           phrase: str) -> None:
    before = fingerprint(results)
    code, _out, err = invoke("run", "builtin:example", option, value)
    assert code == 2 and phrase in err and err.count("\n") == 1, err
    assert fingerprint(results) == before


def test_limits_are_kept_in_the_spec_and_old_specs_still_load(results: Path, tmp_path: Path,
                                                              pids_to_reap: list[int]) -> None:
    # in the background: a foreground run is its own worker, and would limit this test process
    folder, pid = _background(str(many_trials_harness(tmp_path / "h.json")), "--max-memory", "2G",
                              "--max-cpu-time", "30m", "--nice", "3")
    pids_to_reap.append(pid)
    assert _ended(folder, pid).status == "completed"
    spec = json.loads(run_folder.spec_path(folder).read_text())
    assert spec["limits"] == {"max_memory_bytes": 2 * 1024**3, "max_cpu_time_s": 1800.0, "nice": 3}
    del spec["limits"]  # a spec written before limits existed
    run_folder.spec_path(folder).write_text(json.dumps(spec))
    assert not run_folder.read_spec(folder).limits.any


def test_a_worker_over_its_cpu_time_fails_the_run_naming_the_limit(results: Path, tmp_path: Path,
                                                                   pids_to_reap: list[int]) -> None:
    harness = str(many_trials_harness(tmp_path / "h.json", scenarios=3))
    folder, pid = _background(harness, "--runs", "1000", "--max-cpu-time", "2s")
    pids_to_reap.append(pid)
    state = _ended(folder, pid)
    assert state.status == "failed" and state.error == "the worker reached its CPU time limit (--max-cpu-time 2s)"
    assert 0 < state.counts.done < 3000
    _code, listing, _err = invoke("view", "list")
    assert "failed" in listing and "the worker reached its CPU time limit (--max-cpu-time 2s)" in listing
    code, _out, err = invoke("resume", folder.name, "--background")  # resumable, like any failed run
    assert code == 0, err
    pids_to_reap.append(int(_out.split("worker pid ")[1].split(")")[0]))


def test_a_worker_over_its_memory_fails_the_run_naming_the_limit(results: Path, tmp_path: Path,
                                                                 pids_to_reap: list[int]) -> None:
    harness = str(many_trials_harness(tmp_path / "h.json"))
    code, _out, err = invoke("run", harness)
    assert code == 0, err
    earlier = only_run(results)
    path = run_folder.trial_path(earlier, "count-bugs-1", 1)
    artifact = json.loads(path.read_text())
    artifact["padding"] = "x" * (160 * 1024 * 1024)  # the replay agent reads it: 160 MB over a 256 MB limit
    path.write_text(json.dumps(artifact))
    del artifact
    folder, pid = _background(harness, "--model", f"replay:{earlier.name}", "--max-memory", "256M")
    pids_to_reap.append(pid)
    state = _ended(folder, pid)
    assert state.status == "failed" and state.error == "the worker reached its memory limit (--max-memory 256M)"


SERVER_SAYS_ITS_LIMITS = """
import os, sys
with open(sys.argv[1], "a") as out:
    limits = {line[:26].strip(): line[26:47].strip() for line in open("/proc/self/limits")}
    out.write(f"{os.nice(0)} {limits['Max cpu time']} {limits['Max address space']}\\n")
from jira_bench_tui.cli import main
sys.argv = ["jira-bench", "jira-server", "--fixture", "builtin:example"]
main()
"""


def test_limits_apply_to_the_worker_and_its_server_processes(results: Path, tmp_path: Path,
                                                             pids_to_reap: list[int]) -> None:
    script = tmp_path / "server.py"
    script.write_text(SERVER_SAYS_ITS_LIMITS, encoding="utf-8")
    said = tmp_path / "said"
    command = shlex.join([sys.executable, str(script), str(said)])
    folder, pid = _background("builtin:example", "--server", command, "--scenario", "start-password-bug",
                              "--max-memory", "4G", "--max-cpu-time", "1h", "--nice", "5")
    pids_to_reap.append(pid)
    assert _ended(folder, pid).status == "completed"
    lines = said.read_text().splitlines()
    assert lines[0].split()[0] == "0"  # the launch's probe: not limited
    nice, cpu, memory = lines[-1].split()  # the trial's server, started by the worker
    assert nice == "5" and memory == str(4 * 1024**3) and cpu != "unlimited"


async def test_the_app_shows_why_a_limited_run_failed(results: Path, tmp_path: Path,
                                                       pids_to_reap: list[int]) -> None:
    from jira_bench_tui.tui.app import make_app
    from jira_bench_tui.tui.widgets.runs.runs_table import RunsTable

    harness = str(many_trials_harness(tmp_path / "h.json", scenarios=3))
    folder, pid = _background(harness, "--runs", "1000", "--max-cpu-time", "1s")
    pids_to_reap.append(pid)
    assert _ended(folder, pid).status == "failed"
    app = make_app(results, start="runs", watch="off")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        table = next(t for t in app.runs_screen.query(RunsTable) if t.id == "table-ended")
        assert table.run_ids == [folder.name]
        assert any("the worker reached its CPU time limit (--max-cpu-time 1s)" in str(cell)
                   for cell in table.get_row(folder.name))


async def _submit_form(results: Path, fill: dict[str, str]) -> tuple[dict[str, str], str]:
    from textual.widgets import Input

    from jira_bench_tui.tui.app import make_app

    app = make_app(results, start="new", watch="off")
    async with app.run_test(size=(120, 50)) as pilot:
        screen = app.screen
        for field_id, value in fill.items():
            screen.query_one(f"#{field_id}", Input).value = value
        await pilot.press("ctrl+s")
        for _ in range(1000):
            await pilot.pause(0.02)
            if not screen.launching:  # type: ignore[attr-defined]
                break
        errors = {w.id.removeprefix("error-"): str(w.render()).strip() for w in screen.query(".field-error")
                  if w.id and str(w.render()).strip()}
        return errors, app.current_mode


async def test_the_form_shows_a_bad_limit_on_its_field(results: Path) -> None:
    errors, mode = await _submit_form(results, {"max_cpu_time": "soon"})
    assert mode == "new" and list(errors) == ["max_cpu_time"] and "max CPU time wants a duration" in errors["max_cpu_time"]


async def test_the_form_launches_a_run_with_its_limits(results: Path, tmp_path: Path,
                                                       pids_to_reap: list[int]) -> None:
    harness = str(many_trials_harness(tmp_path / "h.json"))
    errors, _mode = await _submit_form(results, {"harness": harness, "max_memory": "3G", "max_cpu_time": "90",
                                                 "nice": "4"})
    assert errors == {}
    folder = wait_for(lambda: next(run_folder.runs_dir(results).iterdir(), None), what="the run folder")
    limits = run_folder.read_spec(folder).limits
    assert (limits.max_memory_bytes, limits.max_cpu_time_s, limits.nice) == (3 * 1024**3, 90.0, 4)
    lock = wait_for(lambda: run_folder.read_worker_lock(folder) or run_folder.load_run(folder).status == "completed",
                    what="the worker")
    if isinstance(lock, run_folder.WorkerLock):
        pids_to_reap.append(lock.pid)


@pytest.mark.parametrize("value", ["0", "257", "two", "1.5"])
async def test_the_form_shows_a_bad_worker_count_on_its_field(results: Path, value: str) -> None:
    errors, mode = await _submit_form(results, {"workers": value})
    assert mode == "new" and list(errors) == ["workers"], errors
    assert errors["workers"] == f"a whole number from 1 to 256, got {value!r}"
    assert not run_folder.runs_dir(results).exists() or not any(run_folder.runs_dir(results).iterdir())


@pytest.mark.parametrize(("workers", "expected"), [("2", 2), ("", None)])
async def test_the_form_launches_a_run_with_its_workers_and_empty_means_all_cores(
        results: Path, tmp_path: Path, pids_to_reap: list[int], workers: str, expected: int | None) -> None:
    harness = str(many_trials_harness(tmp_path / "h.json"))
    errors, _mode = await _submit_form(results, {"harness": harness, "workers": workers})
    assert errors == {}
    folder = wait_for(lambda: next(run_folder.runs_dir(results).iterdir(), None), what="the run folder")
    assert run_folder.read_spec(folder).workers == expected
    lock = wait_for(lambda: run_folder.read_worker_lock(folder) or run_folder.load_run(folder).status == "completed",
                    what="the worker")
    if isinstance(lock, run_folder.WorkerLock):
        pids_to_reap.append(lock.pid)


def test_a_worker_killed_by_the_hard_limit_after_saying_why_shows_failed(results: Path, tmp_path: Path) -> None:
    from jira_bench_tui.engine.launcher import RunRequest, create_run

    folder = create_run(RunRequest(harness=str(many_trials_harness(tmp_path / "h.json"))), results)
    state = run_folder.read_state(folder)
    state.status, state.pid = "running", 2**22 + 7  # a pid no process has: the kernel killed the worker
    state.error = "the worker reached its CPU time limit (--max-cpu-time 2s)"  # what its SIGXCPU handler wrote
    run_folder.write_state(folder, state)
    _code, listing, _err = invoke("view", "list")
    assert "failed" in listing and state.error in listing
    code, _out, err = invoke("resume", folder.name)  # a failed run: resumable
    assert code == 0, err
    assert run_folder.read_state(folder).status == "completed"
