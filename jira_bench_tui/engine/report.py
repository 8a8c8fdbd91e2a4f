"""Compare runs (`jira-bench report`): one row per run with pass rate, pass^k, errors, cost, tokens and time, then
the statistics of engine/stats.py (intervals, pass@k and pass^k by k, means per trial and per passed trial, the
breakdowns by tag and by scenario when asked, the paired difference of two runs on one harness), as a table,
Markdown, CSV or JSON. Scores come from the trial artifacts, so a run still going reports what it has."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jira_bench_tui.engine import run_folder, scoring
from jira_bench_tui.engine.report_stats import (
    CSV_EXTRA,
    Breakdowns,
    grid,
    run_csv_extra,
    stats_csv_rows,
    stats_json,
    stats_sections,
)
from jira_bench_tui.engine.report_timings import HEADERS as TIMING_HEADERS
from jira_bench_tui.engine.report_timings import RunTimings, has_timings, run_timings, timings_cells
from jira_bench_tui.engine.run_folder import RunSummary
from jira_bench_tui.engine.stats import RunStats, run_stats

COLUMNS = ["run_id", "harness", "model", "note", "status", "trials", "pass_rate", "pass_hat_k", "errors", "unreadable",
           "cost_usd", "tokens", "median_time_s"]
HEADERS = ["run", "harness", "model", "note", "status", "trials", "pass rate", "pass^k", "errors", "unreadable", "cost",
           "tokens", "median time"]


@dataclass
class RunReport:
    """One run in the report: its scores now (summary.json's shape, with the status a reader shows) and how many of
    its trial artifacts are unreadable (left out of the scores), its note and sweep id (spec.json; None when none)."""

    summary: RunSummary
    unreadable: int
    stats: RunStats
    note: str | None = None
    sweep_id: str | None = None
    timings: RunTimings | None = None  # model-call latency and waits (report_timings.py)

    def to_json(self) -> dict[str, Any]:
        """The scores as JSON data, with `unreadable`, `note`, `sweep_id` and `timings` (null when not read)."""
        return {**self.summary.model_dump(mode="json"), "unreadable": self.unreadable, "note": self.note,
                "sweep_id": self.sweep_id, "timings": self.timings.to_json() if self.timings else None}


def run_report(folder: Path) -> RunReport:
    """The run's scores now, from its spec, state, harness (for scenario tags) and trial artifacts; never
    events.jsonl nor the fixture. StoreError when any part of the run folder is unreadable (`run_folder.read_run`,
    `run_folder.spec_harness`)."""
    spec, _state, status = run_folder.read_run(folder)
    scan = run_folder.scan_trials(folder)
    summary = scoring.summarise(spec, scan.artifacts, status=status)
    stats = run_stats(spec, summary, scan.artifacts, run_folder.spec_harness(folder, spec))
    return RunReport(summary, len(scan.unreadable), stats, spec.note, spec.sweep_id,
                     run_timings(spec.run_id, scan.artifacts))


def row(report: RunReport) -> dict[str, Any]:
    """One report row (the COLUMNS and `k`, the highest k of pass^k: None when there is none)."""
    summary = report.summary
    k = max((int(key) for key in summary.pass_hat_k), default=None)
    per_time = summary.per_trial.duration_s
    return {
        "run_id": summary.run_id, "harness": summary.harness, "model": summary.model, "note": report.note,
        "status": summary.status,
        "trials": f"{summary.done}/{summary.total}", "pass_rate": summary.pass_rate,
        "pass_hat_k": summary.pass_hat_k.get(str(k)) if k else None, "k": k, "errors": summary.errored,
        "unreadable": report.unreadable, "cost_usd": summary.cost_usd, "tokens": summary.tokens,
        "median_time_s": per_time.median if per_time else None,
    }


def _cell(name: str, value: Any, k: int | None) -> str:
    if value is None:
        return "n/a" if name == "pass_hat_k" else "-"
    if name in ("pass_rate", "pass_hat_k"):
        text = f"{value:.1%}"
        return f"{text} (k={k})" if name == "pass_hat_k" and k else text
    if name == "cost_usd":
        return f"${value:.4f}"
    if name == "median_time_s":
        return f"{value:.2f} s"
    return str(value)


FORMATS = ("table", "md", "csv", "json", "html")


def run_table(reports: list[RunReport]) -> list[list[str]]:
    """The cells of the run table (one row per run, HEADERS' columns), as the table, md and html formats show them."""
    return [[_cell(name, r[name], r["k"]) for name in COLUMNS] for r in (row(report) for report in reports)]


def format_report(reports: list[RunReport], fmt: str, breakdowns: Breakdowns | None = None) -> str:
    """The report in `fmt` (one of FORMATS). The table and md formats: the run table, then the statistics
    sections (report_stats.stats_sections). csv: one row per run (COLUMNS, `k` and report_stats.CSV_EXTRA, `level`
    "run"), then the breakdown and paired-difference rows. json: one record per run, with its whole `summary` and
    its `stats`. html: one self-contained page with the same tables and charts (report_html.render_html).
    `breakdowns`: by tag and by scenario (none by default)."""
    breakdowns = breakdowns or Breakdowns()
    if fmt == "html":
        from jira_bench_tui.engine.report_html import render_html  # matplotlib loads only for this format

        return render_html(reports, breakdowns)
    rows = [row(report) for report in reports]
    stats = [report.stats for report in reports]
    if fmt == "json":
        records = [{**r, "summary": report.to_json(), "stats": extra}
                   for r, report, extra in zip(rows, reports, stats_json(stats, breakdowns), strict=True)]
        return json.dumps(records, indent=2) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        names = [*COLUMNS, "k", *CSV_EXTRA]
        writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        extras = [{**r, **run_csv_extra(one)} for r, one in zip(rows, stats, strict=True)]
        for r in [*extras, *stats_csv_rows(stats, breakdowns)]:
            writer.writerow({key: ("" if r.get(key) is None else r[key]) for key in names})
        return buffer.getvalue()
    return grid(HEADERS, run_table(reports), fmt) + stats_sections(stats, breakdowns, fmt) + _timings_section(reports, fmt)


def _timings_section(reports: list[RunReport], fmt: str) -> str:
    """The 'timings' section (table and md formats), when a run has measured model calls or slot waits."""
    timings = [r.timings for r in reports if r.timings is not None]
    if not has_timings(timings):
        return ""
    body = grid(TIMING_HEADERS, timings_cells(timings), fmt)
    return f"\n### timings\n\n{body}" if fmt == "md" else f"\ntimings (model calls: the API's own time; waits apart)\n{body}"
