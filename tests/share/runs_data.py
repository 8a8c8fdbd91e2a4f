"""Small run folders for the report and serve tests: three finished runs of one harness (tagged scenarios,
repetitions, costs, a mix of outcomes, an error) and user text that must be escaped in HTML (a note with markup)."""

from __future__ import annotations

from pathlib import Path

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.run_folder import Outcome, RunSpec, TrialArtifact, UsageTotals
from jira_bench_tui.engine.scoring import summarise

SCENARIOS = {
    "assign-login-bug": ["tier:easy", "skill:assign"],
    "close-duplicate": ["tier:easy", "skill:transition"],
    "count-open-bugs": ["tier:easy", "skill:search"],
    "move-to-sprint": ["tier:medium", "skill:sprint"],
    "plan-next-sprint": ["tier:hard", "skill:sprint"],
    "triage-outage": ["tier:hard", "skill:transition"],
}
NOTE = '<script>alert("note")</script> & retry'
# run id -> (model, cost per trial in USD, tokens per trial, outcomes per scenario over 3 repetitions)
RUNS: dict[str, tuple[str, float, int, dict[str, str]]] = {
    "20261124-080000-example-sonnet-4-5-a1b2": ("claude-sonnet-4-5", 0.041, 8200, {
        "assign-login-bug": "ppp", "close-duplicate": "ppp", "count-open-bugs": "ppp", "move-to-sprint": "ppf",
        "plan-next-sprint": "pfe", "triage-outage": "ppf"}),
    "20261124-090000-example-haiku-4-5-c3d4": ("claude-haiku-4-5", 0.009, 6100, {
        "assign-login-bug": "ppp", "close-duplicate": "pfp", "count-open-bugs": "ppp", "move-to-sprint": "fpf",
        "plan-next-sprint": "fff", "triage-outage": "fpf"}),
    "20261124-100000-example-gpt-5-mini-e5f6": ("gpt-5-mini", 0.004, 7300, {
        "assign-login-bug": "ppf", "close-duplicate": "fff", "count-open-bugs": "ppp", "move-to-sprint": "ffe",
        "plan-next-sprint": "fff", "triage-outage": "fff"}),
}
OUTCOMES: dict[str, Outcome] = {"p": "passed", "f": "failed", "e": "error"}
BASE = 1795514400.0  # 2026-11-24 10:00:00 UTC


def make_runs(results: Path) -> list[str]:
    """Write the RUNS as finished run folders under `results`; their ids, in RUNS' order."""
    harness = {"name": "example", "scenarios": [{"id": sid, "prompt": f"Do {sid}", "tags": tags}
                                                for sid, tags in SCENARIOS.items()]}
    for index, (run_id, (model, cost, tokens, outcomes)) in enumerate(RUNS.items()):
        artifacts = []
        created = BASE - 3600 * (3 - index)
        spec = RunSpec(run_id=run_id, created_at=created, harness_source="builtin:example", harness_name="example",
                       harness=harness, model=model, runs=3, scenario_ids=list(SCENARIOS),
                       note=NOTE if index == 0 else None)
        folder = run_folder.create_run(results, spec)
        for sid, letters in outcomes.items():
            for rep, letter in enumerate(letters, 1):
                started = created + 10 * rep
                artifacts.append(TrialArtifact(
                    run_id=run_id, scenario_id=sid, repetition=rep, model=model, outcome=OUTCOMES[letter],
                    started_at=started, finished_at=started + 20 + rep, duration_s=20.0 + rep, prompt=f"Do {sid}",
                    turns=3, usage=UsageTotals(total_tokens=tokens + 100 * rep, cost_usd=cost * (1 + rep / 10)),
                    error="MCP server did not answer" if letter == "e" else None))
        _finish(folder, spec, artifacts, created)
    return list(RUNS)


def _finish(folder: Path, spec: RunSpec, artifacts: list[TrialArtifact], created: float) -> None:
    """The trials, then state.json and summary.json as a worker leaves them at the end of a completed run."""
    for artifact in artifacts:
        run_folder.write_trial(folder, artifact)
    summary = summarise(spec, artifacts)
    state = run_folder.read_state(folder)
    state.status, state.started_at = "completed", created
    state.finished_at = state.updated_at = created + 900
    state.counts = run_folder.Counts(total=summary.total, done=summary.done, passed=summary.passed,
                                     failed=summary.failed, errored=summary.errored)
    state.scenarios = {sid: run_folder.Counts(total=s.total, done=s.done, passed=s.passed, failed=s.failed,
                                              errored=s.errored) for sid, s in summary.scenarios.items()}
    state.usage = UsageTotals(total_tokens=sum(a.usage.total_tokens for a in artifacts),
                              cost_usd=sum(a.usage.cost_usd for a in artifacts))
    run_folder.write_state(folder, state)
    run_folder.write_summary(folder, summary)
