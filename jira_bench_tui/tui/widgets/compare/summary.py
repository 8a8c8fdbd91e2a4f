"""The compare screen's summary: one row per compared run with its pass rate and 95% Wilson interval, pass^k at the
highest k, errors apart, and mean cost, tokens and time per trial and per passed trial (engine/stats.py figures)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from jira_bench_tui.engine.stats import Interval, Means, Rates
from jira_bench_tui.tui.colors import rate_variable, theme_style
from jira_bench_tui.tui.widgets.compare.data import ComparedRun

COLUMNS = ["#", "model", "note", "pass rate [95% CI]", "pass^k", "errors", "passed", "cost/trial", "cost/pass",
           "tokens/trial", "tokens/pass", "time/trial", "time/pass", "harness", "run"]
"""Most telling first (80 columns show up to pass^k and errors; the table scrolls sideways for the rest)."""
LIVE_MARK = "●"
NOTE_WIDTH = 24


def percent(value: float | None) -> str:
    """'82%' (no decimals: the intervals are wider than that), '-' for None."""
    return "-" if value is None else f"{value:.0%}"


def rate_with_interval(rate: float | None, interval: Interval | None) -> str:
    """'82% [69–90]': the pass rate and its interval in percent, '-' when nothing was scored."""
    if rate is None:
        return "-"
    if interval is None:
        return percent(rate)
    return f"{rate:.0%} [{interval.low * 100:.0f}–{interval.high * 100:.0f}]"


def top_pass_hat_k(rates: Rates) -> str:
    """pass^k at the highest k there is: '61% k=3', '-' before every scenario has a scored trial."""
    k = max((int(key) for key in rates.pass_hat_k), default=None)
    return "-" if k is None else f"{rates.pass_hat_k[str(k)]:.0%} k={k}"


def cell_width(cell: str | Text) -> int:
    """How many terminal cells a table cell's text takes."""
    return (Text(cell) if isinstance(cell, str) else cell).cell_len


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:.4f}"


def _tokens(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}s"


def _means(trial: Means, passed: Means) -> list[str]:
    return [_money(trial.cost_usd), _money(passed.cost_usd), _tokens(trial.tokens), _tokens(passed.tokens),
            _seconds(trial.duration_s), _seconds(passed.duration_s)]


class SummaryTable(DataTable[str | Text]):
    """A row per run (keyed by run id), in the compare screen's order; a live run's number carries '●'."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)

    def show_runs(self, runs: list[ComparedRun]) -> None:
        """Show the runs' figures now (every row again, the columns as wide as their widest cell, set here rather than
        measured later so the heading and the rows never disagree; the cursor stays on its row)."""
        row = self.cursor_row
        rows = [self._cells(run) for run in runs]
        self.clear(columns=True)
        for index, name in enumerate(COLUMNS):
            width = max([len(name), *(cell_width(cells[index]) for cells in rows)])
            self.add_column(name, key=name, width=width)
        for run, cells in zip(runs, rows, strict=True):
            self.add_row(*cells, key=run.run_id)
        if runs:
            self.move_cursor(row=min(max(row, 0), len(runs) - 1), animate=False)

    def _cells(self, run: ComparedRun) -> list[str | Text]:
        number = Text(f"{run.number}{LIVE_MARK if run.live else ''}", style="bold")
        stats, report = run.stats, run.report
        if stats is None or report is None:
            blank: list[str | Text] = ["-"] * (len(COLUMNS) - 4)
            return [number, "?", Text(f"unreadable: {run.problem}", style="italic"), *blank, run.run_id]
        o = stats.overall
        note = report.note or ""
        note = note if len(note) <= NOTE_WIDTH else note[:NOTE_WIDTH - 1] + "…"
        rate = Text(rate_with_interval(o.pass_rate, o.wilson),
                    style=theme_style(self.app, rate_variable(o.passed, o.scored)))
        errors = Text(str(o.errored), style=theme_style(self.app, "text-error") if o.errored else "")
        return [number, run.model, Text(note, style="italic"), rate, top_pass_hat_k(o), errors,
                f"{o.passed}/{o.scored}", *_means(stats.per_trial, stats.per_passed_trial), run.harness, run.run_id]
