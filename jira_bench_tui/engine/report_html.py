"""The HTML report (`jira-bench report RUN... --format html -o FILE`): one self-contained page with the run table,
the statistics tables of the other formats (report_stats.stats_tables), the paired difference, the timings table of
the md report (report_timings), and four charts (report_charts: inline SVG). Nothing is fetched when the page is viewed: the CSS is inline, the charts are inline
SVG, text uses the viewer's own fonts, and the page has no script (it reads and prints the same with JavaScript off).

The page is a Jinja2 template (templates/report.html) with autoescaping on: run ids, model names, notes, scenario
ids and tags are user text and are escaped; only the SVG that matplotlib writes (which escapes its own text) is
placed as markup."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from jira_bench_tui import __version__
from jira_bench_tui.engine import report_charts
from jira_bench_tui.engine.report_stats import Breakdowns, paired_lines, pairing, stats_tables, tag_rates
from jira_bench_tui.engine.report_timings import HEADERS as TIMING_HEADERS
from jira_bench_tui.engine.report_timings import RunTimings, has_timings, timings_cells
from jira_bench_tui.engine.stats import CONFIDENCE, RESAMPLES, SEED, RunStats

if TYPE_CHECKING:
    from jira_bench_tui.engine.report import RunReport

TEMPLATE = "report.html"


def _environment() -> Environment:
    return Environment(loader=PackageLoader("jira_bench_tui.engine", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def charts(stats: Sequence[RunStats], by: str) -> list[report_charts.Chart]:
    """The report's four charts, in page order: pass rate, pass^k curves, cost against pass rate, pass rate by
    tag (`by`: "tag", "tier" or "skill", as report_stats.tag_rates)."""
    tags = [[(r.name, r.pass_rate) for r in tag_rates(s, by)] for s in stats]
    return [report_charts.pass_rate_chart(stats), report_charts.pass_k_chart(stats),
            report_charts.cost_chart(stats), report_charts.tag_chart(stats, tags)]


def timings_table(reports: Sequence[RunReport]) -> dict[str, object]:
    """The page's timings section, from the same report_timings figures as the md table: `headers`, `cells` (one
    row a run; empty when no run has a timed model call or slot wait: md then has no timings section either) and
    `model_calls` (timed model calls over all runs: 0 makes the page say there were none)."""
    timings: list[RunTimings] = [r.timings for r in reports if r.timings is not None]
    return {"headers": TIMING_HEADERS, "cells": timings_cells(timings) if has_timings(timings) else [],
            "model_calls": sum(t.model_calls for t in timings)}


def render_html(reports: list[RunReport], breakdowns: Breakdowns, *, now: float | None = None) -> str:
    """The whole page, as text. `breakdowns.by` defaults to "tag" here (the page's chart and table by tag);
    `breakdowns.scenarios` adds the table by scenario. `now` (epoch seconds, default the current time) is the
    "generated" time the page shows."""
    from jira_bench_tui.engine.report import HEADERS, run_table

    breakdowns = Breakdowns(by=breakdowns.by or "tag", scenarios=breakdowns.scenarios)
    stats = [report.stats for report in reports]
    diff = pairing(stats)
    generated = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(time.time() if now is None else now))
    figures = [{"key": c.key, "caption": c.caption, "svg": Markup(c.svg) if c.svg else None, "empty": c.empty}
               for c in charts(stats, breakdowns.by or "tag")]
    return _environment().get_template(TEMPLATE).render(
        title="jira-bench report: " + ", ".join(r.summary.run_id for r in reports),
        reports=reports, headers=HEADERS, run_rows=run_table(reports), tables=stats_tables(stats, breakdowns),
        paired=paired_lines(diff) if diff is not None else None, charts=figures, timings=timings_table(reports),
        colours=[report_charts.colour(i) for i in range(len(reports))], confidence=CONFIDENCE, seed=SEED,
        resamples=RESAMPLES, version=__version__, generated=generated,
    )
