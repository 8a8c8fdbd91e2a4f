"""Statistics of runs for `jira-bench report` (docs/engine.md, "Report statistics"): intervals around pass rates,
pass@k and pass^k, means of cost, tokens and time, breakdowns by tag and by scenario, and the paired difference
between two runs on the same harness.

Every rate is over scored trials (passed + failed): errored trials stay out of rates and are counted apart.
Intervals are 95% by default. The Wilson interval is scipy's (`scipy.stats.binomtest(...).proportion_ci(
method="wilson")`); the bootstrap intervals resample scenarios (each with all its trials, a cluster bootstrap)
with numpy's seeded generator (`SEED`, `RESAMPLES`), so the same runs always give the same intervals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy.stats import binomtest

from jira_bench_tui.engine.run_folder import RunSpec, RunSummary, TrialArtifact
from jira_bench_tui.engine.scoring import pass_k_table

CONFIDENCE = 0.95
SEED = 16  # the bootstrap's fixed seed (numpy.random.default_rng): reports are reproducible
RESAMPLES = 4000  # bootstrap resamples per interval

Counts = Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class Interval:
    """A confidence interval of a rate or a difference (fractions, e.g. 0.69 to 0.90)."""

    low: float
    high: float

    def to_json(self) -> dict[str, float]:
        """{"low", "high"}, rounded to 6 places."""
        return {"low": round(self.low, 6), "high": round(self.high, 6)}


def wilson_interval(passed: int, scored: int, confidence: float = CONFIDENCE) -> Interval | None:
    """The Wilson score interval of passed/scored (scipy.stats.binomtest(...).proportion_ci(method="wilson")).
    None when nothing was scored. ValueError when passed is not within 0..scored."""
    if scored == 0:
        return None
    ci = binomtest(passed, scored).proportion_ci(confidence_level=confidence, method="wilson")
    return Interval(float(ci.low), float(ci.high))


def resample_weights(clusters: int, resamples: int = RESAMPLES, seed: int = SEED) -> NDArray[np.float64]:
    """(resamples, clusters): how often each of `clusters` items is drawn in each bootstrap resample (drawing
    `clusters` items with replacement, equal chances: a multinomial draw), from numpy's generator seeded `seed`."""
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(clusters, np.full(clusters, 1.0 / clusters), size=resamples)
    return np.asarray(draws, dtype=np.float64)


def _percentiles(values: NDArray[np.float64], confidence: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail], axis=-1)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def cluster_bootstrap(passed: Sequence[int], scored: Sequence[int], *, confidence: float = CONFIDENCE,
                      resamples: int = RESAMPLES, seed: int = SEED) -> Interval | None:
    """Percentile bootstrap interval of the pass rate over trials (sum passed / sum scored), resampling scenarios
    with all their trials (per scenario: `passed[i]` of `scored[i]`), so repetitions of one scenario are not taken
    for independent evidence. None with fewer than 2 scenarios that have a scored trial."""
    pairs = [(p, s) for p, s in zip(passed, scored, strict=True) if s > 0]
    if len(pairs) < 2:
        return None
    wins = np.array([p for p, _ in pairs], dtype=np.float64)
    trials = np.array([s for _, s in pairs], dtype=np.float64)
    weights = resample_weights(len(pairs), resamples, seed)
    low, high = _percentiles((weights @ wins) / (weights @ trials), confidence)
    return Interval(float(low), float(high))


def mean_bootstrap(values: NDArray[np.float64], *, confidence: float = CONFIDENCE, resamples: int = RESAMPLES,
                   seed: int = SEED) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Percentile bootstrap interval of the mean over the last axis of `values` (shape (..., n), n >= 2), for
    every leading row at once (one set of resamples for all rows): (lows, highs), each of shape (...)."""
    count = values.shape[-1]
    weights = resample_weights(count, resamples, seed)
    return _percentiles(values @ weights.T / count, confidence)


@dataclass(frozen=True)
class Rates:
    """The pass rate of a set of scenarios (a whole run, a tag's scenarios, or one scenario) over its scored
    trials, with its 95% Wilson interval over trials, its scenario bootstrap interval (None for one scenario or
    without repetitions), and pass@k / pass^k by k (scoring.pass_k_table). `errored` trials are out of the rate."""

    name: str
    scenarios: int
    passed: int
    failed: int
    errored: int
    pass_rate: float | None
    wilson: Interval | None
    bootstrap: Interval | None
    pass_at_k: dict[str, float]
    pass_hat_k: dict[str, float]

    @property
    def scored(self) -> int:
        """passed + failed."""
        return self.passed + self.failed

    def to_json(self) -> dict[str, Any]:
        """The rates as JSON data (intervals as {"low", "high"} or null)."""
        return {
            "name": self.name, "scenarios": self.scenarios, "passed": self.passed, "failed": self.failed,
            "errored": self.errored, "pass_rate": self.pass_rate,
            "wilson": self.wilson.to_json() if self.wilson else None,
            "bootstrap": self.bootstrap.to_json() if self.bootstrap else None,
            "pass_at_k": self.pass_at_k, "pass_hat_k": self.pass_hat_k,
        }


def rates(name: str, counts: Counts, runs: int) -> Rates:
    """The Rates of the scenarios in `counts` (scenario id -> "passed", "failed", "errored"), `runs` repetitions
    each. The bootstrap is given only when runs > 1 (repetitions to cluster) and at least 2 scenarios were scored."""
    passed = sum(c["passed"] for c in counts.values())
    failed = sum(c["failed"] for c in counts.values())
    at_k, hat_k = pass_k_table(counts, runs)
    bootstrap = None
    if runs > 1:
        bootstrap = cluster_bootstrap([c["passed"] for c in counts.values()],
                                      [c["passed"] + c["failed"] for c in counts.values()])
    return Rates(name=name, scenarios=len(counts), passed=passed, failed=failed,
                 errored=sum(c["errored"] for c in counts.values()),
                 pass_rate=round(passed / (passed + failed), 6) if passed + failed else None,
                 wilson=wilson_interval(passed, passed + failed), bootstrap=bootstrap, pass_at_k=at_k,
                 pass_hat_k=hat_k)


@dataclass(frozen=True)
class Means:
    """Mean cost (USD), total tokens and wall time (s) over `trials` trials (None when there are none)."""

    trials: int
    cost_usd: float | None
    tokens: float | None
    duration_s: float | None

    def to_json(self) -> dict[str, Any]:
        """The means as JSON data."""
        return {"trials": self.trials, "cost_usd": self.cost_usd, "tokens": self.tokens,
                "duration_s": self.duration_s}


def means(artifacts: Sequence[TrialArtifact]) -> Means:
    """Mean cost, tokens and duration of these trials, rounded to 6 places."""
    if not artifacts:
        return Means(0, None, None, None)
    count = len(artifacts)
    return Means(
        trials=count,
        cost_usd=round(sum(a.usage.cost_usd for a in artifacts) / count, 6),
        tokens=round(sum(a.usage.total_tokens for a in artifacts) / count, 6),
        duration_s=round(sum(a.duration_s for a in artifacts) / count, 6),
    )


@dataclass(frozen=True)
class ScenarioRates:
    """One scenario's rates in a run, with its tags."""

    tags: list[str]
    rates: Rates


@dataclass(frozen=True)
class RunStats:
    """A run's statistics: `overall` rates; means per scored trial, per passed trial and (apart) per errored
    trial; rates by tag (sorted by tag) and by scenario (in the run's order); and what a paired comparison needs
    (the harness name and each scenario's definition as canonical JSON)."""

    run_id: str
    harness: str
    runs: int
    overall: Rates
    per_trial: Means
    per_passed_trial: Means
    per_errored_trial: Means
    by_tag: list[Rates]
    scenarios: dict[str, ScenarioRates]
    definitions: dict[str, str] = field(default_factory=dict, repr=False)

    def to_json(self, *, by_tag: bool = False, scenarios: bool = False) -> dict[str, Any]:
        """The statistics as JSON data; the breakdowns only when asked for."""
        data: dict[str, Any] = {
            "confidence": CONFIDENCE, "overall": self.overall.to_json(), "per_trial": self.per_trial.to_json(),
            "per_passed_trial": self.per_passed_trial.to_json(),
            "per_errored_trial": self.per_errored_trial.to_json(),
        }
        if by_tag:
            data["by_tag"] = [r.to_json() for r in self.by_tag]
        if scenarios:
            data["scenarios"] = [{**s.rates.to_json(), "tags": s.tags} for s in self.scenarios.values()]
        return data


def _scenario_definitions(harness: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = harness.get("scenarios")
    scenarios = found if isinstance(found, list) else []
    return {s["id"]: s for s in scenarios if isinstance(s, dict) and isinstance(s.get("id"), str)}


def _counts(summary: RunSummary) -> dict[str, dict[str, int]]:
    return {sid: {"passed": s.passed, "failed": s.failed, "errored": s.errored}
            for sid, s in summary.scenarios.items()}


def _by_tag(counts: dict[str, dict[str, int]], tags: Mapping[str, list[str]], runs: int) -> list[Rates]:
    members: dict[str, dict[str, dict[str, int]]] = {}
    for sid, c in counts.items():
        for tag in tags.get(sid, []):
            members.setdefault(tag, {})[sid] = c
    return [rates(tag, members[tag], runs) for tag in sorted(members)]


def run_stats(spec: RunSpec, summary: RunSummary, artifacts: Iterable[TrialArtifact],
              harness: dict[str, Any] | None = None) -> RunStats:
    """The statistics of a run from its spec, its summary (scoring.summarise of the same artifacts) and its
    trial artifacts (artifacts of scenarios not in the run are ignored). A scenario's tags are those of its
    definition in the run's `harness` (JSON; default: the copy inline in the spec, none when it has none)
    ("tier:easy", "skill:transition", ...)."""
    definitions = _scenario_definitions(harness if harness is not None else spec.harness or {})
    tags = {sid: [str(t) for t in definitions.get(sid, {}).get("tags", [])] for sid in spec.scenario_ids}
    counts = _counts(summary)
    known = [a for a in artifacts if a.scenario_id in counts]
    return RunStats(
        run_id=spec.run_id, harness=spec.harness_name, runs=spec.runs,
        overall=rates("all", counts, spec.runs),
        per_trial=means([a for a in known if a.outcome != "error"]),
        per_passed_trial=means([a for a in known if a.outcome == "passed"]),
        per_errored_trial=means([a for a in known if a.outcome == "error"]),
        by_tag=_by_tag(counts, tags, spec.runs),
        scenarios={sid: ScenarioRates(tags[sid], rates(sid, {sid: counts[sid]}, spec.runs)) for sid in counts},
        definitions={sid: json.dumps(d, sort_keys=True) for sid, d in definitions.items()},
    )


@dataclass(frozen=True)
class Flip:
    """A scenario solved (more than half its scored trials passed) in one run and not in the other."""

    scenario: str
    baseline: float
    candidate: float
    direction: Literal["gained", "lost"]


@dataclass(frozen=True)
class PairedDifference:
    """candidate − baseline: the mean over shared scenarios of the difference of their pass rates, with a 95%
    percentile bootstrap interval over scenarios (seed SEED, RESAMPLES resamples), the scenarios that flipped,
    and the scenarios left out (in one run only, defined differently, or with no scored trial in one run)."""

    baseline: str
    candidate: str
    harness: str
    scenarios: int
    difference: float | None
    interval: Interval | None
    flips: list[Flip]
    left_out: list[str]

    def to_json(self) -> dict[str, Any]:
        """The difference as JSON data."""
        return {
            "baseline": self.baseline, "candidate": self.candidate, "harness": self.harness,
            "scenarios": self.scenarios, "difference": self.difference,
            "interval": self.interval.to_json() if self.interval else None, "confidence": CONFIDENCE,
            "seed": SEED, "resamples": RESAMPLES,
            "flipped": [{"scenario": f.scenario, "baseline": f.baseline, "candidate": f.candidate,
                         "direction": f.direction} for f in self.flips],
            "left_out": self.left_out,
        }


def _shared_rates(baseline: RunStats, candidate: RunStats) -> tuple[list[tuple[str, float, float]], list[str]]:
    shared: list[tuple[str, float, float]] = []
    left_out: list[str] = []
    for sid in sorted(set(baseline.scenarios) | set(candidate.scenarios)):
        a, b = baseline.scenarios.get(sid), candidate.scenarios.get(sid)
        same = baseline.definitions.get(sid) == candidate.definitions.get(sid)
        if a is None or b is None or not same or a.rates.pass_rate is None or b.rates.pass_rate is None:
            left_out.append(sid)
            continue
        shared.append((sid, a.rates.pass_rate, b.rates.pass_rate))
    return shared, left_out


def paired_difference(baseline: RunStats, candidate: RunStats) -> PairedDifference | None:
    """The paired difference candidate − baseline, scenario by scenario; None when the runs are not on the same
    harness (by name). The interval needs at least 2 shared scenarios (else None)."""
    if baseline.harness != candidate.harness:
        return None
    shared, left_out = _shared_rates(baseline, candidate)
    diffs = np.array([b - a for _, a, b in shared], dtype=np.float64)
    interval = None
    if len(shared) >= 2:
        low, high = mean_bootstrap(diffs)
        interval = Interval(float(low), float(high))
    flips = [Flip(sid, a, b, "gained" if b > 0.5 else "lost") for sid, a, b in shared if (a > 0.5) != (b > 0.5)]
    return PairedDifference(
        baseline=baseline.run_id, candidate=candidate.run_id, harness=baseline.harness, scenarios=len(shared),
        difference=round(float(diffs.mean()), 6) if shared else None, interval=interval, flips=flips,
        left_out=left_out,
    )


def shared_scenario_rates(baseline: RunStats, candidate: RunStats) -> list[tuple[str, float, float]]:
    """(scenario, baseline pass rate, candidate pass rate) of every scenario `paired_difference` pairs (sorted by
    id; the left-out ones are not here): what a per-scenario view of the paired difference shows."""
    return _shared_rates(baseline, candidate)[0]
