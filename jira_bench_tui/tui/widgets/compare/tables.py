"""The compare screen's other tables: pass rate by tag (a row per tag, a column per run) and the paired difference
against the baseline run (a line per other run, then a row per scenario with its difference in points and flips)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from jira_bench_tui.engine.stats import PairedDifference, shared_scenario_rates
from jira_bench_tui.tui.colors import rate_variable, theme_style
from jira_bench_tui.tui.widgets.compare.data import ComparedRun, Pairing, pairings

GAINED, LOST = "▲", "▼"


class TagTable(DataTable[Text]):
    """Pass rate by tag: a row per tag (every tag of every run, sorted), a column per run: '82% 9/11'."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)

    def show_runs(self, runs: list[ComparedRun]) -> None:
        """Show the runs' rates by tag now."""
        by_run = [{r.name: r for r in run.stats.by_tag} if run.stats else {} for run in runs]
        tags = sorted({tag for found in by_run for tag in found})
        cursor = self.cursor_row
        self.clear(columns=True)
        self.add_column("tag", key="tag")
        for run in runs:
            self.add_column(Text(run.label, style="bold"), key=run.run_id)
        for tag in tags:
            cells = [Text(tag)]
            for found in by_run:
                rates = found.get(tag)
                if rates is None or rates.pass_rate is None:
                    cells.append(Text("-", style=theme_style(self.app, "text-muted")))
                    continue
                cells.append(Text(f"{rates.pass_rate:4.0%} {rates.passed}/{rates.scored}",
                                  style=theme_style(self.app, rate_variable(rates.passed, rates.scored))))
            self.add_row(*cells, key=tag)
        if tags:
            self.move_cursor(row=min(max(cursor, 0), len(tags) - 1), animate=False)


def paired_line(base: ComparedRun, pairing: Pairing) -> Text:
    """One other run against the baseline in words: its difference in points with the 95% bootstrap interval over
    scenarios, and its flips; or why it is not paired."""
    run, diff = pairing.candidate, pairing.difference
    head = Text(f"{run.label} − {base.label}: ", style="bold")
    if diff is None:
        return head + Text(f"not paired: harness {run.harness} is not {base.harness}", style="italic")
    if diff.difference is None:
        return head + Text("no scenario scored in both runs yet", style="italic")
    text = head + Text(f"{diff.difference * 100:+.1f} points")
    if diff.interval is not None:
        text.append(f", 95% bootstrap [{diff.interval.low * 100:+.1f}, {diff.interval.high * 100:+.1f}]")
    text.append(f" over {diff.scenarios} scenarios")
    gained = [f.scenario for f in diff.flips if f.direction == "gained"]
    lost = [f.scenario for f in diff.flips if f.direction == "lost"]
    text.append(f"; {GAINED} gained {len(gained)}, {LOST} lost {len(lost)}")
    if diff.left_out:
        text.append(f"; {len(diff.left_out)} left out")
    return text


class PairedView(Vertical):
    """The paired differences against the baseline (stats.paired_difference): a line per other run, then a table
    of the shared scenarios: the baseline's pass rate, and each other run's difference in points ('▲' gained, '▼'
    lost: solved in one run and not the other)."""

    def compose(self) -> ComposeResult:
        """The lines over the table."""
        yield Static(id="paired-lines", markup=False)
        yield DataTable(id="paired-table", cursor_type="row", zebra_stripes=False)

    def show_runs(self, runs: list[ComparedRun], baseline: int) -> None:
        """Show every other run against `runs[baseline]`."""
        lines = self.query_one("#paired-lines", Static)
        table: DataTable[Text] = self.query_one("#paired-table", DataTable)
        table.clear(columns=True)
        base_stats = runs[baseline].stats if 0 <= baseline < len(runs) else None
        if base_stats is None:
            lines.update("the baseline run is unreadable")
            return
        base = runs[baseline]
        found = pairings(runs, baseline)
        lines.update(Text("\n").join([Text(f"baseline: {base.label} ({base.run_id}); b makes the run under the "
                                           "summary's cursor the baseline", style="italic"),
                                      *[paired_line(base, p) for p in found]]))
        paired = [p for p in found if p.difference is not None]
        table.add_column("scenario", key="scenario")
        table.add_column(Text(f"{base.label} (base)", style="bold"), key="baseline")
        for p in paired:
            table.add_column(Text(f"Δ {p.candidate.label}", style="bold"), key=p.candidate.run_id)
        shared = [{s: (a, b) for s, a, b in shared_scenario_rates(base_stats, p.candidate.stats)}
                  if p.candidate.stats else {} for p in paired]
        for sid in _scenarios(base, paired):
            rates = base_stats.scenarios[sid].rates if sid in base_stats.scenarios else None
            rate = rates.pass_rate if rates else None
            cells = [Text(sid), Text("-" if rate is None else f"{rate:.0%}")]
            cells += [self._difference(sid, p, pairs) for p, pairs in zip(paired, shared, strict=True)]
            table.add_row(*cells, key=sid)

    def _difference(self, sid: str, pairing: Pairing, shared: dict[str, tuple[float, float]]) -> Text:
        if sid not in shared or pairing.difference is None:
            return Text("·", style=theme_style(self.app, "text-muted"))
        a, b = shared[sid]
        flip = _flip(pairing.difference, sid)
        text = f"{(b - a) * 100:+.0f}" + (f" {flip}" if flip else "")
        variable = "text-success" if b > a else "text-error" if b < a else "text-muted"
        return Text(text, style=theme_style(self.app, variable, bold=bool(flip)))


def _flip(diff: PairedDifference, sid: str) -> str:
    for f in diff.flips:
        if f.scenario == sid:
            return GAINED if f.direction == "gained" else LOST
    return ""


def _scenarios(base: ComparedRun, paired: list[Pairing]) -> list[str]:
    """The baseline's scenarios (its order), flipped ones first."""
    order = list(base.stats.scenarios) if base.stats else []
    flipped = {f.scenario for p in paired if p.difference for f in p.difference.flips}
    return sorted(order, key=lambda sid: (sid not in flipped, order.index(sid)))
