"""Scores of a run from its trial artifacts: pass rates, pass@k and pass^k, and per-trial usage statistics.

Errored trials (infrastructure, API failures) are left out of every denominator and reported apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from jira_bench_tui.engine.run_folder import (
    Distribution,
    PerTrial,
    RunSpec,
    RunSummary,
    ScenarioScore,
    ToolCallStep,
    TrialArtifact,
)


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k: the chance that at least one of k trials drawn from n (c passed) passes."""
    if k > n or k < 1:
        raise ValueError(f"k={k} needs 1 <= k <= n={n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    """Unbiased pass^k: the chance that all k trials drawn from n (c passed) pass."""
    if k > n or k < 1:
        raise ValueError(f"k={k} needs 1 <= k <= n={n}")
    return math.comb(c, k) / math.comb(n, k)


def percentile(values: list[float], fraction: float) -> float:
    """Linear-interpolated percentile (fraction 0..1) of a non-empty list."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def distribution(values: list[float]) -> Distribution | None:
    """median, p90 and total of a list (None when empty)."""
    if not values:
        return None
    return Distribution(
        median=round(percentile(values, 0.5), 6),
        p90=round(percentile(values, 0.9), 6),
        total=round(float(sum(values)), 6),
    )


def _rate(passed: int, scored: int) -> float | None:
    return round(passed / scored, 6) if scored else None


def _tool_calls(artifact: TrialArtifact) -> int:
    """`tool_calls`, or the timeline's tool-call steps in an artifact written before that field was."""
    if "tool_calls" in artifact.model_fields_set:
        return artifact.tool_calls
    return sum(1 for step in artifact.steps if isinstance(step, ToolCallStep))


def summarise(spec: RunSpec, artifacts: Iterable[TrialArtifact], *, status: str = "completed",
              error: str | None = None) -> RunSummary:
    """summary.json: the run's scores, from the artifacts on disk (any order; unknown scenarios ignored)."""
    per_scenario: dict[str, dict[str, int]] = {
        sid: {"passed": 0, "failed": 0, "errored": 0, "total": spec.runs} for sid in spec.scenario_ids
    }
    tokens: list[float] = []
    cost: list[float] = []
    turns: list[float] = []
    calls: list[float] = []
    durations: list[float] = []
    for artifact in artifacts:
        counts = per_scenario.get(artifact.scenario_id)
        if counts is None:
            continue
        outcome = artifact.outcome
        counts["errored" if outcome == "error" else "passed" if outcome == "passed" else "failed"] += 1
        tokens.append(float(artifact.usage.total_tokens))
        cost.append(artifact.usage.cost_usd)
        turns.append(float(artifact.turns))
        calls.append(float(_tool_calls(artifact)))
        durations.append(artifact.duration_s)

    passed = sum(c["passed"] for c in per_scenario.values())
    failed = sum(c["failed"] for c in per_scenario.values())
    errored = sum(c["errored"] for c in per_scenario.values())
    scenarios_out: dict[str, ScenarioScore] = {}
    for sid, counts in per_scenario.items():
        scored = counts["passed"] + counts["failed"]
        scenarios_out[sid] = ScenarioScore(**counts, done=scored + counts["errored"],
                                           pass_rate=_rate(counts["passed"], scored))

    # pass@k and pass^k only for k where every scenario has at least k scored trials: a partial run (or one whose
    # trials errored) must not report a k that only its luckier scenarios reach
    scored_counts = [(c["passed"] + c["failed"], c["passed"]) for c in per_scenario.values()]
    k_max = min((n for n, _ in scored_counts), default=0)
    at_k: dict[str, float] = {}
    hat_k: dict[str, float] = {}
    for k in range(1, min(k_max, spec.runs) + 1):
        at_k[str(k)] = round(sum(pass_at_k(n, c, k) for n, c in scored_counts) / len(scored_counts), 6)
        hat_k[str(k)] = round(sum(pass_hat_k(n, c, k) for n, c in scored_counts) / len(scored_counts), 6)

    done = passed + failed + errored
    return RunSummary(
        run_id=spec.run_id,
        status=status,
        error=error,
        model=spec.model,
        harness=spec.harness_name,
        runs=spec.runs,
        total=spec.total_trials,
        done=done,
        passed=passed,
        failed=failed,
        errored=errored,
        pass_rate=_rate(passed, passed + failed),
        error_rate=_rate(errored, done),
        pass_at_k=at_k,
        pass_hat_k=hat_k,
        tokens=int(sum(tokens)),
        cost_usd=round(sum(cost), 6),
        per_trial=PerTrial(
            tokens=distribution(tokens),
            cost_usd=distribution(cost),
            turns=distribution(turns),
            tool_calls=distribution(calls),
            duration_s=distribution(durations),
        ),
        scenarios=scenarios_out,
    )
