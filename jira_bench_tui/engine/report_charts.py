"""The charts of the HTML report (`jira-bench report --format html`) as static SVG, drawn with matplotlib's SVG
backend (no pyplot, so no global figure state and no GUI backend): pass rate with its 95% intervals per run, pass^k
(and pass@k) curves, mean cost per trial against pass rate, pass rate by tag.

Each chart is one `<svg>` element, ready to be placed inline in an HTML page: text is kept as SVG `<text>` in a
generic sans-serif family (`svg.fonttype` "none": the viewer's own fonts, nothing to fetch; the text can be
selected and read aloud), and the ids matplotlib generates are salted with the chart's name, so several charts in
one page never share an id. User text (run ids, tags) is drawn literally (`text.parse_math` off: a `$` is a
dollar) and escaped by matplotlib's SVG writer."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from jira_bench_tui.engine.stats import RunStats

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")  # matplotlib's tab10: distinct in colour and in grey when printed
WIDTH_IN = 6.4


@dataclass(frozen=True)
class Chart:
    """One chart: `key` (a stable name, also its id prefix), a caption, the SVG markup (None when the runs give it
    nothing to show) and, then, `empty`: why it is missing."""

    key: str
    caption: str
    svg: str | None
    empty: str = ""


def colour(index: int) -> str:
    """The colour of the `index`-th run in every chart (tab10, cycling)."""
    return COLOURS[index % len(COLOURS)]


def _svg(fig: Figure, key: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": key}):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # drop the XML declaration, the DOCTYPE and the comment before <svg>
    return re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S).strip()


def _figure(height_in: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH_IN, max(height_in, 1.8)), layout="constrained")
    axes = fig.add_subplot()
    axes.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return fig, axes


RC: dict[Any, Any] = {"svg.fonttype": "none", "text.parse_math": False, "font.family": "sans-serif", "font.size": 9.0,
      "axes.titlesize": 10.0}


def pass_rate_chart(stats: Sequence[RunStats]) -> Chart:
    """Pass rate per run (a bar) with its 95% Wilson interval (black) and, with repetitions, its scenario bootstrap
    interval (grey, below)."""
    caption = "Pass rate per run with its 95% Wilson interval (black) and scenario bootstrap interval (grey)"
    shown = [(i, s) for i, s in enumerate(stats) if s.overall.pass_rate is not None]
    if not shown:
        return Chart("pass-rate", caption, None, "no run has a scored trial yet")
    with matplotlib.rc_context(RC):
        fig, axes = _figure(0.45 * len(shown) + 1.0)
        for row, (i, s) in enumerate(shown):
            rate = s.overall.pass_rate or 0.0
            axes.barh(row, rate, height=0.6, color=colour(i), alpha=0.75)
            if s.overall.wilson is not None:
                w = s.overall.wilson
                axes.errorbar(rate, row, xerr=[[rate - w.low], [w.high - rate]], fmt="none", ecolor="black",
                              capsize=4, linewidth=1.2)
            if s.overall.bootstrap is not None:
                b = s.overall.bootstrap
                axes.plot([b.low, b.high], [row + 0.22, row + 0.22], color="#555555", linewidth=2.5)
            axes.annotate(f"{rate:.1%}", (1.0, row), xytext=(4, 0), textcoords="offset points", va="center",
                          fontsize=8, annotation_clip=False)
        axes.set_yticks(range(len(shown)), [s.run_id for _, s in shown])
        axes.invert_yaxis()
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel("pass rate (errored trials left out)")
        return Chart("pass-rate", caption, _svg(fig, "pass-rate"))


def pass_k_chart(stats: Sequence[RunStats]) -> Chart:
    """pass^k (solid) and pass@k (dashed) against k, one colour per run."""
    caption = "pass^k (solid: all k trials pass) and pass@k (dashed: at least one of k passes) by k"
    shown = [(i, s) for i, s in enumerate(stats) if s.overall.pass_hat_k]
    if not shown:
        return Chart("pass-k", caption, None, "no run has a scored trial yet")
    with matplotlib.rc_context(RC):
        fig, axes = _figure(2.8)
        top = 1
        for i, s in shown:
            ks = sorted(int(k) for k in s.overall.pass_hat_k)
            top = max(top, ks[-1])
            axes.plot(ks, [s.overall.pass_hat_k[str(k)] for k in ks], marker="o", color=colour(i), label=s.run_id)
            axes.plot(ks, [s.overall.pass_at_k[str(k)] for k in ks], marker=".", linestyle="--", color=colour(i),
                      alpha=0.7)
        axes.grid(True, axis="y", color="#dddddd", linewidth=0.6)
        axes.set_xticks(range(1, top + 1))
        axes.set_xlim(0.8, top + 0.2)
        axes.set_ylim(0, 1.02)
        axes.yaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel("k (trials of a scenario)")
        axes.set_ylabel("rate over scenarios")
        fig.legend(loc="outside lower center", ncols=min(len(shown), 3), fontsize=8, frameon=False)
        return Chart("pass-k", caption, _svg(fig, "pass-k"))


def cost_chart(stats: Sequence[RunStats]) -> Chart:
    """Mean cost per scored trial (x, USD) against pass rate (y) with its 95% Wilson interval, one point per run."""
    caption = "Mean cost per trial (USD, errored trials apart) against pass rate, with its 95% Wilson interval"
    shown = [(i, s) for i, s in enumerate(stats)
             if s.overall.pass_rate is not None and s.per_trial.cost_usd is not None]
    if not shown:
        return Chart("cost", caption, None, "no run has a scored trial with a cost yet")
    with matplotlib.rc_context(RC):
        fig, axes = _figure(3.0)
        for i, s in shown:
            rate, cost, w = s.overall.pass_rate or 0.0, s.per_trial.cost_usd or 0.0, s.overall.wilson
            yerr = [[rate - w.low], [w.high - rate]] if w is not None else None
            axes.errorbar(cost, rate, yerr=yerr, fmt="o", color=colour(i), capsize=3, markersize=6)
            axes.annotate(s.run_id, (cost, rate), xytext=(6, 4), textcoords="offset points", fontsize=7)
        axes.grid(True, axis="y", color="#dddddd", linewidth=0.6)
        axes.set_ylim(0, 1.02)
        axes.set_xlim(left=0, right=max(s.per_trial.cost_usd or 0.0 for _, s in shown) * 1.35 or 1.0)
        axes.yaxis.set_major_formatter(PercentFormatter(1.0))
        axes.xaxis.set_major_formatter("${x:.4f}")
        axes.set_xlabel("mean cost per trial (USD)")
        axes.set_ylabel("pass rate")
        return Chart("cost", caption, _svg(fig, "cost"))


def tag_chart(stats: Sequence[RunStats], tags: Sequence[Sequence[tuple[str, float | None]]]) -> Chart:
    """Pass rate by tag: one group of bars per tag, one bar per run. `tags[i]`: run i's (tag, pass rate) pairs."""
    caption = "Pass rate by tag (errored trials left out)"
    names = sorted({name for one in tags for name, rate in one if rate is not None})
    if not names:
        return Chart("by-tag", caption, None, "no scenario of these runs has a tag with a scored trial")
    with matplotlib.rc_context(RC):
        fig, axes = _figure(0.22 * len(names) * max(len(stats), 1) + 1.2)
        height = 0.8 / max(len(stats), 1)
        for i, (s, one) in enumerate(zip(stats, tags, strict=True)):
            found = dict(one)
            rows = [(n, found[n]) for n in names if found.get(n) is not None]
            places = [names.index(n) - 0.4 + height * (i + 0.5) for n, _ in rows]
            axes.barh(places, [r or 0.0 for _, r in rows], height=height * 0.9, color=colour(i), label=s.run_id)
            for place, (_, rate) in zip(places, rows, strict=True):
                if not rate:  # a bar of no length: say 0% rather than show nothing
                    axes.annotate("0%", (0.0, place), xytext=(3, 0), textcoords="offset points", va="center",
                                  fontsize=7, color=colour(i))
        axes.set_yticks(range(len(names)), names)
        axes.invert_yaxis()
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel("pass rate")
        fig.legend(loc="outside lower center", ncols=min(len(stats), 3), fontsize=8, frameon=False)
        return Chart("by-tag", caption, _svg(fig, "by-tag"))
