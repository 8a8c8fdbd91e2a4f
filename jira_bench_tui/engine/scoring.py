"""Scores of a run from its trial artifacts: pass rates, pass@k and pass^k, and per-trial usage statistics.

Errored trials (infrastructure, API failures) are left out of every denominator and reported apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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


@dataclass
class _Tally:
    """What summarise gathers from the artifacts: per-scenario counts and the per-trial figures."""

    counts: dict[str, dict[str, int]]
    tokens: list[float] = field(default_factory=list)
    cost: list[float] = field(default_factory=list)
    turns: list[float] = field(default_factory=list)
    calls: list[float] = field(default_factory=list)
    durations: list[float] = field(default_factory=list)

    def add(self, artifact: TrialArtifact) -> None:
        """Count one trial (a scenario not in the run is ignored)."""
        counts = self.counts.get(artifact.scenario_id)
        if counts is None:
            return
        outcome = artifact.outcome
        counts["errored" if outcome == "error" else "passed" if outcome == "passed" else "failed"] += 1
        self.tokens.append(float(artifact.usage.total_tokens))
        self.cost.append(artifact.usage.cost_usd)
        self.turns.append(float(artifact.turns))
        self.calls.append(float(_tool_calls(artifact)))
        self.durations.append(artifact.duration_s)

    def total(self, outcome: str) -> int:
        """Trials with this outcome ("passed", "failed", "errored") over every scenario."""
        return sum(c[outcome] for c in self.counts.values())

    def per_trial(self) -> PerTrial:
        """The per-trial distributions."""
        return PerTrial(tokens=distribution(self.tokens), cost_usd=distribution(self.cost),
                        turns=distribution(self.turns), tool_calls=distribution(self.calls),
                        duration_s=distribution(self.durations))


def _scenario_scores(counts: dict[str, dict[str, int]]) -> dict[str, ScenarioScore]:
    scores: dict[str, ScenarioScore] = {}
    for sid, c in counts.items():
        scored = c["passed"] + c["failed"]
        scores[sid] = ScenarioScore(**c, done=scored + c["errored"], pass_rate=_rate(c["passed"], scored))
    return scores


def pass_k_table(counts: Mapping[str, Mapping[str, int]], runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """(pass@k, pass^k) by k (keys "1".."K"), averaged over scenarios (`counts`: scenario id -> its "passed" and
    "failed" trials), only for k where every scenario has at least k scored trials: a partial run (or one whose
    trials errored) must not report a k that only its luckier scenarios reach. Both are empty without scenarios."""
    scored_counts = [(c["passed"] + c["failed"], c["passed"]) for c in counts.values()]
    k_max = min((n for n, _ in scored_counts), default=0)
    at_k: dict[str, float] = {}
    hat_k: dict[str, float] = {}
    for k in range(1, min(k_max, runs) + 1):
        at_k[str(k)] = round(sum(pass_at_k(n, c, k) for n, c in scored_counts) / len(scored_counts), 6)
        hat_k[str(k)] = round(sum(pass_hat_k(n, c, k) for n, c in scored_counts) / len(scored_counts), 6)
    return at_k, hat_k


def summarise(spec: RunSpec, artifacts: Iterable[TrialArtifact], *, status: str = "completed",
              error: str | None = None) -> RunSummary:
    """summary.json: the run's scores, from the artifacts on disk (any order; unknown scenarios ignored)."""
    tally = _Tally({sid: {"passed": 0, "failed": 0, "errored": 0, "total": spec.runs} for sid in spec.scenario_ids})
    for artifact in artifacts:
        tally.add(artifact)
    passed, failed, errored = tally.total("passed"), tally.total("failed"), tally.total("errored")
    at_k, hat_k = pass_k_table(tally.counts, spec.runs)
    done = passed + failed + errored
    return RunSummary(
        run_id=spec.run_id, status=status, error=error, model=spec.model, harness=spec.harness_name,
        runs=spec.runs, total=spec.total_trials, done=done, passed=passed, failed=failed, errored=errored,
        pass_rate=_rate(passed, passed + failed), error_rate=_rate(errored, done), pass_at_k=at_k, pass_hat_k=hat_k,
        tokens=int(sum(tally.tokens)), cost_usd=round(sum(tally.cost), 6), per_trial=tally.per_trial(),
        scenarios=_scenario_scores(tally.counts),
    )
