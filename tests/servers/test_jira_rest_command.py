"""`jira-bench jira-rest`: serves a fixture as Jira Cloud REST on loopback, prints its URL, stops on Ctrl+C; a host
beyond this machine only when given explicitly, with a warning (the face has no authentication)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from jira_bench_tui.cli import main

REPO = Path(__file__).resolve().parents[2]


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "jira-rest", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())


def _url_line(proc: subprocess.Popen[str], timeout: float = 30.0) -> str:
    assert proc.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if " at http://" in line:
            return line
        if not line and proc.poll() is not None:
            break
    raise AssertionError("jira-rest printed no URL")


def test_serves_a_fixture_and_stops_on_ctrl_c() -> None:
    proc = _start("--fixture", "builtin:example", "--port", "0")
    try:
        line = _url_line(proc)
        url = line.split(" at ", 1)[1].split()[0]
        assert line.startswith("Jira Cloud REST (example) at http://127.0.0.1:")
        with urllib.request.urlopen(f"{url}/rest/api/3/issue/WEB-3", timeout=10) as answer:
            issue = json.load(answer)
        assert issue["key"] == "WEB-3" and "summary" in issue["fields"]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_host_beyond_loopback_warns_that_there_is_no_authentication() -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: the warning comes first, then the bind fails cleanly
    result = CliRunner().invoke(main, ["jira-rest", "--host", "192.0.2.1", "--port", "0"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("warning: serving the Jira REST face on 192.0.2.1: it has no authentication")
    assert lines[-1].startswith("error: cannot serve on 192.0.2.1:0")


def test_an_unknown_fixture_is_one_sentence() -> None:
    result = CliRunner().invoke(main, ["jira-rest", "--fixture", "builtin:nope", "--port", "0"])
    assert result.exit_code == 2 and result.stderr.startswith("error: ") and "nope" in result.stderr
    assert len(result.stderr.splitlines()) == 1
