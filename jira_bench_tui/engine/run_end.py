"""Record the end of a run, and make a run folder agree with itself: the final state, summary.json and the
`run_finished` event, all from the trial artifacts on disk. Used by the worker (at takeover and at its end), by
`kill` for a worker that is gone and by a crashed worker (each then holds the run's lock: one writer).

The artifacts are the truth: after any end (completed, cancelled, failed, a crash, a kill -9 then resume) the
state's counts, summary.json, `run_finished` and the `trial_finished` events say what the artifacts say
(`reconcile`): counts are recomputed, and a finished trial whose `trial_finished` event is missing (the worker was
stopped between the artifact and the event) gets it, marked `"reconciled": true`, with one `log` line saying so."""

from __future__ import annotations

import time
from pathlib import Path

from jira_bench_tui.engine import run_folder, scoring
from jira_bench_tui.engine.run_folder import (
    EventSink,
    LogEvent,
    RunFinishedEvent,
    RunSummary,
    TrialArtifact,
    TrialFinishedEvent,
)


def close_state(state: run_folder.RunState, status: run_folder.RunStatus, error: str | None) -> None:
    """Give the state its final status: no trial running, `error` only when failed."""
    state.status = status
    state.error = error if status == "failed" else None
    state.finished_at = state.updated_at = time.time()
    for counts in [state.counts, *state.scenarios.values()]:
        counts.running = 0


def _bucket(outcome: str) -> str:
    return {"passed": "passed", "error": "errored"}.get(outcome, "failed")


def count_artifact(state: run_folder.RunState, artifact: TrialArtifact) -> None:
    """Add one finished trial to the run's and its scenario's counts and to the usage totals (a scenario not in the
    run is ignored)."""
    per = state.scenarios.get(artifact.scenario_id)
    if per is None:
        return
    bucket = _bucket(artifact.outcome)
    for counts in (state.counts, per):
        counts.done += 1
        setattr(counts, bucket, getattr(counts, bucket) + 1)
    usage, totals = artifact.usage, state.usage
    for name in ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens",
                 "total_tokens"):
        setattr(totals, name, getattr(totals, name) + getattr(usage, name))
    totals.cost_usd = round(totals.cost_usd + usage.cost_usd, 6)


def counts_from_artifacts(spec: run_folder.RunSpec, artifacts: list[TrialArtifact]) -> run_folder.RunState:
    """A fresh running state whose counts and usage come from the artifacts already on disk."""
    state = run_folder.RunState(status="running", updated_at=time.time(),
                                counts=run_folder.Counts(total=spec.total_trials),
                                scenarios={sid: run_folder.Counts(total=spec.runs) for sid in spec.scenario_ids})
    for artifact in artifacts:
        count_artifact(state, artifact)
    return state


def finished_event(artifact: TrialArtifact, *, reconciled: bool = False) -> TrialFinishedEvent:
    """A trial's `trial_finished` event (docs/run-folder.md), from its artifact; `reconciled` marks one written late,
    by a worker or `kill` that found the artifact without its event."""
    fields = {
        "trial": artifact.key, "scenario": artifact.scenario_id, "rep": artifact.repetition,
        "outcome": artifact.outcome, "duration_s": artifact.duration_s, "turns": artifact.turns,
        "tool_calls": artifact.tool_calls, "tokens": artifact.usage.total_tokens,
        "cost_usd": artifact.usage.cost_usd, "error": artifact.error,
    }
    return TrialFinishedEvent.model_validate({**fields, "reconciled": True} if reconciled else fields)


def reconcile(folder: Path, spec: run_folder.RunSpec, state: run_folder.RunState, emit: EventSink,
              announced: dict[str, str] | None = None) -> list[TrialArtifact]:
    """Make the state's counts and the events agree with the readable artifacts on disk; returns those artifacts.

    `announced` is {trial key: outcome} of the `trial_finished` events already written (default: read from
    events.jsonl); it is updated with the ones written here. Counts (not `running`) and usage are recomputed."""
    artifacts = run_folder.scan_trials(folder).artifacts
    fresh = counts_from_artifacts(spec, artifacts)
    running = {sid: per.running for sid, per in state.scenarios.items()}
    state.counts = fresh.counts.model_copy(update={"running": state.counts.running})
    state.scenarios = {sid: per.model_copy(update={"running": running.get(sid, 0)})
                       for sid, per in fresh.scenarios.items()}
    state.usage = fresh.usage
    known = run_folder.finished_in_events(folder) if announced is None else announced
    missing = [artifact for artifact in artifacts if known.get(artifact.key) != artifact.outcome]
    for artifact in missing:
        emit(finished_event(artifact, reconciled=True))
        known[artifact.key] = artifact.outcome
    if missing:
        emit(LogEvent(level="info", message=f"{len(missing)} finished trial{'s' if len(missing) != 1 else ''} had "
                                             "no trial_finished event (the worker stopped between the artifact and "
                                             "the event); recorded now from the artifacts"))
    return artifacts


def announce_end(folder: Path, spec: run_folder.RunSpec, state: run_folder.RunState, emit: EventSink, *,
                 write_summary: bool = True, note: str | None = None,
                 artifacts: list[TrialArtifact] | None = None) -> RunSummary:
    """summary.json (unless the folder is gone) and the closing events; the caller writes state.json last, so a
    reader that sees the final status finds the run_finished event already there. `artifacts`: the readable ones
    (default: scanned again)."""
    if artifacts is None:
        artifacts = run_folder.scan_trials(folder).artifacts
    summary = scoring.summarise(spec, artifacts, status=state.status, error=state.error)
    if write_summary:
        run_folder.write_summary(folder, summary)
    if note:
        emit(LogEvent(level="warning", message=note))
    if state.error:
        emit(LogEvent(level="error", message=state.error))
    emit(RunFinishedEvent(status=state.status, passed=summary.passed, failed=summary.failed,
                          errored=summary.errored, total=summary.total, pass_rate=summary.pass_rate,
                          cost_usd=summary.cost_usd, error=state.error))
    return summary


def record_end(folder: Path, status: run_folder.RunStatus, error: str | None, note: str | None = None) -> bool:
    """End a run whose worker is gone (the caller holds the run's lock): reconcile it with its artifacts, then
    summary.json, the closing events and the final state. False (nothing written) when the run had already ended.
    StoreError when the folder is unreadable; OSError when it cannot be written."""
    state = run_folder.read_state(folder)
    if state.status in run_folder.FINAL_STATUSES:
        return False
    spec = run_folder.read_spec(folder)
    run_folder.remove_temp_files(folder)  # left by the worker that is gone (its space reserve too)
    writer = run_folder.EventWriter(folder)
    try:
        artifacts = reconcile(folder, spec, state, writer.write)
        close_state(state, status, error)
        announce_end(folder, spec, state, writer.write, note=note, artifacts=artifacts)
    finally:
        writer.close()
    run_folder.write_state(folder, state)
    return True
