"""Scores: the unbiased pass@k / pass^k estimators, errors kept out of denominators, per-trial statistics."""

from __future__ import annotations

import math
import time

import pytest

from jira_bench_tui.engine.run_folder import Outcome, RunSpec, ScenarioScore, TrialArtifact, UsageTotals
from jira_bench_tui.engine.scoring import pass_at_k, pass_hat_k, percentile, summarise


def spec(runs: int, scenarios: list[str]) -> RunSpec:
    return RunSpec(run_id="r", created_at=time.time(), harness_source="builtin:x", harness_name="x", harness={},
                   model="oracle", runs=runs, scenario_ids=scenarios)


def artifact(scenario: str, rep: int, outcome: Outcome, tokens: int = 0, cost: float = 0.0, duration: float = 1.0,
             turns: int = 1, calls: int = 0) -> TrialArtifact:
    return TrialArtifact(run_id="r", scenario_id=scenario, repetition=rep, model="oracle", outcome=outcome,
                         started_at=0.0, finished_at=duration, duration_s=duration, prompt="p", turns=turns,
                         tool_calls=calls, usage=UsageTotals(total_tokens=tokens, cost_usd=cost))


def test_estimators_match_their_definitions() -> None:
    assert pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert pass_at_k(5, 2, 2) == pytest.approx(1 - math.comb(3, 2) / math.comb(5, 2))
    assert pass_at_k(5, 2, 4) == 1.0  # fewer failures than draws: one pass is certain
    assert pass_hat_k(5, 2, 2) == pytest.approx(1 / 10)
    assert pass_hat_k(5, 2, 3) == 0.0
    assert pass_hat_k(3, 3, 3) == 1.0 and pass_at_k(3, 0, 3) == 0.0
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_summary_excludes_errors_from_rates_and_averages_over_scenarios() -> None:
    artifacts = [
        artifact("a", 1, "passed", 100, 0.01, 1.0), artifact("a", 2, "passed", 100, 0.01, 2.0),
        artifact("a", 3, "failed", 100, 0.01, 3.0),
        artifact("b", 1, "failed"), artifact("b", 2, "error"), artifact("b", 3, "error"),
        artifact("ghost", 1, "passed"),  # not in the spec: ignored
    ]
    summary = summarise(spec(3, ["a", "b"]), artifacts)
    assert (summary.passed, summary.failed, summary.errored, summary.done) == (2, 2, 2, 6)
    assert summary.pass_rate == 0.5  # 2 / (2 + 2): errors excluded
    assert summary.error_rate == pytest.approx(2 / 6, abs=1e-6)
    assert summary.scenarios["a"].pass_rate == pytest.approx(2 / 3, abs=1e-6)
    assert summary.scenarios["b"] == ScenarioScore(passed=0, failed=1, errored=2, total=3, done=3, pass_rate=0.0)
    # k=1: a (n=3,c=2) -> 2/3 and b (n=1,c=0) -> 0, averaged; k=2,3: b has only one scored trial, so no k > 1
    assert summary.pass_at_k["1"] == pytest.approx((2 / 3 + 0) / 2, abs=1e-6)
    assert list(summary.pass_hat_k) == ["1"] and list(summary.pass_at_k) == ["1"]
    assert summary.tokens == 300 and summary.cost_usd == pytest.approx(0.03)
    assert summary.per_trial.duration_s is not None and summary.per_trial.duration_s.median == 1.0


def test_percentile_interpolates() -> None:
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile(list(range(11)), 0.9) == 9.0
    assert percentile([7], 0.9) == 7.0


def test_empty_run_has_no_rates() -> None:
    summary = summarise(spec(2, ["a"]), [])
    assert summary.pass_rate is None and summary.pass_at_k == {} and summary.per_trial.tokens is None


def test_pass_hat_k_of_a_partial_run_covers_every_scenario_or_is_absent() -> None:
    """A cancelled run: scenario a has 3 scored trials, b only 1. pass^2 and pass^3 would cover only a: not given."""
    artifacts = [artifact("a", 1, "passed"), artifact("a", 2, "passed"), artifact("a", 3, "passed"),
                 artifact("b", 1, "failed")]
    summary = summarise(spec(3, ["a", "b"]), artifacts, status="cancelled")
    assert summary.pass_hat_k == {"1": 0.5} and summary.pass_at_k == {"1": 0.5}
    nothing_for_b = summarise(spec(3, ["a", "b"]), artifacts[:3], status="cancelled")
    assert nothing_for_b.pass_hat_k == {} and nothing_for_b.pass_rate == 1.0
