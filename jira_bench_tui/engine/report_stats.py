"""The statistics part of `jira-bench report` (engine/stats.py figures): sections of the table and Markdown formats,
extra rows and columns of the CSV format, and the `stats` of each JSON record. Every format carries the same
figures: intervals, pass@k and pass^k by k, means per trial and per passed trial, errors apart, the breakdowns by
tag and by scenario when asked, and the paired difference when exactly two runs on the same harness are given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jira_bench_tui.engine.stats import (
    RESAMPLES,
    SEED,
    Interval,
    PairedDifference,
    Rates,
    RunStats,
    paired_difference,
)

BY_CHOICES = ("tag", "tier", "skill")
CSV_EXTRA = ["level", "group", "scenarios", "scored", "wilson_low", "wilson_high", "bootstrap_low",
             "bootstrap_high", "pass_at_k_all", "pass_hat_k_all", "mean_cost_usd", "mean_tokens", "mean_time_s",
             "mean_cost_usd_passed", "mean_tokens_passed", "mean_time_s_passed", "errored_cost_usd",
             "difference", "difference_low", "difference_high", "flipped"]


@dataclass(frozen=True)
class Breakdowns:
    """What the report breaks down: `by` "tag" (every tag), "tier" or "skill" (tags with that prefix), or None;
    `scenarios`: one row per scenario of each run."""

    by: str | None = None
    scenarios: bool = False


def grid(headers: list[str], cells: list[list[str]], fmt: str) -> str:
    """A Markdown table (fmt "md") or an aligned plain-text one (any other fmt), ending with a newline."""
    if fmt == "md":
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(lines) + "\n"
    table = [headers, *cells]
    widths = [max(len(line[i]) for line in table) for i in range(len(headers))]
    return "\n".join("  ".join(c.ljust(widths[i]) for i, c in enumerate(line)).rstrip() for line in table) + "\n"


def tag_rates(stats: RunStats, by: str | None) -> list[Rates]:
    """The run's rates by tag, as `by` asks (none without it)."""
    if by is None:
        return []
    return [r for r in stats.by_tag if by == "tag" or r.name.startswith(f"{by}:")]


def pairing(stats: Sequence[RunStats]) -> PairedDifference | None:
    """The paired difference (second − first) when exactly two runs on the same harness are reported."""
    if len(stats) != 2:
        return None
    return paired_difference(stats[0], stats[1])


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _ci(interval: Interval | None) -> str:
    return "-" if interval is None else f"[{interval.low:.1%}, {interval.high:.1%}]"


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:.4f}"


def _num(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:,.0f}{unit}" if not unit else f"{value:.2f}{unit}"


def _top_k(rates: Rates) -> str:
    k = max((int(key) for key in rates.pass_hat_k), default=None)
    return "n/a" if k is None else f"{rates.pass_hat_k[str(k)]:.1%} (k={k})"


def _stats_cells(s: RunStats) -> list[str]:
    o, t, p = s.overall, s.per_trial, s.per_passed_trial
    return [s.run_id, f"{o.passed}/{o.scored}", _pct(o.pass_rate), _ci(o.wilson), _ci(o.bootstrap), str(o.errored),
            _money(t.cost_usd), _money(p.cost_usd), _num(t.tokens), _num(p.tokens), _num(t.duration_s, " s"),
            _num(p.duration_s, " s")]


STATS_HEADERS = ["run", "passed", "pass rate", "95% Wilson", "95% bootstrap", "errors", "cost/trial",
                 "cost/pass", "tokens/trial", "tokens/pass", "time/trial", "time/pass"]
RATES_HEADERS = ["passed", "pass rate", "95% Wilson", "95% bootstrap", "pass^k", "errors"]


def _rates_cells(r: Rates) -> list[str]:
    return [f"{r.passed}/{r.scored}", _pct(r.pass_rate), _ci(r.wilson), _ci(r.bootstrap), _top_k(r), str(r.errored)]


def _section(title: str, body: str, fmt: str) -> str:
    return f"\n### {title}\n\n{body}" if fmt == "md" else f"\n{title}\n{body}"


def _pass_k_cells(stats: Sequence[RunStats]) -> list[list[str]]:
    return [[s.run_id, k, _pct(s.overall.pass_at_k[k]), _pct(s.overall.pass_hat_k[k])]
            for s in stats for k in s.overall.pass_hat_k]


def paired_lines(diff: PairedDifference) -> list[str]:
    """The paired difference in words: one line, then the flipped and left-out scenarios."""
    if diff.difference is None:
        return [f"{diff.candidate} - {diff.baseline}: no scenario scored in both runs"]
    interval = "-" if diff.interval is None else (
        f"[{diff.interval.low * 100:+.1f}, {diff.interval.high * 100:+.1f}] points")
    lines = [f"{diff.candidate} - {diff.baseline} ({diff.harness}, {diff.scenarios} scenarios): "
             f"{diff.difference * 100:+.1f} points, 95% bootstrap {interval} (seed {SEED}, {RESAMPLES} resamples)"]
    for f in diff.flips:
        lines.append(f"  {f.direction}: {f.scenario} ({f.baseline:.0%} -> {f.candidate:.0%})")
    if not diff.flips:
        lines.append("  no scenario flipped")
    if diff.left_out:
        lines.append(f"  left out: {', '.join(diff.left_out)}")
    return lines


@dataclass(frozen=True)
class Table:
    """One statistics table of the report: its section title, column headers and cells (text, as printed)."""

    title: str
    headers: list[str]
    cells: list[list[str]]


def stats_tables(stats: Sequence[RunStats], breakdowns: Breakdowns) -> list[Table]:
    """The statistics tables that follow the run table (table, md and html formats): statistics, pass@k and pass^k
    (when any run has a k), by tag (when `breakdowns.by`), by scenario (when `breakdowns.scenarios`)."""
    tables = [Table("statistics (errors left out of rates)", STATS_HEADERS, [_stats_cells(s) for s in stats])]
    k_cells = _pass_k_cells(stats)
    if k_cells:
        tables.append(Table("pass@k and pass^k", ["run", "k", "pass@k", "pass^k"], k_cells))
    if breakdowns.by is not None:
        tag_cells = [[s.run_id, r.name, str(r.scenarios), *_rates_cells(r)] for s in stats
                     for r in tag_rates(s, breakdowns.by)]
        tables.append(Table(f"by {breakdowns.by}", ["run", breakdowns.by, "scenarios", *RATES_HEADERS], tag_cells))
    if breakdowns.scenarios:
        cells = [[s.run_id, sid, " ".join(sc.tags) or "-", *_rates_cells(sc.rates)] for s in stats
                 for sid, sc in s.scenarios.items()]
        tables.append(Table("by scenario", ["run", "scenario", "tags", *RATES_HEADERS], cells))
    return tables


def stats_sections(stats: Sequence[RunStats], breakdowns: Breakdowns, fmt: str) -> str:
    """The statistics sections that follow the run table in the table and md formats (stats_tables, then the
    paired difference in words)."""
    text = "".join(_section(t.title, grid(t.headers, t.cells, fmt), fmt) for t in stats_tables(stats, breakdowns))
    diff = pairing(stats)
    if diff is not None:
        lines = paired_lines(diff)
        body = "\n".join(f"- {line.strip()}" if fmt == "md" and i else line for i, line in enumerate(lines))
        text += _section("paired difference", body + "\n", fmt)
    return text


def _ks(values: dict[str, float]) -> str:
    return ";".join(f"{k}={v}" for k, v in values.items())


def _bounds(prefix: str, interval: Interval | None) -> dict[str, float | None]:
    bounds = interval.to_json() if interval else {"low": None, "high": None}
    return {f"{prefix}_low": bounds["low"], f"{prefix}_high": bounds["high"]}


def _rates_csv(level: str, run_id: str, r: Rates) -> dict[str, Any]:
    return {
        "run_id": run_id, "level": level, "group": r.name, "scenarios": r.scenarios, "scored": r.scored,
        "pass_rate": r.pass_rate, "errors": r.errored,
        **_bounds("wilson", r.wilson), **_bounds("bootstrap", r.bootstrap),
        "pass_at_k_all": _ks(r.pass_at_k), "pass_hat_k_all": _ks(r.pass_hat_k),
    }


def run_csv_extra(s: RunStats) -> dict[str, Any]:
    """The CSV_EXTRA columns of a run's own row."""
    return {**_rates_csv("run", s.run_id, s.overall), "mean_cost_usd": s.per_trial.cost_usd,
            "mean_tokens": s.per_trial.tokens, "mean_time_s": s.per_trial.duration_s,
            "mean_cost_usd_passed": s.per_passed_trial.cost_usd, "mean_tokens_passed": s.per_passed_trial.tokens,
            "mean_time_s_passed": s.per_passed_trial.duration_s, "errored_cost_usd": s.per_errored_trial.cost_usd}


def stats_csv_rows(stats: Sequence[RunStats], breakdowns: Breakdowns) -> list[dict[str, Any]]:
    """The CSV rows after the run rows: by tag ("tag"), by scenario ("scenario"), the paired difference
    ("paired": run_id the candidate, group "vs BASELINE", flipped as "gained:ID;lost:ID")."""
    rows = [_rates_csv("tag", s.run_id, r) for s in stats for r in tag_rates(s, breakdowns.by)]
    if breakdowns.scenarios:
        rows += [_rates_csv("scenario", s.run_id, sc.rates) for s in stats for sc in s.scenarios.values()]
    diff = pairing(stats)
    if diff is not None:
        rows.append({"run_id": diff.candidate, "harness": diff.harness, "level": "paired",
                     "group": f"vs {diff.baseline}", "scenarios": diff.scenarios, "difference": diff.difference,
                     **_bounds("difference", diff.interval),
                     "flipped": ";".join(f"{f.direction}:{f.scenario}" for f in diff.flips)})
    return rows


def stats_json(stats: Sequence[RunStats], breakdowns: Breakdowns) -> list[dict[str, Any]]:
    """Each run's `stats` for its JSON record; the second of two runs on one harness also has `paired_difference`
    (itself − the first)."""
    records = []
    for s in stats:
        data = s.to_json(by_tag=False, scenarios=breakdowns.scenarios)
        if breakdowns.by is not None:
            data["by_tag"] = [r.to_json() for r in tag_rates(s, breakdowns.by)]
        records.append(data)
    diff = pairing(stats)
    if diff is not None:
        records[1]["paired_difference"] = diff.to_json()
    return records
