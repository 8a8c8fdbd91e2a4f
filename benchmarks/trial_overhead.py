"""Trial overhead of the run engine with the oracle agent on a 5-call scenario over the embedded Jira.

Prints the median time and the CPU time of one trial (fresh Jira copy, MCP session, 5 tool calls, checks, artifact)
and the trials per second a whole run reaches (worker loop with state, events and artifacts on disk) at concurrency 1,
8 and 32 (with the default --workers), then at concurrency 8 and 32 with --workers 1 and 2 (line
`trial_overhead_workers`).
Goal (DESIGN.md 4): median <= 25 ms; >= 50 trials/s at concurrency 8.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.launcher import RunRequest, build_spec, resolve_server
from jira_bench_tui.engine.trial import TrialOptions, TrialRunner
from jira_bench_tui.engine.worker import run_worker
from jira_bench_tui.harness.loader import LoadedHarness, harness_from_spec

HARNESS: dict[str, Any] = {
    "name": "overhead",
    "fixture": "builtin:example",
    "scenarios": [
        {
            "id": "five-calls",
            "prompt": "Look at WEB-1 to WEB-4, then comment on WEB-2.",
            "checks": [
                {"kind": "comment", "issue": "WEB-2", "contains": ["checked"]},
                {"kind": "unchanged", "except": ["WEB-2"]},
            ],
            "solution": {
                "steps": [
                    {"tool": "jira_get_issue", "arguments": {"issue_key": "WEB-1"}},
                    {"tool": "jira_get_issue", "arguments": {"issue_key": "WEB-2"}},
                    {"tool": "jira_get_issue", "arguments": {"issue_key": "WEB-3"}},
                    {"tool": "jira_search", "arguments": {"jql": "project = WEB ORDER BY key"}},
                    {"tool": "jira_add_comment", "arguments": {"issue_key": "WEB-2", "body": "Checked the others."}},
                ],
                "answer": "Done.",
            },
        }
    ],
}
SEQUENTIAL_TRIALS = 200
RUN_TRIALS = {1: 150, 8: 300, 32: 300}


def loaded_harness() -> LoadedHarness:
    return harness_from_spec(HARNESS, "benchmarks/trial_overhead.py", None, None)


async def median_trial_ms(loaded: LoadedHarness) -> tuple[float, float]:
    """(median wall ms, CPU ms per trial) of sequential trials."""
    runner = TrialRunner(loaded, OracleAgent(), TrialOptions(run_id="bench", model="oracle"))
    scenario = loaded.harness.scenarios[0]
    timings = []
    cpu = 0.0
    try:
        for rep in range(SEQUENTIAL_TRIALS + 5):
            if rep == 5:
                cpu = time.process_time()
            started = time.perf_counter()
            artifact = await runner.run(scenario, rep + 1, lambda _event: None)
            if rep >= 5:  # the first trials warm caches (template database, imports)
                timings.append(time.perf_counter() - started)
            assert artifact.outcome == "passed", artifact.checks or artifact.error
            assert artifact.tool_calls == 5
        cpu_ms = (time.process_time() - cpu) * 1000 / SEQUENTIAL_TRIALS
    finally:
        runner.close()
    return statistics.median(timings) * 1000, cpu_ms


def trials_per_second(loaded: LoadedHarness, results: Path, concurrency: int, trials: int) -> float:
    request = RunRequest(harness="bench", model="oracle", runs=trials, concurrency=concurrency)
    spec = build_spec(request, loaded, resolve_server(request, loaded))
    folder = run_folder.create_run(results, spec)
    started = time.perf_counter()
    state = asyncio.run(run_worker(folder))
    elapsed = time.perf_counter() - started
    assert state.status == "completed" and state.counts.passed == trials, state
    return trials / elapsed


WORKER_RUNS = {8: 300, 32: 300}  # concurrency: trials, each with --workers 1 and 2


def trials_per_second_workers(loaded: LoadedHarness, results: Path, concurrency: int, trials: int,
                              workers: int) -> float:
    """Trials/s of a whole run with `--workers workers` (the start of the trial processes included)."""
    request = RunRequest(harness="bench", model="oracle", runs=trials, concurrency=concurrency, workers=workers)
    spec = build_spec(request, loaded, resolve_server(request, loaded))
    folder = run_folder.create_run(results, spec)
    started = time.perf_counter()
    state = asyncio.run(run_worker(folder))
    elapsed = time.perf_counter() - started
    assert state.status == "completed" and state.counts.passed == trials, state
    return trials / elapsed


def workers_line(loaded: LoadedHarness) -> str:
    """The `--workers` 1 and 2 figures at each WORKER_RUNS concurrency, as `key=value` pairs."""
    pairs = []
    with tempfile.TemporaryDirectory(prefix="jira-bench-overhead-workers-") as folder:
        for concurrency, trials in WORKER_RUNS.items():
            for workers in (1, 2):
                rate = trials_per_second_workers(loaded, Path(folder), concurrency, trials, workers)
                print(f"concurrency {concurrency:>2}, --workers {workers}: {trials} trials, {rate:.1f} trials/s")
                pairs.append(f"tps_c{concurrency}_w{workers}={rate:.1f}")
    return " ".join(pairs)


def main() -> None:
    loaded = loaded_harness()
    median_ms, cpu_ms = asyncio.run(median_trial_ms(loaded))
    print(f"median trial (oracle, 5 tool calls, sequential, n={SEQUENTIAL_TRIALS}): {median_ms:.2f} ms, "
          f"CPU {cpu_ms:.2f} ms per trial")
    rates = {}
    with tempfile.TemporaryDirectory(prefix="jira-bench-overhead-") as folder:
        for concurrency, trials in RUN_TRIALS.items():
            rates[concurrency] = trials_per_second(loaded, Path(folder), concurrency, trials)
            print(f"concurrency {concurrency:>2}: {trials} trials, {rates[concurrency]:.1f} trials/s (whole worker loop)")
    print(f"trial_overhead: median_ms={median_ms:.2f} cpu_ms={cpu_ms:.2f} tps_c1={rates[1]:.1f} tps_c8={rates[8]:.1f} "
          f"tps_c32={rates[32]:.1f}")
    print(f"trial_overhead_workers: {workers_line(loaded)}")


if __name__ == "__main__":
    main()
