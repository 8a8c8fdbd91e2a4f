"""What the compare screen shows, without Textual: the compared runs (each with its `jira-bench report` statistics,
engine/stats.py), a short label per run, the scenarios of the matrix and the paired differences against a baseline.
No statistic is computed here: every figure comes from `engine.report.run_report` and `engine.stats`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jira_bench_tui.engine.report import RunReport, run_report
from jira_bench_tui.engine.run_folder import StoreError
from jira_bench_tui.engine.stats import PairedDifference, RunStats, paired_difference
from jira_bench_tui.tui.state import short_model

LABEL_WIDTH = 14
"""A run's label ('2 sonnet-4-5') is cut to this many characters (matrix columns, plot axes, legends)."""
LIVE_STATUSES = ("queued", "running")


@dataclass(frozen=True)
class ComparedRun:
    """One compared run: its place (`number`, from 1, in the order asked), its folder, its status as the app shows
    it (the app's clock decides when a silent run is interrupted) and its report now (None while its folder cannot be
    read, with the reason in `problem`)."""

    number: int
    run_id: str
    folder: Path
    status: str
    report: RunReport | None
    problem: str | None = None

    @property
    def stats(self) -> RunStats | None:
        """The run's statistics (engine/stats.py), None when unreadable."""
        return self.report.stats if self.report else None

    @property
    def live(self) -> bool:
        """Whether the run is queued or running."""
        return self.status in LIVE_STATUSES

    @property
    def model(self) -> str:
        """The run's model ('?' when unreadable)."""
        return self.report.summary.model if self.report else "?"

    @property
    def harness(self) -> str:
        """The run's harness name ('?' when unreadable)."""
        return self.report.summary.harness if self.report else "?"

    @property
    def label(self) -> str:
        """Its number and short model, at most LABEL_WIDTH characters: '2 sonnet-4-5'."""
        text = f"{self.number} {short_model(self.model)}"
        return text if len(text) <= LABEL_WIDTH else text[:LABEL_WIDTH - 1] + "…"


def read_run(number: int, folder: Path, status: str) -> ComparedRun:
    """Read one run's report (every trial artifact: call it off the event loop); an unreadable folder gives a run
    without a report and the reason."""
    try:
        return ComparedRun(number, folder.name, folder, status, run_report(folder))
    except (StoreError, OSError) as exc:
        return ComparedRun(number, folder.name, folder, "unreadable", None, str(exc))


@dataclass(frozen=True)
class Cell:
    """One scenario in one run: passed, failed and errored trials so far of `total` planned (0 when the run does
    not hold the scenario)."""

    passed: int
    failed: int
    errored: int
    total: int

    @property
    def scored(self) -> int:
        """passed + failed (errors stay out of rates)."""
        return self.passed + self.failed

    @property
    def done(self) -> int:
        """Trials finished, errors included."""
        return self.passed + self.failed + self.errored


def scenarios(runs: list[ComparedRun]) -> list[str]:
    """The matrix's rows: every scenario of the runs, in the first run's order, then the new ones of each next run."""
    seen: dict[str, None] = {}
    for run in runs:
        if run.report is not None:
            for sid in run.report.summary.scenarios:
                seen.setdefault(sid, None)
    return list(seen)


def cell(run: ComparedRun, scenario: str) -> Cell | None:
    """The scenario's counts in the run (None when the run does not hold it or is unreadable)."""
    found = run.report.summary.scenarios.get(scenario) if run.report else None
    if found is None:
        return None
    return Cell(found.passed, found.failed, found.errored, found.total)


@dataclass(frozen=True)
class Pairing:
    """The paired difference of `candidate` against the baseline run (None when they are not on one harness)."""

    candidate: ComparedRun
    difference: PairedDifference | None


def pairings(runs: list[ComparedRun], baseline: int) -> list[Pairing]:
    """Every other readable run against `runs[baseline]` (stats.paired_difference: candidate − baseline)."""
    base = runs[baseline].stats if 0 <= baseline < len(runs) else None
    result: list[Pairing] = []
    for index, run in enumerate(runs):
        if index == baseline or base is None or run.stats is None:
            continue
        result.append(Pairing(run, paired_difference(base, run.stats)))
    return result
