"""A `--server` that prints garbage (issue 13, item 8): the launch says so in one sentence (exit 2), a trial says it
in one log line, and worker.log is rotated at a size, so no server can fill a disk with logs. Also a hung server's
connect counts in the trial's wall time (item 9)."""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

import pytest

from jira_bench_tui.engine import run_folder

from .conftest import assert_consistent, fingerprint, invoke, only_run, read_events, wait_for

GARBAGE_ONLY = """
import sys
for i in range(5000):
    sys.stdout.write(f"garbage {i}: text that is not JSON-RPC\\n")
"""

NOISY_THEN_MCP = """
import sys
for i in range(3000):
    sys.stdout.write(f"noise {i}\\n")
sys.stdout.flush()
from jira_bench_tui.cli import main
sys.argv = ["jira-bench", "jira-server", "--fixture", "builtin:example"]
main()
"""

SPEWS_ON_STDERR = """
import os, sys, threading, time
counter = sys.argv[1]  # read now: sys.argv is replaced below, before the thread's later rounds
def spew():
    chunk = (("e" * 1023) + "\\n").encode() * 64
    while True:
        os.write(2, chunk)
        with open(counter, "a") as count:
            count.write("x")
        time.sleep(0.01)
threading.Thread(target=spew, daemon=True).start()
from jira_bench_tui.cli import main
sys.argv = ["jira-bench", "jira-server", "--fixture", "builtin:example"]
main()
"""

HANGS_AFTER_THE_PROBE = """
import os, sys, time
marker = sys.argv[1]
if os.path.exists(marker):
    time.sleep(600)  # a trial's server: never answers the handshake
open(marker, "w").close()
from jira_bench_tui.cli import main
sys.argv = ["jira-bench", "jira-server", "--fixture", "builtin:example"]
main()
"""


def server(tmp_path: Path, name: str, source: str, *args: str) -> str:
    script = tmp_path / f"{name}.py"
    script.write_text(source, encoding="utf-8")
    return shlex.join([sys.executable, str(script), *args])


def test_a_server_that_prints_garbage_is_one_sentence_at_launch(results: Path, tmp_path: Path) -> None:
    before = fingerprint(results)
    code, _out, err = invoke("run", "builtin:example", "--server", server(tmp_path, "garbage", GARBAGE_ONLY))
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err, err[:2000]
    assert "the server printed 5000 lines on stdout that are not MCP messages (the first: 'garbage 0: " in err
    assert fingerprint(results) == before


def test_garbage_during_trials_is_one_line_a_trial(results: Path, tmp_path: Path, pids_to_reap: list[int]) -> None:
    command = server(tmp_path, "noisy", NOISY_THEN_MCP)
    code, out, err = invoke("run", "builtin:example", "--server", command, "--scenario", "start-password-bug",
                            "--runs", "2", "--background")
    assert code == 0, err
    pids_to_reap.append(int(out.split("worker pid ")[1].split(")")[0]))
    folder = only_run(results)
    wait_for(lambda: run_folder.load_run(folder).status == "completed", what="the run to complete")
    notes = [e for e in read_events(folder) if isinstance(e, run_folder.LogEvent) and "not MCP messages" in e.message]
    assert sorted(e.trial for e in notes) == [f"start-password-bug__{rep}" for rep in (1, 2)]  # type: ignore[attr-defined]
    assert all("the server printed 3000 lines" in e.message for e in notes)
    assert run_folder.worker_log_path(folder).stat().st_size < 4096  # no line-by-line tracebacks
    assert_consistent(folder)


def test_worker_log_is_rotated_at_its_cap(results: Path, tmp_path: Path, pids_to_reap: list[int],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cap = 256 * 1024
    monkeypatch.setenv("JIRA_BENCH_WORKER_LOG_MAX", str(cap))  # the detached worker inherits it
    written = tmp_path / "written"
    command = server(tmp_path, "spews", SPEWS_ON_STDERR, str(written))
    code, out, err = invoke("run", "builtin:example", "--server", command, "--scenario", "start-password-bug",
                            "--runs", "2", "--concurrency", "2", "--background")
    assert code == 0, err
    pid = int(out.split("worker pid ")[1].split(")")[0])
    pids_to_reap.append(pid)
    folder = only_run(results)
    wait_for(lambda: run_folder.load_run(folder).status == "completed", what="the run to complete")
    wait_for(lambda: not run_folder.pid_alive(pid), what="the worker to end")
    spewed = written.stat().st_size * 64 * 1024  # bytes the servers wrote to their stderr (the worker's log)
    on_disk = run_folder.worker_log_path(folder).stat().st_size + run_folder.rotated_log_path(folder).stat().st_size
    assert spewed > 4 * cap and on_disk < spewed / 2, (spewed, on_disk)
    assert run_folder.worker_log_path(folder).stat().st_size < 4 * cap
    assert "worker.log passed" in run_folder.worker_log_path(folder).read_text(errors="replace")[:200]


def test_a_hung_server_connect_counts_in_the_wall_time(results: Path, tmp_path: Path) -> None:
    command = server(tmp_path, "hangs", HANGS_AFTER_THE_PROBE, str(tmp_path / "probed"))
    started = time.monotonic()
    code, _out, err = invoke("run", "builtin:example", "--server", command, "--scenario", "start-password-bug",
                             "--wall-time", "3")
    took = time.monotonic() - started
    assert code == 1 and "Traceback" not in err, err
    artifact = run_folder.read_trial(only_run(results), "start-password-bug", 1)
    assert artifact.outcome == "error" and "did not answer within 3 s" in (artifact.error or ""), artifact.error
    assert artifact.duration_s < 6 and took < 30, (artifact.duration_s, took)


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("::", True), ("192.168.1.7", True),  # noqa: S104
                                              ("127.0.0.1", False), ("localhost", False), ("::1", False)])
def test_jira_server_over_http_warns_when_it_listens_beyond_this_machine(host: str, warned: bool) -> None:
    from jira_bench_tui.cli.jira_server import is_loopback, unauthenticated_warning

    assert is_loopback(host) is not warned
    assert "no authentication" in unauthenticated_warning(host, 8765)


def test_jira_server_on_all_addresses_prints_the_warning_first() -> None:
    import socket
    import subprocess

    from .conftest import REPO

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "jira-server", "--transport", "http",
                                "--host", "0.0.0.0", "--port", str(port)],  # noqa: S104
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert first.startswith("warning: jira-server has no authentication: anyone who can reach 0.0.0.0:")


@pytest.mark.parametrize("moment", ["before the cut", "after the cut"])
def test_a_rotated_worker_log_begins_with_its_note_whatever_the_servers_append(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """The `--server` processes append to worker.log while the worker rotates it: what they write at the worst
    moments (just before or just after the file is cut) never lands before the note."""
    from jira_bench_tui.engine.run_folder.worker_log import rotate_if_big

    log = run_folder.worker_log_path(tmp_path)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)  # the worker's stderr
    server = os.open(log, os.O_WRONLY | os.O_APPEND)  # a server's stderr: the same file
    os.write(fd, b"old line\n" * 1000)
    real_ftruncate = os.ftruncate

    def cut_while_a_server_writes(handle: int, length: int) -> None:
        if moment == "before the cut":
            os.write(server, b"lost in the cut\n")
        real_ftruncate(handle, length)
        if moment == "after the cut":
            os.write(server, b"server line\n")

    monkeypatch.setattr(os, "ftruncate", cut_while_a_server_writes)
    try:
        assert rotate_if_big(tmp_path, fd, cap=1024)
        os.write(fd, b"worker line\n")
    finally:
        os.close(server)
        os.close(fd)
    lines = log.read_text().splitlines()
    assert lines[0] == "worker.log passed 1024 bytes: the earlier part is in worker.log.1"
    assert lines[1:] == (["server line"] if moment == "after the cut" else []) + ["worker line"]
    assert run_folder.rotated_log_path(tmp_path).read_bytes() == b"old line\n" * 1000
