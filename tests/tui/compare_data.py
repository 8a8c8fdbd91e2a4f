"""Run folders for the compare screen's tests: runs on one harness whose scenarios carry tier and skill tags, with
costs and tokens in their trial artifacts, written as a worker would (FakeWorker) with a stepping clock."""

from __future__ import annotations

import random
from pathlib import Path

from fake_worker import FakeWorker
from make_data import StepClock

from jira_bench_tui.engine import run_folder
from jira_bench_tui.engine.run_folder.json_files import write_json_atomic

BASE = 1795514400.0  # 2026-11-24 10:00:00 UTC
SCENARIOS = {
    "assign-login-bug": ["tier:easy", "skill:assign"],
    "close-duplicate": ["tier:easy", "skill:link"],
    "sprint-plan": ["tier:medium", "skill:sprint"],
    "triage-inbox": ["tier:medium", "skill:triage"],
    "release-notes": ["tier:hard", "skill:report"],
    "epic-rollup": ["tier:hard", "skill:report"],
}
MODELS = [("claude-sonnet-4-5", 0.92, 0.041, "temperature 0"), ("claude-haiku-4-5", 0.7, 0.012, None),
          ("oracle", 1.0, 0.0, None), ("gpt-5-mini", 0.55, 0.02, "prompt v2"), ("null", 0.0, 0.0, None)]


class TaggedWorker(FakeWorker):
    """A FakeWorker whose spec holds the scenarios' definitions (with tags) and whose artifacts hold tokens and cost."""

    def __init__(self, results: Path, run_id: str, runs: int, model: str, clock: StepClock,
                 note: str | None = None, pid: int | None = None) -> None:
        super().__init__(results, run_id, list(SCENARIOS), runs=runs, model=model, harness_name="core", clock=clock,
                         note=note, pid=pid)
        spec = self.spec.model_copy(update={"harness": {"name": "core", "scenarios": [
            {"id": sid, "tags": tags, "prompt": f"Do {sid}"} for sid, tags in SCENARIOS.items()]}})
        write_json_atomic(run_folder.spec_path(self.folder), spec.model_dump(mode="json"))
        self.spec = spec

    def trial(self, scenario: str, rep: int = 1, outcome: run_folder.Outcome = "passed", tokens: int = 1200,
              cost: float = 0.0, text: str = "Looking up the issue.") -> None:
        super().trial(scenario, rep, outcome, tokens=tokens, cost=cost, text=text)
        path = run_folder.trial_path(self.folder, scenario, rep)
        artifact = run_folder.TrialArtifact.model_validate_json(path.read_text(encoding="utf-8"))
        artifact.usage = run_folder.UsageTotals(total_tokens=tokens, cost_usd=cost)
        run_folder.write_trial(self.folder, artifact)


def make_runs(results: Path, count: int, *, runs: int = 3, live_last: bool = True) -> list[str]:
    """`count` runs (at most 5) of the six tagged scenarios, `runs` repetitions each, outcomes drawn with a fixed
    seed from each model's skill; the last one still going (its worker this process, half its trials done) when
    `live_last`. Their run ids, oldest first."""
    chance = random.Random(16)
    ids = []
    for index, (model, skill, cost, note) in enumerate(MODELS[:count]):
        live = live_last and index == count - 1
        clock = StepClock(BASE + index * 600, 0.5)
        run_id = f"20261124-1{index}0000-core-{model.removeprefix('claude-')}-{index}a{index}b"
        worker = TaggedWorker(results, run_id, runs, model, clock, note=note).start()
        trials = [(sid, rep) for rep in range(1, runs + 1) for sid in SCENARIOS]
        for number, (sid, rep) in enumerate(trials[:len(trials) // 2] if live else trials):
            hard = 0.25 if "tier:hard" in SCENARIOS[sid] else 0.0
            roll = chance.random()
            outcome: run_folder.Outcome = ("error" if roll > 0.97 else
                                           "passed" if roll < skill - hard else "failed")
            tokens = 4000 + 300 * number
            worker.trial(sid, rep, outcome, tokens=tokens, cost=round(cost * (1 + 0.1 * (number % 3)), 4))
        if live:
            worker.begin_trial(*trials[len(trials) // 2])
            worker.close()
        else:
            worker.finish()
        ids.append(run_id)
    return ids


def live_clock(results: Path) -> float:
    """A clock for the app 3 s after the newest heartbeat: the live run looks alive."""
    latest = max(run_folder.read_state(folder).updated_at for folder in (results / "runs").iterdir())
    return round(latest) + 3.0
