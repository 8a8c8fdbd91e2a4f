"""Recorded model latency under load: a local stand-in for the Anthropic Messages API that answers every call after
a fixed delay (2 s), and whole runs of a Claude model against it at concurrency 64, 256 and 1,024.

The stand-in is an aiohttp server in a process of its own (asyncio: a delay costs it nothing, so it is never the
bottleneck). A trial is three model calls (two tool calls, then the answer), so 6 s of model time. Each level runs
`2 x concurrency` trials (at least 128) in a detached run worker (`python -m jira_bench_tui.engine.worker`, with the
default --workers: the machine's cores), and reports trials/s, the CPU the worker and its trial processes used (per
trial and as cores busy), and the recorded model-call median: `latency_s` of the model steps (the HTTP exchange,
measured on the call thread) next to their `duration_s` (the turn as the trial saw it, loop waits included) and the
median loop wait. Goal (issue 17): the recorded latency median within 10% of the true 2 s at every level.

    .venv/bin/python benchmarks/model_latency.py [--delay 2] [--levels 64,256,1024] [--workers N]

Works on older checkouts too (no --workers, no latency_s: then only duration_s is reported), for a comparison with
main in the same minutes: PYTHONPATH=/path/to/checkout .venv/bin/python benchmarks/model_latency.py
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, build_spec, resolve_server
from jira_bench_tui.harness.loader import harness_from_spec

CALLS_PER_TRIAL = 3
HARNESS: dict[str, Any] = {
    "name": "latency",
    "fixture": "builtin:example",
    "limits": {"max_turns": 10, "wall_time_s": 600},
    "scenarios": [{"id": "three-calls", "prompt": "Look at WEB-1 and WEB-2, then say done.",
                   "checks": [{"kind": "answer", "contains": ["done"]}],
                   "solution": {"steps": [], "answer": "done"}}],
}


# ---- the stand-in API (its own process) --------------------------------------------------------------------------


def _reply(turn: int) -> dict[str, Any]:
    """Turn 1 and 2 ask for a tool call (jira_get_issue WEB-1, WEB-2); turn 3 answers."""
    if turn < CALLS_PER_TRIAL:
        content: list[dict[str, Any]] = [{"type": "tool_use", "id": f"toolu_{turn}_{time.monotonic_ns()}",
                                          "name": "jira_get_issue", "input": {"issue_key": f"WEB-{turn}"}}]
        stop = "tool_use"
    else:
        content, stop = [{"type": "text", "text": "done"}], "end_turn"
    return {"id": f"msg_{time.monotonic_ns()}", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
            "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": 100, "output_tokens": 10, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0}}


def serve(port: int, delay_s: float, nice: int) -> None:
    """Answer POST /v1/messages after `delay_s` seconds (the turn read from the conversation's length). The process
    raises its CPU priority by `nice` where allowed (a real API does not share the trials' cores); /stats gives the
    median served time and how late its loop answers an event arriving at a random moment (from a 10 ms ticker's
    lateness, weighted by time: a process left off the CPU for 0.5 s once in 5 s delays a tenth of the requests by
    up to 0.5 s, which the median served time does not see)."""
    import asyncio

    from aiohttp import web

    try:
        os.setpriority(os.PRIO_PROCESS, 0, nice)
    except (PermissionError, OSError):
        pass
    served: list[float] = []  # seconds from a request read to its reply handed over, as the server saw them
    lags: list[float] = []  # seconds a 10 ms ticker woke late

    async def ticker(_app: web.Application) -> Any:
        async def tick() -> None:
            while True:
                due = time.perf_counter() + 0.01
                await asyncio.sleep(0.01)
                lags.append(time.perf_counter() - due)

        task = asyncio.get_running_loop().create_task(tick())
        yield
        task.cancel()

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        began = time.perf_counter()
        turn = (len(body.get("messages", [])) + 1) // 2
        await asyncio.sleep(delay_s)
        served.append(time.perf_counter() - began)
        return web.json_response(_reply(turn))

    async def stats(_request: web.Request) -> web.Response:
        answer = {"calls": len(served), "median_s": statistics.median(served) if served else None,
                  "lag_s": sum(lag * lag / 2 for lag in lags) / sum(0.01 + lag for lag in lags) if lags else None}
        served.clear()
        lags.clear()
        return web.json_response(answer)

    app = web.Application()
    app.cleanup_ctx.append(ticker)
    app.router.add_post("/v1/messages", messages)
    app.router.add_post("/stats", stats)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None, backlog=4096)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_listening(port: int, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the stand-in API did not start")


# ---- one level ---------------------------------------------------------------------------------------------------


def make_run(results: Path, base_url: str, concurrency: int, trials: int, workers: int | None) -> Path:
    loaded = harness_from_spec(HARNESS, "benchmarks/model_latency.py", None, None)
    fields = {f.name for f in dataclasses.fields(RunRequest)}
    extra = {"workers": workers} if workers is not None and "workers" in fields else {}
    request = RunRequest(harness="bench", model="claude-haiku-4-5", model_base_url=base_url, runs=trials,
                         concurrency=concurrency, **extra)
    spec = build_spec(request, loaded, resolve_server(request, loaded))
    return run_folder.create_run(results, spec)


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def level(results: Path, base_url: str, concurrency: int, workers: int | None) -> dict[str, Any]:
    trials = max(128, 2 * concurrency)
    folder = make_run(results, base_url, concurrency, trials, workers)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jira_bench_tui.engine.worker", str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker and its trial processes (waited for)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    latency, duration, wait = [], [], []
    passed = 0
    for path in run_folder.trials_dir(folder).glob("*.json"):
        artifact = json.loads(path.read_text(encoding="utf-8"))
        passed += artifact["outcome"] == "passed"
        for step in artifact["steps"]:
            if step["kind"] == "model":
                duration.append(step["duration_s"])
                if step.get("latency_s") is not None:
                    latency.append(step["latency_s"])
                    wait.append(step.get("wait_s") or 0.0)
    started_events = [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines()]
    used = next((e.get("workers") for e in started_events if e["type"] == "run_started"), None)
    assert passed == trials, f"{passed}/{trials} trials passed"
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(f"{base_url}/stats", method="POST"), timeout=30) as answer:
        stats = json.loads(answer.read())  # the stand-in's own view: is it late itself?
    return {"server": stats["median_s"], "server_lag": stats.get("lag_s"), "trials": trials, "tps": trials / elapsed, "cpu_ms": cpu / trials * 1000, "cores": cpu / elapsed,
            "latency": median(latency), "duration": median(duration), "wait": median(wait), "workers": used or 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delay", type=float, default=2.0, help="the stand-in API's delay, seconds")
    parser.add_argument("--levels", default="64,256,1024", help="concurrency levels, comma-separated")
    parser.add_argument("--workers", type=int, default=None, help="--workers of the runs (default: the cores)")
    parser.add_argument("--server-nice", type=int, default=-10,
                        help="the stand-in's CPU priority change (negative: ahead of the trials; needs root)")
    args = parser.parse_args()
    port = free_port()
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(port, args.delay, args.server_nice), daemon=True)
    server.start()
    os.environ["ANTHROPIC_API_KEY"] = "sk-ant-benchmark-not-a-key"
    line = [f"delay_s={args.delay:g} server_nice={args.server_nice}"]
    try:
        wait_listening(port)
        with tempfile.TemporaryDirectory(prefix="jira-bench-latency-") as folder:
            for concurrency in (int(c) for c in args.levels.split(",")):
                r = level(Path(folder), f"http://127.0.0.1:{port}", concurrency, args.workers)
                shown = {k: ("-" if v is None else f"{v:.3f}") for k, v in r.items() if k in ("latency", "duration", "wait", "server", "server_lag")}
                error = "" if r["latency"] is None else f", {abs(r['latency'] / args.delay - 1):.1%} off the true delay"
                print(f"concurrency {concurrency:>4}: {r['trials']} trials, {r['workers']} worker(s), "
                      f"{r['tps']:.1f} trials/s, CPU {r['cpu_ms']:.1f} ms/trial ({r['cores']:.2f} cores busy); model "
                      f"call median: latency {shown['latency']} s{error}, turn {shown['duration']} s, loop wait "
                      f"{shown['wait']} s; the stand-in's own median {shown['server']} s, its loop's lateness "
                      f"{shown['server_lag']} s")
                line.append(f"c{concurrency}_tps={r['tps']:.1f} c{concurrency}_cpu_ms={r['cpu_ms']:.1f} "
                            f"c{concurrency}_latency_s={shown['latency']} c{concurrency}_turn_s={shown['duration']} "
                            f"c{concurrency}_wait_s={shown['wait']} c{concurrency}_server_s={shown['server']} "
                            f"c{concurrency}_server_lag_s={shown['server_lag']}")
    finally:
        server.terminate()
        server.join(10)
    print(f"model_latency: {' '.join(line)} load={os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
