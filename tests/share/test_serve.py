"""`jira-bench serve`: the app served by textual-serve, driven in a real headless chromium. The page fetches nothing
but its own server's files, the app's first screen (the runs list) appears, `?` opens the help; the served app is
this Python running the app on the same results folder; closing the page ends its app, stopping the server leaves
no process behind. Bound beyond loopback, the command warns on stderr."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser import PageLog
from click.testing import CliRunner

from jira_bench_tui.cli import main

from .runs_data import make_runs

# Captures xterm.js's Terminal when textual-serve's script stores it (`this.terminal = new Terminal(...)`): the
# terminal draws on a canvas, so its text is read from its buffer (xterm.js's public buffer API), not from the DOM.
CAPTURE_TERMINAL = """Object.defineProperty(Object.prototype, "terminal", {configurable: true, set(value) {
  Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
  if (value && value.buffer && value.loadAddon) { window.__terminal = value; }
}});"""
SCREEN_TEXT = """() => { const t = window.__terminal; if (!t) { return ""; } const b = t.buffer.active; const lines = [];
  for (let i = 0; i < b.length; i++) { const l = b.getLine(i); if (l) { lines.push(l.translateToString(true)); } }
  return lines.join("\\n"); }"""
WAIT_MS = 60_000  # generous: a loaded CI machine starts the app slowly; only a failure waits this long


def free_port() -> int:
    """A free port below the kernel's ephemeral range, in a block of 100 of this test process's own (pytest-xdist's
    worker gwN takes block N): `serve` binds it after this probe has let it go, and in that gap no port-0 bind or
    outgoing connection of any test process can be given it, nor can another test process pick it."""
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    start = low - 2000 + 100 * worker
    for port in range(start, start + 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in {start}..{start + 99}")


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, and theirs, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def wait_for(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
    return value


@dataclass
class Served:
    """A running `jira-bench serve`: its URL, process, stderr file, and every process it started that was seen."""

    url: str
    process: subprocess.Popen[bytes]
    stderr: Path
    seen: set[int] = field(default_factory=set)

    def apps(self) -> set[int]:
        """The processes the server runs now (recorded in `seen` for the end-of-test check)."""
        now = children(self.process.pid)
        self.seen |= now
        return now


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`python -m jira_bench_tui serve --port PORT` on this test's results folder; at the end, stopped (SIGTERM)
    and every process it started checked gone (any left is killed, by pid, and the test fails)."""
    port = free_port()
    stderr = tmp_path / "serve.err"
    with (tmp_path / "serve.out").open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "jira_bench_tui", "serve", "--port", str(port)],
                                   stdout=out, stderr=err, cwd=tmp_path, env=os.environ.copy(), start_new_session=True)
    server = Served(f"http://127.0.0.1:{port}/", process, stderr)

    def listening() -> bool:
        assert process.poll() is None, f"serve ended: {stderr.read_text()}"
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_for(listening, 60, "jira-bench serve to listen")
        yield server
    finally:
        server.apps()
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        left = {pid for pid in server.seen if alive(pid)}
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"processes left after the server stopped: {left}"
        assert code == 0, stderr.read_text()


def test_serve_shows_the_app_in_chromium_and_a_key_changes_it(served: Served, browser_context: Any) -> None:
    results = Path(os.environ["JIRA_BENCH_RESULTS"])
    make_runs(results)
    page = browser_context.new_page()
    log = PageLog(page)
    page.add_init_script(CAPTURE_TERMINAL)
    try:
        page.goto(served.url)
        shown = "t.includes('gpt-5-mini') && t.includes('COMPLETED')"  # the rows and their section's title
        page.wait_for_function(f"(() => {{ const t = ({SCREEN_TEXT})(); return {shown}; }})", timeout=WAIT_MS)
        first = page.evaluate(f"({SCREEN_TEXT})()")
        assert "COMPLETED" in first and "claude-haiku-4-5" in first and "Keys:" not in first, first
        apps = wait_for(served.apps, 10, "the app process")
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1] for pid in apps]
        assert [sys.executable.encode(), b"-m", b"jira_bench_tui", b"--results-dir",
                str(results.resolve()).encode()] in commands  # this Python, the app, the same results folder
        page.locator("#terminal").click()
        page.keyboard.press("?")
        page.wait_for_function(f"({SCREEN_TEXT})().includes('Keys: runs screen')", timeout=WAIT_MS)
        page.screenshot(path=str(served.stderr.with_name("help.png")))
        assert all(url.startswith(served.url) for url in log.requests), log.requests  # no CDN, no web font
        assert log.errors() == []
    finally:
        page.close()
    wait_for(lambda: not any(alive(pid) for pid in apps), 30, "the app to end with its page")
    assert "warning" not in served.stderr.read_text()  # 127.0.0.1: nothing to warn about


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "bench.example.com", "::"])
def test_serve_beyond_loopback_warns_on_stderr(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual_serve.server import Server

    started: list[Server] = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: started.append(self))  # no port is opened
    result = CliRunner().invoke(main, ["serve", "--host", host, "--port", "8123"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: jira-bench serve has no authentication, and {host}:8123 is reachable")
    assert "docs/serve.md" in result.stderr
    assert (started[0].host, started[0].port) == (host, 8123)
    results = Path(os.environ["JIRA_BENCH_RESULTS"]).resolve()
    assert started[0].command == f"exec {sys.executable} -m jira_bench_tui --results-dir {results}"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_serve_on_loopback_does_not_warn(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual_serve.server import Server

    monkeypatch.setattr(Server, "serve", lambda self, debug=False: None)
    result = CliRunner().invoke(main, ["serve", "--host", host], catch_exceptions=False)
    assert result.exit_code == 0 and result.stderr == ""


def test_serve_on_a_taken_port_says_so(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "jira_bench_tui", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, cwd=tmp_path, env=os.environ.copy())
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot serve on 127.0.0.1:{port}: ")
