"""The compare screen's plots, drawn with textual-plot's PlotWidget (see pyproject.toml for why that widget): pass
rate with its 95% intervals per run, pass^k curves, cost against pass rate, and pass rate by tier. Every figure is an
engine/stats.py figure of the run's report; runs are told apart by their number (the marker) and colour."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import App
from textual.color import Color, ColorParseError
from textual_plot import HiResMode, PlotWidget
from textual_plot.axis_formatter import CategoricalAxisFormatter, NumericAxisFormatter

from jira_bench_tui.tui.widgets.compare.data import ComparedRun

RUN_COLOURS = ("primary", "accent", "success", "error", "foreground", "warning", "secondary", "text-primary",
               "text-accent", "text-success", "text-error", "text-warning")
"""Theme variables that colour runs 1, 2, 3..., the first distinct ones of the theme (many themes give two of
them one colour); round again past the last."""
INTERVAL_OFFSET = 0.18
"""How far right of its run the bootstrap interval stands (beside the Wilson one, in category units)."""
TIER_PREFIX = "tier:"


class PercentFormatter(NumericAxisFormatter):
    """Ticks of a 0-1 axis labelled in percent ('25%')."""

    def get_labels_for_ticks(self, ticks: Sequence[float]) -> list[str]:
        """'0%', '25%', ... for 0, 0.25, ..."""
        return [f"{tick:.0%}" for tick in ticks]


def safe_label(text: str) -> str:
    """An axis label textual-plot can write (it reads labels as markup): square brackets become parentheses."""
    return text.replace("[", "(").replace("]", ")")


def run_colours(app: App[object], count: int) -> list[str]:
    """`count` colours (hex, for Rich styles) from the app's theme, one per run: its distinct colours in
    RUN_COLOURS order, round again when there are more runs."""
    distinct: list[str] = []
    for variable in RUN_COLOURS:
        try:
            colour = Color.parse(app.theme_variables.get(variable, "")).hex
        except ColorParseError:
            continue
        if colour not in distinct:
            distinct.append(colour)
    distinct = distinct or ["white"]
    return [distinct[index % len(distinct)] for index in range(count)]


def runs_key(runs: list[ComparedRun], colours: list[str]) -> Text:
    """The plots' key: each run's label in its colour ('1 oracle  2 null  3 sonnet-4-5●')."""
    text = Text()
    for run, colour in zip(runs, colours, strict=True):
        if text:
            text.append("  ")
        text.append(run.label + ("●" if run.live else ""), style=f"bold {colour}")
    return text


class ComparePlot(PlotWidget, can_focus=False):
    """A PlotWidget that stays still (no zoom or pan: the plot is a picture of figures, and its keys would clash
    with the app's) and never takes the focus."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, allow_pan_and_zoom=False)

    def on_mount(self) -> None:
        """Thin margins: the compare screen must stay usable at 80x24."""
        self.margin_top = 1
        self.margin_bottom = 1
        self.margin_left = 6

    def begin(self, y_percent: bool = True) -> None:
        """Start a new picture: no data, y from 0% to 100% (or automatic), no axis labels."""
        self.clear()
        self.set_x_formatter(NumericAxisFormatter())
        self.set_xticks(None)
        self.set_yticks(None)
        if y_percent:
            self.set_ylimits(0.0, 1.0)
            self.set_y_formatter(PercentFormatter())
            self.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
        else:
            self.set_ylimits(None, None)
            self.set_y_formatter(NumericAxisFormatter())

    def categories(self, names: list[str]) -> None:
        """An x axis of named categories at 1, 2, ... with half a category of room at each end."""
        self.set_x_formatter(CategoricalAxisFormatter([safe_label(n) for n in names]))
        self.set_xticks([float(i) for i in range(1, len(names) + 1)])
        self.set_xlimits(0.5, len(names) + 0.5)

    def interval(self, x: float, low: float, high: float, style: str) -> None:
        """A vertical segment from `low` to `high` at `x`."""
        self.plot([x, x], [low, high], line_style=style)


def draw_pass_rates(plot: ComparePlot, runs: list[ComparedRun], colours: list[str]) -> None:
    """Each run's pass rate (its number as the marker) on its 95% Wilson interval, with the cluster bootstrap
    interval dimmed just right of it when the run has repetitions."""
    plot.begin()
    plot.categories([run.label for run in runs])
    for index, (run, colour) in enumerate(zip(runs, colours, strict=True), 1):
        rates = run.stats.overall if run.stats else None
        if rates is None or rates.pass_rate is None:
            continue
        if rates.wilson is not None:
            plot.interval(index, rates.wilson.low, rates.wilson.high, colour)
        if rates.bootstrap is not None:
            plot.interval(index + INTERVAL_OFFSET, rates.bootstrap.low, rates.bootstrap.high, f"dim {colour}")
        plot.scatter([index], [rates.pass_rate], marker=str(run.number % 10), marker_style=f"bold reverse {colour}")


def draw_pass_hat_k(plot: ComparePlot, runs: list[ComparedRun], colours: list[str]) -> int:
    """Each run's pass^k for k = 1..K as a line through its points (its number as the marker); the highest k
    drawn (0 when no run has pass^k yet)."""
    plot.begin()
    top = max((len(run.stats.overall.pass_hat_k) for run in runs if run.stats), default=0)
    plot.set_xlimits(0.8, max(top, 1) + 0.2)
    plot.set_xticks([float(k) for k in range(1, top + 1)])
    for run, colour in zip(runs, colours, strict=True):
        hat_k = run.stats.overall.pass_hat_k if run.stats else {}
        ks = [float(k) for k in hat_k]
        values = list(hat_k.values())
        if len(ks) > 1:
            plot.plot(ks, values, line_style=colour, hires_mode=HiResMode.BRAILLE)
        if ks:
            plot.scatter(ks, values, marker=str(run.number % 10), marker_style=f"bold {colour}")
    return top


def draw_cost(plot: ComparePlot, runs: list[ComparedRun], colours: list[str]) -> bool:
    """Mean cost per trial (x, USD) against pass rate (y) with its Wilson interval, one point per run; whether any
    run has a cost (offline agents cost nothing)."""
    plot.begin()
    points = [(run, colour) for run, colour in zip(runs, colours, strict=True)
              if run.stats and run.stats.overall.pass_rate is not None and run.stats.per_trial.cost_usd is not None]
    costs = [run.stats.per_trial.cost_usd or 0.0 for run, _ in points if run.stats]
    top = max(costs, default=0.0)
    plot.set_xlimits(-top * 0.04 if top > 0 else -0.05, top * 1.08 if top > 0 else 1.0)
    for run, colour in points:
        assert run.stats is not None
        rates, cost = run.stats.overall, run.stats.per_trial.cost_usd or 0.0
        if rates.pass_rate is None:
            continue
        if rates.wilson is not None:
            plot.interval(cost, rates.wilson.low, rates.wilson.high, f"dim {colour}")
        plot.scatter([cost], [rates.pass_rate], marker=str(run.number % 10), marker_style=f"bold reverse {colour}")
    return top > 0


def tier_names(runs: list[ComparedRun]) -> list[str]:
    """The tier tags of the runs ('tier:easy', ...) in the first run's order (the stats sort them by name)."""
    order = {"tier:easy": 0, "tier:medium": 1, "tier:hard": 2}
    names = {r.name for run in runs if run.stats for r in run.stats.by_tag if r.name.startswith(TIER_PREFIX)}
    return sorted(names, key=lambda name: (order.get(name, 9), name))


def draw_tiers(plot: ComparePlot, runs: list[ComparedRun], colours: list[str]) -> list[str]:
    """Grouped bars: each tier's pass rate, a bar per run in its colour; the tiers drawn."""
    plot.begin()
    tiers = tier_names(runs)
    plot.categories([t.removeprefix(TIER_PREFIX) for t in tiers] or ["-"])
    width = 0.8 / max(len(runs), 1)
    for index, (run, colour) in enumerate(zip(runs, colours, strict=True)):
        found = {r.name: r.pass_rate for r in run.stats.by_tag} if run.stats else {}
        xs = [tier + 1 - 0.4 + width * (index + 0.5) for tier, name in enumerate(tiers)
              if found.get(name) is not None]
        ys = [value for name in tiers if (value := found.get(name)) is not None]
        if xs:
            plot.bar(xs, ys, width=width * 0.9, bar_style=colour)
    return tiers
