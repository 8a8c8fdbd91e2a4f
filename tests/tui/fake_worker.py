"""A stand-in for a run worker in tests: writes a run folder (spec, state, events, trials) as a worker would."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder


class FakeWorker:
    """Writes one run's folder; `clock` stamps events and state so fixed data stays fixed."""

    def __init__(self, results: Path, run_id: str, scenarios: list[str], runs: int = 1, model: str = "oracle",
                 harness_name: str = "example", clock: Callable[[], float] = time.time, pid: int | None = None,
                 concurrency: int = 2, sweep_id: str | None = None, note: str | None = None) -> None:
        self.clock = clock
        self.spec = run_folder.RunSpec(
            run_id=run_id, created_at=clock(), harness_source=f"builtin:{harness_name}", harness_name=harness_name,
            harness={"name": harness_name}, model=model, runs=runs, concurrency=concurrency, scenario_ids=scenarios,
            sweep_id=sweep_id, note=note,
        )
        self.folder = run_folder.create_run(results, self.spec)
        self.pid = os.getpid() if pid is None else pid
        self.state = run_folder.read_state(self.folder)
        self.state.updated_at = clock()
        run_folder.write_state(self.folder, self.state)
        self.events = run_folder.events_path(self.folder).open("a", encoding="utf-8")

    def emit(self, type_: str, **fields: Any) -> None:
        self.events.write(json.dumps({"t": self.clock(), "type": type_, **fields}) + "\n")
        self.events.flush()

    def save_state(self) -> None:
        self.state.updated_at = self.clock()
        run_folder.write_state(self.folder, self.state)

    def start(self) -> FakeWorker:
        self.state.status, self.state.pid, self.state.started_at = "running", self.pid, self.clock()
        self.save_state()
        self.emit("run_started", run_id=self.spec.run_id, model=self.spec.model, harness=self.spec.harness_name,
                  total=self.spec.total_trials, pending=self.spec.total_trials, resumed=False,
                  concurrency=self.spec.concurrency)
        return self

    def begin_trial(self, scenario: str, rep: int) -> None:
        trial = run_folder.trial_key(scenario, rep)
        self.emit("trial_started", trial=trial, scenario=scenario, rep=rep)
        self.state.counts.running += 1
        self.save_state()

    def trial(self, scenario: str, rep: int = 1, outcome: run_folder.Outcome = "passed", tokens: int = 1200,
              cost: float = 0.0, text: str = "Looking up the issue.") -> None:
        """A whole trial: started, one turn with one tool call, one check, finished, artifact and state."""
        trial = run_folder.trial_key(scenario, rep)
        fields = {"trial": trial, "scenario": scenario, "rep": rep}
        self.begin_trial(scenario, rep)
        self.emit("agent_message", **fields, turn=1, text=text, tool_uses=1, usage={"output_tokens": 40})
        self.emit("tool_call", **fields, turn=1, call_id="toolu_1", tool="jira_get_issue",
                  arguments={"issue_key": "WEB-12"})
        self.emit("tool_result", **fields, turn=1, call_id="toolu_1", tool="jira_get_issue", is_error=False,
                  duration_ms=2.0, result='{"key": "WEB-12", "status": "To Do"}')
        passed = outcome == "passed"
        reason = "WEB-12 status is 'In Progress'" if passed else "WEB-12 status is 'To Do', expected 'In Progress'"
        if outcome != "error":
            self.emit("check_result", **fields, index=0, kind="issue", passed=passed, reason=reason)
        error = "MCP server did not answer" if outcome == "error" else None
        self.emit("trial_finished", **fields, outcome=outcome, duration_s=1.5, turns=1, tool_calls=1, tokens=tokens,
                  cost_usd=cost, error=error)
        now = self.clock()
        run_folder.write_trial(self.folder, run_folder.TrialArtifact(
            run_id=self.spec.run_id, scenario_id=scenario, repetition=rep, model=self.spec.model,
            outcome=outcome, error=error, started_at=now - 1.5, finished_at=now, duration_s=1.5,
            prompt=f"Do {scenario}",
        ))
        counts = self.state.counts
        counts.running = max(0, counts.running - 1)
        counts.done += 1
        counts.passed += outcome == "passed"
        counts.failed += outcome == "failed"
        counts.errored += outcome == "error"
        per = self.state.scenarios.setdefault(scenario, run_folder.Counts(total=self.spec.runs))
        per.done += 1
        self.state.usage.total_tokens += tokens
        self.state.usage.cost_usd += cost
        self.save_state()

    def log(self, message: str, level: str = "info") -> None:
        self.emit("log", level=level, message=message)

    def finish(self, status: str = "completed") -> None:
        c = self.state.counts
        self.emit("run_finished", status=status, passed=c.passed, failed=c.failed, errored=c.errored, total=c.total,
                  pass_rate=c.passed / c.total if c.total else 0.0, cost_usd=self.state.usage.cost_usd, error=None)
        self.state.status = status  # type: ignore[assignment]
        self.state.finished_at = self.clock()
        self.save_state()
        self.events.close()

    def close(self) -> None:
        self.events.close()
