"""The app's live path and footprint: event written by a worker -> painted in the monitor (p50/p95 over 500
events), process start -> first frame, and with 16 live runs of 100k log lines each writing fast: peak RSS and CPU
when idle. Prints `app_latency: p50_ms=... p95_ms=... first_frame_ms=... rss_mb=... idle_cpu_pct=...` last."""

from __future__ import annotations

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
BUSY_S = 8.0  # long enough for the garbage collector's full passes to show in the key figures
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
import asyncio, resource, statistics, sys, threading, time
from pathlib import Path
from jira_bench_tui.tui.app import make_app
async def main():
    app = make_app(Path(sys.argv[1]), start="monitor")
    commands = asyncio.Queue()
    loop = asyncio.get_running_loop()
    def read_stdin():
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line.strip())
    threading.Thread(target=read_stdin, daemon=True).start()
    async with app.run_test(size=(120, 40)) as pilot:
        while len(app.monitor_screen.tabs) < int(sys.argv[2]) or not all(
                t.is_mounted for t in app.monitor_screen.tabs.values()):
            await pilot.pause(0.1)
        print("READY", flush=True)
        assert await commands.get() == "busy"
        screen = app.monitor_screen
        paint = screen._compositor_refresh
        painted = [0.0]
        def paint_and_note():
            paint()
            painted[0] = time.perf_counter()
        screen._compositor_refresh = paint_and_note
        keys = []
        while commands.empty():  # while the runs write fast: next tab, and time until it is on screen
            pressed = time.perf_counter()
            app.simulate_key("right_square_bracket")  # as a terminal would: a Key event into the app's queue
            while painted[0] < pressed:
                await asyncio.sleep(0.001)
            keys.append(painted[0] - pressed)
            await asyncio.sleep(0.1)
        await commands.get()
        screen._compositor_refresh = paint
        assert await commands.get() == "done"
        keys_ms = sorted(1000 * k for k in keys)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, keys_ms[len(keys_ms) // 2],
              keys_ms[min(len(keys_ms) - 1, round(0.95 * (len(keys_ms) - 1)))], flush=True)
asyncio.run(main())
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
    return workers


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(results: Path) -> tuple[float, float, float, float, float]:
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
    child = subprocess.Popen([sys.executable, "-c", LOAD_CHILD, str(results), str(RUNS)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None and child.stdin is not None
    assert child.stdout.readline().strip() == "READY"
    loaded_s = time.monotonic() - started
    child.stdin.write("busy\n")
    child.stdin.flush()
    deadline = time.monotonic() + BUSY_S
    n = 0
    while time.monotonic() < deadline:  # every run writes fast: 16 x ~500 events/s
        for worker in workers:
            for _ in range(5):
                worker.log(f"busy line {n}")
                n += 1
        time.sleep(0.01)
    child.stdin.write("quiet\n")
    child.stdin.flush()
    time.sleep(1.0)  # let the app drain what was written
    before, at = cpu_seconds(child.pid), time.monotonic()
    time.sleep(IDLE_S)
    idle_pct = 100 * (cpu_seconds(child.pid) - before) / (time.monotonic() - at)
    child.stdin.write("done\n")
    child.stdin.flush()
    rss_kb, key_p50, key_p95 = (float(x) for x in child.stdout.readline().split())
    child.wait(timeout=30)
    stop.set()
    beating.join()
    for worker in workers:
        worker.close()
    return rss_kb / 1024, idle_pct, loaded_s, key_p50, key_p95


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        seen = asyncio.run(latency(root / "latency"))
        latencies_ms = [1000 * s for s in seen]
        print(f"latency: {len(latencies_ms)} events, p50 {statistics.median(latencies_ms):.1f} ms, "
              f"p95 {percentile(latencies_ms, 0.95):.1f} ms, max {max(latencies_ms):.1f} ms")
        frames = [first_frame(root / "latency") for _ in range(3)]
        first_ms = 1000 * statistics.median(frames)
        print(f"first frame: {first_ms:.0f} ms (median of 3 fresh processes)")
        rss_mb, idle_pct, loaded_s, key_p50, key_p95 = load(root / "load")
        print(f"16 runs x {LINES_PER_RUN} lines: all tabs loaded in {loaded_s:.1f} s, peak RSS {rss_mb:.0f} MB, "
              f"idle CPU {idle_pct:.1f}%, next-tab key to frame p50 {key_p50:.0f} ms p95 {key_p95:.0f} ms "
              "(while all 16 write fast)")
        print(f"app_latency: p50_ms={statistics.median(latencies_ms):.1f} p95_ms={percentile(latencies_ms, 0.95):.1f} "
              f"first_frame_ms={first_ms:.0f} rss_mb={rss_mb:.0f} idle_cpu_pct={idle_pct:.1f} key_p95_ms={key_p95:.0f} "
              f"n={len(latencies_ms)}")


if __name__ == "__main__":
    main()
