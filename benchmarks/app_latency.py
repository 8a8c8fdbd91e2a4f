"""The app's live path and footprint: event written by a worker -> painted in the monitor (p50/p95 over 500
events), process start -> first frame, and with 16 live runs of 100k log lines each writing fast: every screen's
keys timed from key to the frame that shows their effect (a tour of monitor, help, runs list, form and replay keys,
with the first presses of l, m and ctrl+n apart), peak RSS, CPU when idle, and ctrl+q to process exit with the runs
still live. Prints `app_latency: p50_ms=... key_p95_ms=... monitor_key_p95_ms=... quit_ms=...` last. Goals (issue
15): every key p95 <= 100 ms, quit <= 300 ms.

`--keys-only` times only the keys and quit (prints `app_latency_keys: ... load1=...`), `--busy S` sets how long the
runs write while keys are pressed (more samples per key), `--profile FILE` writes a pyinstrument profile of that part
(`pip install pyinstrument`). The machine's load moves these figures: compare with main measured in the same minutes."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "tui"))
sys.path.insert(0, str(ROOT))

from fake_worker import FakeWorker  # noqa: E402

from jira_bench_tui.engine.run_folder import LogEvent  # noqa: E402

EVENTS = 500
WRITE_EVERY_S = 0.01
RUNS = 16
LINES_PER_RUN = 100_000
BUSY_S = 15.0  # long enough for the garbage collector's full passes to show, and for several tours of the keys
IDLE_S = 3.0
SCENARIOS = [f"scenario-{i:02d}" for i in range(10)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# ---- 1. event written -> painted ----------------------------------------------------------------------------


async def latency(results: Path) -> list[float]:
    from jira_bench_tui.tui.app import make_app

    worker = FakeWorker(results, "20261124-120000-bench-oracle-0001", SCENARIOS).start()
    app = make_app(results, start="monitor")
    waiting: list[float] = []
    seen: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while worker.spec.run_id not in app.monitor_screen.tabs or not app.monitor_screen.tabs[
                worker.spec.run_id].is_mounted:
            await pilot.pause(0.01)
        apply = app.apply_updates

        def apply_and_note(updates):  # type: ignore[no-untyped-def]
            apply(updates)
            waiting.extend(e.t for u in updates for e in u.events if isinstance(e, LogEvent))

        app.apply_updates = apply_and_note  # type: ignore[method-assign]
        screen = app.monitor_screen
        paint = screen._compositor_refresh

        def paint_and_note() -> None:
            paint()
            now = time.time()
            seen.extend(now - t for t in waiting)
            waiting.clear()

        screen._compositor_refresh = paint_and_note  # type: ignore[method-assign]

        def write() -> None:
            for n in range(EVENTS):
                worker.log(f"event {n}")
                time.sleep(WRITE_EVERY_S)

        writer = threading.Thread(target=write)
        writer.start()
        deadline = time.monotonic() + 60
        while len(seen) < EVENTS and time.monotonic() < deadline:
            await pilot.pause(0.05)
        writer.join()
    worker.close()
    return seen


# ---- 2. start -> first frame (a fresh process) --------------------------------------------------------------

FIRST_FRAME_CHILD = """
import asyncio, sys, time
from pathlib import Path
from jira_bench_tui.tui.app import make_app
async def main():
    app = make_app(Path(sys.argv[1]), start="runs")
    async with app.run_test(size=(120, 40)) as pilot:
        print(time.time(), flush=True)
asyncio.run(main())
"""


def first_frame(results: Path) -> float:
    started = time.time()
    out = subprocess.run([sys.executable, "-c", FIRST_FRAME_CHILD, str(results)], capture_output=True, text=True,
                         cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"the first-frame child failed:\n{out.stderr}")
    return float(out.stdout.split()[0]) - started


# ---- 3. 16 live runs, 100k lines each -----------------------------------------------------------------------

LOAD_CHILD = """
import asyncio, json, resource, sys, threading, time
from pathlib import Path
from textual.screen import Screen
from jira_bench_tui.tui.app import leave_at_once, make_app

CYCLE = [  # (screen the key is pressed on, key): a tour of every screen's keys, back to the monitor
    ("monitor", "right_square_bracket"), ("monitor", "left_square_bracket"), ("monitor", "p"), ("monitor", "p"),
    ("monitor", "z"), ("monitor", "z"), ("monitor", "home"), ("monitor", "end"), ("monitor", "2"),
    ("monitor", "1"), ("monitor", "slash"), ("monitor", "escape"), ("monitor", "question_mark"),
    ("help", "escape"), ("monitor", "l"), ("runs", "down"), ("runs", "up"), ("runs", "slash"), ("runs", "escape"),
    ("runs", "ctrl+n"), ("new", "tab"), ("new", "shift+tab"), ("new", "escape"), ("runs", "tab"), ("runs", "o"),
    ("replay", "right"), ("replay", "right"), ("replay", "left"), ("replay", "end"), ("replay", "f"),
    ("replay", "right_square_bracket"), ("replay", "left_square_bracket"), ("replay", "x"),
    ("replay", "question_mark"), ("help", "escape"), ("replay", "escape"), ("runs", "shift+tab"), ("runs", "m"),
]
PROFILE = sys.argv[3] if len(sys.argv) > 3 else ""
painted = [0.0]
paint = Screen._compositor_refresh
def paint_and_note(self):
    paint(self)
    painted[0] = time.perf_counter()

async def timed_key(app, key, acted):
    pressed = time.perf_counter()
    app.simulate_key(key)  # as a terminal would: a Key event into the app's queue
    deadline = pressed + 3.0
    while acted[0] < pressed and time.perf_counter() < deadline:
        await asyncio.sleep(0.001)
    handled = max(acted[0], pressed)
    while painted[0] < handled and time.perf_counter() < deadline:
        await asyncio.sleep(0.001)
    return painted[0] - pressed

async def main():
    app = make_app(Path(sys.argv[1]), start="monitor")
    commands = asyncio.Queue()
    loop = asyncio.get_running_loop()
    def read_stdin():
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.strip())
    threading.Thread(target=read_stdin, daemon=True).start()
    acted = [0.0]
    run_action = app.run_action
    async def noting_run_action(*args, **kwargs):
        result = await run_action(*args, **kwargs)
        acted[0] = time.perf_counter()
        return result
    app.run_action = noting_run_action
    async with app.run_test(size=(120, 40)) as pilot:
        while len(app.monitor_screen.tabs) < int(sys.argv[2]) or not all(
                t.is_mounted for t in app.monitor_screen.tabs.values()):
            await pilot.pause(0.1)
        print("READY", flush=True)
        assert await commands.get() == "busy"
        Screen._compositor_refresh = paint_and_note
        profiler = None
        if PROFILE:
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
        keys = {}
        step = 0
        while commands.empty():  # while the runs write fast: every screen's keys, each timed until on screen
            where, key = CYCLE[step % len(CYCLE)]
            first = step < len(CYCLE) and key in ("l", "m", "ctrl+n")
            keys.setdefault(f"{where} {key}{' (first)' if first else ''}", []).append(
                1000 * await timed_key(app, key, acted))
            step += 1
            await asyncio.sleep(0.05)
        await commands.get()
        Screen._compositor_refresh = paint
        if profiler is not None:
            profiler.stop()
            Path(PROFILE).write_text(profiler.output_text(unicode=True, show_all=False), encoding="utf-8")
        assert await commands.get() == "done"
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, json.dumps(keys), flush=True)
        assert await commands.get() == "quit"
        app.simulate_key("ctrl+q")
        while app.is_running:  # quitting: then the test context closes the app and the process ends
            await asyncio.sleep(0.005)
asyncio.run(main())
leave_at_once(0)  # as `run_app` ends the process
"""


def write_big_runs(results: Path) -> list[FakeWorker]:
    workers = []
    for index in range(RUNS):
        worker = FakeWorker(results, f"20261124-1300{index:02d}-bench-oracle-{index:04x}", SCENARIOS, runs=100)
        worker.start()
        stamp = time.time()
        lines = []
        for n in range(LINES_PER_RUN):
            scenario = SCENARIOS[n % len(SCENARIOS)]
            lines.append(json.dumps({"t": stamp, "type": "tool_call", "trial": f"{scenario}__1", "scenario": scenario,
                                     "rep": 1, "turn": 1, "call_id": f"toolu_{n}", "tool": "jira_search",
                                     "arguments": {"jql": f"project = WEB AND text ~ 'line {n}'"}}))
        worker.events.write("\n".join(lines) + "\n")
        worker.events.flush()
        workers.append(worker)
    ended = FakeWorker(results, "20261124-120000-bench-oracle-ffff", SCENARIOS, runs=3).start()  # for the replay
    for rep in (1, 2, 3):
        for n, scenario in enumerate(SCENARIOS):
            ended.trial(scenario, rep, outcome="failed" if (n + rep) % 4 == 0 else "passed")
    ended.finish()
    return workers


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(results: Path, busy_s: float = BUSY_S, profile: str = "") -> tuple[
        float, float, float, dict[str, list[float]], float]:
    """(peak RSS MB, idle CPU %, seconds until every tab is loaded, key-to-frame ms by 'screen key', quit seconds)
    with RUNS live runs writing fast."""
    workers = write_big_runs(results)
    stop = threading.Event()

    def heartbeat() -> None:  # like a worker: state.json replaced every 2 s, so the runs stay live
        while not stop.wait(2.0):
            for worker in workers:
                worker.save_state()

    for worker in workers:
        worker.save_state()
    beating = threading.Thread(target=heartbeat, daemon=True)
    beating.start()
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", LOAD_CHILD, str(results), str(RUNS), profile], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "READY"
    loaded_s = time.monotonic() - started
    send(child, "busy")
    deadline = time.monotonic() + busy_s
    n = 0
    while time.monotonic() < deadline:  # every run writes fast: 16 x ~500 events/s
        for worker in workers:
            for _ in range(5):
                worker.log(f"busy line {n}")
                n += 1
        time.sleep(0.01)
    send(child, "quiet")
    time.sleep(1.0)  # let the app drain what was written
    before, at = cpu_seconds(child.pid), time.monotonic()
    time.sleep(IDLE_S)
    idle_pct = 100 * (cpu_seconds(child.pid) - before) / (time.monotonic() - at)
    send(child, "done")
    rss_kb, keys = child.stdout.readline().split(" ", 1)
    quit_from = time.monotonic()
    send(child, "quit")  # ctrl+q with every run still live: time until the process has exited
    child.wait(timeout=60)
    quit_s = time.monotonic() - quit_from
    stop.set()
    beating.join()
    for worker in workers:
        worker.close()
    return float(rss_kb) / 1024, idle_pct, loaded_s, json.loads(keys), quit_s


def send(child: subprocess.Popen[str], command: str) -> None:
    assert child.stdin is not None
    child.stdin.write(command + "\n")
    child.stdin.flush()


def per_screen(keys: dict[str, list[float]]) -> dict[str, list[float]]:
    """Key-to-frame times grouped by the screen the key was pressed on (first presses of l, m, ctrl+n included)."""
    grouped: dict[str, list[float]] = {}
    for name, times in keys.items():
        grouped.setdefault(name.split()[0], []).extend(times)
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--busy", type=float, default=BUSY_S, help="seconds of keys while the runs write fast")
    parser.add_argument("--keys-only", action="store_true", help="only the keys and quit (no event latency, no "
                        "first frame)")
    parser.add_argument("--profile", default="", help="write a pyinstrument profile of the busy part to this file "
                        "(pip install pyinstrument)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.keys_only:
            keys_only(root, args.busy, args.profile)
            return
        seen = asyncio.run(latency(root / "latency"))
        latencies_ms = [1000 * s for s in seen]
        print(f"latency: {len(latencies_ms)} events, p50 {statistics.median(latencies_ms):.1f} ms, "
              f"p95 {percentile(latencies_ms, 0.95):.1f} ms, max {max(latencies_ms):.1f} ms")
        frames = [first_frame(root / "latency") for _ in range(3)]
        first_ms = 1000 * statistics.median(frames)
        print(f"first frame: {first_ms:.0f} ms (median of 3 fresh processes)")
        rss_mb, idle_pct, loaded_s, keys, quit_s = load(root / "load", args.busy, args.profile)
        screens, key_p95, screen_p95 = print_keys(keys)
        print(f"{RUNS} runs x {LINES_PER_RUN} lines: all tabs loaded in {loaded_s:.1f} s, peak RSS {rss_mb:.0f} MB, "
              f"idle CPU {idle_pct:.1f}%, quit with {RUNS} live runs {1000 * quit_s:.0f} ms")
        print(f"app_latency: p50_ms={statistics.median(latencies_ms):.1f} p95_ms={percentile(latencies_ms, 0.95):.1f} "
              f"first_frame_ms={first_ms:.0f} rss_mb={rss_mb:.0f} idle_cpu_pct={idle_pct:.1f} key_p95_ms={key_p95:.0f} "
              f"{screen_p95} quit_ms={1000 * quit_s:.0f} n={len(latencies_ms)}")


def print_keys(keys: dict[str, list[float]]) -> tuple[dict[str, list[float]], float, str]:
    """Print each key's times; (times by screen, p95 over every key, 'SCREEN_key_p95_ms=N ...')."""
    for name, times in sorted(keys.items()):
        print(f"  key {name:<32} n={len(times):<3} p50 {statistics.median(times):5.0f} ms  "
              f"p95 {percentile(times, 0.95):5.0f} ms  max {max(times):5.0f} ms")
    screens = per_screen(keys)
    every = [t for times in screens.values() for t in times]
    screen_p95 = " ".join(f"{name}_key_p95_ms={percentile(times, 0.95):.0f}" for name, times in sorted(
        screens.items()))
    return screens, percentile(every, 0.95), screen_p95


def keys_only(root: Path, busy_s: float, profile: str) -> None:
    """The keys with 16 live runs and the quit time, nothing else (quicker, for profiling)."""
    load_before = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    _rss, _idle, _loaded, keys, quit_s = load(root / "load", busy_s, profile)
    screens, key_p95, screen_p95 = print_keys(keys)
    print(f"app_latency_keys: key_p95_ms={key_p95:.0f} {screen_p95} quit_ms={1000 * quit_s:.0f} "
          f"n={sum(len(t) for t in screens.values())} load1={load_before}")


if __name__ == "__main__":
    main()
