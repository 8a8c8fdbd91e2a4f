"""What the app knows about one run, derived from its folder: status, trial cells, counters and log lines.

No Textual here: the watcher feeds `RunView.apply` with new events and state; widgets read the result.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from jira_bench_tui.engine.event_lines import event_line
from jira_bench_tui.engine.run_folder import (
    AgentMessageEvent,
    AnyEvent,
    CheckResultEvent,
    LogEvent,
    RunFinishedEvent,
    RunInfo,
    RunStartedEvent,
    ToolCallEvent,
    ToolResultEvent,
    TrialFinishedEvent,
    TrialStartedEvent,
    scenario_of,
    trial_key,
)

Clock = Callable[[], float]
CellStatus = Literal["pending", "running", "passed", "failed", "error"]
LOG_LINES_KEPT = 10_000
"""Log lines a run keeps (and a monitor tab shows, at most): older ones drop off the top."""


class LogLine(NamedTuple):
    """A rendered event, the scenario it belongs to (None for run-level events, for the scenario filter) and its
    kind (for its colour: see `line_kind`).

    A tuple of strings on purpose: the garbage collector stops tracking it, so 16 runs x 10,000 kept lines add
    nothing to its full collections (those paused the app for ~200 ms)."""

    scenario: str | None
    text: str
    kind: str = "other"


def line_kind(event: AnyEvent) -> str:
    """What a log line is about, for its colour: 'passed', 'failed', 'error' (a trial's outcome), 'check-passed',
    'check-failed', 'tool-error', 'tool', 'agent', 'warning', 'log', 'run', 'started' or 'other'."""
    kind = "other"
    if isinstance(event, TrialFinishedEvent):
        kind = event.outcome
    elif isinstance(event, CheckResultEvent):
        kind = "check-passed" if event.passed else "check-failed"
    elif isinstance(event, ToolResultEvent):
        kind = "tool-error" if event.is_error else "tool"
    elif isinstance(event, ToolCallEvent):
        kind = "tool"
    elif isinstance(event, AgentMessageEvent):
        kind = "agent"
    elif isinstance(event, LogEvent):
        kind = "warning" if event.level in ("warning", "error") else "log"
    elif isinstance(event, (RunStartedEvent, RunFinishedEvent)):
        kind = "run"
    elif isinstance(event, TrialStartedEvent):
        kind = "started"
    return kind


@dataclass
class Tally:
    """Counters derived from events (used until state.json says more)."""

    passed: int = 0
    failed: int = 0
    errored: int = 0
    tokens: int = 0
    cost_usd: float = 0.0


@dataclass
class RunView:
    """One run as the app shows it. `info` is the latest `load_run`-style reading of the folder."""

    info: RunInfo
    cells: dict[str, CellStatus] = field(default_factory=dict)
    lines: deque[LogLine] = field(default_factory=lambda: deque(maxlen=LOG_LINES_KEPT))
    tally: Tally = field(default_factory=Tally)
    run_start: float | None = None
    """The one clock origin: the log's "+MM:SS" and the elapsed time both count from it (the run's first event;
    the spec's creation until there is one)."""
    run_end: float | None = None
    """When the run last finished (its run_finished event), on the same clock."""
    widest: int = 0
    """The longest log line ever added, in characters (the log's scrollable width)."""
    lines_added: int = 0
    """Log lines ever added (`lines` keeps the last LOG_LINES_KEPT): line n (from 0) sits at
    `lines[n - (lines_added - len(lines))]` while it is kept."""
    events_read: bool = True
    """False while the run's events are left unread (an ended run: its list row needs only its small files; its
    cells, log and clock come when its tab asks for the events)."""

    def __post_init__(self) -> None:
        spec = self.info.spec
        if spec is not None:
            for scenario_id in spec.scenario_ids:
                for rep in range(1, spec.runs + 1):
                    self.cells.setdefault(trial_key(scenario_id, rep), "pending")

    @property
    def run_id(self) -> str:
        """The run's id (its folder's name)."""
        return self.info.run_id

    @property
    def live(self) -> bool:
        """Whether the run is queued or running (its worker is alive)."""
        return self.info.live

    @property
    def scenario_ids(self) -> list[str]:
        """The run's scenarios in the spec's order (none for an unreadable run)."""
        return list(self.info.spec.scenario_ids) if self.info.spec else []

    @property
    def repetitions(self) -> int:
        """Repetitions of each scenario (0 for an unreadable run)."""
        return self.info.spec.runs if self.info.spec else 0

    def apply(self, info: RunInfo, events: list[AnyEvent], counted: list[AnyEvent] | None = None,
              skipped_lines: int = 0, *, events_read: bool = True, events_problem: str | None = None) -> list[LogLine]:
        """Take a new reading of the folder and the events appended since the last one; return the new log lines.

        `counted` are progress events of a skipped part of the log (counted, not shown); `skipped_lines` says
        how many lines that part held; `events_read` False: the events are left unread for now; `events_problem`:
        why the log gave nothing (shown as its line)."""
        self.info = info
        self.events_read = events_read
        for event in [*(counted or []), *events]:
            self._count(event)
        first = next(iter(counted or events), None)
        if self.run_start is None and first is not None and first.t is not None:
            self.run_start = first.t
        start = self.origin()
        kept = events[-LOG_LINES_KEPT:]  # older lines would scroll out of the log at once: do not render them
        new_lines = [LogLine(scenario_of(event), event_line(event, start), line_kind(event)) for event in kept]
        if skipped_lines:
            new_lines.insert(0, LogLine(None, f"… {skipped_lines:,} earlier lines not shown "
                                              "(`jira-bench attach` or the replay has them all)"))
        if events_problem:
            new_lines.append(LogLine(None, f"the log cannot be shown: {events_problem}", "warning"))
        self.lines.extend(new_lines)
        self.lines_added += len(new_lines)
        if new_lines:
            self.widest = max(self.widest, max(len(line.text) for line in new_lines))
        return new_lines

    def origin(self) -> float:
        """The clock origin (Unix seconds): the first event's time, else the spec's creation, else 0."""
        if self.run_start is not None:
            return self.run_start
        return self.info.spec.created_at if self.info.spec else 0.0

    def _count(self, event: AnyEvent) -> None:
        if isinstance(event, TrialStartedEvent):
            self.cells[event.trial] = "running"
        elif isinstance(event, TrialFinishedEvent):
            status: CellStatus = event.outcome
            self.cells[event.trial] = status
            counter = status if status in ("passed", "failed") else "errored"
            setattr(self.tally, counter, getattr(self.tally, counter) + 1)
            self.tally.tokens += event.tokens
            self.tally.cost_usd += event.cost_usd
        elif isinstance(event, RunFinishedEvent):
            self.run_end = event.t
            for cell_key, cell in self.cells.items():
                if cell == "running":  # a cancelled run leaves its running trials unfinished
                    self.cells[cell_key] = "pending"

    # ---- figures the widgets show ---------------------------------------------------------------------------

    def counts(self) -> tuple[int, int, int, int, int]:
        """(done, total, passed, failed, errored): state.json's counts, or the events' when the state lags."""
        total = len(self.cells)
        state = self.info.state
        from_events = (self.tally.passed + self.tally.failed + self.tally.errored,
                       self.tally.passed, self.tally.failed, self.tally.errored)
        if state is not None and state.counts.done >= from_events[0]:
            c = state.counts
            return c.done, c.total or total, c.passed, c.failed, c.errored
        return from_events[0], total, from_events[1], from_events[2], from_events[3]

    def usage(self) -> tuple[int, float]:
        """(tokens, cost in USD) so far."""
        state = self.info.state
        if state is not None and state.usage.total_tokens >= self.tally.tokens:
            return state.usage.total_tokens, state.usage.cost_usd
        return self.tally.tokens, self.tally.cost_usd

    def started_at(self) -> float | None:
        """When the run started (Unix seconds), on the log's clock (`origin`): its first event, else the spec's
        creation, else state.json's start; None when nothing says."""
        if self.run_start is not None:
            return self.run_start
        if self.info.spec is not None:
            return self.info.spec.created_at
        state = self.info.state
        return state.started_at if state is not None and state.started_at else None

    def elapsed(self, now: float) -> float:
        """Seconds the run has taken: up to `now` while it is live, up to its finish (else its last state update)
        once it has ended; 0 when its start is unknown."""
        start = self.started_at()
        if start is None:
            return 0.0
        state = self.info.state
        end = None
        if not self.live:
            end = self.run_end or (state.finished_at if state is not None and state.finished_at else None)
        if end is None and not self.live and state is not None:
            end = state.updated_at
        return max(0.0, (end if end is not None else now) - start)

    def eta(self, now: float) -> float | None:
        """Seconds left at the pace so far, or None before the first trial ends or once the run is over."""
        done, total, *_ = self.counts()
        if not self.live or done == 0 or done >= total:
            return None
        return self.elapsed(now) / done * (total - done)


def text_bar(done: int, total: int, width: int = 12) -> str:
    """A progress bar drawn with block characters, for table cells."""
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)
