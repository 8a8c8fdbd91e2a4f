"""A results folder on a read-only or full disk (issue 13, item 7): before a run, one sentence and exit 2 with
nothing written; during a run, the run ends `failed` with that sentence, nothing is lost, and resume finishes it.

The disks are real: each test runs the CLI in a private mount namespace (`unshare -m`, as root) where the results
folder is a read-only bind mount of itself, or a small tmpfs that the test fills up. The kernel then answers EROFS
and ENOSPC exactly as a real read-only or full disk would (chmod cannot: tests run as root). Skipped where
`unshare -m` is not allowed."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, create_run, kill_run

from .conftest import REPO, assert_consistent, fingerprint, invoke, many_trials_harness


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


pytestmark = pytest.mark.skipif(not _unshare_works(), reason="needs `unshare -m` (a private mount namespace)")


def in_private_mounts(script: str, timeout: float = 180) -> None:
    """Run a shell script in a mount namespace of its own (mounts made there vanish with it)."""
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=timeout,
                          cwd=REPO)
    assert done.returncode == 0, done.stderr


def cli(out: Path, name: str, *args: str) -> str:
    """A shell line running `jira-bench ARGS`, its stdout, stderr and exit code kept in `out/NAME.*`."""
    command = shlex.join([sys.executable, "-m", "jira_bench_tui", *args])
    target = shlex.quote(str(out / name))
    return f"{command} > {target}.out 2> {target}.err; echo $? > {target}.code"


def outcome(out: Path, name: str) -> tuple[int, str, str]:
    return (int((out / f"{name}.code").read_text()), (out / f"{name}.out").read_text(),
            (out / f"{name}.err").read_text())


def one_sentence(err: str, *phrases: str) -> bool:
    return err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err and all(
        phrase in err for phrase in phrases)


def test_a_read_only_results_folder_is_one_sentence_and_nothing_changes(results: Path, tmp_path: Path) -> None:
    harness = str(many_trials_harness(tmp_path / "many.json"))
    cancelled = create_run(RunRequest(harness=harness, runs=2), results)
    kill_run(cancelled)
    code, _out, err = invoke("run", harness)
    assert code == 0, err
    queued = create_run(RunRequest(harness=harness, runs=2), results)
    out = tmp_path / "out"
    out.mkdir()
    root = shlex.quote(str(results))
    r = str(results)
    commands = {
        "run": ("run", harness, "--results-dir", r),
        "run-background": ("run", harness, "--background", "--results-dir", r),
        "resume": ("resume", cancelled.name, "--results-dir", r),
        "resume-background": ("resume", cancelled.name, "--background", "--results-dir", r),
        "clean": ("clean", "--yes", "--results-dir", r),
        "kill": ("kill", queued.name, "--results-dir", r),
        "list": ("view", "list", "--results-dir", r),
        "report": ("report", cancelled.name, "--results-dir", r),
    }
    before = fingerprint(results)
    lines = [f"mount --bind {root} {root} || exit 1", f"mount -o remount,bind,ro {root} {root} || exit 1",
             *(cli(out, name, *args) for name, args in commands.items())]
    in_private_mounts("\n".join(lines))
    for name in ("run", "run-background", "resume", "resume-background", "clean", "kill"):
        code, _stdout, err = outcome(out, name)
        assert code == 2 and one_sentence(err, "the file system is read-only"), (name, err)
    for name in ("list", "report"):
        code, stdout, err = outcome(out, name)
        assert code == 0 and cancelled.name[:8] in stdout, (name, err)
    assert fingerprint(results) == before
    assert run_folder.read_state(queued).status == "queued"


def test_clean_of_unused_stored_files_on_a_read_only_disk_is_one_sentence(results: Path, tmp_path: Path) -> None:
    for name in ("with-lock", "without-lock"):  # the stored lock file already there (a run was created) or not
        folder = results / name
        orphan = folder / run_folder.store_json(folder, run_folder.FIXTURES, {"name": name, "issues": []}).path
        if name == "with-lock":
            (folder / ".stored.lock").touch()
        then = orphan.stat().st_mtime - run_folder.STORED_GRACE_S - 60
        os.utime(orphan, (then, then))
    out = tmp_path / "out"
    out.mkdir()
    root = shlex.quote(str(results))
    before = fingerprint(results)
    in_private_mounts("\n".join([f"mount --bind {root} {root} || exit 1", f"mount -o remount,bind,ro {root} {root} || exit 1",
                                 *(cli(out, name, "clean", "--yes", "--results-dir", str(results / name))
                                   for name in ("with-lock", "without-lock"))]))
    for name in ("with-lock", "without-lock"):
        code, stdout, err = outcome(out, name)
        assert code == 2 and stdout == "", (name, stdout)
        assert one_sentence(err, "cannot remove the unused stored files of", "the file system is read-only"), err
    assert fingerprint(results) == before


def test_a_full_disk_before_the_run_is_one_sentence_and_leaves_nothing(tmp_path: Path) -> None:
    harness = str(many_trials_harness(tmp_path / "many.json"))
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    d = shlex.quote(str(disk))
    in_private_mounts("\n".join([
        f"mount -t tmpfs -o size=16k none {d} || exit 1",
        cli(out, "run", "run", harness, "--results-dir", str(disk)),
        cli(out, "background", "run", harness, "--background", "--results-dir", str(disk)),
        f"ls -A {d}/runs > {shlex.quote(str(out / 'left'))} 2>&1 || true",
    ]))
    for name in ("run", "background"):
        code, _stdout, err = outcome(out, name)
        assert code == 2 and one_sentence(err, "cannot create run", "the disk is full"), (name, err)
    assert (out / "left").read_text() == ""  # not even a hidden half-built folder


def test_a_disk_that_fills_up_during_a_run_fails_it_with_a_sentence_and_loses_nothing(tmp_path: Path) -> None:
    harness = str(many_trials_harness(tmp_path / "many.json"))
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    d, o = shlex.quote(str(disk)), shlex.quote(str(out))
    run = shlex.join([sys.executable, "-m", "jira_bench_tui", "run", harness, "--runs", "120", "--concurrency", "2",
                      "--results-dir", str(disk)])
    resume = shlex.join([sys.executable, "-m", "jira_bench_tui", "resume", "RUN", "--results-dir", str(disk)])
    in_private_mounts("\n".join([
        f"mount -t tmpfs -o size=8m none {d} || exit 1",
        f"{run} > {o}/run.out 2> {o}/run.err & RUN_PID=$!",
        "i=0; while [ $i -lt 600 ]; do",
        f"  n=$(ls {d}/runs/*/trials 2>/dev/null | grep -c json || true); [ \"$n\" -ge 3 ] && break",
        "  sleep 0.1; i=$((i+1)); done",
        # The run is paused while the disk fills, so it cannot finish first however fast the machine is.
        f"kill -STOP $RUN_PID; dd if=/dev/zero of={d}/filler bs=64k 2>/dev/null; kill -CONT $RUN_PID",
        f"wait $RUN_PID; echo $? > {o}/run.code",
        f"cp -a {d}/runs {o}/failed",
        f"rm {d}/filler",
        f"RUN=$(ls {d}/runs); {resume.replace('RUN', '$RUN', 1)} > {o}/resume.out 2> {o}/resume.err; "
        f"echo $? > {o}/resume.code",
        f"cp -a {d}/runs {o}/resumed",
    ]))
    code, _stdout, err = outcome(out, "run")
    assert code == 1 and "Traceback" not in err and "the disk is full" in err, err
    failed = next((out / "failed").iterdir())
    state = run_folder.read_state(failed)
    assert state.status == "failed" and (state.error or "").startswith("the run stopped: the disk is full"), state
    assert_consistent(failed)  # the end was recorded whole (the worker's space reserve)
    code, _stdout, err = outcome(out, "resume")
    assert code == 0, err
    resumed = next((out / "resumed").iterdir())
    assert run_folder.read_state(resumed).status == "completed"
    assert_consistent(resumed)
    kept = {p.name: p.read_bytes() for p in run_folder.trials_dir(failed).glob("*.json")}
    assert kept and all((run_folder.trials_dir(resumed) / name).read_bytes() == data for name, data in kept.items())
    assert json.loads(run_folder.summary_path(resumed).read_text())["passed"] == 120
