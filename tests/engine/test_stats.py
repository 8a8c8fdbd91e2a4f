"""Report statistics (engine/stats.py) against known values: a hand-computed Wilson interval, pass^k on a small
table, a seeded bootstrap whose 95% interval covers the true paired difference in a simulation of 1,000 paired
runs, errors kept out of rates, rates by tag, the paired difference and its flips."""

from __future__ import annotations

import csv
import io
import json
import math
import time
from pathlib import Path

import numpy as np
import pytest

from jira_bench_tui.engine.run_folder import Outcome, RunSpec, TrialArtifact, UsageTotals
from jira_bench_tui.engine.scoring import summarise
from jira_bench_tui.engine.stats import (
    RunStats,
    cluster_bootstrap,
    mean_bootstrap,
    paired_difference,
    rates,
    run_stats,
    wilson_interval,
)

from .conftest import invoke

TAGS = {"a": ["tier:easy", "skill:read"], "b": ["tier:easy", "skill:assign"], "c": ["tier:hard", "skill:read"]}


def spec(run_id: str, runs: int, harness: str = "h", tags: dict[str, list[str]] | None = None) -> RunSpec:
    tags = TAGS if tags is None else tags
    scenarios = [{"id": sid, "prompt": "p", "tags": t} for sid, t in tags.items()]
    return RunSpec(run_id=run_id, created_at=time.time(), harness_source="builtin:x", harness_name=harness,
                   harness={"name": harness, "scenarios": scenarios}, model="m", runs=runs, scenario_ids=list(tags))


def artifact(run_id: str, scenario: str, rep: int, outcome: Outcome, cost: float = 0.0, tokens: int = 0,
             duration: float = 1.0) -> TrialArtifact:
    return TrialArtifact(run_id=run_id, scenario_id=scenario, repetition=rep, model="m", outcome=outcome,
                         started_at=0.0, finished_at=duration, duration_s=duration, prompt="p", turns=1,
                         usage=UsageTotals(total_tokens=tokens, cost_usd=cost))


def stats_of(run_id: str, outcomes: dict[str, list[Outcome]], **kwargs: float) -> RunStats:
    runs = max(len(v) for v in outcomes.values())
    the_spec = spec(run_id, runs)
    artifacts = [artifact(run_id, sid, rep, outcome, **kwargs) for sid, seq in outcomes.items()
                 for rep, outcome in enumerate(seq, 1)]
    return run_stats(the_spec, summarise(the_spec, artifacts), artifacts)


def test_wilson_interval_of_41_of_50_matches_the_hand_computed_one() -> None:
    # Wilson (1927): centre (p + z²/2n) / (1 + z²/n), half-width z / (1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)
    n, p, z = 50, 41 / 50, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    interval = wilson_interval(41, 50)
    assert interval is not None
    assert (interval.low, interval.high) == pytest.approx((centre - half, centre + half), abs=1e-9)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.6920, 0.9023)
    assert wilson_interval(0, 0) is None
    zero = wilson_interval(0, 10)
    assert zero is not None and zero.low == pytest.approx(0.0, abs=1e-12) and zero.high == pytest.approx(0.2775, abs=1e-4)


def test_pass_k_on_a_small_table() -> None:
    # a: 3/3, b: 2/3, c: 0/3. pass^k = C(c,k)/C(n,k) averaged; pass@k = 1 - C(n-c,k)/C(n,k) averaged
    counts = {"a": {"passed": 3, "failed": 0, "errored": 0}, "b": {"passed": 2, "failed": 1, "errored": 0},
              "c": {"passed": 0, "failed": 3, "errored": 0}}
    r = rates("all", counts, 3)
    assert r.pass_hat_k == pytest.approx({"1": 5 / 9, "2": 4 / 9, "3": 1 / 3}, abs=1e-6)
    assert r.pass_at_k == pytest.approx({"1": 5 / 9, "2": 2 / 3, "3": 2 / 3}, abs=1e-6)
    assert (r.passed, r.scored, r.pass_rate) == (5, 9, pytest.approx(5 / 9, abs=1e-6))
    assert r.bootstrap is not None and r.bootstrap.low <= 5 / 9 <= r.bootstrap.high
    assert rates("all", counts, 1).bootstrap is None  # no repetitions: the Wilson interval only


def test_cluster_bootstrap_is_seeded_and_needs_two_scenarios() -> None:
    first = cluster_bootstrap([3, 2, 0, 1], [3, 3, 3, 3])
    assert first == cluster_bootstrap([3, 2, 0, 1], [3, 3, 3, 3])  # fixed seed: the same interval every time
    assert first is not None and 0.0 <= first.low < 0.5 < first.high <= 1.0
    assert cluster_bootstrap([3], [3]) is None and cluster_bootstrap([3, 0], [3, 0]) is None


def test_paired_bootstrap_covers_the_true_difference_in_1000_simulated_paired_runs() -> None:
    """40 scenarios of a random difficulty z ~ N(0, 1.5), 3 repetitions each; run A passes with p = expit(z), run
    B with expit(z + 0.6). The true difference is E[expit(z + 0.6) - expit(z)]. One vectorised bootstrap over the
    1,000 simulated pairs of runs."""
    start = time.monotonic()
    rng = np.random.default_rng(2024)
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    z = rng.normal(0, 1.5, 2_000_000)
    true = float(np.mean(expit(z + 0.6) - expit(z)))
    difficulty = rng.normal(0, 1.5, (1000, 40))
    a = rng.binomial(3, expit(difficulty)) / 3
    b = rng.binomial(3, expit(difficulty + 0.6)) / 3
    low, high = mean_bootstrap(b - a)
    coverage = float(np.mean((low <= true) & (true <= high)))
    assert coverage >= 0.93, coverage  # nominal 0.95; a percentile bootstrap over 40 clusters gives ~0.94-0.95
    assert time.monotonic() - start < 10


def test_errors_stay_out_of_rates_and_are_shown_apart() -> None:
    s = stats_of("r", {"a": ["passed", "error", "failed"], "b": ["error", "error", "passed"],
                       "c": ["failed", "failed", "error"]}, cost=0.5, tokens=100, duration=2.0)
    assert (s.overall.passed, s.overall.failed, s.overall.errored) == (2, 3, 4)
    assert s.overall.pass_rate == 0.4 and s.overall.wilson == wilson_interval(2, 5)
    assert (s.per_trial.trials, s.per_passed_trial.trials, s.per_errored_trial.trials) == (5, 2, 4)
    assert s.per_trial.cost_usd == 0.5 and s.per_trial.tokens == 100 and s.per_passed_trial.duration_s == 2.0
    assert s.overall.pass_hat_k == {"1": pytest.approx((1 / 2 + 1 + 0) / 3, abs=1e-6)}  # b has 1 scored trial


def test_rates_by_tag() -> None:
    s = stats_of("r", {"a": ["passed", "passed"], "b": ["passed", "failed"], "c": ["failed", "error"]})
    by = {r.name: r for r in s.by_tag}
    assert list(by) == ["skill:assign", "skill:read", "tier:easy", "tier:hard"]
    assert (by["tier:easy"].scenarios, by["tier:easy"].passed, by["tier:easy"].scored) == (2, 3, 4)
    assert by["skill:read"].pass_rate == pytest.approx(2 / 3, abs=1e-6) and by["skill:read"].errored == 1
    assert by["tier:hard"].pass_rate == 0.0 and by["tier:hard"].bootstrap is None  # one scenario
    assert s.scenarios["c"].tags == ["tier:hard", "skill:read"] and s.scenarios["c"].rates.scored == 1


def test_paired_difference_and_flips() -> None:
    base = stats_of("A", {"a": ["passed", "passed"], "b": ["failed", "failed"], "c": ["passed", "failed"]})
    cand = stats_of("B", {"a": ["failed", "failed"], "b": ["passed", "passed"], "c": ["passed", "passed"]})
    diff = paired_difference(base, cand)
    assert diff is not None and diff.scenarios == 3 and not diff.left_out
    assert diff.difference == pytest.approx((-1 + 1 + 0.5) / 3, abs=1e-6)
    assert diff.interval is not None and diff.interval.low <= diff.difference <= diff.interval.high
    assert [(f.scenario, f.direction) for f in diff.flips] == [("a", "lost"), ("b", "gained"), ("c", "gained")]
    other = run_stats(spec("C", 2, harness="other"), summarise(spec("C", 2, harness="other"), []), [])
    assert paired_difference(base, other) is None  # not the same harness


def test_report_formats_carry_the_same_statistics(results: Path) -> None:
    """Through the CLI: oracle (3/3 scenarios) against null (0/3), 2 repetitions, on the built-in example."""
    invoke("run", "builtin:example", "--model", "oracle", "--runs", "2")
    invoke("run", "builtin:example", "--model", "null", "--runs", "2")
    oracle, null = sorted((results / "runs").iterdir(), key=lambda p: "null" in p.name)
    ids = [oracle.name, null.name]
    code, out, err = invoke("report", *ids, "--by", "tier", "--scenarios")
    assert code == 0, err
    assert "statistics (errors left out of rates)" in out and "[61.0%, 100.0%]" in out  # Wilson of 6/6
    assert "pass@k and pass^k" in out and "by tier" in out and "by scenario" in out and "tier:medium" in out
    assert f"{null.name} - {oracle.name} (example, 3 scenarios): -100.0 points" in out
    assert "lost: start-password-bug (100% -> 0%)" in out
    code, md, _ = invoke("report", *ids, "--format", "md", "--by", "tag")
    assert "### by tag" in md and "| skill:assign | 1 | 2/2 | 100.0% | [34.2%, 100.0%] |" in md
    assert "### paired difference" in md
    code, out, _ = invoke("report", *ids, "--format", "csv", "--by", "tier")
    records = list(csv.DictReader(io.StringIO(out)))
    assert [(r["level"], r["group"]) for r in records] == [
        ("run", "all"), ("run", "all"), ("tag", "tier:easy"), ("tag", "tier:medium"), ("tag", "tier:easy"),
        ("tag", "tier:medium"), ("paired", f"vs {oracle.name}")]
    assert float(records[0]["wilson_low"]) == pytest.approx(0.609666, abs=1e-6)
    assert records[0]["pass_hat_k_all"] == "1=1.0;2=1.0" and float(records[-1]["difference"]) == -1.0
    code, out, _ = invoke("report", *ids, "--format", "json", "--scenarios")
    first, second = json.loads(out)
    assert first["stats"]["overall"]["wilson"] == {"low": 0.609666, "high": 1.0}
    assert first["stats"]["overall"]["pass_hat_k"] == {"1": 1.0, "2": 1.0} and "by_tag" not in first["stats"]
    assert [s["name"] for s in first["stats"]["scenarios"]] == [
        "start-password-bug", "block-checkout-on-outage", "count-open-storefront-bugs"]
    assert second["stats"]["paired_difference"]["difference"] == -1.0
    assert second["stats"]["paired_difference"]["seed"] == 16 and "paired_difference" not in first["stats"]
    code, out, _ = invoke("report", oracle.name, "--format", "json")
    assert "paired_difference" not in json.loads(out)[0]["stats"]  # one run: nothing to pair
