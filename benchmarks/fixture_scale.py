"""A trial's cost beyond its tool calls as the Jira grows: fixtures of 1k, 10k and 100k issues (jira.synthetic).

For each size: the median, over sequential oracle trials of a 5-call scenario (3 jira_get_issue, a jira_search, a
jira_add_comment; a comment check and an `unchanged` check), of the trial's wall time minus its tool calls' time
(the copy of the template, the MCP session, the state capture and the checks, the artifact), and the CPU per trial.
Then the peak RSS of a separate process running 4 trials at once on the largest fixture (template already built).
Goals (issue 17): at 100k issues <= 150 ms per trial beyond its tool calls; peak RSS <= 500 MB.

    python benchmarks/fixture_scale.py [--sizes 1000,10000,100000] [--trials 15]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jira_bench_tui.agents.oracle import OracleAgent
from jira_bench_tui.engine.run_folder import ToolCallStep
from jira_bench_tui.engine.trial import TrialOptions, TrialRunner
from jira_bench_tui.harness.loader import LoadedHarness, harness_from_spec
from jira_bench_tui.jira import db
from jira_bench_tui.jira.fixture import Fixture
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


def write_fixture(size: int, folder: Path) -> Path:
    path = folder / f"synthetic-{size}.json"
    path.write_text(synthetic_fixture(size).model_dump_json(by_alias=True, exclude_none=True), encoding="utf-8")
    return path


def load(fixture_path: Path) -> LoadedHarness:
    loaded = harness_from_spec(scenario_harness(), "benchmarks/fixture_scale.py", None, None)
    fixture = Fixture.model_validate_json(fixture_path.read_bytes())
    return dataclasses.replace(loaded, fixture=fixture)


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


async def four_at_once(fixture_path: Path) -> None:
    loaded = load(fixture_path)
    runner = TrialRunner(loaded, OracleAgent(), TrialOptions(run_id="bench", model="oracle"))
    scenario = loaded.harness.scenarios[0]
    try:
        artifacts = await asyncio.gather(*(runner.run(scenario, rep + 1, lambda _event: None) for rep in range(4)))
    finally:
        runner.close()
    assert all(a.outcome == "passed" for a in artifacts), [a.error or a.checks for a in artifacts]


def peak_rss_mb(fixture_path: Path) -> float:
    """Peak RSS of a child process that loads the harness and runs 4 trials at once (its template is built)."""
    subprocess.run([sys.executable, __file__, "--four", str(fixture_path)], check=True)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--four", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.four:
        asyncio.run(four_at_once(Path(args.four)))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    figures: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="jira-bench-scale-") as tmp:
        for size in sizes:
            fixture_path = write_fixture(size, Path(tmp))
            loaded = load(fixture_path)
            started = time.perf_counter()
            template = db.prepare_template(loaded.fixture)
            build_s = time.perf_counter() - started
            beyond_ms, tools_ms, cpu_ms = asyncio.run(overhead(loaded, args.trials))
            print(f"{size:>7} issues: template {template.stat().st_size / 1e6:.1f} MB (built in {build_s:.1f} s), "
                  f"beyond tool calls {beyond_ms:.1f} ms, tool calls {tools_ms:.1f} ms, CPU {cpu_ms:.1f} ms/trial")
            figures[f"beyond_ms_{size // 1000}k"] = f"{beyond_ms:.1f}"
            figures[f"cpu_ms_{size // 1000}k"] = f"{cpu_ms:.1f}"
        rss = peak_rss_mb(fixture_path)
        print(f"peak RSS of a 4-trial run on {sizes[-1]} issues: {rss:.0f} MB")
        figures[f"peak_rss_mb_{sizes[-1] // 1000}k"] = f"{rss:.0f}"
    print("fixture_scale: " + " ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
