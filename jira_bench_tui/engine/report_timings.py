"""The timings part of `jira-bench report`: per run, the model calls' own latency (the HTTP exchanges) and, apart,
the time they waited for the trial's event loop, and the time trials waited for a free concurrency slot (medians in
seconds, from the trial artifacts; runs made before these were recorded show '-')."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from jira_bench_tui.engine.run_folder import ModelStep, TrialArtifact

HEADERS = ["run", "model calls", "median API latency", "median loop wait", "median queued (trial)"]


@dataclass(frozen=True)
class RunTimings:
    """Model calls with a measured latency, the medians of their latency and loop wait, and of the trials' slot wait
    (seconds; None when nothing was measured)."""

    run_id: str
    model_calls: int
    latency_median_s: float | None
    wait_median_s: float | None
    queued_median_s: float | None

    def to_json(self) -> dict[str, Any]:
        """The timings as JSON data (the report's `timings` object)."""
        return {key: value for key, value in asdict(self).items() if key != "run_id"}


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 4) if values else None


def run_timings(run_id: str, artifacts: Iterable[TrialArtifact]) -> RunTimings:
    """The timings of a run's readable artifacts."""
    latencies: list[float] = []
    waits: list[float] = []
    queued: list[float] = []
    for artifact in artifacts:
        if artifact.queued_s is not None:
            queued.append(artifact.queued_s)
        for step in artifact.steps:
            if isinstance(step, ModelStep) and step.latency_s is not None:
                latencies.append(step.latency_s)
                waits.append(step.wait_s or 0.0)
    return RunTimings(run_id, len(latencies), _median(latencies), _median(waits), _median(queued))


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"


def has_timings(timings: Sequence[RunTimings]) -> bool:
    """Whether the report shows a timings table: some run has a timed model call or a measured slot wait (runs made
    before these were recorded have neither)."""
    return any(t.model_calls or t.queued_median_s is not None for t in timings)


def timings_cells(timings: Sequence[RunTimings]) -> list[list[str]]:
    """One row a run, for the report's 'timings' section (HEADERS)."""
    return [[t.run_id, str(t.model_calls), _seconds(t.latency_median_s), _seconds(t.wait_median_s),
             _seconds(t.queued_median_s)] for t in timings]
