"""Trial overhead with the real mcp-atlassian (a process started per trial over the REST face) against the in-process
embedded tools, with the oracle agent on the 5-call scenario of trial_overhead.py.

Sequential trials give the median trial time and its two parts: the tool calls (summed from the artifact's steps)
and the rest (for the real server mostly its process start: imports, MCP handshake, tool listing; plus the trial's
site and database). Whole runs (worker loop, state, events, artifacts on disk) give trials per second at
concurrency 1 and 8. Needs `jira-bench servers install mcp-atlassian` (or $JIRA_BENCH_MCP_ATLASSIAN). The last line:
`real_server_trial: ...`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from trial_overhead import HARNESS

from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.engine import server_envs, store
from jira_bench_tui.engine.launcher import RunRequest, build_spec, resolve_server
from jira_bench_tui.engine.rest_trials import RestTrialServer, trial_server
from jira_bench_tui.engine.trial import TrialOptions, TrialRunner
from jira_bench_tui.engine.worker import run_worker
from jira_bench_tui.harness.loader import LoadedHarness, harness_from_spec

SEQUENTIAL = {"real": 8, "embedded": 40}
RUN_TRIALS = {("real", 1): 6, ("real", 8): 16, ("embedded", 1): 40, ("embedded", 8): 80}
SERVER_TEXT = {"real": "mcp-atlassian", "embedded": "builtin"}


def loaded_harness() -> LoadedHarness:
    """The 5-call harness of trial_overhead.py."""
    return harness_from_spec(HARNESS, "benchmarks/real_server_trial.py", None, None)


async def sequential(loaded: LoadedHarness, rest: RestTrialServer | None, count: int) -> tuple[float, float]:
    """(median trial ms, median ms of its 5 tool calls) over `count` trials after 2 warm-up trials."""
    runner = TrialRunner(loaded, OracleAgent(), TrialOptions(run_id="bench", model="oracle", rest_server=rest))
    scenario = loaded.harness.scenarios[0]
    totals, calls = [], []
    try:
        for rep in range(count + 2):
            started = time.perf_counter()
            artifact: dict[str, Any] = await runner.run(scenario, rep + 1, lambda *_a, **_f: None)
            elapsed = time.perf_counter() - started
            assert artifact["outcome"] == "passed", artifact["checks"] or artifact["error"]
            if rep >= 2:
                totals.append(elapsed)
                calls.append(sum(s["duration_s"] for s in artifact["steps"] if s.get("kind") == "tool_call"))
    finally:
        runner.close()
    return statistics.median(totals) * 1000, statistics.median(calls) * 1000


def trials_per_second(loaded: LoadedHarness, results: Path, server: str, concurrency: int, trials: int) -> float:
    """Trials per second of a whole foreground run (the worker loop in this process)."""
    request = RunRequest(harness="bench", model="oracle", runs=trials, concurrency=concurrency, server=server)
    spec = build_spec(request, loaded, resolve_server(request, loaded))
    folder = store.create_run(results, spec)
    started = time.perf_counter()
    state = asyncio.run(run_worker(folder))
    elapsed = time.perf_counter() - started
    assert state.status == "completed" and state.counts.passed == trials, state
    return trials / elapsed


def main() -> int:
    """Print the figures; 2 when mcp-atlassian is not installed."""
    if server_envs.find("mcp-atlassian") is None:
        print("mcp-atlassian is not installed: run `jira-bench servers install mcp-atlassian`", file=sys.stderr)
        return 2
    loaded = loaded_harness()
    rest = trial_server("mcp-atlassian", None, None)
    medians = {}
    for kind, server in (("real", rest), ("embedded", None)):
        medians[kind] = asyncio.run(sequential(loaded, server, SEQUENTIAL[kind]))
        total, calls = medians[kind]
        print(f"{kind:>8}: median trial {total:.1f} ms = 5 tool calls {calls:.1f} ms + the rest {total - calls:.1f} ms "
              f"(sequential, n={SEQUENTIAL[kind]})")
    rates = {}
    with tempfile.TemporaryDirectory(prefix="jira-bench-real-server-") as folder:
        for (kind, concurrency), trials in RUN_TRIALS.items():
            rates[kind, concurrency] = trials_per_second(loaded, Path(folder), SERVER_TEXT[kind], concurrency, trials)
            print(f"{kind:>8}: concurrency {concurrency}: {trials} trials, {rates[kind, concurrency]:.2f} trials/s")
    (real, real_calls), (emb, emb_calls) = medians["real"], medians["embedded"]
    print(f"real_server_trial: median_ms_real={real:.0f} start_ms_real={real - real_calls:.0f} "
          f"calls_ms_real={real_calls:.1f} median_ms_embedded={emb:.1f} calls_ms_embedded={emb_calls:.1f} "
          f"tps_c1_real={rates['real', 1]:.2f} tps_c8_real={rates['real', 8]:.2f} "
          f"tps_c1_embedded={rates['embedded', 1]:.1f} tps_c8_embedded={rates['embedded', 8]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
