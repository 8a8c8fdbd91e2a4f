"""The replay screen: a finished (or interrupted) run's trials on the left, the selected trial replayed step by
step on the right, with keys (and palette commands) to step, jump to a failure, auto-play and switch trials."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static

from jira_bench_tui.engine import run_folder
from jira_bench_tui.tui.messages import RunAgain
from jira_bench_tui.tui.widgets.replay import (
    ReplayStatus,
    RunHeader,
    StepCard,
    TranscriptView,
    TrialBanner,
    TrialList,
)
from jira_bench_tui.tui.widgets.replay.timeline import TrialReplay, TrialSummary, load_summaries, load_trial
from jira_bench_tui.tui.widgets.replay.trial_list import FIXED_WIDTH, list_heading

SIDEBAR_MIN = 30
SPEEDS = (0.5, 1.0, 2.0, 4.0)
"""Auto-play speeds; at 1x the replay moves one step a second."""


def resolve_trial(summaries: list[TrialSummary], trial: str | None) -> tuple[int | None, str | None]:
    """The index of the trial to open and a notice when `trial` names none of them.

    `trial` is "SCENARIO__REP", or "SCENARIO" (its first repetition); None opens the first failed trial, else the
    first trial.
    """
    if not summaries:
        return None, None
    if trial:
        for index, summary in enumerate(summaries):
            if summary.key == trial:
                return index, None
        for index, summary in enumerate(summaries):
            if summary.scenario_id == trial:
                return index, None
        notice = f"no finished trial {trial!r} in this run; showing {{key}}"
    else:
        notice = None
    index = next((i for i, s in enumerate(summaries) if s.outcome == "failed"), 0)
    return index, notice.format(key=summaries[index].key) if notice else None


class TrialFilter(Input):
    """The trial list's filter box: Escape empties it (all trials again) and hides it, instead of leaving the
    replay."""

    BINDINGS = [Binding("escape", "clear", "Clear", show=False, tooltip="Clear the filter: every trial again")]

    @dataclass
    class Cleared(Message):
        """The filter was emptied and should hide."""

    def action_clear(self) -> None:
        """Empty the filter (every trial shows again) and say so."""
        self.value = ""
        self.post_message(self.Cleared())


class ReplayScreen(Screen[None]):
    """Replays the trials of one run folder. `trial` is "SCENARIO__REP" or "SCENARIO"; None opens the first failed
    trial (else the first)."""

    CSS_PATH = "../styles/replay.tcss"
    PLAY_INTERVAL_S = 1.0
    """Seconds between auto-play steps at 1x."""

    BINDINGS = [
        Binding("right", "next_step", "Step", key_display="→", id="replay.next-step", tooltip="Show the next step."),
        Binding("left", "previous_step", "Back", key_display="←", show=False, id="replay.previous-step",
                tooltip="Go back one step."),
        Binding("home", "first_step", "First", show=False, id="replay.first-step", tooltip="Go to the first step."),
        Binding("end", "last_step", "Last", show=False, id="replay.last-step",
                tooltip="Show every step up to the last."),
        Binding("f", "next_failure", "Failure", id="replay.next-failure",
                tooltip="Jump to the next failure (a tool error or failed check), round to the first."),
        Binding("F", "previous_failure", "Previous failure", show=False, id="replay.previous-failure",
                tooltip="Jump to the previous failure."),
        Binding("space", "toggle_play", "Play", id="replay.toggle-play", tooltip="Start or pause auto-play."),
        Binding("plus,equals_sign", "faster", "Faster", show=False, id="replay.faster", key_display="+",
                tooltip="Auto-play faster (up to 4x)."),
        Binding("minus", "slower", "Slower", show=False, id="replay.slower", key_display="-",
                tooltip="Auto-play slower (down to 0.5x)."),
        Binding("right_square_bracket", "next_trial", "Next", show=False, key_display="]",
                id="replay.next-trial", tooltip="Replay the next trial."),
        Binding("left_square_bracket", "previous_trial", "Previous", show=False, key_display="[",
                id="replay.previous-trial", tooltip="Replay the previous trial."),
        Binding("right_curly_bracket", "next_failed_trial", "Failed trial", key_display="}",
                id="replay.next-failed-trial", tooltip="Replay the next failed trial (round to the first)."),
        Binding("left_curly_bracket", "previous_failed_trial", "Previous failed trial", show=False,
                key_display="{", id="replay.previous-failed-trial", tooltip="Replay the previous failed trial."),
        Binding("slash", "find", "Find", id="replay.find",
                tooltip="Filter the trials by scenario or outcome (e.g. 'failed', 'close-dup')"),
        Binding("a", "show_all", "Show all", show=False, id="replay.show-all",
                tooltip="Show the whole (or the short) tool result of the current step."),
        Binding("x", "toggle_result", "Result", show=False, id="replay.toggle-result",
                tooltip="Expand or collapse the tool result of the current step."),
        Binding("g", "run_again", "Run again", show=False, id="replay.run-again",
                tooltip="Run again: the new-run form with this run's settings."),
        Binding("escape,q", "back", "Back", id="replay.back", tooltip="Leave the replay."),
    ]

    @dataclass
    class PlayTick(Message):
        """Auto-play asks for the next step (handled in the screen's message queue: ticks never overlap)."""

    def __init__(self, run_folder: Path, trial: str | None = None, *, scenario: str | None = None) -> None:
        super().__init__()
        self.run_folder = Path(run_folder)
        self.requested_trial = trial
        self.scenario = scenario
        """Show only this scenario's trials (the filter holds its id), e.g. from a cell of the compare matrix."""
        self.summaries: list[TrialSummary] = []
        self.replay: TrialReplay | None = None
        self.playing = False
        self.speed_index = SPEEDS.index(1.0)
        self._timer: Timer | None = None
        self.loaded = False
        """True once the run and the first trial are shown."""

    # ---- layout and loading ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Lay out the sidebar (run header, trial list) beside the main column (trial banner, transcript, status)."""
        with Horizontal(id="replay-body"):
            with Vertical(id="replay-sidebar"):
                yield RunHeader(id="run-header")
                yield TrialFilter(placeholder="filter: scenario or outcome; Esc clears", compact=True,
                                  id="trial-filter", classes="-hidden")
                yield Static(list_heading(), id="trial-list-heading")
                yield TrialList(id="trial-list")
            with Vertical(id="replay-main"):
                yield TrialBanner(id="trial-banner")
                yield TranscriptView(id="transcript")
                yield ReplayStatus(id="replay-status")
        yield Footer(compact=True, show_command_palette=False)

    async def on_mount(self) -> None:
        """Read the run and its trials' summaries (in a thread), fill the header and the list, then open the trial
        asked for (else the first failed one) and focus the list."""
        info, self.summaries = await asyncio.to_thread(self._read_run)  # every artifact: off the event loop
        self.query_one(RunHeader).show_run(info, self.summaries)
        trial_list = self.query_one(TrialList)
        self._fit_sidebar()
        trial_list.show_trials(self.summaries)
        index, notice = resolve_trial(self.summaries, self.requested_trial)
        await self._open_trial(index, notice)
        if index is not None:
            trial_list.highlighted = index
        if self.scenario:
            box = self.query_one(TrialFilter)
            box.remove_class("-hidden")
            box.value = self.scenario
        trial_list.focus()
        self.loaded = True

    def on_resize(self, event: events.Resize) -> None:
        """Share the width between the trial list and the transcript anew."""
        self._fit_sidebar(event.size.width)

    def _fit_sidebar(self, screen_width: int | None = None) -> None:
        """The trial list as wide as its longest row needs, at most half the screen (the transcript keeps the
        rest: at 80 columns each gets 40)."""
        width = screen_width or self.size.width or 120
        longest = max((len(s.scenario_id) for s in self.summaries), default=20)
        needed = longest + FIXED_WIDTH + 2
        self.query_one("#replay-sidebar").styles.width = max(SIDEBAR_MIN, min(needed, width // 2))

    def _read_run(self) -> tuple[run_folder.RunInfo, list[TrialSummary]]:
        info = run_folder.load_run(self.run_folder)
        return info, load_summaries(self.run_folder) if self.run_folder.is_dir() else []

    async def _open_trial(self, index: int | None, notice: str | None = None) -> None:
        self._stop_playing()
        if index is None:
            self.replay = None
        else:
            self.replay = await asyncio.to_thread(load_trial, self.run_folder, self.summaries[index])
        self.query_one(TrialBanner).show_trial(self.replay, notice)
        transcript = self.query_one(TranscriptView)
        await transcript.show_trial(self.replay)
        await transcript.move_to(0)
        self._show_status()

    @on(OptionList.OptionHighlighted, "#trial-list")
    async def _trial_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.replay is not None and event.option_id == self.replay.key:
            return
        trial_list = self.query_one(TrialList)
        current = trial_list.highlighted_option
        if current is not None and current.id != event.option_id:
            return  # a stale highlight (the list was just refilled by the filter)
        index = next((i for i, s in enumerate(self.summaries) if s.key == event.option_id), None)
        if index is not None:
            await self._open_trial(index)

    def action_find(self) -> None:
        """Show the trial filter and focus it (key /)."""
        box = self.query_one(TrialFilter)
        box.remove_class("-hidden")
        box.focus()

    @on(Input.Changed, "#trial-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Keep the trials whose scenario, key or outcome hold every word typed ('failed close')."""
        words = event.value.lower().split()
        shown = [s for s in self.summaries
                 if all(word in f"{s.outcome} {s.key} {s.scenario_id}".lower() for word in words)]
        trial_list = self.query_one(TrialList)
        trial_list.show_trials(shown)
        if self.replay is not None and any(s.key == self.replay.key for s in shown):
            trial_list.highlighted = next(i for i, s in enumerate(shown) if s.key == self.replay.key)

    @on(Input.Submitted, "#trial-filter")
    def _filter_done(self) -> None:
        self.query_one(TrialList).focus()

    @on(TrialFilter.Cleared)
    def _filter_cleared(self) -> None:
        box = self.query_one(TrialFilter)
        box.add_class("-hidden")
        self.query_one(TrialList).focus()

    # ---- state shown --------------------------------------------------------------------------------------

    @property
    def position(self) -> int:
        """The current step (0-based; -1 when there is none)."""
        return self.query_one(TranscriptView).position

    @property
    def speed(self) -> float:
        """The auto-play speed (0.5 to 4)."""
        return SPEEDS[self.speed_index]

    def _show_status(self) -> None:
        steps = self.replay.steps if self.replay else []
        failures = len(self.replay.failure_positions) if self.replay else 0
        self.query_one(ReplayStatus).show_status(
            self.position, len(steps), failures, self.playing, self.speed
        )

    async def _go(self, position: int) -> None:
        await self.query_one(TranscriptView).move_to(position)
        self._show_status()

    @property
    def _last(self) -> int:
        return len(self.replay.steps) - 1 if self.replay else -1

    # ---- actions ------------------------------------------------------------------------------------------

    async def action_next_step(self) -> None:
        """Show the next step."""
        await self._go(self.position + 1)

    async def action_previous_step(self) -> None:
        """Go back one step."""
        await self._go(self.position - 1)

    async def action_first_step(self) -> None:
        """Go to the first step."""
        await self._go(0)

    async def action_last_step(self) -> None:
        """Show every step up to the last."""
        await self._go(self._last)

    async def action_next_failure(self) -> None:
        """Jump to the first failure after the current step (from the start when there is none after it)."""
        failures = self.replay.failure_positions if self.replay else []
        if not failures:
            self.notify("This trial has no tool error and no failed check.", title="No failure")
            return
        target = next((p for p in failures if p > self.position), failures[0])
        await self._go(target)

    async def action_toggle_play(self) -> None:
        """Start or pause auto-play (from the first step when the replay is at its end)."""
        if self.playing:
            self._stop_playing()
        elif self.replay and self.replay.steps:
            if self.position >= self._last:
                await self._go(0)
            self.playing = True
            self._start_timer()
        self._show_status()

    def action_faster(self) -> None:
        """Auto-play faster."""
        self._set_speed(min(self.speed_index + 1, len(SPEEDS) - 1))

    def action_slower(self) -> None:
        """Auto-play slower."""
        self._set_speed(max(self.speed_index - 1, 0))

    async def action_previous_failure(self) -> None:
        """Jump to the last failure before the current step (from the end when there is none before it)."""
        failures = self.replay.failure_positions if self.replay else []
        if not failures:
            self.notify("This trial has no tool error and no failed check.", title="No failure")
            return
        target = next((p for p in reversed(failures) if p < self.position), failures[-1])
        await self._go(target)

    def action_next_trial(self) -> None:
        """Replay the next trial in the list."""
        self.query_one(TrialList).action_cursor_down()

    def action_previous_trial(self) -> None:
        """Replay the previous trial in the list."""
        self.query_one(TrialList).action_cursor_up()

    def _failed_trial(self, forward: bool) -> None:
        trial_list = self.query_one(TrialList)
        failed = [i for i, s in enumerate(trial_list.summaries) if s.outcome in ("failed", "error")]
        if not failed:
            self.notify("No trial of this run failed.", title="No failed trial")
            return
        here = trial_list.highlighted if trial_list.highlighted is not None else -1
        after = [i for i in failed if i > here] if forward else [i for i in failed if i < here]
        trial_list.highlighted = (after[0] if forward else after[-1]) if after else (
            failed[0] if forward else failed[-1])

    def action_next_failed_trial(self) -> None:
        """Replay the next failed (or errored) trial in the list, round to the first."""
        self._failed_trial(True)

    def action_previous_failed_trial(self) -> None:
        """Replay the previous failed (or errored) trial in the list, round to the last."""
        self._failed_trial(False)

    async def action_show_all(self) -> None:
        """Show all of the current step's long tool result, or shorten it again."""
        card = self.query_one(TranscriptView).current_card
        if card is None or not card.truncated:
            self.notify("The current step has no shortened result.", title="Show all")
            return
        await card.toggle_show_all()
        self._scroll_to_top_of(card)

    def action_toggle_result(self) -> None:
        """Expand or collapse the current step's tool result."""
        card = self.query_one(TranscriptView).current_card
        if card is not None:
            card.toggle_result_collapsed()
            self._scroll_to_top_of(card)

    def _scroll_to_top_of(self, card: StepCard) -> None:
        transcript = self.query_one(TranscriptView)
        self.call_after_refresh(transcript.scroll_to_widget, card, animate=False, top=True)

    def action_run_again(self) -> None:
        """Leave the replay for the new-run form, filled with this run's settings (key g)."""
        self._stop_playing()
        self.app.post_message(RunAgain(self.run_folder))
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_back(self) -> None:
        """Leave the replay (quit when it is the only screen)."""
        self._stop_playing()
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()

    # ---- auto-play ----------------------------------------------------------------------------------------

    def _set_speed(self, index: int) -> None:
        self.speed_index = index
        if self.playing:
            self._start_timer()
        self._show_status()

    def _start_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(
            self.PLAY_INTERVAL_S / self.speed, lambda: self.post_message(self.PlayTick())
        )

    def _stop_playing(self) -> None:
        self.playing = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(PlayTick)
    async def _play_tick(self) -> None:
        if not self.playing:
            return
        if self.position >= self._last:
            self._stop_playing()
            self._show_status()
            return
        await self._go(self.position + 1)
        if self.position >= self._last:
            self._stop_playing()
            self._show_status()
