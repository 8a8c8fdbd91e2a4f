"""Record the end of a run: the final state, summary.json and the `run_finished` event. Used by the worker, and by
`kill` for a worker that is gone (it then holds the run's lock, so the one-writer rule holds)."""

from __future__ import annotations

import time
from pathlib import Path

from jira_bench_tui.engine import run_folder, scoring
from jira_bench_tui.engine.run_folder import EventSink, LogEvent, RunFinishedEvent, RunSummary


def close_state(state: run_folder.RunState, status: run_folder.RunStatus, error: str | None) -> None:
    """Give the state its final status: no trial running, `error` only when failed."""
    state.status = status
    state.error = error if status == "failed" else None
    state.finished_at = state.updated_at = time.time()
    for counts in [state.counts, *state.scenarios.values()]:
        counts.running = 0


def announce_end(folder: Path, spec: run_folder.RunSpec, state: run_folder.RunState, emit: EventSink, *,
                 write_summary: bool = True, note: str | None = None) -> RunSummary:
    """summary.json (unless the folder is gone) and the closing events; the caller writes state.json last, so a
    reader that sees the final status finds the run_finished event already there."""
    summary = scoring.summarise(spec, run_folder.scan_trials(folder).artifacts, status=state.status, error=state.error)
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
