"""A trial's cost beyond its tool calls as the Jira grows: fixtures of 1k, 10k and 100k issues (jira.synthetic).

For each size: the median, over sequential oracle trials of a 5-call scenario (3 jira_get_issue, a jira_search, a
jira_add_comment; a comment check and an `unchanged` check), of the trial's wall time minus its tool calls' time
(the copy of the template, the MCP session, the state capture and the checks, the artifact), and the CPU per trial.
Then the peak RSS of a separate process that loads the run as a trial process does (`worker.trial_runner`) and runs
4 trials at once on the largest fixture (its template already built).
Goals (issue 17): at 100k issues <= 150 ms per trial beyond its tool calls; peak RSS <= 500 MB.

    python benchmarks/fixture_scale.py [--sizes 1000,10000,100000] [--trials 15]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.run_folder import ToolCallStep
from jira_bench_tui.engine.trial import TrialOptions, TrialRunner
from jira_bench_tui.engine.worker import load_spec_harness, trial_runner
from jira_bench_tui.harness.loader import LoadedHarness
from jira_bench_tui.jira.synthetic import synthetic_fixture


def scenario_harness() -> dict[str, Any]:
    return {
        "name": "fixture-scale",
        "fixture": "builtin:example",  # replaced by the synthetic fixture (too large for a harness's fixture file)
        "scenarios": [{
            "id": "five-calls",
            "prompt": "Look at three issues, search the project, then comment on one.",
            "checks": [
                {"kind": "comment", "issue": "P1X-1", "contains": ["checked"]},
                {"kind": "unchanged", "except": ["P1X-1"]},
            ],
            "solution": {"steps": [
                {"tool": "jira_get_issue", "arguments": {"issue_key": "P0X-1"}},
                {"tool": "jira_get_issue", "arguments": {"issue_key": "P1X-1"}},
                {"tool": "jira_get_issue", "arguments": {"issue_key": "P2X-1"}},
                {"tool": "jira_search", "arguments": {"jql": "project = P1X AND status = 'In Progress' ORDER BY key"}},
                {"tool": "jira_add_comment", "arguments": {"issue_key": "P1X-1", "body": "Checked the others."}},
            ], "answer": "Done."},
        }],
    }


def make_run(size: int, results: Path) -> Path:
    """A run folder (4 repetitions of the scenario) whose stored fixture is the synthetic one of `size` issues, made
    through the run folder's own API (`run --fixture` takes at most 16 MB): what its worker and trial processes
    read."""
    spec = run_folder.RunSpec(
        run_id=f"20260101-000000-fixture-scale-{size}", created_at=time.time(), harness_source="fixture_scale.py",
        harness_name="fixture-scale", harness=scenario_harness(),
        fixture=synthetic_fixture(size).model_dump(mode="json", by_alias=True),
        model="oracle", runs=4, concurrency=4, workers=1, scenario_ids=["five-calls"])
    return run_folder.create_run(results, spec)


def load(folder: Path) -> LoadedHarness:
    """The run's harness and fixture as its worker loads them (from spec.json and the stored files)."""
    return load_spec_harness(run_folder.read_spec(folder), folder)


async def overhead(loaded: LoadedHarness, trials: int) -> tuple[float, float, float]:
    """(median ms beyond tool calls, median tool-call ms, CPU ms per trial) over `trials` sequential trials."""
    runner = TrialRunner(loaded, OracleAgent(), TrialOptions(run_id="bench", model="oracle"))
    scenario = loaded.harness.scenarios[0]
    beyond, tools = [], []
    try:
        await runner.run(scenario, 1, lambda _event: None)  # builds the template, warms caches
        cpu = time.process_time()
        for rep in range(trials):
            artifact = await runner.run(scenario, rep + 2, lambda _event: None)
            assert artifact.outcome == "passed", artifact.checks or artifact.error
            tool_s = sum(step.duration_s or 0 for step in artifact.steps if isinstance(step, ToolCallStep))
            beyond.append(artifact.duration_s - tool_s)
            tools.append(tool_s)
        cpu_ms = (time.process_time() - cpu) * 1000 / trials
    finally:
        runner.close()
    return statistics.median(beyond) * 1000, statistics.median(tools) * 1000, cpu_ms


async def four_at_once(folder: Path) -> None:
    """What one trial process of the run does: its runner from spec.json alone, then 4 trials at once."""
    runner = trial_runner(run_folder.read_spec(folder), folder)
    scenario = runner.loaded.harness.scenarios[0]
    try:
        artifacts = await asyncio.gather(*(runner.run(scenario, rep + 1, lambda _event: None) for rep in range(4)))
    finally:
        runner.close()
    assert all(a.outcome == "passed" for a in artifacts), [a.error or a.checks for a in artifacts]


def peak_rss_mb(folder: Path) -> float:
    """Peak RSS of a child process that loads the run as a trial process does and runs 4 trials at once (the
    fixture's template is built: the launcher or the worker built it). The child's own VmHWM: the children's
    `ru_maxrss` would count the parent's size too (Linux keeps the high-water mark across the exec)."""
    out = subprocess.run([sys.executable, __file__, "--four", str(folder)], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--four", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.four:
        asyncio.run(four_at_once(Path(args.four)))
        peak = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text(encoding="utf-8"))
        print(peak.group(1) if peak else 0)
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="jira-bench-scale-") as tmp:
        for size in sizes:
            folder = make_run(size, Path(tmp))
            loaded = load(folder)
            started = time.perf_counter()
            template = TrialRunner(loaded, OracleAgent(), TrialOptions()).template_for(loaded.harness.scenarios[0])
            build_s = time.perf_counter() - started
            beyond_ms, tools_ms, cpu_ms = asyncio.run(overhead(loaded, args.trials))
            print(f"{size:>7} issues: template {template.stat().st_size / 1e6:.1f} MB (built in {build_s:.1f} s), "
                  f"beyond tool calls {beyond_ms:.1f} ms, tool calls {tools_ms:.1f} ms, CPU {cpu_ms:.1f} ms/trial")
            figures[f"beyond_ms_{size // 1000}k"] = f"{beyond_ms:.1f}"
            figures[f"cpu_ms_{size // 1000}k"] = f"{cpu_ms:.1f}"
        rss = peak_rss_mb(folder)
        print(f"peak RSS of a 4-trial run on {sizes[-1]} issues: {rss:.0f} MB")
        figures[f"peak_rss_mb_{sizes[-1] // 1000}k"] = f"{rss:.0f}"
    print("fixture_scale: " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
